"""What the schedule shows: appointment rows, the day, a patient's upcoming visits, and the
yes or no of each action the panel offers (R10, R12, R14, R18; issue 16).

ScheduleService (schedule.py) makes the changes and inherits these reads, so they stay
`clinic.schedule.day(...)`, `clinic.schedule.appointment(...)` as in service-api.md.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import bindparam, case, exists, select

from ..domain import visits
from ..domain.states import AppointmentStatus
from ..models import (Appointment, Membership, MembershipUse, Package, Patient, Staff,
                      TreatmentType)
from . import final_uses, why_not
from . import package_rules as rules
from . import validation as v
from .appointment_times import window
from .base import Service
from .membership_visits import holds_use


@dataclass(frozen=True)
class AppointmentRow:
    id: int
    start: datetime
    end: datetime
    patient_id: int
    patient_name: str
    staff_id: int
    staff_name: str
    treatment_type_id: int
    treatment_name: str
    status: str  # booked | arrived | no_show | cancelled
    package_id: int | None
    package_name: str | None
    invoice_id: int | None
    compensate_staff: bool = True
    notes: str = ""
    membership_id: int | None = None  # R43: a membership covers it (the grid's badge)
    membership_name: str | None = None

    # What the panel may offer; the schedule refuses by the same rules (app.domain.visits).
    @property
    def can_arrive(self) -> bool:
        return visits.can_arrive(self.status)

    @property
    def can_mark_no_show(self) -> bool:
        return visits.can_mark_no_show(self.status)

    @property
    def can_reschedule(self) -> bool:
        return visits.can_reschedule(self.status)

    @property
    def can_cancel(self) -> bool:
        return visits.can_cancel(self.status)

    @property
    def is_billable(self) -> bool:
        return visits.is_billable(self.status)


@dataclass(frozen=True)
class AppointmentDetail(AppointmentRow):
    """One appointment as its panel shows it, with the refusals that need the database: why
    it cannot be undone (R18, R28b) or lose its package (R12); None when it can."""
    undo_refusal: str | None = None
    remove_package_refusal: str | None = None

    @property
    def can_undo_arrival(self) -> bool:
        return self.status == AppointmentStatus.ARRIVED and self.undo_refusal is None

    @property
    def can_undo_no_show(self) -> bool:
        return self.status == AppointmentStatus.NO_SHOW and self.undo_refusal is None

    @property
    def can_remove_package(self) -> bool:
        return self.remove_package_refusal is None


class ScheduleViews(Service):
    def eligible_packages(self, patient_id: int, treatment_type_id: int, on: date,
                          *, excluding: int | None = None) -> list[rules.PackageSummary]:
        """Packages that can cover a booking on `on`; the first is the one to pre-select (R10)."""
        on = v.a_date(on, "on", label="appointment date")
        with self._db.read() as s:
            v.get(s, Patient, patient_id, "patient")
            v.get(s, TreatmentType, treatment_type_id, "treatment type")
            return rules.eligible(s, patient_id, treatment_type_id, on, self._today(),
                                  excluding=excluding)

    def day(self, on: date, staff_id: int | None = None) -> list[AppointmentRow]:
        on = v.a_date(on, "on", label="day")
        start = datetime.combine(on, time.min)
        return self.between(start, start + timedelta(days=1), staff_id=staff_id)

    def between(self, start: datetime, end: datetime, *, staff_id: int | None = None,
                patient_id: int | None = None) -> list[AppointmentRow]:
        start, end = window(start, end)  # datetimes (or dates), never text or numbers (R30)
        with self._db.read() as s:
            by_staff = v.optional_row(s, Staff, staff_id, "staff member") is not None
            by_patient = v.optional_row(s, Patient, patient_id, "patient") is not None
            # Plain rows, not Appointment objects: a busy day is 300+ visits, and loading
            # each into the session's identity map cost more than the query (issue 22).
            return [_grid_row(row) for row in s.execute(
                _grid_query(by_staff, by_patient),
                {"start": start, "end": end, "staff": staff_id, "patient": patient_id}).all()]

    def appointment(self, appointment_id: int) -> AppointmentDetail:
        with self._db.read() as s:
            a = self._appointment(s, appointment_id)
            patient = s.get(Patient, a.patient_id)
            package = s.get(Package, a.package_id) if a.package_id else None
            member = s.get(Membership, a.membership_id) if holds_use(s, a) else None
            row = appointment_row(a, patient.full_name, s.get(Staff, a.staff_id).name,
                                  s.get(TreatmentType, a.treatment_type_id).name,
                                  package.name if package else None,
                                  member.name if member else None)
            return AppointmentDetail(
                **vars(row),
                undo_refusal=(final_uses.undo_refusal(s, a) if visits.has_undo(a.status)
                              else None),
                remove_package_refusal=why_not.remove_package(a))

    def patient_pays(self, package_id: int, treatment_type_id: int) -> int | None:
        """What arriving this treatment under this package bills (R14); None if not covered."""
        with self._db.read() as s:
            v.get(s, Package, package_id, "package")
            v.get(s, TreatmentType, treatment_type_id, "treatment type")
            return rules.patient_pays(s, package_id, treatment_type_id)

    def upcoming(self, patient_id: int) -> list[AppointmentRow]:
        now, patient_id = self._now(), v.an_id(patient_id, "patient")  # (None: everyone's)
        return [a for a in self.between(now, now + timedelta(days=3660), patient_id=patient_id)
                if a.status == AppointmentStatus.BOOKED]

    def _appointment(self, s, appointment_id: int) -> Appointment:
        return v.get(s, Appointment, appointment_id, "appointment")


def appointment_row(a: Appointment, patient: str, staff: str, treatment: str,
                    package: str | None, membership: str | None = None) -> AppointmentRow:
    return AppointmentRow(a.id, a.start, a.end, a.patient_id, patient, a.staff_id, staff,
                          a.treatment_type_id, treatment, a.status, a.package_id, package,
                          a.invoice_id, a.compensate_staff, a.notes,
                          a.membership_id if membership is not None else None, membership)


@lru_cache(maxsize=4)
def _grid_query(by_staff: bool, by_patient: bool):
    """The grid's one statement, built once per filter: building it cost as much as running
    it (issue 22). Its columns are AppointmentRow's fields, in order."""
    a, covering = Appointment.__table__, Package.__table__.alias()
    patient, staff, treatment = Patient.__table__, Staff.__table__, TreatmentType.__table__
    membership, uses = Membership.__table__, MembershipUse.__table__
    # A membership covers a booked visit, or one whose use is live (as covered_by says);
    # asked in the same query, so a day's grid stays one query however many visits.
    used = exists().where(uses.c.appointment_id == a.c.id, uses.c.voided_at.is_(None))
    covers = membership.c.name.is_not(None) & ((a.c.status == AppointmentStatus.BOOKED) | used)
    query = (select(a.c.id, a.c.start, a.c.end, a.c.patient_id,
                    patient.c.first_name + " " + patient.c.last_name, a.c.staff_id,
                    staff.c.name, a.c.treatment_type_id, treatment.c.name, a.c.status,
                    a.c.package_id, covering.c.name, a.c.invoice_id, a.c.compensate_staff,
                    a.c.notes, case((covers, a.c.membership_id)),
                    case((covers, membership.c.name)))
             .join(patient, patient.c.id == a.c.patient_id)
             .join(staff, staff.c.id == a.c.staff_id)
             .join(treatment, treatment.c.id == a.c.treatment_type_id)
             .outerjoin(covering, covering.c.id == a.c.package_id)
             .outerjoin(membership, membership.c.id == a.c.membership_id)
             .where(a.c.start >= bindparam("start", type_=a.c.start.type),
                    a.c.start < bindparam("end", type_=a.c.start.type))
             .order_by(a.c.start, staff.c.name))
    if by_staff:
        query = query.where(a.c.staff_id == bindparam("staff", type_=a.c.staff_id.type))
    if by_patient:
        query = query.where(a.c.patient_id == bindparam("patient", type_=a.c.patient_id.type))
    return query


_ROW_FIELDS = tuple(f.name for f in fields(AppointmentRow))


def _grid_row(values) -> AppointmentRow:
    """AppointmentRow(*values), still frozen: a frozen dataclass's __init__ sets each of its
    17 fields through object.__setattr__, half the Python time of a 324-visit day (issue 22).
    `values` are every field, in order (the grid query's columns); nothing checks them."""
    row = object.__new__(AppointmentRow)
    row.__dict__.update(zip(_ROW_FIELDS, values))
    return row
