"""The journal's entries for money received, applied and handed back (R35; journal.py says
what every event posts).

A payment is one entry with what it paid on invoices as it was received (billing.receive_payment
makes the payment and those applications in one transaction): Dr the method's clearing
account, Cr Accounts Receivable what it paid, Cr Patient Credit the rest. That is how the desk
took it and how a bookkeeper's "receive payment" reads, and a year of a busy clinic has a
quarter fewer entries than with the application posted apart. Credit applied later, and
payments taken back from an invoice (a void, a package refund), are entries of their own; money
handed back (payment_refunds) too.
"""

from __future__ import annotations

from datetime import date
from typing import Iterator

from sqlalchemy import and_, func, select

from ...i18n import _
from ...models import Invoice, Patient, Payment, PaymentApplication, PaymentRefund
from ..day_times import day_of, within
from ..ledger import METHODS
from ..reports.formulas import whole_sum
from . import chart
from .journal import (DASH, ORDER, Keyed, _at, _name, _raw, _stream, _words,
                      make_entry, pair_entry)


def _method(code: str) -> str:
    return _(METHODS[code]).lower() if code in METHODS else code


def _applied_at_receipt():
    """Correlated to a payment: what it paid on invoices as it was received (the
    applications of reason "payment", made with it), and the invoice's number when it paid
    one invoice (NULL otherwise)."""
    mine = and_(PaymentApplication.payment_id == Payment.id,
                PaymentApplication.reason == "payment")
    applied = select(whole_sum(PaymentApplication.amount)).where(mine).scalar_subquery()
    number = (select(func.min(Invoice.number))
              .select_from(PaymentApplication)
              .join(Invoice, Invoice.id == PaymentApplication.invoice_id)
              .where(mine).having(func.count() == 1).scalar_subquery())
    return applied.label("applied"), number.label("invoice_number")


def payments(s, names, a: date, b: date) -> Iterator[Keyed]:
    """A payment received, with what it paid on invoices as it was received: Dr the
    method's clearing account, Cr Accounts Receivable what it paid, Cr Patient Credit the
    rest. One entry, as the desk took it (a payment and its applications are made in one
    transaction, billing.receive_payment); applications made later are their own entries."""
    rows = _stream(s,
        select(Payment.id, _raw(Payment.received_at), Payment.method, Payment.amount,
               Patient.first_name, Patient.last_name, *_applied_at_receipt())
        .join(Patient, Patient.id == Payment.patient_id)
        .where(within(Payment.received_at, a, b))
        .order_by(Payment.received_at, Payment.id))
    payment, number, kind = _("Payment"), _("Payment #{number}"), ORDER["payment"]
    number, invoice = number.format, _("Invoice #{number}").format
    method = {code: _method(code) for code in METHODS}
    for (payment_id, received_at, code, amount, first_name, last_name, applied,
         invoice_number) in rows:
        at = _at(received_at)
        on = at.date()
        words = f"{payment}{DASH}{method.get(code, code)}{DASH}{_name(first_name, last_name)}"
        if invoice_number is not None:
            words = f"{words}{DASH}{invoice(number=invoice_number)}"
        clearing = chart.clearing_role(code)
        if applied == amount:
            entry = pair_entry(names, on, words, number(number=payment_id), clearing,
                               "receivable", amount)
        else:
            entry = make_entry(names, on, words, number(number=payment_id),
                               [(clearing, amount), ("receivable", -applied),
                                ("credit", applied - amount)])
        yield (on, kind, at, payment_id, entry)


def applications(s, names, a: date, b: date) -> Iterator[Keyed]:
    rows = _stream(s,
        select(PaymentApplication.id, _raw(PaymentApplication.created_at),
               PaymentApplication.amount,
               PaymentApplication.reason, Invoice.number, Patient.first_name,
               Patient.last_name)
        .join(Invoice, Invoice.id == PaymentApplication.invoice_id)
        .join(Patient, Patient.id == Invoice.patient_id)
        .where(within(PaymentApplication.created_at, a, b),
               PaymentApplication.reason != "payment")  # those are their payment's
        .order_by(PaymentApplication.created_at, PaymentApplication.id))
    back = _("Payment taken back from invoice #{number}")
    credit = _("Credit applied to invoice #{number}")
    paid = _("Payment applied to invoice #{number}")
    invoice, kind = _("Invoice #{number}"), ORDER["application"]
    back, credit, paid, invoice = back.format, credit.format, paid.format, invoice.format
    for application_id, created_at, amount, reason, number, first_name, last_name in rows:
        at = _at(created_at)
        on = at.date()
        words = back if amount < 0 else credit if reason == "credit" else paid
        entry = pair_entry(names, on, f"{words(number=number)}{DASH}"
                                      f"{_name(first_name, last_name)}",
                           invoice(number=number), "credit", "receivable", amount)
        if entry is not None:
            yield (on, kind, at, application_id, entry)


def refunds(s, names, a: date, b: date) -> Iterator[Keyed]:
    """Money handed back to patients out of their credit."""
    rows = _stream(s,
        select(PaymentRefund.id, PaymentRefund.refunded_at, PaymentRefund.method,
               PaymentRefund.amount, Patient.first_name, Patient.last_name)
        .join(Patient, Patient.id == PaymentRefund.patient_id)
        .where(within(PaymentRefund.refunded_at, a, b))
        .order_by(PaymentRefund.refunded_at, PaymentRefund.id))
    for row in rows:
        on = day_of(row.refunded_at)
        entry = make_entry(names, on, _words(_("Refund"), _method(row.method),
                                             _name(row.first_name, row.last_name)),
                           _("Refund #{number}").format(number=row.id),
                           [("credit", row.amount), (chart.clearing_role(row.method),
                                                     -row.amount)])
        yield (on, ORDER["refund"], _at(row.refunded_at), row.id, entry)
