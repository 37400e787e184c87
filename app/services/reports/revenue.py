"""Revenue (R34): what the clinic earned in a period, per kind and per day, before tax.

Two sources, so each figure is booked once:
- invoice lines, summed in SQL per day and kind: treatments, Patient Pays charges, no-show
  fees and membership fees, on their invoice's issue day, and taken back on the day the
  invoice was voided. A package's sale line is not revenue: it is owed to the patient
  (deferred, R33) until its uses are given;
- the package liability's day-by-day steps (app/domain/liability.py, the same ones R33 adds
  up): the value of the uses redeemed (package uses), of the uses expired less those
  reinstated (breakage), and at each refund the value released less the part of the sale
  cancelled (refund adjustments, app.domain.liability.refund_adjustment).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from sqlalchemy import func, select, union_all

from ...domain.liability import refund_adjustment, steps
from ...i18n import N_, _
from ...models import Invoice, InvoiceLine, PackageRefund
from ..day_times import period_bounds, within
from ..liability import package_lives
from ..package_uses_sql import simple_revenue
from .desk import ReportDesk
from .engine import as_date
from .formulas import whole_sum
from .sales_tax import voided_between
from .shape import Column, Report
from .tally import tally

#: invoice line kind -> the revenue kind it is (R34); other kinds are not revenue here
LINE_KINDS = {"treatment": "treatments", "patient_pays": "patient_pays",
              "no_show_fee": "no_show_fees", "membership": "memberships"}
#: R34's kinds, in the order shown, as `Report.totals` keys them (with "total")
KINDS = ("treatments", "package_uses", "patient_pays", "no_show_fees", "memberships",
         "breakage", "refund_adjustments")


@dataclass(frozen=True, slots=True)
class RevenueRow:
    day: date
    month: date  # the first of its month: the rows are totalled per month
    treatments: int
    package_uses: int
    patient_pays: int
    no_show_fees: int
    memberships: int
    breakage: int
    refund_adjustments: int
    total: int


REVENUE_COLUMNS = (
    Column("day", N_("Date"), "date"),
    Column("treatments", N_("Treatments"), "money", total=True),
    Column("package_uses", N_("Package uses"), "money", total=True),
    Column("patient_pays", N_("Patient Pays"), "money", total=True),
    Column("no_show_fees", N_("No-show fees"), "money", total=True),
    Column("memberships", N_("Memberships"), "money", total=True),
    Column("breakage", N_("Breakage"), "money", total=True),
    Column("refund_adjustments", N_("Refund adjustments"), "money", total=True),
    Column("total", N_("Total"), "money", total=True),
)

REVENUE_NOTE = N_(
    "Before tax. Invoice lines count on the day their invoice was issued and are taken back "
    "on the day it was voided. A package's sale is not revenue until its uses are given: "
    "package uses are the value of the uses redeemed, breakage the value of the uses expired "
    "less those reinstated, and a refund adjustment the value a refund released less the "
    "part of the sale it cancelled (as in Package Liability).")


def invoiced(start: date, end: date):
    """(day, line kind, net before tax) per day and kind: lines of the invoices issued in the
    period, and taken back (negative) on the day their invoice was voided."""
    net = whole_sum(InvoiceLine.unit_price * InvoiceLine.quantity)
    kinds = InvoiceLine.kind.in_(tuple(LINE_KINDS))
    issued = (select(Invoice.issued_on.label("day"), InvoiceLine.kind, net.label("net"))
              .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
              .where(Invoice.issued_on.between(start, end), kinds)
              .group_by(Invoice.issued_on, InvoiceLine.kind))
    voided_on = func.date(Invoice.voided_at)  # a date on PostgreSQL, ISO text on SQLite
    voided = (select(voided_on, InvoiceLine.kind, -net)
              .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
              .where(InvoiceLine.invoice_id.in_(voided_between(
                  *period_bounds(start, end))), kinds)
              .group_by(voided_on, InvoiceLine.kind))
    return union_all(issued, voided)


def refunds(start: date, end: date):
    """(package, refunded at, the net of its "Unused uses cancelled" line or None) for the
    package refunds made in the period."""
    return (select(PackageRefund.package_id, PackageRefund.refunded_at,
                   InvoiceLine.unit_price * InvoiceLine.quantity)
            .outerjoin(InvoiceLine, InvoiceLine.id == PackageRefund.invoice_line_id)
            .where(within(PackageRefund.refunded_at, start, end)))


def revenue_by_day(s, start: date, end: date, *,
                   walk_all: bool = False) -> dict[date, dict[str, int]]:
    """day -> revenue kind -> cents, for the days of the period where something was earned.
    The simple packages' uses and breakage are added up in SQL (app/services/liability_sql.py,
    none of them refunded), the others walked; `walk_all` walks every package: the
    reference the fast path is tested against."""
    days: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    for day, kind, net in s.execute(invoiced(start, end)):
        days[as_date(day)][LINE_KINDS[kind]] += net
    if not walk_all:
        for day, kind, cents in simple_revenue(s, start, end):
            days[day][kind] += cents
    released: dict[tuple[int, date], int] = defaultdict(int)  # (package, day) -> refunded
    for life in package_lives(s, start, end, walked_only=not walk_all):
        for step in steps(life, start, end):
            if step.redeemed or step.expired or step.reinstated:
                figures = days[step.on]
                figures["package_uses"] += step.redeemed
                figures["breakage"] += step.expired - step.reinstated
            if step.refunded:
                released[life.package_id, step.on] += step.refunded
    for package_id, refunded_at, line_net in s.execute(refunds(start, end)):
        day = refunded_at.date()
        days[day]["refund_adjustments"] += refund_adjustment(
            released.get((package_id, day), 0), -(line_net or 0))
    return {day: figures for day, figures in days.items() if any(figures.values())}


class RevenueReport(ReportDesk):
    """clinic.reports.revenue."""

    def revenue(self, start: date, end: date) -> Report:
        """R34 over `start`..`end`: one row per day with revenue, per kind; totals per
        month and for the period (`Report.totals` per kind, and "total")."""
        start, end = self._period(start, end)
        with self._db.read() as s:
            by_day = revenue_by_day(s, start, end)
        locale = self._clinic.money_context()["locale"]
        rows = [RevenueRow(day, day.replace(day=1), *(figures[k] for k in KINDS),
                           sum(figures.values()))
                for day, figures in sorted(by_day.items())]
        section = tally(
            rows, title=_("Revenue by day"), columns=REVENUE_COLUMNS, group_key="month",
            label_of=lambda month: format_date(month, "LLLL y", locale=locale),
            group_heading=_("Month"), empty_text=_("Nothing was earned in this period."))
        return self._report(
            "revenue", _("Revenue"), self._span(start, end), (section,),
            {"start": start, "end": end},
            notes=(_(REVENUE_NOTE),))
