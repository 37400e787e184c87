"""R47: the desk queues the day's reminders at start-up and then each new day, on the worker,
like the membership invoicing: the window keeps answering, and looking again the same day
queues nothing twice."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QMainWindow

from app.ui import reminder_runs
from app.ui.tasks import worker_idle


def test_r47_queued_at_start_up_then_when_the_day_changes(qtbot, clinic, desk, clock, shown):
    clinic.auth.sign_in(desk["ana"], "2468")
    clinic.settings.update(smtp_host="smtp.example.com", sender_email="front@example.com",
                           reminders_enabled=True)
    patient = clinic.patients.add("Lina", "Haddad", email="lina@example.com",
                                  email_reminders=True)
    for day in (3, 4):
        clinic.schedule.book(patient, desk["ana"], desk["massage"], datetime(2026, 3, day, 10))
    window = QMainWindow()
    qtbot.addWidget(window)
    job = reminder_runs.ReminderRuns(window, clinic, interval_ms=50)
    assert job.running is not None  # on the worker, not here
    qtbot.waitUntil(lambda: job.queued == 1, timeout=10_000)
    assert "1 reminder was put in the outbox." in window.statusBar().currentMessage()
    qtbot.wait(200)
    assert worker_idle(10) and job.queued == 1
    clock.set(datetime(2026, 3, 3, 8))
    qtbot.waitUntil(lambda: job.queued == 2, timeout=10_000)
    job.stop()
    assert shown.boxes == [] and clinic.mail.queue_reminders() == 0
