"""R41: a package statement, what the package's PDF lists: the package as sold, each use
with its date, treatment and practitioner (undone ones too, said so), what is left and the
expiry as they stand today.

The statement is where the package stands now; each invoice line keeps what was true at its
own use (use_lines.py). Read only, in one transaction, as plain values for the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ..models import Appointment, Invoice, Package, Patient, Redemption, Staff, TreatmentType
from . import package_rules as rules
from . import validation as v
from .base import Service


@dataclass(frozen=True)
class StatementUse:
    use_number: int | None  # None: undone (the redemption was voided), no longer a use
    redeemed_on: date
    start: datetime
    treatment_name: str
    practitioner_name: str
    reason: str  # arrived | no_show, as the package page's Visit column names it
    invoice_number: int
    patient_pays: int

    @property
    def undone(self) -> bool:
        return self.use_number is None


@dataclass(frozen=True)
class PackageStatement:
    summary: rules.PackageSummary  # status, uses left and expiry today
    patient_name: str
    on: date  # the day the statement was made
    uses: tuple[StatementUse, ...]  # by date, undone ones where they happened
    uses_before: int = 0  # had before ClinicDesk (R42): uses 1..n, with no visit here


class PackageStatements(Service):
    def statement(self, package_id: int) -> PackageStatement:
        with self._db.read() as s:
            package = v.get(s, Package, package_id, "package")
            patient = s.get(Patient, package.patient_id)
            rows = s.execute(
                select(Redemption, Appointment.start, TreatmentType.name, Staff.name,
                       Invoice.number)
                .join(Appointment, Appointment.id == Redemption.appointment_id)
                .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
                .join(Staff, Staff.id == Appointment.staff_id)
                .join(Invoice, Invoice.id == Redemption.invoice_id)
                .where(Redemption.package_id == package.id)
                .order_by(Redemption.redeemed_on, Redemption.id)).all()
            uses = tuple(StatementUse(None if r.voided_at is not None else r.use_number,
                                      r.redeemed_on, start, treatment, staff, r.reason,
                                      number, r.patient_pays)
                         for r, start, treatment, staff, number in rows)
            return PackageStatement(rules.summarise(s, package, self._today()),
                                    patient.full_name if patient else "", self._today(), uses,
                                    package.uses_before)
