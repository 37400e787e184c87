"""On PostgreSQL every write that changes a patient's money or packages waits for that
patient's row lock first (app.services.locks); sales wait for the invoice counter, and every
change waits for the audit chain. Deterministic: another connection holds the lock, the
service call must be seen waiting, and must finish once the lock is let go.

(On SQLite BEGIN IMMEDIATE serialises every write; these tests need a PostgreSQL server:
CLINICDESK_TEST_DATABASE_URL, e.g. `bash .ci/postgres .venv/bin/python -m pytest tests/pg`.)
"""

from __future__ import annotations

import os
import threading
from datetime import date, datetime

import pytest
from sqlalchemy import text

from app.services import locks

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")

WAIT = 0.4  # long enough to see a call waiting; everything here otherwise takes ~10 ms


@pytest.fixture
def world(clinic, catalog):
    """One patient with a package, an unpaid invoice, credit, and visits in every state."""
    patient = catalog["patient"]
    ids = dict(catalog)
    sale = clinic.billing.sell_package(patient, catalog["ten_massages"])
    ids["package"], ids["invoice"] = sale.package_id, sale.invoice_id
    ids["payment"] = clinic.billing.receive_payment(patient, 5000, "cash", allocations={})

    def visit(day, hour, package="auto"):
        return clinic.schedule.book(patient, catalog["ana"], catalog["massage"],
                                    datetime(2026, 3, day, hour, 0), package=package)

    ids["covered"] = visit(3, 9)
    ids["plain"] = visit(3, 11, package=None)
    ids["no_show"] = visit(3, 13)
    clinic.schedule.no_show(ids["no_show"], use_package=True)
    ids["arrived"] = visit(2, 9)
    clinic.schedule.arrive(ids["arrived"])
    ids["void_me"] = clinic.billing.sell_package(patient, catalog["three_physio"]).invoice_id
    return ids


WRITES = {
    "sell_package": lambda c, w: c.billing.sell_package(w["patient"], w["three_physio"]),
    "receive_payment": lambda c, w: c.billing.receive_payment(w["patient"], 1000, "cash"),
    "apply_credit": lambda c, w: c.billing.apply_credit(w["patient"], w["invoice"], 500),
    "refund_payment": lambda c, w: c.billing.refund_payment(w["payment"], 500),
    "void_invoice": lambda c, w: c.billing.void_invoice(w["void_me"], "Sold by mistake"),
    "book": lambda c, w: c.schedule.book(w["patient"], w["ben"], w["massage"],
                                         datetime(2026, 3, 5, 9, 0)),
    "apply_package": lambda c, w: c.schedule.apply_package(w["plain"], w["package"]),
    "remove_package": lambda c, w: c.schedule.remove_package(w["covered"]),
    "reschedule": lambda c, w: c.schedule.reschedule(w["covered"], datetime(2026, 3, 6, 9, 0),
                                                     staff_id=w["ben"]),
    "cancel": lambda c, w: c.schedule.cancel(w["covered"]),
    "arrive": lambda c, w: c.schedule.arrive(w["covered"]),
    "no_show": lambda c, w: c.schedule.no_show(w["covered"], use_package=False,
                                               fee_id=w["no_show_fee"]),
    "undo_no_show": lambda c, w: c.schedule.undo_no_show(w["no_show"]),
    "undo_arrival": lambda c, w: c.schedule.undo_arrival(w["arrived"]),
    "set_expiry": lambda c, w: c.packages.set_expiry(w["package"], date(2027, 1, 31)),
    "package_refund": lambda c, w: c.packages.refund(w["package"], 0),
    "unassign_compensation": lambda c, w: c.billing.unassign_compensation([w["covered"]]),
}


class Holder:
    """Another desk's transaction, holding a lock until `release()`."""

    def __init__(self, clinic, sql: str, **params):
        self.conn = clinic.db.engine.connect()
        self.conn.execute(text(sql), params)

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


def waits_for(holder: Holder, call) -> object:
    """Run `call` beside `holder`: it must be waiting while the lock is held, and finish
    (without error) once it is released. Returns its result."""
    outcome = {}

    def run():
        try:
            outcome["result"] = call()
        except BaseException as error:  # noqa: BLE001 - reported below
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(WAIT)
    waiting = thread.is_alive()
    holder.release()
    thread.join(30)
    assert not thread.is_alive(), "still running after the lock was released"
    if "error" in outcome:
        raise outcome["error"]
    assert waiting, "did not wait for the lock"
    return outcome.get("result")


def does_not_wait_for(holder: Holder, call) -> object:
    try:
        return call()
    finally:
        holder.release()


def lock_patient(clinic, patient_id) -> Holder:
    return Holder(clinic, "SELECT id FROM patients WHERE id = :id FOR NO KEY UPDATE",
                  id=patient_id)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_write_on_a_patient_waits_for_that_patient(clinic, world, name):
    waits_for(lock_patient(clinic, world["patient"]), lambda: WRITES[name](clinic, world))


def test_a_patient_lock_does_not_hold_up_another_patient(clinic, world):
    other = clinic.patients.add("Tom", "Reid")
    does_not_wait_for(lock_patient(clinic, world["patient"]),
                      lambda: clinic.billing.receive_payment(other, 1000, "cash"))


def test_booking_waits_for_the_practitioner_s_schedule(clinic, world):
    other = clinic.patients.add("Tom", "Reid")
    holder = Holder(clinic, "SELECT id FROM staff WHERE id = :id FOR NO KEY UPDATE",
                    id=world["ben"])
    waits_for(holder, lambda: clinic.schedule.book(other, world["ben"], world["massage"],
                                                   datetime(2026, 3, 5, 9, 0)))


def test_a_sale_for_another_patient_waits_for_the_invoice_counter(clinic, world):
    other = clinic.patients.add("Tom", "Reid")
    holder = Holder(clinic, "SELECT id FROM clinic_settings WHERE id = 1 FOR UPDATE")
    sale = waits_for(holder, lambda: clinic.billing.sell_package(other, world["ten_massages"]))
    numbers = [i.number for i in clinic.billing.account(world["patient"]).invoices]
    assert clinic.billing.invoice(sale.invoice_id).number == max(numbers) + 1


def test_every_change_waits_for_the_audit_chain(clinic, world):
    holder = Holder(clinic, "SELECT pg_advisory_xact_lock(:key)", key=locks._AUDIT_CHAIN)
    waits_for(holder, lambda: clinic.patients.add("Noor", "Haddad"))
    assert clinic.audit.verify().ok


def test_ids_that_cannot_exist_are_not_locked_but_refused_by_the_service(clinic, world):
    """The lock helpers run before the service checks its input: odd ids pass through them
    untouched, and the service's own refusal follows."""
    from app.services import ClinicError
    for odd in ("7", 2**40, -1, None, True, 1.5):
        with pytest.raises(ClinicError):
            clinic.billing.receive_payment(odd, 1000, "cash")
        with pytest.raises(ClinicError):
            clinic.schedule.arrive(odd)
        with pytest.raises(ClinicError):
            clinic.packages.refund(odd, 0)
