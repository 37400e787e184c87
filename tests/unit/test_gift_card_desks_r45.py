"""R45: two desks paying with one gift card at the same moment, in two OS processes on one
clinic (the same SQLite file, or the same PostgreSQL database with
CLINICDESK_TEST_DATABASE_URL), for two patients' invoices (so no patient lock keeps them
apart): the card's balance is decided by the database, and it never goes below zero."""

from __future__ import annotations

import multiprocessing as mp
from datetime import datetime

from app.services import Clinic, ClinicError
from app.services.gift_card_payments import mismatched_cards

NOW = datetime(2026, 3, 2, 18, 0)


def _pay(url, barrier, patient_id, invoice_id, code):
    """One desk: open the clinic, wait for the other, then take $40.00 with the card."""
    clinic = Clinic.open(url, clock=lambda: NOW)
    try:
        barrier.wait(timeout=60)
        try:
            return ("ok", clinic.billing.receive_payment(
                patient_id, 4000, "gift_card", invoice_id=invoice_id, gift_card_code=code))
        except ClinicError as refusal:
            return ("refused", type(refusal).__name__, str(refusal))
    finally:
        clinic.close()


def test_r45_two_desks_paying_with_one_card_never_take_it_below_zero(clinic, catalog):
    sale = clinic.gift_cards.sell(5000)
    jobs = []
    for name in ("Maria", "Joe"):
        patient = clinic.patients.add(name, "Desk")
        invoice = clinic.billing.sell_package(patient, catalog["three_physio"]).invoice_id
        jobs.append((patient, invoice))
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        barrier = manager.Barrier(2)
        running = [pool.apply_async(_pay, (clinic.db.url, barrier, p, i, sale.code))
                   for p, i in jobs]
        outcomes = [job.get(timeout=120) for job in running]
        pool.terminate()
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    (refused,) = [o for o in outcomes if o[0] == "refused"]
    assert refused[1] == "ValidationError" and "holds $10.00" in refused[2]
    assert clinic.gift_cards.balance(sale.code) == 1000
    assert [m.kind for m in clinic.gift_cards.card(sale.code).moves] == ["load", "pay"]
    with clinic.db.read() as s:
        assert mismatched_cards(s) == []
