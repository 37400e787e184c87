"""R1, issue 16: money at the service door is int cents, and nothing else.

Before, an `int` was cents and a `str` was dollars, so `refund(p, 50)` was 50¢ and
`refund(p, "50")` was $50. Now every service method that takes an amount refuses text, a
float and a Decimal with a ValidationError naming the field, before anything is written; the
screens read what the desk typed with `money.parse` and hand the services cents.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Base
from app.services import ValidationError, money
from app.services.sale_payment import PendingSale

NOT_CENTS = [pytest.param("50", id="text"), pytest.param(50.0, id="float"),
             pytest.param(Decimal("50"), id="Decimal")]


@pytest.fixture
def shop(clinic, catalog):
    """An owing invoice, a payment left as credit, and a paid package to refund."""
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["ten_massages"])
    owing = clinic.billing.sell_package(patient, catalog["three_physio"])
    paid = clinic.billing.receive_payment(patient, 80000, "cash", invoice_id=sale.invoice_id)
    credit = clinic.billing.receive_payment(patient, 5000, "cash",
                                            allocations={})  # all of it left as credit
    return {"patient": patient, "package": sale.package_id, "owing": owing.invoice_id,
            "paid": paid, "credit": credit, "massage": catalog["massage"],
            "template": catalog["ten_massages"], "fee": catalog["no_show_fee"]}


#: (what is called, field named in the refusal, the call with `v` where the amount goes)
DOORS = [
    ("settings.add_no_show_fee", "amount",
     lambda c, s, v: c.settings.add_no_show_fee("Late cancellation", v)),
    ("settings.update_no_show_fee", "amount",
     lambda c, s, v: c.settings.update_no_show_fee(s["fee"], amount=v)),
    ("billing.receive_payment", "amount",
     lambda c, s, v: c.billing.receive_payment(s["patient"], v, "cash")),
    ("billing.receive_payment allocations", "allocation",
     lambda c, s, v: c.billing.receive_payment(s["patient"], 1000, "cash",
                                               allocations={s["owing"]: v})),
    ("billing.payment_preview", "amount",
     lambda c, s, v: c.billing.payment_preview(s["patient"], v)),
    ("billing.payment_preview allocations", "allocation",
     lambda c, s, v: c.billing.payment_preview(s["patient"], 1000,
                                               allocations={s["owing"]: v})),
    ("billing.apply_credit", "amount",
     lambda c, s, v: c.billing.apply_credit(s["patient"], s["owing"], v)),
    ("billing.refund_payment", "amount",
     lambda c, s, v: c.billing.refund_payment(s["credit"], v)),
    ("sale_payment.payment_preview", "amount",
     lambda c, s, v: c.sale_payment.payment_preview(s["patient"], PendingSale(s["template"]),
                                                    v)),
    ("sale_payment.sell_and_pay", "amount",
     lambda c, s, v: c.sale_payment.sell_and_pay(s["patient"], PendingSale(s["template"]), v,
                                                 "cash")),
    ("catalog.add_treatment_type", "price",
     lambda c, s, v: c.catalog.add_treatment_type("Cupping", duration_min=30, price=v)),
    ("catalog.update_treatment_type", "price",
     lambda c, s, v: c.catalog.update_treatment_type(s["massage"], price=v)),
    ("catalog.add_package_template", "price",
     lambda c, s, v: c.catalog.add_package_template("5 Massages", price=v, uses=5,
                                                    eligible={s["massage"]: 0})),
    ("catalog.add_package_template patient pays", "patient_pays",
     lambda c, s, v: c.catalog.add_package_template("5 Massages", price=40000, uses=5,
                                                    eligible={s["massage"]: v})),
    ("catalog.update_package_template", "price",
     lambda c, s, v: c.catalog.update_package_template(s["template"], price=v)),
    ("catalog.update_package_template patient pays", "patient_pays",
     lambda c, s, v: c.catalog.update_package_template(s["template"],
                                                       eligible={s["massage"]: v})),
    ("packages.refund", "amount", lambda c, s, v: c.packages.refund(s["package"], v)),
]


def _counts(clinic) -> dict[str, int]:
    with clinic.db.read() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables}


def _audit_count(clinic) -> int:
    with clinic.db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("value", NOT_CENTS)
@pytest.mark.parametrize("name, field, call", DOORS, ids=[d[0] for d in DOORS])
def test_r1_a_service_refuses_money_that_is_not_int_cents(clinic, shop, name, field, call,
                                                          value):
    rows, audit = _counts(clinic), _audit_count(clinic)
    with pytest.raises(ValidationError) as refusal:
        call(clinic, shop, value)
    assert refusal.value.field == field
    assert "whole number of cents" in str(refusal.value)
    assert _audit_count(clinic) == audit
    assert _counts(clinic) == rows


def test_r1_fifty_is_fifty_cents_and_fifty_typed_is_fifty_dollars(clinic, shop):
    refund = clinic.packages.refund(shop["package"], 50)
    assert clinic.billing.account(shop["patient"]).credit == 5000 + 50
    assert refund.package_refund_id
    typed = money.parse("50", **clinic.money_context())
    assert typed == 5000


def test_r1_typed_text_reaches_the_door_only_through_parse():
    assert not hasattr(money, "to_cents")
    assert money.parse("12,50 $", locale="fr_CA") == 1250
    with pytest.raises(TypeError):
        money.parse(1250)


def test_r30_the_door_keeps_sign_and_limit(clinic, shop):
    with pytest.raises(ValidationError, match="cannot be negative") as refusal:
        clinic.billing.receive_payment(shop["patient"], -100, "cash")
    assert refusal.value.field == "amount"
    with pytest.raises(ValidationError, match="cannot be more than"):
        clinic.catalog.add_treatment_type("Cupping", duration_min=30,
                                          price=money.MAX_AMOUNT + 1)
    with pytest.raises(ValidationError, match="whole number of cents, not yes or no"):
        clinic.settings.add_no_show_fee("Late", True)
