"""Several desks on one clinic at the same moment (R11, R29): separate processes, started
together at a barrier, each with its own Clinic on the same SQLite file or the same
PostgreSQL database (CLINICDESK_TEST_DATABASE_URL). Whatever the engine: the last use of a
package is taken exactly once, an invoice is paid exactly once, invoice numbers stay gapless
and unique, a practitioner is never double-booked, and the audit chain stays one chain.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import datetime

import pytest

from sqlalchemy import select

from app.models import Appointment, AuditEntry
from app.services import Clinic, ClinicError
from app.services.integrity import ledger_problems

DESKS = 4
NOW = datetime(2026, 3, 2, 9, 0)


def _desk_call(url, barrier, area, method, args, kwargs):
    """One desk: open the clinic, wait for the others, then press the button."""
    clinic = Clinic.open(url, clock=lambda: NOW)
    try:
        barrier.wait(timeout=60)
        try:
            result = getattr(getattr(clinic, area), method)(*args, **kwargs)
        except ClinicError as refusal:
            return ("refused", type(refusal).__name__, str(refusal))
        return ("ok", None, getattr(result, "invoice_id", result))
    finally:
        clinic.close()


@pytest.fixture(scope="module")
def desks():
    """Desk processes, started once for the module (each import of the app costs a second)."""
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(DESKS) as pool:
        yield pool, manager
        pool.terminate()


def race(desks, clinic, calls):
    """Run `calls` ((area, method, args, kwargs), one per desk) at the same moment."""
    pool, manager = desks
    assert len(calls) <= DESKS
    barrier = manager.Barrier(len(calls))
    jobs = [pool.apply_async(_desk_call, (clinic.db.url, barrier, area, method, args, kwargs))
            for area, method, args, kwargs in calls]
    return [job.get(timeout=120) for job in jobs]


def kinds(outcomes):
    return sorted(kind for kind, _, _ in outcomes)


def refusals(outcomes):
    return [text for kind, _, text in outcomes if kind == "refused"]


def test_r11_desks_take_the_last_use_exactly_once(desks, clinic, catalog):
    template = clinic.catalog.add_package_template(
        "Single massage", price=9000, uses=1, eligible={catalog["massage"]: 0})
    sale = clinic.billing.sell_package(catalog["patient"], template)
    visits = [clinic.schedule.book(catalog["patient"], staff, catalog["massage"],
                                   datetime(2026, 3, 3 + day, 10, 0), package=None)
              for day in (0, 1) for staff in (catalog["ana"], catalog["ben"])]
    outcomes = race(desks, clinic, [("schedule", "apply_package", (v, sale.package_id), {})
                                    for v in visits])
    assert kinds(outcomes) == ["ok"] + ["refused"] * (DESKS - 1)
    assert all("no use left" in text or "redeemed" in text for text in refusals(outcomes))
    summary = clinic.packages.summary(sale.package_id)
    assert summary.uses_booked == 1 and summary.uses_available == 0
    assert not ledger_problems(clinic)


def test_r11_desks_arriving_the_same_visit_redeem_it_once(desks, clinic, catalog):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    visit = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["physio"],
                                 datetime(2026, 3, 2, 9, 0), package=sale.package_id)
    outcomes = race(desks, clinic, [("schedule", "arrive", (visit,), {})] * DESKS)
    assert kinds(outcomes) == ["ok"] + ["refused"] * (DESKS - 1)
    assert all("Only booked appointments can be arrived" in text
               for text in refusals(outcomes))
    summary = clinic.packages.summary(sale.package_id)
    assert summary.uses_redeemed == 1
    invoices = [i for i in clinic.billing.account(catalog["patient"]).invoices
                if "covered by" in i.description]
    assert len(invoices) == 1
    assert not ledger_problems(clinic)


def test_r29_desks_paying_the_same_invoice_pay_it_once(desks, clinic, catalog):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    total = clinic.billing.invoice(sale.invoice_id).total
    amount = total
    outcomes = race(desks, clinic, [
        ("billing", "receive_payment", (catalog["patient"], amount, "cash"),
         {"allocations": {sale.invoice_id: amount}})] * DESKS)
    assert kinds(outcomes) == ["ok"] + ["refused"] * (DESKS - 1)
    assert all("has only $0.00 left to pay" in text for text in refusals(outcomes))
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert invoice.paid == total and invoice.status == "paid"
    assert clinic.billing.account(catalog["patient"]).credit == 0
    assert not ledger_problems(clinic)


def test_r29_desks_applying_credit_to_the_same_invoice_apply_it_once(desks, clinic, catalog):
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["three_physio"])
    total = clinic.billing.invoice(sale.invoice_id).total
    clinic.billing.receive_payment(patient, 3 * total, "cash",
                                   allocations={})
    outcomes = race(desks, clinic, [("billing", "apply_credit", (patient, sale.invoice_id),
                                     {})] * DESKS)
    assert kinds(outcomes) == ["ok"] + ["refused"] * (DESKS - 1)
    assert all("already paid" in text for text in refusals(outcomes))
    account = clinic.billing.account(patient)
    assert account.credit == 2 * total
    assert not ledger_problems(clinic)


def test_r29_desks_selling_at_once_get_consecutive_invoice_numbers(desks, clinic, catalog):
    patients = [catalog["patient"]] + [clinic.patients.add("Desk", f"Patient {n}")
                                       for n in range(DESKS - 1)]
    before = clinic.billing.account(catalog["patient"]).invoices
    outcomes = race(desks, clinic, [("billing", "sell_package", (p, catalog["ten_massages"]),
                                     {}) for p in patients])
    assert kinds(outcomes) == ["ok"] * DESKS
    numbers = sorted(clinic.billing.invoice(invoice_id).number
                     for _, _, invoice_id in outcomes)
    first = max((i.number for i in before), default=0) + 1
    assert numbers == list(range(first, first + DESKS))
    assert not ledger_problems(clinic)  # includes "no gap, counter not behind"
    assert clinic.audit.verify().ok     # one chain, not forks


def test_r29_a_practitioner_is_not_booked_twice_by_two_desks(desks, clinic, catalog):
    others = [clinic.patients.add("Other", f"Patient {n}") for n in range(DESKS - 1)]
    start = datetime(2026, 3, 4, 14, 0)
    outcomes = race(desks, clinic, [
        ("schedule", "book", (p, catalog["ana"], catalog["massage"], start), {})
        for p in [catalog["patient"], *others]])
    assert kinds(outcomes) == ["ok"] + ["refused"] * (DESKS - 1)
    assert all("already has an appointment" in text for text in refusals(outcomes))
    day = clinic.schedule.day(start.date(), staff_id=catalog["ana"])
    assert len([a for a in day if a.status == "booked"]) == 1


def test_r30_desks_changing_one_visit_at_once_are_each_told_in_words(desks, clinic, catalog):
    """An arrival, a no-show, a cancellation and a move of the same visit, pressed at once
    (an arrival is one UPDATE naming the version it read, issue 22): the visit ends in one
    state, each desk that lost is told why in words, and nothing is half-written."""
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    visit = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["physio"],
                                 datetime(2026, 3, 2, 9, 0), package=sale.package_id)
    with clinic.db.read() as s:
        booked_version = s.scalar(select(Appointment.version).where(Appointment.id == visit))
    calls = [("schedule", "arrive", (visit,), {}),
             ("schedule", "no_show", (visit,), {"use_package": True}),
             ("schedule", "cancel", (visit,), {}),
             ("schedule", "reschedule", (visit, datetime(2026, 3, 2, 11, 0)), {})]
    outcomes = race(desks, clinic, calls)
    won = {method for (_, method, _, _), (kind, _, _) in zip(calls, outcomes) if kind == "ok"}
    # one of the three ends the visit; moving it is done before or refused after
    assert len(won & {"arrive", "no_show", "cancel"}) == 1, outcomes
    assert all(text.startswith("Only booked appointments can be") for text in refusals(outcomes))
    with clinic.db.read() as s:
        status, version = s.execute(select(Appointment.status, Appointment.version)
                                    .where(Appointment.id == visit)).one()
        entries = s.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "appointment", AuditEntry.entity_id == visit)).all()
    assert status == {"arrive": "arrived", "no_show": "no_show",
                                "cancel": "cancelled"}[(won - {"reschedule"}).pop()]
    assert version == booked_version + len(won)  # one count per change made
    assert sorted(entries) == sorted(["appointment.book"]
                                     + [f"appointment.{m}" for m in won])
    summary = clinic.packages.summary(sale.package_id)
    assert summary.uses_redeemed == (1 if won & {"arrive", "no_show"} else 0)
    assert not ledger_problems(clinic)
    assert clinic.audit.verify().ok


def test_r29_sqlite_is_opened_with_foreign_keys_wal_and_busy_timeout(clinic):
    with clinic.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
