"""The reports as the desk knows them: which filters each takes, what its rows are
called, and the chart that helps read it.

Every name here is English marked with N_(); the view shows them through _(), so they follow
the desk's language (the report service's own words are not what the desk reads here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from app.i18n import N_, _, ngettext
from app.services.reports import EXPIRING_DAYS, Report
from app.services.reports.liability import ROLL_FORWARD_NOTE
from app.services.reports.revenue import REVENUE_NOTE
from app.services.reports.sales_tax import SALES_TAX_NOTE

from ..formats import Formats
from ..models.reports import count_text, group_label
from .chart import Bar


@dataclass(frozen=True)
class Words:
    """What one row of a section is: "{n} sale" / "{n} sales", and the count's heading."""

    count: Callable[[int], str]  # n -> "{n} sale" or "{n} sales" in the desk's language
    heading: str  # N_(): the totals table's count column ("Sales")

    def text(self, n: int, formats: Formats) -> str:
        return self.count(n).format(n=count_text(n, formats))


SALES = Words(lambda n: ngettext("{n} sale", "{n} sales", n), N_("Sales"))
USES = Words(lambda n: ngettext("{n} use", "{n} uses", n), N_("Uses"))
PACKAGES = Words(lambda n: ngettext("{n} package", "{n} packages", n), N_("Packages"))
STAFF = Words(lambda n: ngettext("{n} staff member", "{n} staff members", n),
              N_("Staff members"))
DAYS = Words(lambda n: ngettext("{n} day", "{n} days", n), N_("Days"))
RATES = Words(lambda n: ngettext("{n} tax rate", "{n} tax rates", n), N_("Tax rates"))


@dataclass(frozen=True)
class ReportKind:
    code: str  # the ReportService method
    label: str  # in the report chooser (N_)
    title: str  # above the report shown (N_)
    dated: bool  # a period (start..end); else one "on" date
    by_template: bool  # takes a package template
    staff_label: str | None  # takes a staff member: what they are in this report (N_)
    sections: tuple[Callable[[], str], ...]  # per section: its title, in the desk's language
    empties: tuple[Callable[[], str], ...]  # per section: what an empty one says
    words: tuple[Words, ...]  # per section: what a row is
    grand: tuple[str, ...]  # per section: the grand total's label (N_)
    notes: Callable[[Report, Formats], list[str]]  # sentences under the title
    chart: Callable[[Report, Formats], tuple[str, list[Bar]]] | None = None

    def words_for(self, index: int) -> Words:
        return self.words[min(index, len(self.words) - 1)]

    def grand_for(self, index: int) -> str:
        return _(self.grand[min(index, len(self.grand) - 1)])

    def section_title(self, index: int) -> str:
        return self.sections[index]() if index < len(self.sections) else ""

    def empty_text(self, index: int) -> str:
        return self.empties[index]() if index < len(self.empties) else ""


def _sales_notes(report: Report, f: Formats) -> list[str]:
    return [_("Void sales are listed but not counted in the totals. Collected is what was paid "
              "on the sale invoice before any package refund. Status is as of {date}.")
            .format(date=f.date(report.generated_at.date()))]


def _usage_notes(report: Report, f: Formats) -> list[str]:
    return [_("Per-use value is the package price spread over its uses so that they add up "
              "to the price exactly.")]


def _outstanding_notes(report: Report, f: Formats) -> list[str]:
    on = report.parameters["on"]
    return [_("Unredeemed value is the sum of the per-use values of the uses left, before "
              "tax."),
            _("Expiring: valid on {on} and expiring on or before {last}.").format(
                on=f.date(on), last=f.date(on + timedelta(days=EXPIRING_DAYS)))]


def _compensation_notes(report: Report, f: Formats) -> list[str]:
    return [_("Sales assigned to a staff member compensate them up front; uses compensate "
              "the practitioner unless the appointment's compensation was unassigned. A use "
              "is double-compensated when the practitioner was also assigned the package's "
              "sale and the appointment still compensates them. Void sales and voided uses "
              "are left out.")]


def _collected(report: Report, f: Formats) -> tuple[str, list[Bar]]:
    return _("Collected per package"), [
        Bar(group_label(g.label), g.totals["collected"], f.money(g.totals["collected"]))
        for g in report.sections[0].groups]


def _uses(report: Report, f: Formats) -> tuple[str, list[Bar]]:
    return _("Uses per package"), [Bar(group_label(g.label), g.count, count_text(g.count, f))
                                   for g in report.sections[0].groups]


def _unredeemed(report: Report, f: Formats) -> tuple[str, list[Bar]]:
    return _("Unredeemed value per package"), [
        Bar(group_label(g.label), g.totals["unredeemed_value"],
            f.money(g.totals["unredeemed_value"]))
        for g in report.sections[0].groups]


def _liability_notes(report: Report, f: Formats) -> list[str]:
    return [_(ROLL_FORWARD_NOTE).format(end=f.date(report.parameters["end"]))]


def _revenue_notes(report: Report, f: Formats) -> list[str]:
    return [_(REVENUE_NOTE)]


def _sales_tax_notes(report: Report, f: Formats) -> list[str]:
    return [_(SALES_TAX_NOTE)]


def _closing(report: Report, f: Formats) -> tuple[str, list[Bar]]:
    return _("Closing liability per package"), [
        Bar(row.package_name, row.closing, f.money(row.closing)) for row in report.rows]


def _per_month(report: Report, f: Formats) -> tuple[str, list[Bar]]:
    return _("Revenue per month"), [
        Bar(g.label, g.totals["total"], f.money(g.totals["total"])) for g in report.groups]


def _net_tax(report: Report, f: Formats) -> tuple[str, list[Bar]]:
    return _("Net tax per rate"), [
        Bar(row.rate_name, row.net_tax, f.money(row.net_tax)) for row in report.rows]


KINDS = (
    ReportKind("package_sales", N_("Package Sales"), N_("Package Sales"), True, True,
               N_("St&aff:"), (lambda: _("Package sales"),),
               (lambda: _("No packages were sold in this period."),), (SALES,),
               (N_("All packages"),), _sales_notes, _collected),
    ReportKind("package_usage", N_("Package Usage"), N_("Package Usage"), True, True,
               N_("Pr&actitioner:"), (lambda: _("Package usage"),),
               (lambda: _("No package uses were redeemed in this period."),), (USES,),
               (N_("All packages"),), _usage_notes, _uses),
    ReportKind("outstanding", N_("Outstanding Packages (liability)"),
               N_("Outstanding Packages"), False, True, None,
               (lambda: _("Outstanding packages"),
                lambda: ngettext("Expiring in the next {days} day",
                                 "Expiring in the next {days} days",
                                 EXPIRING_DAYS).format(days=EXPIRING_DAYS)),
               (lambda: _("No package had uses left on this date."),
                lambda: ngettext("No package with uses left expires within {days} day.",
                                 "No package with uses left expires within {days} days.",
                                 EXPIRING_DAYS).format(days=EXPIRING_DAYS)),
               (PACKAGES,), (N_("All packages"),), _outstanding_notes, _unredeemed),
    ReportKind("compensation", N_("Staff Compensation"), N_("Staff Compensation"), True, False,
               N_("St&aff member:"),
               (lambda: _("Compensation by staff member"), lambda: _("Double compensation")),
               (lambda: _("No package sales or uses in this period."),
                lambda: _("No use was compensated twice in this period.")),
               (STAFF, USES), (N_("All staff"), N_("All double-compensated uses")),
               _compensation_notes),
    ReportKind("package_liability", N_("Package Liability (deferred revenue)"),
               N_("Package Liability"), True, False, None,
               (lambda: _("Liability by package"),),
               (lambda: _("No package was owed or moved in this period."),), (PACKAGES,),
               (N_("All packages"),), _liability_notes, _closing),
    ReportKind("revenue", N_("Revenue"), N_("Revenue"), True, False, None,
               (lambda: _("Revenue by day"),),
               (lambda: _("Nothing was earned in this period."),), (DAYS,),
               (N_("Whole period"),), _revenue_notes, _per_month),
    ReportKind("sales_tax", N_("Sales Tax"), N_("Sales Tax"), True, False, None,
               (lambda: _("Sales tax by rate"),),
               (lambda: _("No taxable sales, voids or refunds in this period."),), (RATES,),
               (N_("All rates"),), _sales_tax_notes, _net_tax),
)
BY_CODE = {kind.code: kind for kind in KINDS}
