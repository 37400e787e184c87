"""R45 at two desks at once, on PostgreSQL (two connections): a payment with a card waits for
the card's row, held by another desk, and then sees what that desk left, so a card shared by
two patients never goes below zero. (On SQLite BEGIN IMMEDIATE serialises every write; the
two-process test is tests/unit/test_gift_card_desks_r45.py.)"""

from __future__ import annotations

import os

import pytest

from app.services import ClinicError
from app.services.gift_card_payments import mismatched_cards
from tests.helpers.held_row import while_held

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")


def test_r45_payments_with_one_card_wait_for_it_and_never_overspend(clinic, catalog):
    sale = clinic.gift_cards.sell(5000)
    calls = []
    for name in ("Maria", "Joe"):
        patient = clinic.patients.add(name, "Desk")
        invoice = clinic.billing.sell_package(patient, catalog["three_physio"]).invoice_id
        calls.append(lambda p=patient, i=invoice: clinic.billing.receive_payment(
            p, 4000, "gift_card", invoice_id=i, gift_card_code=sale.code))
    # another desk, in the middle of paying with it
    outcomes = while_held(clinic, "gift_cards", sale.card_id, *calls, lock="FOR UPDATE",
                          what="the card's row")
    refusals = [o for o in outcomes if isinstance(o, ClinicError)]
    assert len(refusals) == 1 and "holds $10.00" in str(refusals[0])
    assert clinic.gift_cards.balance(sale.code) == 1000
    with clinic.db.read() as s:
        assert mismatched_cards(s) == []
