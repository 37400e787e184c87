"""One package refund followed to the end: what became credit, and what went back to the
patient by which method (R27, R31). The refund dialog's heading and the package refund
receipt both read it, so the paper says what the screen said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import PackageRefund, Patient, Payment, PaymentRefund, Staff
from . import ledger, refund_policies
from .refund_policies import RefundBasis


@dataclass(frozen=True)
class HandedBack:
    refund_id: int
    method: str       # a ledger.METHODS code
    amount: int
    refunded_at: datetime
    payment_received_at: datetime
    payment_amount: int
    payment_method: str


@dataclass(frozen=True)
class PackageRefundReceipt:
    package_refund_id: int
    patient_id: int
    patient_name: str
    package_name: str
    refunded_at: datetime
    amount: int        # what the package refund moved into credit
    suggested: int
    uses_remaining: int
    uses_total: int
    handed_back: tuple[HandedBack, ...]  # oldest first
    still_credit: int  # of `amount`, not handed back (and still on the patient's credit)
    staff_name: str | None  # who refunded the package; None when nobody was signed in
    #: the suggestion's calculation as the refund kept it (R40); None before it was kept
    basis: RefundBasis | None = None

    @property
    def total_handed_back(self) -> int:
        return sum(h.amount for h in self.handed_back)


def receipt(s: Session, refund: PackageRefund) -> PackageRefundReceipt:
    package = refund.package
    handed = tuple(
        HandedBack(r.id, r.method, r.amount, r.refunded_at, p.received_at, p.amount, p.method)
        for r, p in s.execute(select(PaymentRefund, Payment)
                              .join(Payment, Payment.id == PaymentRefund.payment_id)
                              .where(PaymentRefund.package_refund_id == refund.id)
                              .order_by(PaymentRefund.refunded_at, PaymentRefund.id)))
    back = sum(h.amount for h in handed)
    still = max(0, min(refund.amount - back, ledger.credit_of(s, package.patient_id)))
    staff = s.get(Staff, refund.created_by) if refund.created_by else None
    patient = s.get(Patient, package.patient_id)
    return PackageRefundReceipt(refund.id, package.patient_id, patient.full_name,
                                package.name, refund.refunded_at, refund.amount,
                                refund.suggested, refund.uses_remaining, package.uses_total,
                                handed, still, staff.name if staff else None,
                                refund_policies.basis_of(refund))
