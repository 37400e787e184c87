"""Double compensation (R7, R7a): which booked visits would pay their practitioner for a use
whose sale already paid a staff member up front, and how the desk is told.

One rule for the sale (R7: the upcoming visits a new staff-assigned package will cover) and
for booking and applying a package later (R7a: this one visit, covered by such a package).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import Appointment, Package, PackageCoverage, Staff


def _would_pay_again(package: Package, patient_id: int | None = None):
    """A visit of this patient (the purchaser, or `patient_id`: a household member the
    package is shared with, R37), still booked and still compensating its practitioner, of a
    treatment the package covers, and not covered by another package."""
    covered = select(PackageCoverage.treatment_type_id).where(
        PackageCoverage.package_id == package.id)
    patient_id = package.patient_id if patient_id is None else patient_id
    return (Appointment.patient_id == patient_id, Appointment.status == "booked",
            Appointment.compensate_staff.is_(True), Appointment.treatment_type_id.in_(covered),
            # a visit a membership covers is not this package's to cover (R43)
            (Appointment.package_id.is_(None) & Appointment.membership_id.is_(None))
            | (Appointment.package_id == package.id))


def at_sale(s: Session, package: Package, *, now: datetime) -> list[int]:
    """R7: the upcoming visits a staff-assigned sale would compensate again, soonest first;
    no more than the package has uses."""
    if package.staff_id is None:
        return []
    return list(s.scalars(select(Appointment.id)
                          .where(*_would_pay_again(package), Appointment.start >= now)
                          .order_by(Appointment.start).limit(package.uses_total)))


def seller_of(s: Session, appointment: Appointment) -> Package | None:
    """R7a: the staff-assigned package covering this visit, if arriving it would compensate
    its practitioner again; else None."""
    if appointment.package_id is None:
        return None
    package = s.get(Package, appointment.package_id)
    if package is None or package.staff_id is None:
        return None
    found = s.scalar(select(Appointment.id).where(
        *_would_pay_again(package, appointment.patient_id), Appointment.id == appointment.id))
    return package if found is not None else None


def warnings(s: Session, appointment: Appointment) -> list[str]:
    """R7a in words, for the desk at booking, at Add Package and in Billing Info."""
    package = seller_of(s, appointment)
    if package is None:
        return []
    seller = s.get(Staff, package.staff_id).name
    practitioner = s.get(Staff, appointment.staff_id).name
    if package.staff_id == appointment.staff_id:
        text = _("{staff} was compensated up front for the sale of \u201c{package}\u201d, and "
                 "arriving this visit would compensate them again for the same use. Unassign "
                 "this appointment's compensation to avoid paying twice.")
    else:
        text = _("{seller} was compensated up front for the sale of \u201c{package}\u201d, "
                 "and arriving this visit would also compensate {staff} for the same use. "
                 "Unassign this appointment's compensation to avoid paying twice.")
    return [text.format(staff=practitioner, seller=seller, package=package.name)]
