"""R43 at two desks at once, on PostgreSQL: two connections running invoice_due together
wait for the patient's lock, and the second one, reading after it, invoices nothing the first
did: every started period is invoiced exactly once. (SQLite: BEGIN IMMEDIATE, and the
two-process test in tests/unit/test_membership_desks_r43.py.)"""

from __future__ import annotations

import os
import threading
from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from app.models import MembershipPeriod
from app.services import Clinic

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")

WAIT = 0.4


def test_r43_two_desks_invoicing_at_once_invoice_each_period_once(clinic, catalog,
                                                                   clinic_target, clock):
    clock.set(datetime(2026, 1, 5, 9))
    plan = clinic.catalog.add_membership_plan(
        "Monthly Massage", fee=9000, period="1m", uses_per_period=2,
        eligible={catalog["massage"]: 0})
    patients = [catalog["patient"], clinic.patients.add("Ed", "Member", phone="902-555-0199")]
    for patient in patients:
        clinic.memberships.enroll(patient, plan, start=date(2026, 1, 5))
    clock.set(datetime(2026, 4, 6, 8))
    other = Clinic.open(clinic_target, clock=clock)  # the second desk: its own connections
    holder = clinic.db.engine.connect()
    holder.execute(text("SELECT id FROM patients WHERE id = :id FOR NO KEY UPDATE"),
                   {"id": min(patients)})
    made: list = [None, None]

    def run(i, desk):
        made[i] = desk.memberships.invoice_due()

    threads = [threading.Thread(target=run, args=(i, desk), daemon=True)
               for i, desk in enumerate((clinic, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert all(t.is_alive() for t in threads), "invoice_due did not wait for the patient"
    holder.rollback()
    holder.close()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()
    other.close()
    assert sorted(len(m) for m in made) == [0, 2 * 3]  # Feb, Mar, Apr: one desk did them
    with clinic.db.read() as s:
        per_period = Counter(s.execute(select(MembershipPeriod.membership_id,
                                              MembershipPeriod.starts_on)).all())
    assert len(per_period) == 2 * 4 and set(per_period.values()) == {1}
