"""The payments an invoice received, and what a package refund gave back of each (R20, R27).

The patient follows their money on the sale invoice: a payment refunded in full stays listed,
with what went back to credit and what was then handed back, and how.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import Package, PackageRefund, Payment, PaymentApplication, PaymentRefund
from ..models.base import Int
from .refund_receipts import HandedBack


@dataclass(frozen=True)
class AppliedPayment:
    payment_id: int
    method: str
    received_at: datetime
    amount: int    # what is applied to the invoice now
    received: int = 0  # what it put on the invoice (before any package refund)
    refunded: int = 0  # what the package refund took off the invoice into credit (R27)
    handed_back: tuple[HandedBack, ...] = ()  # of that credit, refunded to the patient


def payments_on(s: Session, invoice_id: int) -> tuple[AppliedPayment, ...]:
    """Each payment applied to the invoice, oldest first; kept when a package refund took it
    all back (a void's reversal empties the list, as the invoice then asks for nothing)."""
    taken = case((PaymentApplication.reason == "package_refund", -PaymentApplication.amount),
                 else_=0)
    put = case((PaymentApplication.amount > 0, PaymentApplication.amount), else_=0)
    rows = s.execute(
        select(Payment.id, Payment.method, Payment.received_at,
               # typed Int: PostgreSQL sums bigints as numeric, read back here as int
               func.sum(PaymentApplication.amount, type_=Int), func.sum(put, type_=Int),
               func.sum(taken, type_=Int))
        .join(PaymentApplication, PaymentApplication.payment_id == Payment.id)
        .where(PaymentApplication.invoice_id == invoice_id)
        .group_by(Payment.id, Payment.method, Payment.received_at)
        .order_by(Payment.received_at, Payment.id)).all()
    back: dict[int, list[HandedBack]] = {}
    for r, p in s.execute(select(PaymentRefund, Payment)
                          .join(Payment, Payment.id == PaymentRefund.payment_id)
                          .join(PackageRefund, PackageRefund.id == PaymentRefund.package_refund_id)
                          .join(Package, Package.id == PackageRefund.package_id)
                          .where(Package.invoice_id == invoice_id)
                          .order_by(PaymentRefund.refunded_at, PaymentRefund.id)):
        back.setdefault(r.payment_id, []).append(
            HandedBack(r.id, r.method, r.amount, r.refunded_at, p.received_at, p.amount,
                       p.method))
    return tuple(AppliedPayment(pid, method, at, amount, received, refunded,
                                tuple(back.get(pid, ())))
                 for pid, method, at, amount, received, refunded in rows
                 if amount or refunded)
