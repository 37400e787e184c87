"""R28a: once a package is refunded its sale invoice is settled — nothing stays owing on it and
no money can be paid or applied to it again (issue 15, item 6)."""

from __future__ import annotations

import pytest

from app.services.errors import ClinicError


def _balance(clinic, invoice_id):
    return clinic.billing.invoice(invoice_id).balance


def test_r28a_unpaid_unused_refund_leaves_nothing_owing(clinic, catalog):
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["three_physio"])
    clinic.packages.refund(sale.package_id, 0)
    assert _balance(clinic, sale.invoice_id) == 0
    assert clinic.billing.account(patient).owing == 0


def test_r28a_later_payment_skips_the_refunded_invoice(clinic, catalog):
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["three_physio"])
    clinic.packages.refund(sale.package_id, 0)
    clinic.billing.receive_payment(patient, 5000, "cash")
    assert clinic.billing.invoice(sale.invoice_id).paid == 0
    assert clinic.billing.account(patient).credit == 5000


def test_r28a_refunded_invoice_refuses_a_payment_named_to_it(clinic, catalog):
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["three_physio"])
    clinic.packages.refund(sale.package_id, 0)
    with pytest.raises(ClinicError):
        clinic.billing.receive_payment(patient, 5000, "cash", invoice_id=sale.invoice_id)


def test_r28a_half_paid_refund_credit_cannot_go_back_to_its_invoice(clinic, catalog):
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["three_physio"])
    clinic.billing.receive_payment(patient, 5000, "cash", invoice_id=sale.invoice_id)
    clinic.packages.refund(sale.package_id, 5000)
    assert clinic.billing.account(patient).credit == 5000
    with pytest.raises(ClinicError, match="settled when the package"):
        clinic.billing.apply_credit(patient, sale.invoice_id)
    assert clinic.billing.account(patient).credit == 5000
    assert _balance(clinic, sale.invoice_id) == 0


def test_r28a_refused_payment_writes_nothing(clinic, catalog):
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["three_physio"])
    clinic.packages.refund(sale.package_id, 0)
    before = clinic.billing.account(patient)
    with pytest.raises(ClinicError, match="settled when the package"):
        clinic.billing.receive_payment(patient, 5000, "cash", invoice_id=sale.invoice_id)
    assert clinic.billing.account(patient) == before


def test_r28a_uses_given_unpaid_can_still_be_paid_and_no_more(clinic, catalog):
    """Two of three uses given, nothing paid, refunded for 0: the invoice still asks for the
    value of the two uses (R28a); that can be paid, and a cent more is refused."""
    from datetime import datetime
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["three_physio"])
    for day in (3, 4):
        clinic.schedule.arrive(clinic.schedule.book(patient, catalog["ana"], catalog["physio"],
                                                    datetime(2026, 3, day, 10)))
    clinic.packages.refund(sale.package_id, 0)
    owing = clinic.billing.invoice(sale.invoice_id).balance
    assert owing > 0
    with pytest.raises(ClinicError):
        clinic.billing.receive_payment(patient, 100000, "cash",
                                       allocations={sale.invoice_id: owing + 1})
    clinic.billing.receive_payment(patient, 100000, "cash", invoice_id=sale.invoice_id)
    assert clinic.billing.invoice(sale.invoice_id).balance == 0
    with pytest.raises(ClinicError, match="settled when the package"):
        clinic.billing.receive_payment(patient, 500, "cash", invoice_id=sale.invoice_id)


def test_r28a_the_ledger_itself_refuses_money_past_a_settled_invoice(clinic, catalog):
    """Whatever service asks, an application past the balance is refused (one rule, in
    ledger.apply), and the transaction writes nothing."""
    from app.models import PaymentApplication
    from app.services import ledger
    from sqlalchemy import func, select
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["three_physio"])
    clinic.packages.refund(sale.package_id, 0)
    payment = clinic.billing.receive_payment(patient, 5000, "cash")
    with pytest.raises(ClinicError, match="settled when the package"):
        with clinic.db.write() as s:
            ledger.apply(s, payment, sale.invoice_id, 100, now=clinic.now(), actor=None)
    with clinic.db.read() as s:
        assert s.scalar(select(func.count()).select_from(PaymentApplication)) == 0
