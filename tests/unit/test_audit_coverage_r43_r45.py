"""R29 with R43 and R45: a membership's fee invoices and a gift card's sale and reload
invoices are money the audit trail records, so verify() finds the trail whole for a clinic
that invoices memberships and sells cards, and names such an invoice once its entry is
removed. (Found seeding the demo with memberships and cards: verify() called every one of
those invoices "made by no action", so the audit browser and moving the clinic file both
reported entries removed from an untouched file.)"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import delete

from app.models import AuditEntry
from app.services.audit_coverage import unrecorded


@pytest.fixture
def money(clinic, desk, clock):
    clock.set(datetime(2026, 3, 1, 9))
    clinic.auth.sign_in(desk["ana"], "2468")
    plan = clinic.catalog.add_membership_plan("Monthly Massage", fee=9000, period="1m",
                                              uses_per_period=2,
                                              eligible={desk["massage"]: 0})
    clinic.auth.sign_in(desk["desk"], "1111")
    first = clinic.memberships.enroll(desk["patient"], plan, start=date(2026, 3, 1))
    other = clinic.patients.add("Tom", "Reid")
    clinic.memberships.enroll(other, plan, start=date(2026, 3, 1))
    card = clinic.gift_cards.sell(5000)
    clock.set(datetime(2026, 4, 2, 9))
    batch = clinic.memberships.invoice_due()  # Apr 1, both members: one entry for the two
    reload = clinic.gift_cards.reload(card.code, 2500)
    return dict(first=first, card=card, batch=batch, reload=reload)


def _numbers(clinic, *invoice_ids):
    return {clinic.billing.invoice(i).number for i in invoice_ids}


def test_r29_membership_fees_and_gift_card_loads_are_recorded(clinic, money):
    assert len(money["batch"]) == 2
    check = clinic.audit.verify()
    assert check.unrecorded == () and check.ok, check.sentences()


@pytest.mark.parametrize("action, lost", [
    ("membership.invoice_due", "batch"), ("gift_card.reload", "reload"),
    ("gift_card.sell", "card"), ("membership.invoice", "enrolments")])
def test_r29_such_an_invoice_is_named_once_its_entry_is_gone(clinic, money, action, lost):
    with clinic.db.write() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.action == action))
    with clinic.db.read() as s:
        named = {r.number for r in unrecorded(s) if r.kind == "invoice"}
    if lost == "batch":
        wanted = _numbers(clinic, *money["batch"])
    elif lost == "reload":
        wanted = _numbers(clinic, money["reload"])
    elif lost == "card":  # the sale's invoice only: the reload has an entry of its own
        wanted = _numbers(clinic, money["card"].invoice_id)
    else:
        wanted = {1, 2}  # the two enrolments' first periods
    assert named == wanted
