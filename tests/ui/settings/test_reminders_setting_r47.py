"""R47 Settings › Reminders: off until the clinic turns them on, and how many days before a
package expires (30 unless the clinic says otherwise), saved with OK; the note says they only
go to patients who agreed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.ui.settings import SettingsDialog

from ui.helpers import click, retype


def open_reminders(qtbot, clinic):
    dialog = SettingsDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.reminders)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Reminders"
    return dialog


def test_r47_reminders_start_off_and_are_turned_on_with_their_days(qtbot, clinic, shown):
    dialog = open_reminders(qtbot, clinic)
    page = dialog.reminders
    assert not page.enabled.isChecked() and page.days.value() == 30
    notes = " ".join(label.text() for label in page.findChildren(QLabel))
    assert "Reminders are off until they are turned on here" in notes
    assert "only go to patients who agreed" in notes
    qtbot.keyClick(page.enabled, Qt.Key.Key_Space)
    retype(qtbot, page.days.lineEdit(), "14")
    click(qtbot, dialog.ok_button)
    assert shown.boxes == [] and not dialog.isVisible()
    settings = clinic.settings.get()
    assert (settings.reminders_enabled, settings.reminder_days_before_expiry) == (True, 14)

    again = open_reminders(qtbot, clinic)
    assert again.reminders.enabled.isChecked() and again.reminders.days.value() == 14
    qtbot.keyClick(again.reminders.enabled, Qt.Key.Key_Space)
    click(qtbot, again.ok_button)
    assert not clinic.settings.get().reminders_enabled


def test_r47_the_days_cannot_be_typed_past_the_limits(qtbot, clinic, shown):
    dialog = open_reminders(qtbot, clinic)
    retype(qtbot, dialog.reminders.days.lineEdit(), "400")  # more than a year: not taken
    assert dialog.reminders.days.value() <= 365
    retype(qtbot, dialog.reminders.days.lineEdit(), "0")
    assert dialog.reminders.days.value() >= 1
