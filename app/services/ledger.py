"""The invoice/payment ledger inside one transaction. Every money rule lives here once.

Only services call these, always inside their own unit of work. Nothing is deleted (R29):
an application is reversed by a negative application; an invoice is voided.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from ..domain import ledger as rules
from ..domain.states import PaymentMethod, name_of
from ..i18n import _
from ..models import (ClinicSettings, Invoice, InvoiceLine, Payment, PaymentApplication,
                      PaymentRefund)
from . import locks
from .rows import ask, inserted, written
from .errors import NotAllowed
from .money import tax_on
from .settings import load_settings

# How the patient paid: code -> name, in the order the desk offers them; the names come
# from the one table in app/domain/states.py (marked; shown through _()).
METHODS = {method.value: name_of(method) for method in PaymentMethod
           if method is not PaymentMethod.IMPORTED}  # (R42: only ever brought in)


_NEW_INVOICE_LINES = "ledger.new_invoice_lines"  # session.info: invoice id -> lines added


_COUNTER = ClinicSettings.__table__.c
_TAKE_NUMBERS = (update(ClinicSettings.__table__).where(_COUNTER.id == 1)
                 .values(next_invoice_number=_COUNTER.next_invoice_number + bindparam("n"))
                 .returning(_COUNTER.next_invoice_number))


def take_invoice_numbers(s: Session, n: int = 1) -> int:
    """Take `n` consecutive invoice numbers from the clinic's counter; returns the first.
    One UPDATE ... RETURNING, which on a server also holds the counter's row until commit
    (locks.py: after the patient and the schedules), so two desks never take the same
    number, and as the number commits with its invoice, or not at all, there is no gap.
    The settings row, if this write holds it, is told the new value: it must never write
    back the old one."""
    conn = s.connection()
    after = conn.execute(_TAKE_NUMBERS, {"n": n}).scalar()
    if after is None:  # a clinic whose settings were never saved: the row starts now
        load_settings(s)
        after = conn.execute(_TAKE_NUMBERS, {"n": n}).scalar_one()
    written(s, ClinicSettings, 1, next_invoice_number=after)
    return after - n


def new_invoice(s: Session, patient_id: int, *, issued_on: date, now: datetime,
                actor: int | None) -> Invoice:
    """Take the next invoice number in this transaction: numbers have no gaps (the counter
    and the invoice commit together, or neither does)."""
    number = take_invoice_numbers(s)
    invoice = inserted(s, Invoice, _INVOICE, number=number, patient_id=patient_id,
                       issued_on=issued_on, created_at=now, created_by=actor, subtotal=0,
                       tax=0, total=0, voided_at=None, voided_by=None, void_reason="")
    # Lines numbered so far on invoices made in this transaction: add_line numbers theirs
    # without asking the database for a max(line_no) it knows is none yet (issue 22).
    s.info.setdefault(_NEW_INVOICE_LINES, {})[invoice.id] = 0
    return invoice


def add_line(s: Session, invoice: Invoice, *, kind: str, description: str, unit_price: int,
             tax_rate: Decimal = Decimal("0"), quantity: int = 1, staff_id: int | None = None,
             package_id: int | None = None, appointment_id: int | None = None,
             treatment_type_id: int | None = None, tax: int | None = None) -> int:
    """Add a line to `invoice` and to its totals; returns the line's id. Both are written
    at once, past the unit of work (issue 22: a flushed object costs three times the
    statement); `invoice` shows the new totals (rows.py)."""
    net = unit_price * quantity
    line_tax = tax_on(net, tax_rate) if tax is None else tax
    numbered = s.info.get(_NEW_INVOICE_LINES, {})
    if invoice.id in numbered:
        line_no = numbered[invoice.id] = numbered[invoice.id] + 1
    else:
        line_no = (ask(s, _LAST_LINE_NO, {"invoice_id": invoice.id}) or 0) + 1
    conn = s.connection()
    line_id = conn.execute(_LINE, dict(
        invoice_id=invoice.id, line_no=line_no, kind=kind, description=description[:200],
        staff_id=staff_id, quantity=quantity, unit_price=unit_price, tax_rate=tax_rate,
        tax=line_tax, total=net + line_tax, package_id=package_id,
        appointment_id=appointment_id, treatment_type_id=treatment_type_id)).scalar_one()
    if net or line_tax:
        subtotal, tax_total, total = conn.execute(_TOTALS, dict(
            invoice=invoice.id, net=net, line_tax=line_tax)).one()
        written(s, Invoice, invoice.id, subtotal=subtotal, tax=tax_total, total=total)
    return line_id


# Built once (issue 22); the rows they write have no ORM object in the session.
_INVOICE = insert(Invoice.__table__).returning(Invoice.__table__.c.id)
_LINE = insert(InvoiceLine.__table__).returning(InvoiceLine.__table__.c.id)
_LAST_LINE_NO = (select(func.max(InvoiceLine.line_no))
                 .where(InvoiceLine.invoice_id == bindparam("invoice_id")))
_I = Invoice.__table__.c
_TOTALS = (update(Invoice.__table__).where(_I.id == bindparam("invoice"))
           .values(subtotal=_I.subtotal + bindparam("net"), tax=_I.tax + bindparam("line_tax"),
                   total=_I.total + bindparam("net") + bindparam("line_tax"))
           .returning(_I.subtotal, _I.tax, _I.total))
_APPLICATION = insert(PaymentApplication.__table__)
_PAYMENT = insert(Payment.__table__).returning(Payment.__table__.c.id)


def new_payment(s: Session, *, patient_id: int, received_at: datetime, method: str,
                amount: int, reference: str, actor: int | None) -> int:
    """Write a payment received, at once; returns its id (then `apply` puts it on invoices:
    what is not applied is the patient's credit)."""
    return s.connection().execute(_PAYMENT, dict(
        patient_id=patient_id, received_at=received_at, method=method, amount=amount,
        reference=reference, created_by=actor)).scalar_one()


_PAID = (select(func.coalesce(func.sum(PaymentApplication.amount), 0))
         .where(PaymentApplication.invoice_id == bindparam("invoice_id")))  # (built once)


def paid_on_invoice(s: Session, invoice_id: int) -> int:
    return ask(s, _PAID, {"invoice_id": invoice_id})


def balance_of(s: Session, invoice: Invoice) -> int:
    voided = invoice.voided_at is not None
    paid = 0 if voided else paid_on_invoice(s, invoice.id)  # void asks nothing: no query
    return rules.invoice_balance(invoice.total, paid, voided)


def applied_and_refunded(s: Session, payment_ids: list[int]) -> dict[int, tuple[int, int]]:
    """payment id -> (applied to invoices, handed back), for the payments named."""
    if not payment_ids:
        return {}
    applied = dict(s.execute(select(PaymentApplication.payment_id,
                                    func.sum(PaymentApplication.amount))
                             .where(PaymentApplication.payment_id.in_(payment_ids))
                             .group_by(PaymentApplication.payment_id)).all())
    refunded = dict(s.execute(select(PaymentRefund.payment_id, func.sum(PaymentRefund.amount))
                              .where(PaymentRefund.payment_id.in_(payment_ids))
                              .group_by(PaymentRefund.payment_id)).all())
    return {i: (applied.get(i) or 0, refunded.get(i) or 0) for i in payment_ids}


def unapplied_by_payment(s: Session, patient_id: int) -> list[tuple[Payment, int]]:
    """Each payment of the patient with money not yet applied nor refunded, oldest first."""
    payments = s.scalars(select(Payment).where(Payment.patient_id == patient_id)
                         .order_by(Payment.received_at, Payment.id)).all()
    sums = applied_and_refunded(s, [p.id for p in payments])
    parts = [(p, rules.unapplied(p.amount, *sums[p.id])) for p in payments]
    return [(payment, part) for payment, part in parts if part > 0]


def unapplied_of_payment(s: Session, payment: Payment) -> int:
    return rules.unapplied(payment.amount, *applied_and_refunded(s, [payment.id])[payment.id])


def credit_of(s: Session, patient_id: int) -> int:
    return rules.credit(part for _, part in unapplied_by_payment(s, patient_id))


def apply(s: Session, payment_id: int, invoice_id: int, amount: int, *, now: datetime,
          actor: int | None, reason: str = "payment", balance: int | None = None) -> None:
    """Put `amount` of a payment on an invoice (negative: take it back). Money never goes
    past what the invoice still asks for: a void invoice, or one a package refund settled
    (R28a), receives nothing, whichever service asks. `balance`: the invoice's balance as
    the caller read it in this transaction, with nothing applied to it since (a payment's
    own plan), so the same sum is not asked for again. The application is written at once
    (the payment and the invoice are in the database already)."""
    if amount > 0:
        if balance is None:
            balance = balance_of(s, s.get(Invoice, invoice_id))
        if amount > balance:
            raise NotAllowed(_overpaid(s, s.get(Invoice, invoice_id)))
    if amount:
        s.connection().execute(_APPLICATION, dict(
            payment_id=payment_id, invoice_id=invoice_id, amount=amount, created_at=now,
            created_by=actor, reason=reason))


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
        take = rules.payable(wanted - done, free)
        apply(s, payment.id, invoice.id, take, now=now, actor=actor, reason="credit")
        done += take
    return done


def _overpaid(s: Session, invoice: Invoice) -> str:
    from .why_not import pay_invoice  # (why_not asks this module for balances)
    return pay_invoice(s, invoice, balance=0) or _(
        "Invoice #{number} has less left to pay than that.").format(number=invoice.number)


_PER_PAYMENT = (select(PaymentApplication.payment_id, func.sum(PaymentApplication.amount))
                .where(PaymentApplication.invoice_id == bindparam("invoice_id"))
                .group_by(PaymentApplication.payment_id)
                .order_by(func.max(PaymentApplication.id).desc()))  # (newest first; built once)


def unapply(s: Session, invoice: Invoice, amount: int, *, now: datetime, actor: int | None,
            reason: str) -> int:
    """Move up to `amount` of what is applied to an invoice back into credit, newest payment
    first, as negative applications (never by editing or deleting the originals)."""
    per_payment = s.execute(_PER_PAYMENT, {"invoice_id": invoice.id}).all()
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
