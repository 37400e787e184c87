"""Switching in (R42): a patient's opening balance, owed or held, from before ClinicDesk.

- Owing: an invoice dated the day of the balance with one "opening_balance" line for the
  amount. It is owed like any invoice (the patient's balance shows it, Receive Payment
  pays it) and is no revenue (R34): the journal posts it to Opening Balances (R35).
- Credit: a payment "Collected before ClinicDesk" of the amount, applied to nothing: it is
  the patient's credit, applied to invoices and handed back as any credit is (R8, R27),
  and the journal posts it to Opening Balances, never to a till.
Neither is money of today: the Day Close leaves both out (app/services/day_figures.py).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select

from ..domain.states import PaymentMethod
from ..i18n import _
from ..models import Invoice, InvoiceLine, Patient, Payment
from . import ledger
from . import validation as v
from .day_times import midnight
from .errors import ValidationError
from .money import format_money
from .validity import show_date

OPENING_LINE = "opening_balance"
#: the reference of an opening credit, so a second import of the same file is told apart
CREDIT_REFERENCE = "Opening balance"
MOST_CENTS = 100_000_000


def check(today: date, locale: str, *, owing, credit, as_of) -> tuple[int, int, date]:
    """(owing, credit, day) in cents, or a ValidationError naming the field and the limit."""
    amounts = []
    for value, field, label in ((owing, "owing", _("amount owing")),
                                (credit, "credit", _("credit"))):
        cents = v.whole_number(value or 0, field, label=label, minimum=-MOST_CENTS,
                               maximum=MOST_CENTS)
        if cents < 0:
            raise ValidationError(field, _("The {label} cannot be less than {zero}.")
                                  .format(label=label, zero=format_money(0, locale=locale)))
        amounts.append(cents)
    owing, credit = amounts
    if owing and credit:
        raise ValidationError("credit", _(
            "A patient either owes the clinic or holds a credit: give one of the two, not "
            "both."))
    if not owing and not credit:
        raise ValidationError("owing", _("Give the amount the patient owes or their credit."))
    as_of = v.a_date(today if as_of in (None, "") else as_of, "as_of",
                     label=_("balance date"))
    if as_of > today:
        raise ValidationError("as_of", _(
            "The balance date ({date}) cannot be after today ({today}).")
            .format(date=show_date(as_of, locale), today=show_date(today, locale)))
    return owing, credit, as_of


def has_one(s, patient_id: int) -> bool:
    """Whether the patient was already given an opening balance."""
    owed = exists().where(InvoiceLine.kind == OPENING_LINE,
                          InvoiceLine.invoice_id == Invoice.id, Invoice.patient_id == patient_id)
    held = exists().where(Payment.patient_id == patient_id,
                          Payment.method == PaymentMethod.IMPORTED.value,
                          Payment.reference == CREDIT_REFERENCE)
    return bool(s.scalar(select(owed)) or s.scalar(select(held)))


def record(s, patient_id: int, owing: int, credit: int, as_of: date, *, actor, audit) -> int:
    """Write the balance (see the module's docstring); the invoice's or the payment's id.
    The caller owns the transaction."""
    v.get(s, Patient, patient_id, "patient")
    at = midnight(as_of)
    if owing:
        invoice = ledger.new_invoice(s, patient_id, issued_on=as_of, now=at, actor=actor)
        ledger.add_line(s, invoice, kind=OPENING_LINE,
                        description=_("Balance owing before ClinicDesk"), unit_price=owing)
        audit(s, "invoice.opening_balance", "invoice", invoice.id, None,
              {"number": invoice.number, "owing": owing, "as_of": as_of.isoformat()})
        return invoice.id
    payment = Payment(patient_id=patient_id, received_at=at,
                      method=PaymentMethod.IMPORTED.value, amount=credit,
                      reference=CREDIT_REFERENCE, created_by=actor)
    s.add(payment)
    s.flush()
    audit(s, "payment.receive", "payment", payment.id, None,
          {"amount": credit, "method": payment.method, "opening_balance": True})
    return payment.id
