"""integrity_check and the daily backup run after the window is up, on the desk's worker."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui import startup_checks


def test_a_sound_file_is_checked_and_backed_up_for_the_day(qtbot, clinic, shown):
    window = QWidget()
    qtbot.addWidget(window)
    checks = startup_checks.start(window, clinic)
    qtbot.waitUntil(lambda: not checks.running, timeout=10_000)
    assert any(b.path.name.endswith("-daily.db") for b in clinic.backup.list())
    assert shown.boxes == []


def test_damage_found_later_says_how_to_restore(qtbot, clinic, shown, monkeypatch):
    backup = clinic.backup.create(reason="daily")
    monkeypatch.setattr(startup_checks, "integrity_problems",
                        lambda path: ["row 12 missing from index ix_invoices_patient"])
    window = QWidget()
    qtbot.addWidget(window)
    startup_checks.start(window, clinic)
    qtbot.waitUntil(lambda: bool(shown.boxes), timeout=10_000)
    title, text = shown.boxes[0]
    assert title == "The clinic file is damaged"
    assert "row 12 missing" in text and backup.name in text
    assert "File › Restore from Backup" in text


def test_a_daily_backup_that_cannot_be_written_is_said_calmly(qtbot, clinic, shown,
                                                             monkeypatch):
    def full():
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(clinic.backup, "daily_if_due", full)
    window = QWidget()
    qtbot.addWidget(window)
    startup_checks.start(window, clinic)
    qtbot.waitUntil(lambda: bool(shown.boxes), timeout=10_000)
    title, text = shown.boxes[0]
    assert title == "Backup not made"
    assert "No space left on device" in text and "check the disk" in text
