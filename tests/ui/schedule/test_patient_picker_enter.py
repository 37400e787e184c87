"""Issue 14 item 16a: Enter on a searchable list picks its only match."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.schedule.fields import PatientPicker


def test_enter_picks_the_only_matching_patient(qtbot, clinic, catalog):
    other = clinic.patients.add("Zoe", "Quintal")
    picker = PatientPicker(clinic)
    qtbot.addWidget(picker)
    picker.show()
    picker.lineEdit().setFocus()
    chosen = []
    picker.patient_changed.connect(chosen.append)
    qtbot.keyClicks(picker.lineEdit(), "quint")
    assert picker.patient_id is None  # typed, not yet chosen
    qtbot.keyClick(picker.lineEdit(), Qt.Key.Key_Return)
    assert picker.patient_id == other
    assert chosen[-1] == other
