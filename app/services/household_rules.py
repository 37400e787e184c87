"""Households and shares as the booking and package rules read them (R37): queries only.

Kept apart from households.py and package_shares.py (the writes) so that package_rules can
ask "may this patient use this package?" without importing the services that call it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import HouseholdMember, PackageShare


def household_of(s: Session, patient_id: int) -> int | None:
    """The patient's current household, or None."""
    return s.scalar(select(HouseholdMember.household_id).where(
        HouseholdMember.patient_id == patient_id, HouseholdMember.left_at.is_(None)))


def current_members(s: Session, household_id: int) -> list[HouseholdMember]:
    return list(s.scalars(select(HouseholdMember).where(
        HouseholdMember.household_id == household_id, HouseholdMember.left_at.is_(None))
        .order_by(HouseholdMember.patient_id)))


def shared_package_ids(patient_id: int):
    """The packages shared with the patient now, as a subquery."""
    return select(PackageShare.package_id).where(PackageShare.patient_id == patient_id,
                                                 PackageShare.ended_at.is_(None))


def live_share(s: Session, package_id: int, patient_id: int) -> PackageShare | None:
    return s.scalar(select(PackageShare).where(PackageShare.package_id == package_id,
                                               PackageShare.patient_id == patient_id,
                                               PackageShare.ended_at.is_(None)))


def may_use(s: Session, package_id: int, owner_id: int, patient_id: int) -> bool:
    """The purchaser, or a member the package is shared with now."""
    return owner_id == patient_id or live_share(s, package_id, patient_id) is not None
