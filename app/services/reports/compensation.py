"""Staff compensation: package sales assigned to each staff member (R6), the uses they
performed, and the double compensation R7 warns about."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import and_, case, literal, select, union_all
from sqlalchemy.orm import aliased

from ...i18n import N_, _
from ...models import Appointment, Package, PackageTransfer, Patient, Redemption, Staff
from .desk import ReportDesk
from .engine import Spec, as_date, names_of, run_section
from .formulas import patient_name, redemption_value, whole_sum
from .shape import NO_STAFF, Column, Report


@dataclass(slots=True)
class CompensationRow:
    staff_id: int | None
    staff_name: str
    sales: int  # packages sold assigned to them (not void)
    sales_value: int  # their price
    uses: int  # redemptions they performed
    uses_value: int  # per-use value of those
    compensated_uses: int  # ... whose appointment still compensates the practitioner
    compensated_value: int
    double_uses: int  # compensated uses of packages whose sale was assigned to them (R7)
    double_value: int

    @property
    def flag(self) -> str:
        return _("Double compensation") if self.double_uses else ""


@dataclass(slots=True)
class DoubleCompensationRow:
    redemption_id: int
    redeemed_on: date
    appointment_id: int
    patient_id: int
    patient_name: str
    package_id: int
    template_id: int
    package_name: str
    staff_id: int
    staff_name: str
    purchased_on: date
    use_number: int
    uses_total: int
    per_use_value: int

    @property
    def use(self) -> str:
        return _("{used} of {total}").format(used=self.use_number, total=self.uses_total)


COMPENSATION_COLUMNS = (
    Column("staff_name", N_("Staff member")),
    Column("sales", N_("Packages sold"), "int", total=True),
    Column("sales_value", N_("Sales value"), "money", total=True),
    Column("uses", N_("Uses performed"), "int", total=True),
    Column("uses_value", N_("Uses value"), "money", total=True),
    Column("compensated_uses", N_("Compensated uses"), "int", total=True),
    Column("compensated_value", N_("Compensated value"), "money", total=True),
    Column("double_uses", N_("Double-compensated uses"), "int", total=True),
    Column("double_value", N_("Double-compensated value"), "money", total=True),
    Column("flag", N_("Flag")),
)

DOUBLE_COLUMNS = (
    Column("redeemed_on", N_("Date"), "date"),
    Column("staff_name", N_("Staff member")),
    Column("patient_name", N_("Patient")),
    Column("package_name", N_("Package")),
    Column("purchased_on", N_("Sold on"), "date"),
    Column("use", N_("Use")),
    Column("per_use_value", N_("Per-use value"), "money", total=True),
)


class CompensationReport(ReportDesk):
    """clinic.reports.compensation."""

    def compensation(self, start: date, end: date, *, staff_id: int | None = None) -> Report:
        """Per staff member: package sales assigned to them (R6) and the uses they performed,
        with the double compensation R7 warns about: a use performed by the staff member who
        was assigned the package's sale, on an appointment that still compensates them."""
        start, end = self._period(start, end)
        compensated = case((Appointment.compensate_staff.is_(True), 1), else_=0)
        double = case((and_(Appointment.compensate_staff.is_(True),
                            Package.staff_id == Appointment.staff_id), 1), else_=0)
        measures = ("sales", "sales_value", "uses", "uses_value", "compensated_uses",
                    "compensated_value", "double_uses", "double_value")
        # Each use's value, worked out once (materialised).
        performed = (
            select(Appointment.staff_id.label("staff_id"),
                   redemption_value(Redemption).label("value"), compensated.label("compensated"),
                   double.label("double"))
            .select_from(Redemption)
            .join(Package, Package.id == Redemption.package_id)
            .join(Appointment, Appointment.id == Redemption.appointment_id)
            .where(Redemption.voided_at.is_(None), Redemption.redeemed_on.between(start, end)))
        if staff_id is not None:
            performed = performed.where(Appointment.staff_id == staff_id)
        performed = performed.cte("performed").prefix_with("MATERIALIZED")
        value = performed.c.value
        uses = select(performed.c.staff_id, literal(0).label("sales"),
                      literal(0).label("sales_value"), literal(1).label("uses"),
                      value.label("uses_value"), performed.c.compensated.label("compensated_uses"),
                      (performed.c.compensated * value).label("compensated_value"),
                      performed.c.double.label("double_uses"),
                      (performed.c.double * value).label("double_value"))
        sales = (select(Package.staff_id.label("staff_id"), literal(1).label("sales"),
                        Package.price.label("sales_value"),
                        *[literal(0).label(k) for k in measures[2:]])
                 .where(Package.purchased_on.between(start, end), Package.status != "void",
                        # R38: a package received by transfer is no second sale
                        Package.id.not_in(select(PackageTransfer.to_package_id))))
        # the flagged uses themselves
        r = aliased(Redemption)
        flagged = (
            select(r.id.label("redemption_id"), r.redeemed_on, r.appointment_id,
                   Package.patient_id, patient_name(), r.package_id, Package.template_id,
                   Package.name.label("package_name"), Appointment.staff_id,
                   Package.purchased_on, r.use_number, Package.uses_total,
                   redemption_value(r).label("per_use_value"))
            .join(Package, Package.id == r.package_id)
            .join(Appointment, Appointment.id == r.appointment_id)
            .join(Patient, Patient.id == Package.patient_id)
            .where(r.voided_at.is_(None), r.redeemed_on.between(start, end),
                   Package.staff_id.is_not(None), Appointment.compensate_staff.is_(True),
                   Package.staff_id == Appointment.staff_id))
        if staff_id is not None:
            sales = sales.where(Package.staff_id == staff_id)
            flagged = flagged.where(Appointment.staff_id == staff_id)
        facts = union_all(sales, uses).subquery("facts")
        per_staff = (select(facts.c.staff_id, *[whole_sum(facts.c[k]).label(k) for k in measures])
                     .group_by(facts.c.staff_id))
        with self._db.read() as s:
            self._filters(s, None, staff_id=staff_id)
            names = names_of(s, Staff)
            no_staff = _(NO_STAFF)

            def build_staff(row):
                return CompensationRow(row[2], names.get(row[2], no_staff), *row[3:])

            def build_flagged(row):
                (_n, _l, rid, day, appointment, patient_id, patient, package_id, template, name,
                 staff_id_, purchased_on, use, uses_total, value) = row
                return DoubleCompensationRow(rid, as_date(day), appointment, patient_id, patient,
                                             package_id, template, name, staff_id_,
                                             names[staff_id_], as_date(purchased_on), use,
                                             uses_total, value)

            main = run_section(
                s, Spec(per_staff, build_staff, sums=measures, order=()),
                title=_("Compensation by staff member"), columns=COMPENSATION_COLUMNS,
                empty_text=_("No package sales or uses in this period."))
            main = replace(main, rows=tuple(sorted(
                main.rows, key=lambda x: (x.staff_id is not None, x.staff_name.casefold(),
                                          x.staff_id or 0))))
            doubles = run_section(
                s, Spec(flagged, build_flagged, sums=("per_use_value",),
                         order=("redeemed_on", "redemption_id"), group_key="staff_id",
                         label_of=lambda key: names.get(key, no_staff)),
                title=_("Double compensation"), columns=DOUBLE_COLUMNS,
                group_heading=_("Staff member"),
                empty_text=_("No use was compensated twice in this period."))
        return self._report(
            "compensation", _("Staff Compensation"), self._span(start, end), (main, doubles),
            {"start": start, "end": end, "staff_id": staff_id},
            notes=(_("Sales assigned to a staff member compensate them up front; uses "
                     "compensate the practitioner unless the appointment's compensation was "
                     "unassigned. A use is double-compensated when the practitioner was also "
                     "assigned the package's sale and the appointment still compensates them. "
                     "Void sales and voided uses are left out."),))
