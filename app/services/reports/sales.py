"""Package sales (R21): each package sold in a period, with totals per package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from sys import intern

from sqlalchemy import case, func, select

from ...i18n import N_, _
from ...models import (Invoice, InvoiceLine, Package, PackageTemplate, PackageTransfer, Patient,
                       Redemption, Staff)
from .desk import ReportDesk
from .engine import Spec, as_date, names_of, run_section
from .formulas import collected_on, package_status, patient_name, refunded_of, whole_sum
from .shape import NO_STAFF, Column, Report
from ..switching_in import marked_name  # R42: "(imported)"


@dataclass(slots=True)
class SaleRow:
    package_id: int
    purchased_on: date
    invoice_id: int
    invoice_number: int
    patient_id: int
    patient_name: str
    template_id: int
    package_name: str
    staff_id: int | None
    staff_name: str  # "No Staff Member" when unassigned (R6)
    price: int
    tax: int
    collected: int  # applied to the sale invoice, before any package refund
    refunded: int  # the package refund amount (0 if none)
    status: str  # active | expired | refunded | used up | void (as of today)


SALES_COLUMNS = (
    Column("purchased_on", N_("Date"), "date"),
    Column("invoice_number", N_("Invoice"), "int"),
    Column("patient_name", N_("Patient")),
    Column("package_name", N_("Package")),
    Column("staff_name", N_("Staff")),
    Column("price", N_("Price"), "money", total=True),
    Column("tax", N_("Tax"), "money", total=True),
    Column("collected", N_("Collected"), "money", total=True),
    Column("refunded", N_("Refunded"), "money", total=True),
    Column("status", N_("Status")),
)


class PackageSalesReport(ReportDesk):
    """clinic.reports.package_sales."""

    def package_sales(self, start: date, end: date, *, template_id: int | None = None,
                      staff_id: int | None = None) -> Report:
        """Each package sold (purchase date) on `start`..`end`, with totals per package (R21).

        `staff_id` keeps the sales assigned to that staff member (R6). Void sales are listed
        with status "void" but left out of the totals. Status is as of today.
        """
        start, end = self._period(start, end)
        today = self._today()
        redeemed = Package.uses_before + (  # with those had before ClinicDesk (R42)
            select(func.count()).select_from(Redemption)
            .where(Redemption.package_id == Package.id, Redemption.voided_at.is_(None))
            .scalar_subquery())
        status = package_status(Package.status, redeemed, Package.uses_total,
                                Package.expires_on, today)
        collected = collected_on(Package.invoice_id)
        refunded = refunded_of(Package.id)
        # "+ 0" keeps SQLite on the invoice's own lines (ix_invoice_lines_invoice: one or two)
        # rather than every line naming the package (one per use, all over the table).
        tax = (select(whole_sum(InvoiceLine.tax))
               .where(InvoiceLine.invoice_id == Package.invoice_id,
                      InvoiceLine.kind == "package", InvoiceLine.package_id + 0 == Package.id)
               .scalar_subquery())
        detail = (
            select(Package.id.label("package_id"), Package.purchased_on,
                   Package.invoice_id, Invoice.number.label("invoice_number"),
                   Package.patient_id, patient_name(), Package.template_id,
                   marked_name(Package.name, Package.imported_on).label("package_name"),
                   Package.staff_id, Package.price,
                   tax.label("tax"), collected.label("collected"), refunded.label("refunded"),
                   status.label("status"),
                   case((Package.status == "void", 0), else_=1).label("counted"))
            .join(Invoice, Invoice.id == Package.invoice_id)
            .join(Patient, Patient.id == Package.patient_id)
            .where(Package.purchased_on.between(start, end),
                   # R38: a package received by transfer was sold once, to the giver
                   Package.id.not_in(select(PackageTransfer.to_package_id))))
        with self._db.read() as s:
            detail = self._filters(s, detail, template_id=template_id, staff_id=staff_id,
                                   template_col=Package.template_id, staff_col=Package.staff_id)
            staff, templates = names_of(s, Staff), names_of(s, PackageTemplate)
            no_staff = _(NO_STAFF)

            def build(r):
                (_n, _l, package_id, purchased_on, invoice_id, number, patient_id, patient,
                 template, name, staff_id_, price, tax_, collected_, refunded_, status_,
                 _c) = r
                return SaleRow(package_id, as_date(purchased_on), invoice_id, number, patient_id,
                               patient, template, name, staff_id_,
                               staff.get(staff_id_, no_staff), price, tax_, collected_,
                               refunded_, status_)

            share = {}.setdefault

            def build_shared(r):
                (_n, _l, package_id, purchased_on, invoice_id, number, patient_id, patient,
                 template, name, staff_id_, price, tax_, collected_, refunded_, status_,
                 _c) = r
                return SaleRow(package_id, as_date(purchased_on), invoice_id, number,
                               share(patient_id, patient_id), intern(patient), template,
                               intern(name), staff_id_, staff.get(staff_id_, no_staff),
                               share(price, price), share(tax_, tax_),
                               share(collected_, collected_), refunded_, intern(status_))

            section = run_section(
                s, Spec(detail, build, build_shared=build_shared,
                         sums=("price", "tax", "collected", "refunded"),
                         order=("purchased_on", "invoice_number"), group_key="template_id",
                         label_of=templates.get, counted="counted"),
                title=_("Package sales"), columns=SALES_COLUMNS, group_heading=_("Package"),
                empty_text=_("No packages were sold in this period."))
        return self._report(
            "package_sales", _("Package Sales"), self._span(start, end), (section,),
            {"start": start, "end": end, "template_id": template_id, "staff_id": staff_id},
            notes=(_("Void sales are listed but not counted in the totals. Collected is what "
                     "was paid on the sale invoice before any package refund. Status is as of "
                     "{date}.").format(date=self._date(today)),))
