"""Refund policies (R40): the desk's choice checked as the catalogue stores it, and a
package's suggestion by its own policy, loaded in the caller's transaction.

The rule is app.domain.refund_policy; app.services.refund_words says it in words.
"""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain import refund_policy as domain
from ..domain.packages import charged
from ..i18n import _
from ..models import Appointment, Package, PackageRefund, Redemption, TreatmentType
from .errors import ValidationError

RefundBasis = domain.RefundBasis
RefundPolicy = domain.RefundPolicy


def checked(code: object) -> str:
    """A refund policy code as stored, or a ValidationError naming the field and the limit."""
    try:
        return domain.parse_policy(code).code
    except domain.PolicyProblem as problem:
        raise ValidationError(problem.field, _refusal(problem)) from None


def policy_of(code: str) -> RefundPolicy:
    """The policy a stored code names (stored codes were checked on the way in)."""
    return domain.parse_policy(code)


def fee_policy(percent: int, cap: int) -> str:
    """The code of "pro rata less a fee of `percent` %, at most `cap` cents" (unchecked)."""
    return f"{domain.PRO_RATA_FEE}:{percent}:{cap}"


def _refusal(problem: domain.PolicyProblem) -> str:
    if problem.field == "fee_percent":
        return _("The cancellation fee must be a whole percent from 0 to {most} % of the "
                 "remaining value.").format(most=domain.MAX_PERCENT)
    if problem.field == "fee_cap":
        return _("The cancellation fee's cap must be an amount of 0 or more.")
    return _("Choose a refund policy: pro rata, used uses at the standard price, or pro rata "
             "less a cancellation fee.")


def uses_given(s: Session, package: Package) -> tuple[domain.UsesAt, ...]:
    """The package's live uses grouped by treatment and standard price, in the order first
    given. The standard price is the treatment type's today, tax included as collected is;
    the Patient Pays billed at the visit (tax included) was paid on the visit's invoice and
    is not charged again."""
    rows = s.execute(
        select(TreatmentType.name, TreatmentType.price, TreatmentType.tax_rate,
               Redemption.patient_pays, func.count(Redemption.id),
               func.min(Redemption.use_number))
        .join(Appointment, Appointment.id == Redemption.appointment_id)
        .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
        .where(Redemption.package_id == package.id, Redemption.voided_at.is_(None))
        .group_by(TreatmentType.id, TreatmentType.name, TreatmentType.price,
                  TreatmentType.tax_rate, Redemption.patient_pays)
        .order_by(func.min(Redemption.use_number), TreatmentType.id)).all()
    return tuple(domain.UsesAt(count, name, charged(price, rate),
                               charged(pays or 0, rate))
                 for name, price, rate, pays, count, _first in rows)


def applied(s: Session, package: Package, pro_rata):
    """R26's suggestion for this package turned into its policy's (R40), the calculation
    attached as `.basis`."""
    policy = policy_of(package.refund_policy or domain.PRO_RATA)
    uses = uses_given(s, package) if policy.kind == domain.STANDARD_PRICE else ()
    basis = domain.suggest(policy, pro_rata, uses)
    return replace(pro_rata, amount=basis.amount, basis=basis)


def record(basis: RefundBasis | None) -> str | None:
    """The basis as stored on the refund."""
    return None if basis is None else json.dumps(basis.as_record(), sort_keys=True)


def basis_of(refund: PackageRefund) -> RefundBasis | None:
    """The calculation kept on a refund; None for a refund made before it was kept."""
    return None if not refund.basis else RefundBasis.from_record(json.loads(refund.basis))
