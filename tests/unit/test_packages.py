"""Package service: the patient's list, the show page, expiry, refund amounts and refunds
(R19-R20, R23-R28). The SPEC's rules end to end are in tests/scenarios."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import AuditEntry
from app.services import NotAllowed, NotFound, ValidationError

from scenarios.support import at, paid_sale, refused


def audit(clinic, action):
    with clinic.db.read() as s:
        return [(e.entity_id, json.loads(e.before) if e.before else None,
                 json.loads(e.after) if e.after else None)
                for e in s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id))]


@pytest.fixture
def p(catalog):
    return catalog["patient"]


def test_for_patient_lists_newest_first_and_only_theirs(clinic, catalog, p, clock):
    other = clinic.patients.add("Tom", "Reid")
    first = clinic.billing.sell_package(p, catalog["ten_massages"]).package_id
    clinic.billing.sell_package(other, catalog["ten_massages"])
    clock.advance(days=2)
    second = clinic.billing.sell_package(p, catalog["three_physio"]).package_id
    assert [x.id for x in clinic.packages.for_patient(p)] == [second, first]
    assert clinic.packages.for_patient(clinic.patients.add("New", "Patient")) == []


def test_detail_of_a_package_sold_by_a_staff_member(clinic, catalog, p):
    sale = clinic.billing.sell_package(p, catalog["ten_massages"], staff_id=catalog["ben"])
    detail = clinic.packages.detail(sale.package_id)
    assert (detail.staff_name, detail.collected, detail.redemptions, detail.booked,
            detail.refunds) == ("Ben Okafor", 0, (), (), ())
    assert detail.invoice.lines[0].staff_name == "Ben Okafor"


def test_set_expiry_is_audited(clinic, catalog, p):
    package = clinic.billing.sell_package(p, catalog["ten_massages"]).package_id
    clinic.packages.set_expiry(package, date(2026, 12, 31))
    clinic.packages.set_expiry(package, None)
    assert audit(clinic, "package.set_expiry") == [
        (package, {"expires_on": "2026-09-02"}, {"expires_on": "2026-12-31"}),
        (package, {"expires_on": "2026-12-31"}, {"expires_on": None}),
    ]


def test_set_expiry_takes_a_date_or_text_but_not_a_date_and_time(clinic, catalog, p):
    package = clinic.billing.sell_package(p, catalog["ten_massages"]).package_id
    clinic.packages.set_expiry(package, "2026-10-15")
    assert clinic.packages.summary(package).expires_on == date(2026, 10, 15)
    error = refused(clinic, ValidationError, clinic.packages.set_expiry, package,
                    datetime(2026, 11, 1, 0, 0))
    assert (error.field, str(error)) == ("expires_on",
                                         "The expiry date must be a date, without a time.")


def test_set_expiry_of_a_voided_package_is_refused(clinic, catalog, p):
    sale = clinic.billing.sell_package(p, catalog["ten_massages"])
    clinic.billing.void_invoice(sale.invoice_id, "Mistake")
    refused(clinic, NotAllowed, clinic.packages.set_expiry, sale.package_id, None,
            match="its expiry can no longer be changed")


def test_refund_limit_and_suggestion_follow_payments(clinic, catalog, p):
    sale = clinic.billing.sell_package(p, catalog["ten_massages"])
    assert (clinic.packages.refund_limit(sale.package_id),
            clinic.packages.suggested_refund(sale.package_id)) == (0, 0)
    clinic.billing.receive_payment(p, 20000, "cash", invoice_id=sale.invoice_id)
    assert (clinic.packages.refund_limit(sale.package_id),
            clinic.packages.suggested_refund(sale.package_id)) == (20000, 20000)
    clinic.billing.receive_payment(p, 60000, "cash", invoice_id=sale.invoice_id)
    for day in (3, 4, 5):
        clinic.schedule.arrive(clinic.schedule.book(p, catalog["ana"], catalog["massage"],
                                                    at(date(2026, 3, day))))
    assert (clinic.packages.refund_limit(sale.package_id),
            clinic.packages.suggested_refund(sale.package_id)) == (80000, 56000)


def test_suggested_refund_rounds_once_half_up(clinic, catalog, p):
    template = clinic.catalog.add_package_template("7 Acu", price=10001, uses=7,
                                                   eligible={catalog["acu"]: 0})
    sale, _ = paid_sale(clinic, p, template)
    clinic.schedule.arrive(clinic.schedule.book(p, catalog["ana"], catalog["acu"],
                                                at("2026-03-03")))
    # 10001 × 6 / 7 = 8572.28... -> 8572 (not 6 × round(10001 / 7) = 6 × 1429 = 8574).
    assert clinic.packages.suggested_refund(sale.package_id) == 8572


def test_refund_is_recorded_with_the_suggestion_and_audited(clinic, catalog, p, clock):
    sale, _ = paid_sale(clinic, p, catalog["three_physio"])
    clinic.schedule.arrive(clinic.schedule.book(p, catalog["ana"], catalog["physio"],
                                                at("2026-03-03")))
    booked = clinic.schedule.book(p, catalog["ana"], catalog["physio"], at("2026-03-10"))
    result = clinic.packages.refund(sale.package_id, 5000)
    (row,) = clinic.packages.detail(sale.package_id).refunds
    assert (row.id, row.amount, row.suggested, row.uses_remaining, row.refunded_at) == \
        (result.package_refund_id, 5000, 6667, 2, clock())
    assert clinic.packages.detail(sale.package_id).collected == 10000
    ((entity_id, before, after),) = audit(clinic, "package.refund")
    assert (entity_id, before, after) == (
        sale.package_id, {"status": "active"},
        {"status": "refunded", "amount": 5000, "suggested": 6667, "invoice_total": 5000,
         "released_appointments": [booked]})


def test_refund_of_zero_adds_no_invoice_line(clinic, catalog, p):
    sale, _ = paid_sale(clinic, p, catalog["three_physio"])
    clinic.packages.refund(sale.package_id, 0)
    assert [line.kind for line in clinic.billing.invoice(sale.invoice_id).lines] == ["package"]
    assert clinic.billing.account(p).credit == 0


def test_refund_payments_and_offers_point_at_the_original_payments(clinic, catalog, p, clock):
    sale = clinic.billing.sell_package(p, catalog["three_physio"])
    cash = clinic.billing.receive_payment(p, 3000, "cash", invoice_id=sale.invoice_id)
    clock.advance(days=1)
    card = clinic.billing.receive_payment(p, 7000, "credit_card",
                                          invoice_id=sale.invoice_id)
    result = clinic.packages.refund(sale.package_id, 8000)
    assert clinic.packages.refund_payments(sale.package_id) == [(card, 7000), (cash, 1000)]
    assert clinic.packages.refund_offers(result.package_refund_id) == \
        [(card, 7000), (cash, 1000)]
    clinic.billing.refund_payment(card, 7000, package_refund_id=result.package_refund_id)
    assert clinic.packages.refund_offers(result.package_refund_id) == [(cash, 1000)]


def test_unknown_ids(clinic):
    for call in (clinic.packages.summary, clinic.packages.refund_limit,
                 clinic.packages.refund_payments, clinic.packages.suggested_refund):
        refused(clinic, NotFound, call, 77, match="No package with number 77 exists.")
