"""The invoice/payment ledger inside one transaction. Every money rule lives here once.

Only services call these, always inside their own unit of work. Nothing is deleted (R29):
an application is reversed by a negative application; an invoice is voided.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..i18n import N_, _
from ..models import Invoice, InvoiceLine, Payment, PaymentApplication, PaymentRefund
from . import locks
from .errors import NotAllowed
from .money import tax_on
from .settings import load_settings

# How the patient paid: code -> name, marked for translation; shown through _()
# (a module constant is read before the desk's language is known).
METHODS = {
    "cash": N_("Cash"),
    "debit": N_("Debit"),
    "credit_card": N_("Credit card"),
    "cheque": N_("Cheque"),
    "e_transfer": N_("E-transfer"),
    "other": N_("Other"),
}


def status_of(total: int, paid: int, voided: bool) -> str:
    if voided:
        return "void"
    if paid >= total:
        return "paid"
    if paid > 0:
        return "partially paid"
    return "unpaid"


def new_invoice(s: Session, patient_id: int, *, issued_on: date, now: datetime,
                actor: int | None) -> Invoice:
    """Take the next invoice number in this transaction: numbers have no gaps (the counter
    and the invoice commit together, or neither does)."""
    locks.invoice_counter(s)
    settings = load_settings(s)
    number = settings.next_invoice_number
    settings.next_invoice_number = number + 1
    invoice = Invoice(number=number, patient_id=patient_id, issued_on=issued_on, created_at=now,
                      created_by=actor, subtotal=0, tax=0, total=0, void_reason="")
    s.add(invoice)
    s.flush()
    return invoice


def add_line(s: Session, invoice: Invoice, *, kind: str, description: str, unit_price: int,
             tax_rate: Decimal = Decimal("0"), quantity: int = 1, staff_id: int | None = None,
             package_id: int | None = None, appointment_id: int | None = None,
             treatment_type_id: int | None = None, tax: int | None = None) -> InvoiceLine:
    net = unit_price * quantity
    line_tax = tax_on(net, tax_rate) if tax is None else tax
    line_no = (s.scalar(select(func.max(InvoiceLine.line_no))
                        .where(InvoiceLine.invoice_id == invoice.id)) or 0) + 1
    line = InvoiceLine(invoice_id=invoice.id, line_no=line_no, kind=kind,
                       description=description[:200], staff_id=staff_id, quantity=quantity,
                       unit_price=unit_price, tax_rate=tax_rate, tax=line_tax,
                       total=net + line_tax, package_id=package_id,
                       appointment_id=appointment_id, treatment_type_id=treatment_type_id)
    s.add(line)
    invoice.subtotal += net
    invoice.tax += line_tax
    invoice.total += net + line_tax
    s.flush()
    return line


def paid_on_invoice(s: Session, invoice_id: int) -> int:
    return s.scalar(select(func.coalesce(func.sum(PaymentApplication.amount), 0))
                    .where(PaymentApplication.invoice_id == invoice_id))


def balance_of(s: Session, invoice: Invoice) -> int:
    if invoice.voided_at is not None:
        return 0
    return invoice.total - paid_on_invoice(s, invoice.id)


def unapplied_by_payment(s: Session, patient_id: int) -> list[tuple[Payment, int]]:
    """Each payment of the patient with money not yet applied nor refunded, oldest first."""
    applied = (select(PaymentApplication.payment_id,
                      func.sum(PaymentApplication.amount).label("amount"))
               .group_by(PaymentApplication.payment_id).subquery())
    refunded = (select(PaymentRefund.payment_id, func.sum(PaymentRefund.amount).label("amount"))
                .group_by(PaymentRefund.payment_id).subquery())
    free = (Payment.amount - func.coalesce(applied.c.amount, 0)
            - func.coalesce(refunded.c.amount, 0))
    rows = s.execute(select(Payment, free)
                     .outerjoin(applied, applied.c.payment_id == Payment.id)
                     .outerjoin(refunded, refunded.c.payment_id == Payment.id)
                     .where(Payment.patient_id == patient_id, free > 0)
                     .order_by(Payment.received_at, Payment.id)).all()
    return [(payment, amount) for payment, amount in rows]


def unapplied_of_payment(s: Session, payment: Payment) -> int:
    applied = s.scalar(select(func.coalesce(func.sum(PaymentApplication.amount), 0))
                       .where(PaymentApplication.payment_id == payment.id))
    refunded = s.scalar(select(func.coalesce(func.sum(PaymentRefund.amount), 0))
                        .where(PaymentRefund.payment_id == payment.id))
    return payment.amount - applied - refunded


def credit_of(s: Session, patient_id: int) -> int:
    return sum(amount for _, amount in unapplied_by_payment(s, patient_id))


def apply(s: Session, payment_id: int, invoice_id: int, amount: int, *, now: datetime,
          actor: int | None, reason: str = "payment") -> None:
    """Put `amount` of a payment on an invoice (negative: take it back). Money never goes
    past what the invoice still asks for: a void invoice, or one a package refund settled
    (R28a), receives nothing, whichever service asks."""
    if amount > 0:
        invoice = s.get(Invoice, invoice_id)
        if amount > balance_of(s, invoice):
            raise NotAllowed(_overpaid(s, invoice))
    if amount:
        s.add(PaymentApplication(payment_id=payment_id, invoice_id=invoice_id, amount=amount,
                                 created_at=now, created_by=actor, reason=reason))
        s.flush()


def apply_credit(s: Session, invoice: Invoice, *, limit: int | None, now: datetime,
                 actor: int | None) -> int:
    """Apply the patient's credit (oldest payments first) to an invoice. Returns amount."""
    wanted = balance_of(s, invoice)
    if limit is not None:
        wanted = min(wanted, limit)
    done = 0
    for payment, free in unapplied_by_payment(s, invoice.patient_id):
        if done >= wanted:
            break
        take = min(free, wanted - done)
        apply(s, payment.id, invoice.id, take, now=now, actor=actor, reason="credit")
        done += take
    return done


def _overpaid(s: Session, invoice: Invoice) -> str:
    from .why_not import pay_invoice  # (why_not asks this module for balances)
    return pay_invoice(s, invoice, balance=0) or _(
        "Invoice #{number} has less left to pay than that.").format(number=invoice.number)


def unapply(s: Session, invoice: Invoice, amount: int, *, now: datetime, actor: int | None,
            reason: str) -> int:
    """Move up to `amount` of what is applied to an invoice back into credit, newest payment
    first, as negative applications (never by editing or deleting the originals)."""
    per_payment = s.execute(
        select(PaymentApplication.payment_id, func.sum(PaymentApplication.amount))
        .where(PaymentApplication.invoice_id == invoice.id)
        .group_by(PaymentApplication.payment_id)
        .order_by(func.max(PaymentApplication.id).desc())).all()
    moved = 0
    for payment_id, applied in per_payment:
        if moved >= amount:
            break
        take = min(applied, amount - moved)
        if take > 0:
            apply(s, payment_id, invoice.id, -take, now=now, actor=actor, reason=reason)
            moved += take
    return moved


def void(s: Session, invoice: Invoice, *, reason: str, now: datetime, actor: int | None) -> int:
    """Void an invoice: it stays, marked void; money paid on it becomes credit (R18, R29)."""
    credit = unapply(s, invoice, paid_on_invoice(s, invoice.id), now=now, actor=actor,
                     reason="void")
    invoice.voided_at = now
    invoice.voided_by = actor
    invoice.void_reason = reason
    s.flush()
    return credit
