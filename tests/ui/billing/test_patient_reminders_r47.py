"""R47 on the patient form: "Send reminders by email (the patient agreed)" with the day it was
agreed, and the language of the patient's email, ticked and chosen as the desk does; refused
with the service's words when there is no address."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt

from app.ui.billing.patient_dialog import PatientDialog

from ui.helpers import click, retype


def open_form(qtbot, clinic, patient_id=None) -> PatientDialog:
    dialog = PatientDialog(clinic, clinic.patients.get(patient_id) if patient_id else None)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(qtbot, combo, text: str) -> None:
    """Pick an entry with the keyboard, as the desk does in a closed drop-down."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentText() != text:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"{text!r} is not offered"


def test_r47_ticking_the_box_saves_the_consent_and_shows_the_day(qtbot, clinic, desk, clock,
                                                                 shown):
    form = open_form(qtbot, clinic, desk["patient"])
    fields = form.reminders
    assert not fields.agreed.isChecked() and fields.since.isHidden()
    assert fields.agreed.text() == "Send reminders by email (the patient agreed)"
    assert fields.language.currentText() == "The clinic's language"
    qtbot.keyClick(fields.agreed, Qt.Key.Key_Space)
    assert fields.since.text() == "Agreed today, Mar 2, 2026, once saved"
    choose(qtbot, fields.language, "Français (Canada)")
    click(qtbot, form.ok_button)
    assert shown.boxes == [] and not form.isVisible()
    row = clinic.patients.get(desk["patient"])
    assert (row.email_reminders, row.email_reminders_since, row.language) == \
        (True, date(2026, 3, 2), "fr_CA")

    clock.set(datetime(2026, 4, 10, 9))
    again = open_form(qtbot, clinic, desk["patient"])
    assert again.reminders.agreed.isChecked()
    assert again.reminders.since.text() == "Agreed on Mar 2, 2026"
    assert again.reminders.language.currentText() == "Français (Canada)"
    click(qtbot, again.ok_button)  # saved again unchanged: the day stays
    assert clinic.patients.get(desk["patient"]).email_reminders_since == date(2026, 3, 2)

    off = open_form(qtbot, clinic, desk["patient"])
    qtbot.keyClick(off.reminders.agreed, Qt.Key.Key_Space)
    assert off.reminders.since.isHidden()
    choose(qtbot, off.reminders.language, "English")
    click(qtbot, off.ok_button)
    row = clinic.patients.get(desk["patient"])
    assert (row.email_reminders, row.email_reminders_since, row.language) == \
        (False, None, "en")


def test_r47_no_address_is_refused_and_the_box_gets_the_cursor(qtbot, clinic, desk, shown):
    form = open_form(qtbot, clinic)
    retype(qtbot, form.first_name, "Sam")
    retype(qtbot, form.last_name, "Noemail")
    qtbot.keyClick(form.reminders.agreed, Qt.Key.Key_Space)
    click(qtbot, form.ok_button)
    assert shown.last == "Add an email address before turning reminders on."
    assert form.isVisible() and form.focusWidget() is form.reminders.agreed
    assert clinic.patients.search("Noemail") == []  # nothing written
    retype(qtbot, form.email, "sam@example.com")
    click(qtbot, form.ok_button)
    assert not form.isVisible()
    (sam,) = clinic.patients.search("Noemail")
    assert sam.email_reminders and sam.email_reminders_since == date(2026, 3, 2)


def test_r47_the_box_and_the_language_come_after_the_notes_in_tab_order(qtbot, clinic, desk):
    form = open_form(qtbot, clinic, desk["patient"])
    form.notes.setFocus()
    qtbot.keyClick(form.notes, Qt.Key.Key_Tab)
    assert form.focusWidget() is form.reminders.agreed
    qtbot.keyClick(form.reminders.agreed, Qt.Key.Key_Tab)
    assert form.focusWidget() is form.reminders.language
