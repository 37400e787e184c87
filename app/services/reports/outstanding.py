"""Outstanding packages: the clinic's liability on a day, the uses left and their value (R3),
then those expiring soon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from sys import intern

from sqlalchemy import and_, func, or_, select

from ...i18n import N_, _, ngettext
from ...models import (Invoice, Package, PackageRefund, PackageTemplate, PackageTransfer, Patient,
                       Redemption)
from .. import validation as v
from .desk import ReportDesk
from .engine import Spec, as_date, names_of, run_section
from .formulas import patient_name, unredeemed_value
from .shape import Column, Report
from ..switching_in import marked_name  # R42: "(imported)"

EXPIRING_DAYS = 30


@dataclass(slots=True)
class OutstandingRow:
    package_id: int
    purchased_on: date
    patient_id: int
    patient_name: str
    template_id: int
    package_name: str
    expires_on: date | None  # None: no expiry
    uses_total: int
    uses_redeemed: int  # as of the report date
    uses_remaining: int
    unredeemed_value: int  # sum of the per-use values of the remaining uses (R3)


OUTSTANDING_COLUMNS = (
    Column("purchased_on", N_("Purchased"), "date"),
    Column("patient_name", N_("Patient")),
    Column("package_name", N_("Package")),
    Column("expires_on", N_("Expires"), "date"),
    Column("uses_total", N_("Uses"), "int"),
    Column("uses_redeemed", N_("Used"), "int", total=True),
    Column("uses_remaining", N_("Remaining"), "int", total=True),
    Column("unredeemed_value", N_("Unredeemed value"), "money", total=True),
)


class OutstandingReport(ReportDesk):
    """clinic.reports.outstanding."""

    def outstanding(self, on: date, *, template_id: int | None = None) -> Report:
        """The clinic's liability at the end of `on`: every package active that day with its
        uses left and their value (R3); then those of them expiring in the next 30 days.

        Active on `on`: purchased on or before it, not refunded or voided by the end of it,
        not expired (valid through its expiry date, R13), with a use left. Voided redemptions
        never count; the expiry date is the package's current one.
        """
        on = v.a_date(on, "on", label=_("report date"))
        after = datetime.combine(on + timedelta(days=1), datetime.min.time())
        soon = on + timedelta(days=EXPIRING_DAYS)
        redeemed = Package.uses_before + (  # with those had before ClinicDesk (R42)
            select(func.count()).select_from(Redemption)
            .where(Redemption.package_id == Package.id, Redemption.voided_at.is_(None),
                   Redemption.redeemed_on <= on)
            .scalar_subquery())
        refunded_later = (select(PackageRefund.id)
                          .where(PackageRefund.package_id == Package.id,
                                 PackageRefund.refunded_at >= after).exists())
        voided_later = (select(Invoice.id)
                        .where(Invoice.id == Package.invoice_id, Invoice.voided_at >= after)
                        .exists())
        # R38: a package transferred after `on` was still its patient's that day
        transferred_later = (select(PackageTransfer.id)
                             .where(PackageTransfer.from_package_id == Package.id,
                                    PackageTransfer.transferred_at >= after).exists())

        def detail(expiring: bool):
            live = (select(Package.id, Package.purchased_on, Package.patient_id,
                           Package.template_id,
                           marked_name(Package.name, Package.imported_on).label("name"),
                           Package.expires_on,
                           Package.uses_total, Package.price, redeemed.label("redeemed"))
                    .where(Package.purchased_on <= on,
                           or_(Package.status == "active",
                               and_(Package.status == "refunded", refunded_later),
                               and_(Package.status == "void", voided_later),
                               and_(Package.status == "transferred", transferred_later))))
            if expiring:
                live = live.where(Package.expires_on.between(on, soon))
            else:
                live = live.where(or_(Package.expires_on.is_(None), Package.expires_on >= on))
            if template_id is not None:
                live = live.where(Package.template_id == template_id)
            live = live.cte("expiring" if expiring else "live").prefix_with("MATERIALIZED")
            return (select(live.c.id.label("package_id"), live.c.purchased_on,
                           live.c.patient_id, patient_name(), live.c.template_id,
                           live.c.name.label("package_name"), live.c.expires_on,
                           live.c.uses_total, live.c.redeemed.label("uses_redeemed"),
                           (live.c.uses_total - live.c.redeemed).label("uses_remaining"),
                           unredeemed_value(live.c.price, live.c.uses_total, live.c.redeemed)
                           .label("unredeemed_value"))
                    .join(Patient, Patient.id == live.c.patient_id)
                    .where(live.c.redeemed < live.c.uses_total))

        def build(r):
            (_n, _l, package_id, purchased_on, patient_id, patient, template, name, expires_on,
             uses, used, remaining, value) = r
            return OutstandingRow(package_id, as_date(purchased_on), patient_id, intern(patient),
                                  template, intern(name), as_date(expires_on), uses, used,
                                  remaining, value)

        sums = ("uses_redeemed", "uses_remaining", "unredeemed_value")
        with self._db.read() as s:
            self._filters(s, None, template_id=template_id)
            templates = names_of(s, PackageTemplate)
            main = run_section(
                s, Spec(detail(False), build, sums=sums, order=("purchased_on", "package_id"),
                         group_key="template_id", label_of=templates.get),
                title=_("Outstanding packages"), columns=OUTSTANDING_COLUMNS,
                group_heading=_("Package"),
                empty_text=_("No package had uses left on this date."))
            expiring = run_section(
                s, Spec(detail(True), build, sums=sums, order=("expires_on", "package_id"),
                         group_key="template_id", label_of=templates.get),
                title=ngettext("Expiring in the next {days} day",
                               "Expiring in the next {days} days",
                               EXPIRING_DAYS).format(days=EXPIRING_DAYS),
                columns=OUTSTANDING_COLUMNS, group_heading=_("Package"),
                empty_text=ngettext("No package with uses left expires within {days} day.",
                                    "No package with uses left expires within {days} days.",
                                    EXPIRING_DAYS).format(days=EXPIRING_DAYS))
        return self._report(
            "outstanding", _("Outstanding Packages"),
            _("On {date}").format(date=self._date(on)), (main, expiring),
            {"on": on, "template_id": template_id},
            notes=(_("Unredeemed value is the sum of the per-use values of the uses left, "
                     "before tax."),
                   _("Expiring: valid on {on} and expiring on or before {last}.").format(
                       on=self._date(on), last=self._date(soon))))
