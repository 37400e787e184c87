"""Package usage (R21): each use redeemed in a period, its per-use value (R3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from sys import intern

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ...i18n import N_, _
from ...models import Appointment, Package, PackageTemplate, Patient, Staff, TreatmentType
from .desk import ReportDesk
from .engine import Spec, as_date, names_of, run_section
from .formulas import numbered, patient_name, use_value
from .shape import Column, Report


@dataclass(slots=True)
class UsageRow:
    redemption_id: int
    redeemed_on: date
    patient_id: int
    patient_name: str
    package_id: int
    template_id: int
    package_name: str
    treatment_name: str
    practitioner_id: int
    practitioner_name: str
    use_number: int
    uses_total: int
    per_use_value: int  # R3
    patient_pays: int
    reason: str  # arrived | no_show
    redeemed_by: str = ""  # the appointment's patient: the purchaser or a member (R37)

    @property
    def uses_remaining(self) -> int:
        """Uses left after this one."""
        return self.uses_total - self.use_number

    @property
    def use(self) -> str:
        return _("{used} of {total}").format(used=self.use_number, total=self.uses_total)


USAGE_COLUMNS = (
    Column("redeemed_on", N_("Date"), "date"),
    Column("patient_name", N_("Patient")),
    Column("package_name", N_("Package")),
    Column("treatment_name", N_("Treatment")),
    Column("practitioner_name", N_("Practitioner")),
    Column("use", N_("Use")),
    Column("per_use_value", N_("Per-use value"), "money", total=True),
    Column("patient_pays", N_("Patient Pays"), "money", total=True),
    Column("uses_remaining", N_("Uses remaining"), "int"),
    Column("redeemed_by", N_("Redeemed by")),  # R37: the purchaser or a household member
)


class PackageUsageReport(ReportDesk):
    """clinic.reports.package_usage."""

    def package_usage(self, start: date, end: date, *, template_id: int | None = None,
                      staff_id: int | None = None) -> Report:
        """Each redemption (not voided) on `start`..`end`, with totals per package (R21).

        `staff_id` keeps the redemptions that practitioner performed.
        """
        start, end = self._period(start, end)
        n = numbered(start, end)
        redeemer = aliased(Patient, name="redeemer")  # who redeemed it (R37)
        detail = (
            select(n.c.id.label("redemption_id"), n.c.redeemed_on, Package.patient_id,
                   patient_name(), n.c.package_id, Package.template_id,
                   Package.name.label("package_name"), Appointment.treatment_type_id,
                   Appointment.staff_id.label("practitioner_id"), n.c.use_number,
                   Package.uses_total,
                   use_value(Package.price, Package.uses_total, n.c.use_number)
                   .label("per_use_value"), n.c.patient_pays, n.c.reason,
                   (redeemer.first_name + " " + redeemer.last_name).label("redeemed_by"))
            .select_from(n)
            .join(Package, Package.id == n.c.package_id)
            .join(Patient, Patient.id == Package.patient_id)
            .join(Appointment, Appointment.id == n.c.appointment_id)
            .join(redeemer, redeemer.id == Appointment.patient_id))
        with self._db.read() as s:
            detail = self._filters(s, detail, template_id=template_id, staff_id=staff_id,
                                   template_col=Package.template_id,
                                   staff_col=Appointment.staff_id)
            staff, templates = names_of(s, Staff), names_of(s, PackageTemplate)
            treatments = names_of(s, TreatmentType)
            share = {}.setdefault  # one int object per package or patient, not one per row

            def build(r):
                (_n, _l, rid, day, patient_id, patient, package_id, template, name, treatment,
                 practitioner, use, uses, value, pays, reason, by) = r
                return UsageRow(rid, as_date(day), patient_id, patient, package_id, template, name,
                                treatments[treatment], practitioner, staff[practitioner], use,
                                uses, value, pays, reason, by)

            def build_shared(r):
                (_n, _l, rid, day, patient_id, patient, package_id, template, name, treatment,
                 practitioner, use, uses, value, pays, reason, by) = r
                # repeated text is shared (intern): 500,000 rows hold a few names, not copies
                return UsageRow(rid, as_date(day), share(patient_id, patient_id), intern(patient),
                                share(package_id, package_id), template, intern(name),
                                treatments[treatment], practitioner, staff[practitioner], use,
                                uses, share(value, value), share(pays, pays), intern(reason),
                                intern(by))

            section = run_section(
                s, Spec(detail, build, build_shared=build_shared,
                         sums=("per_use_value", "patient_pays"),
                         order=("redeemed_on", "redemption_id"), group_key="template_id",
                         label_of=templates.get),
                title=_("Package usage"), columns=USAGE_COLUMNS, group_heading=_("Package"),
                empty_text=_("No package uses were redeemed in this period."))
        return self._report(
            "package_usage", _("Package Usage"), self._span(start, end), (section,),
            {"start": start, "end": end, "template_id": template_id, "staff_id": staff_id},
            notes=(_("Per-use value is the package price spread over its uses so that they "
                     "add up to the price exactly."),))
