"""R43: two desks invoicing the due membership periods at the same moment, in two OS
processes on one clinic (the same SQLite file; the same PostgreSQL database with
CLINICDESK_TEST_DATABASE_URL): every started period is invoiced exactly once."""

from __future__ import annotations

import json
import multiprocessing as mp
from collections import Counter
from datetime import date, datetime

from sqlalchemy import func, select

from app.models import Invoice, InvoiceLine, MembershipPeriod
from app.services import Clinic
from tests.helpers.audit import audit_entries

LATER = datetime(2026, 6, 2, 8, 0)


def _invoice_due(url, barrier):
    """One desk: open the clinic, wait for the other, then run the start-up invoicing."""
    clinic = Clinic.open(url, clock=lambda: LATER)
    try:
        barrier.wait(timeout=60)
        return clinic.memberships.invoice_due()
    finally:
        clinic.close()


def test_r43_two_processes_invoice_each_period_once(clinic, catalog, clock):
    clock.set(datetime(2026, 1, 5, 9))
    plan = clinic.catalog.add_membership_plan(
        "Monthly Massage", fee=9000, period="1m", uses_per_period=2,
        eligible={catalog["massage"]: 0})
    patients = [catalog["patient"]] + [
        clinic.patients.add(f"Member{i}", "Test", phone=f"902-555-01{i:02d}")
        for i in range(5)]
    for patient in patients:
        clinic.memberships.enroll(patient, plan, start=date(2026, 1, 5))
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        barrier = manager.Barrier(2)
        jobs = [pool.apply_async(_invoice_due, (clinic.db.url, barrier)) for _ in range(2)]
        outcomes = [job.get(timeout=120) for job in jobs]
        pool.terminate()
    made = outcomes[0] + outcomes[1]
    assert len(made) == len(set(made)) == 6 * 4  # Feb 5, Mar 5, Apr 5, May 5 for each
    with clinic.db.read() as s:
        per_period = Counter(s.execute(select(MembershipPeriod.membership_id,
                                              MembershipPeriod.starts_on)).all())
        membership_lines = s.scalar(select(func.count()).select_from(InvoiceLine)
                                    .where(InvoiceLine.kind == "membership"))
        numbers = sorted(s.scalars(select(Invoice.number)))
    assert set(per_period.values()) == {1} and len(per_period) == 6 * 5
    assert membership_lines == 6 * 5
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))  # no gaps
    assert len(audit_entries(clinic, "membership.invoice")) == 6  # the first, at enrolment
    [batch] = audit_entries(clinic, "membership.invoice_due")  # one desk wrote them, once
    assert sorted(number for _m, _start, number, _total in json.loads(batch.after)["invoices"]
                  ) == sorted(s_number for s_number in _numbers(clinic, made))


def _numbers(clinic, invoice_ids):
    with clinic.db.read() as s:
        return list(s.scalars(select(Invoice.number).where(Invoice.id.in_(invoice_ids))))
