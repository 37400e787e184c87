"""R32 on PostgreSQL: the database, not the desk's look beforehand, refuses a second close.

Another desk's transaction has inserted its close of the day and not committed: this desk's
check sees no close (READ COMMITTED), its insert waits on the partial unique index
ix_day_closes_open, and when the other desk commits it fails; the desk is told who closed the
day, and nothing of its close is kept. Deterministic: no timing decides who wins.

(The two-process race on either engine is tests/unit/test_day_close_desks_r32.py; these need
a PostgreSQL server: `bash .ci/postgres .venv/bin/python -m pytest tests/pg`.)
"""

from __future__ import annotations

import os
import threading
from datetime import date, datetime

import pytest
from sqlalchemy import text

from app.services.errors import NotAllowed
from tests.helpers.audit import audit_entries

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")

MON = date(2026, 3, 2)
WAIT = 0.4  # long enough to see the insert waiting; a close otherwise takes ~10 ms


def test_r32_the_unique_index_refuses_a_close_made_meanwhile_on_another_desk(
        clinic, catalog, clock):
    clock.set(datetime(2026, 3, 2, 18, 5))
    other = clinic.db.engine.connect()
    other.execute(text(
        "INSERT INTO day_closes (\"on\", expected_cash, counted_cash, over_short, figures, "
        "note, closed_at, closed_by, reopen_reason) VALUES (:on, 0, 0, 0, '{}', '', :at, :by, "
        "'')"), {"on": MON, "at": datetime(2026, 3, 2, 17, 58), "by": catalog["ana"]})
    outcome = {}

    def close():
        try:
            outcome["result"] = clinic.billing.close_day(MON, 1000)
        except BaseException as error:  # noqa: BLE001 - looked at below
            outcome["error"] = error

    thread = threading.Thread(target=close, daemon=True)
    thread.start()
    thread.join(WAIT)
    waiting = thread.is_alive()
    other.commit()
    other.close()
    thread.join(30)
    assert waiting, "the second close did not wait on the unique index"
    error = outcome.get("error")
    assert isinstance(error, NotAllowed), outcome
    assert "closed by Ana Silva at 5:58\u202fp.m. on another desk" in str(error)
    assert [(c.counted_cash, c.closed_by) for c in clinic.billing.day_closes()] == [
        (0, catalog["ana"])]
    assert audit_entries(clinic, "day.close") == []


def test_r32_a_reopened_close_lets_the_day_be_closed_again_on_postgresql(clinic, catalog):
    clinic.billing.close_day(MON, 0)
    clinic.billing.reopen_day(MON, "recount")
    again = clinic.billing.close_day(MON, 100)
    assert [c.id for c in clinic.billing.day_closes()] == [again.id, again.id - 1]
