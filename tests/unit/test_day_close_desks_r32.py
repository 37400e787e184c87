"""R32: two desks closing the same day at the same moment, in two OS processes on one clinic
(the same SQLite file, or the same PostgreSQL database with CLINICDESK_TEST_DATABASE_URL):
exactly one close is recorded, the other desk is told who closed the day, and nothing of
its close is written (no second row, no second audit entry)."""

from __future__ import annotations

import multiprocessing as mp
from datetime import date, datetime

import pytest

from app.services import Clinic, ClinicError
from tests.helpers.audit import audit_entries

NOW = datetime(2026, 3, 2, 18, 0)
MON = date(2026, 3, 2)


def _close(url, barrier, counted):
    """One desk: open the clinic, wait for the other, then press Close."""
    clinic = Clinic.open(url, clock=lambda: NOW)
    try:
        barrier.wait(timeout=60)
        try:
            closed = clinic.billing.close_day(MON, counted)
        except ClinicError as refusal:
            return ("refused", type(refusal).__name__, str(refusal))
        return ("ok", closed.id, closed.counted_cash)
    finally:
        clinic.close()


def test_r32_two_desks_closing_the_same_day_close_it_once(clinic, catalog):
    clinic.billing.receive_payment(catalog["patient"], 12345, "cash")
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        barrier = manager.Barrier(2)
        jobs = [pool.apply_async(_close, (clinic.db.url, barrier, counted))
                for counted in (12345, 12000)]
        outcomes = [job.get(timeout=120) for job in jobs]
        pool.terminate()
    assert sorted(kind for kind, _, _ in outcomes) == ["ok", "refused"]
    (refused,) = [o for o in outcomes if o[0] == "refused"]
    assert refused[1] == "NotAllowed" and "closed by the system at 6:00\u202fp.m." in refused[2]
    (won,) = [o for o in outcomes if o[0] == "ok"]
    closes = clinic.billing.day_closes()
    assert [(c.id, c.counted_cash, c.expected_cash) for c in closes] == [
        (won[1], won[2], 12345)]
    assert len(audit_entries(clinic, "day.close")) == 1
