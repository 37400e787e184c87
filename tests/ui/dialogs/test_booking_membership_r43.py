"""R43 on screen: the booking dialog's Packages section shows the patient's memberships first
and picks one before a package; a membership that can no longer cover the visit is refused
with the reason; the appointment panel and the no-show dialog say a membership covers it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.services.errors import ClinicError
from app.ui.dialogs.booking_dialog import BookingDialog
from app.ui.dialogs.no_show_dialog import NoShowDialog

from ui.dialogs.test_booking_dialog import open_dialog, pick, tick
from ui.helpers import click
from ui.schedule.test_schedule_panel import open_on

MONDAY_10 = datetime(2026, 3, 2, 10)


@pytest.fixture
def member(clinic, catalog, clock):
    clock.set(datetime(2026, 3, 1, 8))
    plan = clinic.catalog.add_membership_plan(
        "Monthly Massage", fee=9000, period="1m", uses_per_period=2,
        eligible={catalog["massage"]: 500})
    return clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))


def test_r43_the_membership_comes_first_and_is_picked(qtbot, clinic, catalog, member):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ana"], start=MONDAY_10,
                         patient_id=catalog["patient"])
    pick(dialog.treatment, "Massage 60 min")
    buttons = [b.text() for b in dialog.packages.buttons.values()]
    assert buttons[0] == "Membership: Monthly Massage \u2014 2 of 2 left this period"
    assert buttons[1].startswith("10 Massages, bought")
    assert dialog.packages._notes[0].text() == ("period Mar 1, 2026 to Mar 31, 2026 · "
                                                "patient pays $5.00")
    assert dialog.packages.chosen_membership_id() == member
    assert dialog.packages.chosen_id() is None
    assert dialog.price.text() == ("Covered by Membership: \u201cMonthly Massage\u201d: the "
                                   "patient pays $5.00 at arrival.")

    click(qtbot, dialog.ok_button)

    booked = clinic.schedule.appointment(dialog.outcome)
    assert booked.package_id is None
    assert "Monthly Massage" in clinic.schedule.covered_by(booked.id)
    assert clinic.packages.summary(sale.package_id).uses_available == 10  # kept (R43)


def test_r43_the_desk_can_choose_the_package_instead(qtbot, clinic, catalog, member):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ana"], start=MONDAY_10,
                         patient_id=catalog["patient"])
    pick(dialog.treatment, "Massage 60 min")
    tick(qtbot, dialog.packages.buttons[sale.package_id])
    assert dialog.packages.chosen_id() == sale.package_id
    assert dialog.packages.chosen_membership_id() is None
    click(qtbot, dialog.ok_button)
    booked = clinic.schedule.appointment(dialog.outcome)
    assert booked.package_id == sale.package_id
    assert clinic.schedule.covered_by(booked.id) is None


def test_r43_a_membership_whose_last_use_went_meanwhile_is_refused(
        qtbot, clinic, catalog, member, shown):
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ana"], start=MONDAY_10,
                         patient_id=catalog["patient"])
    pick(dialog.treatment, "Massage 60 min")
    assert dialog.packages.chosen_membership_id() == member
    for hour in (13, 15):  # another desk books this period's two uses
        clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["massage"],
                             datetime(2026, 3, 3, hour))

    click(qtbot, dialog.ok_button)

    with pytest.raises(ClinicError) as refused:
        clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                             MONDAY_10, membership=member)
    assert shown.last == str(refused.value)
    assert "has no use left in its period from Mar 1, 2026 to Mar 31, 2026" in shown.last
    assert dialog.isVisible() and dialog.result() != BookingDialog.DialogCode.Accepted
    assert len(clinic.schedule.day(MONDAY_10.date())) == 0


def test_r43_unticking_books_at_the_standard_price(qtbot, clinic, catalog, member):
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ana"], start=MONDAY_10,
                         patient_id=catalog["patient"])
    pick(dialog.treatment, "Massage 60 min")
    assert dialog.packages.use.isVisible()
    tick(qtbot, dialog.packages.use)
    assert dialog.packages.chosen_membership_id() is None
    assert dialog.price.text() == "Standard price: $90.00 at arrival."
    click(qtbot, dialog.ok_button)
    assert clinic.schedule.covered_by(dialog.outcome) is None


def test_r44_a_paused_membership_is_not_offered(qtbot, clinic, catalog, member):
    clinic.memberships.pause(member, date(2026, 3, 2), date(2026, 3, 9))
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ana"], start=MONDAY_10,
                         patient_id=catalog["patient"])
    pick(dialog.treatment, "Massage 60 min")
    assert dialog.packages.isHidden()
    assert dialog.packages.chosen_membership_id() is None


def test_r43_the_panel_says_the_membership_covers_the_visit(qtbot, clinic, catalog, member,
                                                           clock):
    clock.set(datetime(2026, 3, 2, 9))  # the schedule opens on today
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                  MONDAY_10)
    tab = open_on(qtbot, clinic, booked)
    assert tab.panel.package.text() == ("Membership: \u201cMonthly Massage\u201d · 1 of 2 "
                                        "uses taken this period")
    remove = tab.panel.remove_package_button
    assert remove.isVisible() and remove.isEnabled()
    assert remove.text() == "Re&move Membership"
    assert not tab.panel.add_package_button.isVisible()
    clinic.schedule.arrive(booked)
    tab.panel.show_appointment(booked)
    assert not remove.isEnabled()
    assert remove.toolTip().endswith("Undo the arrival first.")


def test_r16_the_no_show_dialog_offers_the_membership(qtbot, clinic, catalog, member):
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                  MONDAY_10)
    dialog = NoShowDialog(clinic, booked)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.cover.isChecked()
    assert dialog.cover.text().startswith("&Cover with the membership (Membership: ")
    click(qtbot, dialog.ok_button)
    line = clinic.billing.invoice(dialog.invoice_id).lines[0]
    assert line.unit_price == 500
    assert line.description.endswith("(use 1 of 2 this period)")
