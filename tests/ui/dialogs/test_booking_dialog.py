"""Booking dialog: find the patient by typing, choose who/what/when, and the Packages section
(R10): shown only when a package can cover the visit, first one pre-selected, untickable."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QDate, QPoint, Qt

from app.services.errors import ClinicError
from app.ui.dialogs.booking_dialog import BookingDialog

from ui.helpers import click

MONDAY_10 = datetime(2026, 3, 2, 10)


def open_dialog(qtbot, clinic, **kwargs) -> BookingDialog:
    dialog = BookingDialog(clinic, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose_patient(qtbot, dialog: BookingDialog, typed: str, label: str) -> None:
    """Type part of a name, wait for the search, pick the match from the drop-down."""
    picker = dialog.patient
    picker.lineEdit().setFocus()
    qtbot.keyClicks(picker.lineEdit(), typed)
    qtbot.waitUntil(lambda: [picker.itemText(i) for i in range(picker.count())] == [label])
    popup = picker.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.patient_id is not None)


def tick(qtbot, button) -> None:
    """Click a check box or radio button on its indicator, as the desk does."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def pick(combo, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text, Qt.MatchFlag.MatchStartsWith))


def test_r10_typing_a_name_finds_the_patient_and_offers_the_package_pre_selected(
        qtbot, clinic, catalog):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clinic.patients.add("Mark", "Lowe")
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ana"], start=MONDAY_10)
    assert not dialog.ok_button.isEnabled()  # no patient yet
    assert dialog.packages.isHidden()

    choose_patient(qtbot, dialog, "lop", "Maria Lopez · 902-555-0101")
    pick(dialog.treatment, "Massage 60 min")

    assert dialog.patient.patient_id == catalog["patient"]
    assert dialog.ok_button.isEnabled()
    assert dialog.packages.isVisible()
    assert dialog.packages.use.isChecked()
    assert dialog.packages.chosen_id() == sale.package_id
    notes = [label.text() for label in dialog.packages._notes]
    assert notes == ["10 of 10 left · expires Sep 2, 2026 · patient pays $0.00"]
    assert dialog.price.text() == ("Covered by \u201c10 Massages\u201d: the patient pays $0.00 "
                                   "at arrival.")

    click(qtbot, dialog.ok_button)

    assert dialog.result() == BookingDialog.DialogCode.Accepted
    booked = clinic.schedule.appointment(dialog.outcome)
    assert (booked.patient_id, booked.staff_id, booked.start, booked.package_id) == (
        catalog["patient"], catalog["ana"], MONDAY_10, sale.package_id)


def test_r10_the_desk_can_untick_use_a_package(qtbot, clinic, catalog):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ben"], start=MONDAY_10,
                         patient_id=catalog["patient"])
    pick(dialog.treatment, "Massage 60 min")
    assert dialog.packages.isVisible()

    tick(qtbot, dialog.packages.use)

    assert dialog.packages.chosen_id() is None
    assert not dialog.packages.buttons[dialog.packages.packages[0].id].isEnabled()
    assert dialog.price.text() == "Standard price: $90.00 at arrival."
    click(qtbot, dialog.ok_button)
    assert clinic.schedule.appointment(dialog.outcome).package_id is None


def test_r10_the_desk_can_pick_another_package(qtbot, clinic, catalog, clock):
    older = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clock.advance(days=10)
    newer = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ana"],
                         start=datetime(2026, 3, 20, 9), patient_id=catalog["patient"])
    pick(dialog.treatment, "Massage 60 min")
    # The one that expires first is offered first (R10).
    assert [p.id for p in dialog.packages.packages] == [older.package_id, newer.package_id]
    assert dialog.packages.chosen_id() == older.package_id

    tick(qtbot, dialog.packages.buttons[newer.package_id])
    click(qtbot, dialog.ok_button)

    assert clinic.schedule.appointment(dialog.outcome).package_id == newer.package_id
    assert clinic.packages.summary(newer.package_id).uses_booked == 1
    assert clinic.packages.summary(older.package_id).uses_booked == 0


def test_uses_left_counts_the_visits_already_holding_a_use(qtbot, clinic, catalog):
    """R11: the uses held by other booked visits are told in the package's phrase."""
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    for hour in (9, 10):
        clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["physio"],
                             datetime(2026, 3, 3, hour))
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ben"],
                         start=datetime(2026, 3, 4, 9), patient_id=catalog["patient"])
    pick(dialog.treatment, "Physio follow-up")
    assert dialog.packages.chosen_id() == sale.package_id
    assert dialog.packages._notes[0].text() == ("3 of 3 left · 2 booked · no expiry · "
                                                "patient pays $10.00")


def test_no_section_when_no_package_covers_the_treatment(qtbot, clinic, catalog):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ana"], start=MONDAY_10,
                         patient_id=catalog["patient"])
    pick(dialog.treatment, "Acupuncture")
    assert dialog.packages.isHidden()
    assert dialog.price.text() == "Standard price: $75.00 at arrival."
    click(qtbot, dialog.ok_button)
    assert clinic.schedule.appointment(dialog.outcome).package_id is None


def test_r13_a_date_after_the_expiry_takes_the_section_away(qtbot, clinic, catalog):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])  # to 2026-09-02
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ana"], start=MONDAY_10,
                         patient_id=catalog["patient"])
    pick(dialog.treatment, "Massage 60 min")
    dialog.date.setDate(QDate(2026, 9, 2))
    assert dialog.packages.isVisible()  # the expiry day itself is covered
    dialog.date.setDate(QDate(2026, 9, 3))
    assert dialog.packages.isHidden()


def test_start_time_is_on_quarter_hours_and_shows_the_end(qtbot, clinic, catalog):
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ana"], start=MONDAY_10,
                         patient_id=catalog["patient"])
    pick(dialog.treatment, "Physio follow-up")
    times = [dialog.time.itemText(i) for i in range(4)]
    assert times == ["7:00\u202fa.m.", "7:15\u202fa.m.", "7:30\u202fa.m.", "7:45\u202fa.m."]
    assert dialog.time.currentText() == "10:00\u202fa.m."
    assert dialog.ends.text() == "until 10:30\u202fa.m."
    qtbot.keyClick(dialog.time, Qt.Key.Key_Down)
    assert dialog.ends.text() == "until 10:45\u202fa.m."
    retype_notes = "Left shoulder"
    qtbot.keyClicks(dialog.notes, retype_notes)
    click(qtbot, dialog.ok_button)
    booked = clinic.schedule.appointment(dialog.outcome)
    assert (booked.start, booked.notes) == (datetime(2026, 3, 2, 10, 15), "Left shoulder")


def test_a_clash_is_refused_and_the_dialog_stays_open(qtbot, clinic, catalog, shown):
    clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"], MONDAY_10)
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ana"], start=MONDAY_10,
                         patient_id=catalog["patient"])
    pick(dialog.treatment, "Physio follow-up")

    click(qtbot, dialog.ok_button)

    with pytest.raises(ClinicError) as refused:
        clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["physio"], MONDAY_10)
    assert shown.last == str(refused.value)
    assert shown.last.startswith("Ana Silva already has an appointment from ")
    assert dialog.isVisible()
    assert dialog.result() != BookingDialog.DialogCode.Accepted
    assert len(clinic.schedule.day(MONDAY_10.date())) == 1


def test_editing_the_chosen_name_forgets_the_patient(qtbot, clinic, catalog):
    dialog = open_dialog(qtbot, clinic, patient_id=catalog["patient"])
    assert dialog.patient.patient_id == catalog["patient"]
    qtbot.keyClick(dialog.patient.lineEdit(), Qt.Key.Key_Backspace)
    assert dialog.patient.patient_id is None
    assert not dialog.ok_button.isEnabled()


def test_ask_returns_the_new_appointment_or_none(qtbot, clinic, catalog, drive):
    drive(BookingDialog, lambda d: d.ok_button.click())
    booked = BookingDialog.ask(clinic, staff_id=catalog["ben"], start=MONDAY_10,
                               patient_id=catalog["patient"])
    assert clinic.schedule.appointment(booked).staff_id == catalog["ben"]

    drive(BookingDialog, lambda d: d.reject())
    assert BookingDialog.ask(clinic, patient_id=catalog["patient"]) is None


@pytest.mark.parametrize("unassign", [True, False])
def test_r7a_booking_after_an_assigned_sale_offers_to_unassign(qtbot, clinic, catalog, drive,
                                                               unassign):
    from app.ui.schedule.compensation_dialog import UnassignCompensationDialog

    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"],
                                staff_id=catalog["ben"])
    seen = []

    def decide(d: UnassignCompensationDialog) -> None:
        seen.append(d.warning.text())
        click(qtbot, d.ok_button if unassign else
              d.buttons.button(d.buttons.StandardButton.Cancel))

    asked = drive(UnassignCompensationDialog, decide)
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ben"], start=MONDAY_10,
                         patient_id=catalog["patient"])
    pick(dialog.treatment, "Massage 60 min")
    click(qtbot, dialog.ok_button)

    assert asked == [1 if unassign else 0]
    assert seen[0].startswith("Ben Okafor was compensated up front for the sale of")
    assert clinic.schedule.appointment(dialog.outcome).compensate_staff is not unassign


def test_booking_starts_from_the_usual_treatment_and_first_free_time(qtbot, clinic, catalog):
    clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["physio"],
                         datetime(2026, 3, 3, 8))
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ben"], day=datetime(2026, 3, 3).date(),
                         patient_id=catalog["patient"])
    assert dialog.treatment.currentData() == catalog["physio"]
    assert dialog.start() == datetime(2026, 3, 3, 8, 30)
    dialog.practitioner.setCurrentIndex(dialog.practitioner.findData(catalog["ana"]))
    assert dialog.start() == datetime(2026, 3, 3, 8)


def test_r11_a_package_held_in_full_says_all_uses_are_booked(qtbot, clinic, catalog):
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    for hour in (9, 10, 11):
        clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["physio"],
                             datetime(2026, 3, 3, hour))
    dialog = open_dialog(qtbot, clinic, staff_id=catalog["ben"],
                         start=datetime(2026, 3, 4, 9), patient_id=catalog["patient"])
    pick(dialog.treatment, "Physio follow-up")
    assert dialog.packages.isVisible() and dialog.packages.chosen_id() is None
    assert [n.text() for n in dialog.packages._held] == [
        "\u201c3 Physio\u201d, bought Mar 2, 2026: 3 of 3 left · all uses are booked · "
        "no expiry"]


def test_the_patient_field_fits_its_hint(qtbot, clinic, catalog):
    dialog = open_dialog(qtbot, clinic)
    line = dialog.patient.lineEdit()
    assert line.width() >= line.fontMetrics().horizontalAdvance(line.placeholderText())
