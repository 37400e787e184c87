"""R47 at two desks: two OS processes on one clinic (the same SQLite file, or the same
PostgreSQL database with CLINICDESK_TEST_DATABASE_URL) run the day's reminders at the same
moment, as two desks started in the morning do: every reminder is queued exactly once."""

from __future__ import annotations

import multiprocessing as mp
from collections import Counter
from datetime import datetime

from sqlalchemy import select

from app.models import OutboxMessage
from app.services import Clinic

NOW = datetime(2026, 3, 2, 8, 0)


def _queue(url, barrier):
    """One desk: open the clinic, wait for the other, then queue the day's reminders."""
    clinic = Clinic.open(url, clock=lambda: NOW)
    try:
        barrier.wait(timeout=60)
        return clinic.mail.queue_reminders()
    finally:
        clinic.close()


def test_r47_two_desks_queueing_at_once_queue_each_reminder_once(clinic, desk, clock):
    clock.set(NOW)
    clinic.auth.sign_in(desk["ana"], "2468")
    clinic.settings.update(smtp_host="smtp.example.com", sender_email="front@example.com",
                           reminders_enabled=True)
    visits = []
    for n in range(24):
        patient = clinic.patients.add(f"Pat{n}", "Desks", email=f"pat{n}@example.com",
                                      email_reminders=True)
        staff = desk["ana"] if n % 2 else desk["ben"]
        visits.append(clinic.schedule.book(patient, staff, desk["massage"],
                                           datetime(2026, 3, 3, 8 + n // 2)))
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        barrier = manager.Barrier(2)
        jobs = [pool.apply_async(_queue, (clinic.db.url, barrier)) for _ in range(2)]
        made = [job.get(timeout=120) for job in jobs]
        pool.terminate()
    assert sum(made) == 24, made  # shared between them however the race went
    with clinic.db.read() as s:
        keys = Counter(s.scalars(select(OutboxMessage.reminder_key)))
    assert len(keys) == 24 and set(keys.values()) == {1}
    assert clinic.mail.queue_reminders() == 0
