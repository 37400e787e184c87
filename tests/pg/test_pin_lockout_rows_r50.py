"""R50 on PostgreSQL (two connections): a PIN check waits for the staff row another desk
holds (in the middle of its own check), and then reads the count that desk left, so the
misses of two desks add up on one row. (SQLite's BEGIN IMMEDIATE serialises every write; the
two-process race on both engines is tests/unit/test_pin_lockout_desks_r50.py.)"""

from __future__ import annotations

import os

import pytest

from app.services import ClinicError
from tests.helpers.held_row import while_held

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")


def test_r50_pin_checks_wait_for_the_staff_row_and_count_on_after_it(clinic, catalog):
    desk = catalog["desk"]
    clinic.auth.set_secret(desk, "1111")
    for _ in range(3):
        with pytest.raises(ClinicError):
            clinic.auth.sign_in(desk, "0000")
    calls = [lambda pin=pin: clinic.auth.sign_in(desk, pin) for pin in ("0001", "0002", "0003")]
    outcomes = while_held(clinic, "staff", desk, *calls, what="the staff member's row")
    assert all(isinstance(o, ClinicError) for o in outcomes)
    assert sum("locked out for 30 s" in str(o) for o in outcomes) == 2  # the 5th, then unchecked
    lock = clinic.auth.lockout(desk)
    assert (lock.misses, lock.seconds_left) == (5, 30)
