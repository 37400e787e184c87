"""R47 at two desks on PostgreSQL: a desk queueing a reminder another desk is writing at that
moment (inserted, not yet committed) waits on the unique reminder key, then skips that one
letter and queues the rest; when the other desk's write is undone instead, it queues it
itself. Either way each reminder is in the outbox once. (SQLite: BEGIN IMMEDIATE, and the
two-process test in tests/unit/test_reminders_desks_r47.py.)"""

from __future__ import annotations

import os
import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from app.models import OutboxMessage

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")

WAIT = 0.4
NOW = datetime(2026, 3, 2, 8, 0)


def _two_visits(clinic, desk, clock):
    clock.set(NOW)
    clinic.auth.sign_in(desk["ana"], "2468")
    clinic.settings.update(smtp_host="smtp.example.com", sender_email="front@example.com",
                           reminders_enabled=True)
    ids = []
    for n, staff in enumerate((desk["ana"], desk["ben"])):
        patient = clinic.patients.add(f"Pat{n}", "Server", email=f"pat{n}@example.com",
                                      email_reminders=True)
        ids.append((patient, clinic.schedule.book(patient, staff, desk["massage"],
                                                  datetime(2026, 3, 3, 10))))
    return ids


def _race(clinic, patient, visit, *, other_desk_commits: bool) -> int:
    holder = clinic.db.engine.connect()
    holder.execute(text(
        "INSERT INTO outbox_messages (kind, patient_id, to_address, to_name, subject, "
        "message_id_header, raw, state, attempts, next_attempt_at, last_error, queued_at, "
        "reminder_key) VALUES ('reminder', :p, 'other@example.com', '', '', '<other@desk>', "
        "'', 'queued', 0, :now, '', :now, :key)"),
        {"p": patient, "now": NOW, "key": f"appointment:{visit}:2026-03-03T10:00"})
    made: list = [None]
    thread = threading.Thread(target=lambda: made.__setitem__(0, clinic.mail.queue_reminders()),
                              daemon=True)
    thread.start()
    thread.join(WAIT)
    assert thread.is_alive(), "queue_reminders did not wait for the other desk's reminder"
    holder.commit() if other_desk_commits else holder.rollback()
    holder.close()
    thread.join(30)
    assert not thread.is_alive()
    return made[0]


def _count(clinic, key=None):
    with clinic.db.read() as s:
        query = select(func.count(OutboxMessage.id))
        if key is not None:
            query = query.where(OutboxMessage.reminder_key == key)
        return s.scalar(query)


def test_r47_the_other_desks_reminder_is_skipped_once_it_commits(clinic, desk, clock):
    (first, visit), _second = _two_visits(clinic, desk, clock)
    assert _race(clinic, first, visit, other_desk_commits=True) == 1  # only the other visit
    assert _count(clinic, f"appointment:{visit}:2026-03-03T10:00") == 1
    assert _count(clinic) == 2


def test_r47_the_other_desks_reminder_undone_is_queued_here(clinic, desk, clock):
    (first, visit), _second = _two_visits(clinic, desk, clock)
    assert _race(clinic, first, visit, other_desk_commits=False) == 2
    assert _count(clinic, f"appointment:{visit}:2026-03-03T10:00") == 1
    assert _count(clinic) == 2
