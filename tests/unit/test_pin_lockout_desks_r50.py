"""R50 at two desks at once, in two OS processes on one clinic (the same SQLite file, or the
same PostgreSQL database with CLINICDESK_TEST_DATABASE_URL): both guess Chloe's PIN as fast
as they can. The count lives on her staff row and is read, checked and written in one
transaction with the row locked, so the two desks between them get five guesses checked,
not five each; every later guess is refused as locked out, unchecked."""

from __future__ import annotations

import json
import multiprocessing as mp
from datetime import datetime

from app.services import Clinic, ClinicError
from tests.helpers.audit import audit_entries

NOW = datetime(2026, 3, 2, 18, 0)
GUESSES = 6  # each desk: together twelve, more than the five a lockout allows


def _guess(url, barrier, staff_id):
    """One desk: open the clinic, wait for the other, then guess wrong PINs in a row."""
    clinic = Clinic.open(url, clock=lambda: NOW)
    outcomes = []
    try:
        barrier.wait(timeout=60)
        for n in range(GUESSES):
            try:
                clinic.auth.sign_in(staff_id, f"99{n:02d}")
                outcomes.append("signed in")
            except ClinicError as refusal:
                outcomes.append("locked" if str(refusal).startswith("Chloe Desk is locked")
                                else "wrong")
        return outcomes
    finally:
        clinic.close()


def test_r50_two_desks_guessing_at_once_get_five_guesses_between_them(clinic, catalog):
    desk = catalog["desk"]
    clinic.auth.set_secret(desk, "1111")
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        barrier = manager.Barrier(2)
        running = [pool.apply_async(_guess, (clinic.db.url, barrier, desk)) for _ in range(2)]
        outcomes = [o for job in running for o in job.get(timeout=120)]
        pool.terminate()
    assert outcomes.count("wrong") == 5, outcomes  # checked: the fifth started the wait
    assert outcomes.count("locked") == 2 * GUESSES - 5
    lock = clinic.auth.lockout(desk)
    assert (lock.misses, lock.locked) == (5, True)
    assert [json.loads(e.after)["misses"] for e in audit_entries(clinic, "staff.pin_miss")] \
        == [1, 2, 3, 4, 5]
    assert len(audit_entries(clinic, "staff.pin_lockout")) == 1
    assert clinic.audit.verify().ok
