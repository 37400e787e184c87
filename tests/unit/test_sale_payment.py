"""A sale and its payment as one action (R8, R29): both are saved, or neither is."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.models import AuditEntry
from app.services import NotAllowed, ValidationError
from app.services.sale_payment import PendingSale

from scenarios.support import refused


def actions(clinic) -> list[str]:
    with clinic.db.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_r8_sell_and_pay_saves_one_sale_and_one_payment_on_its_invoice(clinic, catalog):
    p = catalog["patient"]
    paid = clinic.sale_payment.sell_and_pay(p, PendingSale(catalog["ten_massages"]), 30000,
                                            "debit", reference="slip 42")
    invoice = clinic.billing.invoice(paid.sale.invoice_id)
    assert (invoice.total, invoice.paid, invoice.balance, invoice.status) == (
        80000, 30000, 50000, "partially paid")  # R8: paid in part
    [payment] = clinic.billing.account(p).payments
    assert (payment.id, payment.method, payment.amount, payment.reference) == (
        paid.payment_id, "debit", 30000, "slip 42")
    assert clinic.packages.detail(paid.sale.package_id).summary.status == "active"
    assert actions(clinic)[-2:] == ["package.sell", "payment.receive"]


def test_r8_a_payment_over_the_total_pays_the_invoice_and_leaves_credit(clinic, catalog):
    p = catalog["patient"]
    preview = clinic.sale_payment.payment_preview(p, PendingSale(catalog["three_physio"]),
                                                  15000)
    assert (preview.invoice_total, preview.applied, preview.unapplied,
            preview.credit_after) == (10000, 10000, 5000, 5000)
    paid = clinic.sale_payment.sell_and_pay(p, PendingSale(catalog["three_physio"]), 15000,
                                            "cash")
    assert clinic.billing.invoice(paid.sale.invoice_id).status == "paid"
    assert clinic.billing.account(p).credit == preview.credit_after


@pytest.mark.parametrize("amount, method, error, words", [
    (0, "cash", ValidationError, "more than zero"),
    (-500, "cash", ValidationError, None),
    ("12.345", "cash", ValidationError, "whole number of cents"),  # text: issue 16
    ("abc", "cash", ValidationError, None),
    (10000, "bitcoin", ValidationError, "Choose how the patient paid"),
])
def test_r29_a_refused_payment_leaves_no_sale(clinic, catalog, amount, method, error, words):
    """The sale is made first inside the transaction; the payment's refusal undoes it."""
    p = catalog["patient"]
    refused(clinic, error, clinic.sale_payment.sell_and_pay, p,
            PendingSale(catalog["ten_massages"]), amount, method, match=words, patients=(p,))
    assert clinic.billing.account(p).invoices == ()
    assert clinic.packages.for_patient(p) == []


def test_r29_a_refused_sale_takes_no_payment(clinic, catalog):
    p = catalog["patient"]
    clinic.catalog.archive_package_template(catalog["ten_massages"])
    refused(clinic, NotAllowed, clinic.sale_payment.sell_and_pay, p,
            PendingSale(catalog["ten_massages"]), "800", "cash", match="archived",
            patients=(p,))
    assert clinic.billing.account(p).payments == ()


def test_r29_sale_and_payment_are_audited_by_who_sold_and_stay_one_chain(clinic, catalog):
    clinic.current_staff_id = catalog["desk"]
    clinic.sale_payment.sell_and_pay(catalog["patient"],
                                     PendingSale(catalog["ten_massages"],
                                                 staff_id=catalog["ana"]), 80000, "cash")
    with clinic.db.read() as s:
        entries = s.scalars(select(AuditEntry).where(
            AuditEntry.action.in_(("package.sell", "payment.receive")))).all()
        assert [e.staff_id for e in entries] == [catalog["desk"]] * 2
        assert json.loads(entries[1].after)["amount"] == 80000
    assert clinic.audit.verify().ok


def test_r29_a_write_inside_a_write_joins_it_and_rolls_back_with_it(clinic, catalog):
    """The unit of work that makes sell-and-pay one transaction (app.services.db)."""
    p = catalog["patient"]
    with pytest.raises(ValidationError):
        with clinic.db.write():
            clinic.billing.sell_package(p, catalog["three_physio"])
            assert len(clinic.billing.account(p).invoices) == 0, "not committed yet"
            clinic.billing.receive_payment(p, 0, "cash")
    assert clinic.billing.account(p).invoices == ()
    clinic.billing.sell_package(p, catalog["three_physio"])  # the desk writes on as before
    assert len(clinic.billing.account(p).invoices) == 1
