"""No-show dialog: with a package, cover it with the package or don't and charge a fee (R16);
without one, a fee or no fee (R17). Undo No Show puts everything back (R18)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPoint, Qt

from app.ui.dialogs.no_show_dialog import NoShowDialog

from ui.helpers import click
from ui.schedule.test_schedule_tab import make_tab

MONDAY_10 = datetime(2026, 3, 2, 10)


def tick(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def open_dialog(qtbot, clinic, appointment_id) -> NoShowDialog:
    dialog = NoShowDialog(clinic, appointment_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fee_button(dialog: NoShowDialog, text: str):
    return next(b for b in dialog.fees.buttons() if b.text().replace("&", "").startswith(text))


def covered_visit(clinic, catalog, template="ten_massages", treatment="massage"):
    sale = clinic.billing.sell_package(catalog["patient"], catalog[template])
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog[treatment],
                                  MONDAY_10)
    return sale.package_id, booked


def test_r16_the_two_options_with_a_package_applied(qtbot, clinic, catalog):
    _package, booked = covered_visit(clinic, catalog, "three_physio", "physio")
    dialog = open_dialog(qtbot, clinic, booked)
    assert dialog.cover.text() == ("&Cover with the package \u201c3 Physio\u201d "
                                   "(patient pays $10.00)")
    assert dialog.cover.isChecked()
    assert dialog.release.text() == "&Don't use the package; charge instead:"
    assert [b.text() for b in dialog.fees.buttons()] == ["Missed appointment: $40.00",
                                                         "No &fee"]
    # The fees are for option 2 only.
    assert not fee_button(dialog, "Missed").isEnabled()
    assert dialog.ok_button.isEnabled()
    tick(qtbot, dialog.release)
    assert fee_button(dialog, "Missed").isEnabled()
    assert not dialog.ok_button.isEnabled()  # until a fee, or No fee, is chosen
    tick(qtbot, fee_button(dialog, "No"))
    assert dialog.ok_button.isEnabled()


def test_r16_option_1_covers_it_with_the_package_like_an_arrival(qtbot, clinic, catalog):
    package, booked = covered_visit(clinic, catalog, "three_physio", "physio")
    dialog = open_dialog(qtbot, clinic, booked)

    click(qtbot, dialog.ok_button)

    assert dialog.result() == NoShowDialog.DialogCode.Accepted
    row = clinic.schedule.appointment(booked)
    assert (row.status, row.package_id) == ("no_show", package)
    assert clinic.packages.summary(package).uses_redeemed == 1
    invoice = clinic.billing.invoice(row.invoice_id)
    assert invoice.subtotal == 1000  # Patient Pays, before the 15% tax
    assert invoice.lines[0].package_id == package


def test_r16_option_2_releases_the_package_and_charges_the_fee(qtbot, clinic, catalog):
    package, booked = covered_visit(clinic, catalog)
    dialog = open_dialog(qtbot, clinic, booked)

    tick(qtbot, dialog.release)
    tick(qtbot, fee_button(dialog, "Missed"))
    click(qtbot, dialog.ok_button)

    row = clinic.schedule.appointment(booked)
    assert (row.status, row.package_id) == ("no_show", None)
    summary = clinic.packages.summary(package)
    assert (summary.uses_redeemed, summary.uses_booked) == (0, 0)
    invoice = clinic.billing.invoice(row.invoice_id)
    assert invoice.total == 4000
    assert invoice.lines[0].description.startswith("Missed appointment")


def test_r16_option_2_with_no_fee(qtbot, clinic, catalog):
    package, booked = covered_visit(clinic, catalog)
    dialog = open_dialog(qtbot, clinic, booked)
    tick(qtbot, dialog.release)
    tick(qtbot, fee_button(dialog, "No"))
    click(qtbot, dialog.ok_button)
    row = clinic.schedule.appointment(booked)
    assert (row.status, row.package_id, row.invoice_id) == ("no_show", None, None)
    assert clinic.packages.summary(package).uses_available == 10


def test_r17_without_a_package_just_the_fees(qtbot, clinic, catalog):
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["acu"], MONDAY_10)
    dialog = open_dialog(qtbot, clinic, booked)
    assert dialog.cover is None and dialog.release is None
    # Charging a fee, or not, is chosen on purpose: nothing is pre-selected.
    assert dialog.fees.checkedId() == -1
    assert not dialog.ok_button.isEnabled()

    tick(qtbot, fee_button(dialog, "Missed"))
    click(qtbot, dialog.ok_button)

    row = clinic.schedule.appointment(booked)
    assert row.status == "no_show"
    assert clinic.billing.invoice(row.invoice_id).balance == 4000


def test_r17_no_fee(qtbot, clinic, catalog):
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["acu"], MONDAY_10)
    dialog = open_dialog(qtbot, clinic, booked)
    tick(qtbot, fee_button(dialog, "No"))
    click(qtbot, dialog.ok_button)
    row = clinic.schedule.appointment(booked)
    assert (row.status, row.invoice_id) == ("no_show", None)


def test_cancel_changes_nothing(qtbot, clinic, catalog):
    package, booked = covered_visit(clinic, catalog)
    dialog = open_dialog(qtbot, clinic, booked)
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))
    row = clinic.schedule.appointment(booked)
    assert (row.status, row.package_id, row.invoice_id) == ("booked", package, None)


def test_a_refusal_is_shown_and_the_dialog_stays(qtbot, clinic, catalog, shown):
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["acu"], MONDAY_10)
    dialog = open_dialog(qtbot, clinic, booked)
    tick(qtbot, fee_button(dialog, "Missed"))
    clinic.schedule.arrive(booked)  # another desk was quicker
    click(qtbot, dialog.ok_button)
    assert shown.last == ("Only booked appointments can be marked as no-shows; this one is "
                          "arrived.")
    assert dialog.isVisible()


def test_panel_no_show_then_undo_restores_the_package_and_the_status(
        qtbot, clinic, catalog, drive, shown):
    """R16 then R18, through the schedule: No Show… covers it, Undo No Show puts it back."""
    package, booked = covered_visit(clinic, catalog)
    drive(NoShowDialog, lambda d: d.ok_button.click())
    tab = make_tab(qtbot, clinic)
    tab.select(booked)

    click(qtbot, tab.panel.no_show_button)

    assert tab.panel.status.text() == "\u2298 No-show"
    assert tab.panel.undo_no_show_button.isVisible()
    assert not tab.panel.arrive_button.isVisible()
    invoice = clinic.schedule.appointment(booked).invoice_id
    assert tab.panel.invoice.text().startswith(
        f"Invoice #{clinic.billing.invoice(invoice).number}: $0.00")
    assert clinic.packages.summary(package).uses_redeemed == 1

    shown.answer = shown.answer.Yes
    click(qtbot, tab.panel.undo_no_show_button)

    row = clinic.schedule.appointment(booked)
    assert (row.status, row.package_id, row.invoice_id) == ("booked", package, None)
    assert clinic.billing.invoice(invoice).status == "void"
    summary = clinic.packages.summary(package)
    assert (summary.uses_redeemed, summary.uses_booked) == (0, 1)
    assert tab.panel.status.text() == "Booked"
    assert tab.panel.arrive_button.isVisible()
    assert tab.panel.package.text().startswith("Package: \u201c10 Massages\u201d")
    assert [title for title, _text in shown.boxes] == ["Undo No Show"]  # asked, no warnings


def test_undo_no_show_after_a_fee_puts_the_package_back(qtbot, clinic, catalog, drive, shown):
    package, booked = covered_visit(clinic, catalog)
    fee = catalog["no_show_fee"]
    clinic.schedule.no_show(booked, use_package=False, fee_id=fee)
    tab = make_tab(qtbot, clinic)
    tab.select(booked)
    assert tab.panel.package.text() == "No package used."
    shown.answer = shown.answer.Yes
    click(qtbot, tab.panel.undo_no_show_button)
    assert clinic.schedule.appointment(booked).package_id == package


def test_r18_undo_no_show_says_when_the_package_cannot_come_back(
        qtbot, clinic, catalog, shown):
    package, booked = covered_visit(clinic, catalog)
    clinic.schedule.no_show(booked, use_package=False)
    clinic.packages.refund(package, 0)
    tab = make_tab(qtbot, clinic)
    tab.select(booked)
    shown.answer = shown.answer.Yes

    click(qtbot, tab.panel.undo_no_show_button)

    assert shown.last.startswith("The package could not be applied again:")
    row = clinic.schedule.appointment(booked)
    assert (row.status, row.package_id) == ("booked", None)


def test_declining_the_undo_question_changes_nothing(qtbot, clinic, catalog, shown):
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["acu"], MONDAY_10)
    clinic.schedule.no_show(booked, use_package=False, fee_id=catalog["no_show_fee"])
    tab = make_tab(qtbot, clinic)
    tab.select(booked)
    shown.answer = shown.answer.No
    click(qtbot, tab.panel.undo_no_show_button)
    assert clinic.schedule.appointment(booked).status == "no_show"
