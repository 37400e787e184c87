"""What the billing screens read: states as enums and the can_… flags they enable actions
from (issue 16; R8, R18, R28a)."""

from __future__ import annotations

from app.domain.states import InvoiceStatus, PaymentMethod


def summary(clinic, patient, invoice_id):
    return next(i for i in clinic.billing.account(patient).invoices if i.id == invoice_id)


def test_an_owing_invoice_can_be_paid_and_voided(clinic, catalog):
    p = catalog["patient"]
    invoice = clinic.billing.sell_package(p, catalog["three_physio"]).invoice_id
    row = summary(clinic, p, invoice)
    assert row.status is InvoiceStatus.UNPAID and row.status == "unpaid"
    assert (row.can_pay, row.can_void) == (True, True)
    view = clinic.billing.invoice(invoice)
    assert (view.status, view.can_pay, view.can_void) == (InvoiceStatus.UNPAID, True, True)


def test_a_paid_invoice_takes_no_more_and_a_void_one_nothing(clinic, catalog):
    p = catalog["patient"]
    invoice = clinic.billing.sell_package(p, catalog["three_physio"]).invoice_id
    clinic.billing.receive_payment(p, clinic.billing.invoice(invoice).balance, "debit",
                                   invoice_id=invoice)
    row = summary(clinic, p, invoice)
    assert (row.status, row.can_pay, row.can_void) == (InvoiceStatus.PAID, False, True)
    clinic.current_staff_id = catalog["ana"]  # voiding needs a manager
    clinic.billing.void_invoice(invoice, "Sold by mistake")
    row = summary(clinic, p, invoice)
    assert (row.status, row.balance, row.can_pay, row.can_void) == \
        (InvoiceStatus.VOID, 0, False, False)
    account = clinic.billing.account(p)
    assert account.credit == sum(payment.unapplied for payment in account.payments) > 0


def test_payments_carry_their_method_as_the_enum_and_its_name(clinic, catalog):
    p = catalog["patient"]
    payment = clinic.billing.receive_payment(p, 2000, "e_transfer", allocations={})
    row = clinic.billing.payment(payment)
    assert row.method is PaymentMethod.E_TRANSFER and row.method == "e_transfer"
    assert row.method_name == "E-transfer"
    assert (row.amount, row.applied, row.refunded, row.unapplied) == (2000, 0, 0, 2000)
