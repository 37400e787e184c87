"""Sales tax (R36): per rate, the taxable sales and tax charged on the invoices issued in a
period, the tax given back by the invoices voided in it and by the package refunds made in
it, and the net tax.

One aggregate statement: three kinds of facts (lines issued, lines voided, refund lines)
glued with UNION ALL and summed per rate; the engine adds the grand total in SQL.
- issued: every line of an invoice issued in the period (Invoice.issued_on), except the
  "Unused uses cancelled" credit lines a package refund adds to the sale invoice later;
- voided: every line of an invoice voided in the period (by Invoice.voided_at's day), its
  refund credit lines included, so what a void gives back is what was still charged;
- refunded: the "package_refund" credit lines, on the day of the refund that made them
  (PackageRefund.refunded_at, joined by its invoice_line_id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_percent
from sqlalchemy import literal, select, union_all

from ...i18n import N_, _
from ...models import Invoice, InvoiceLine, PackageRefund
from ..day_times import period_bounds
from .desk import ReportDesk
from .engine import Spec, run_section
from .formulas import whole_sum
from .shape import Column, Report

MEASURES = ("taxable_sales", "tax_charged", "voided_sales", "voided_tax", "refunded_sales",
            "refunded_tax")


@dataclass(frozen=True, slots=True)
class TaxRow:
    rate: Decimal  # 0.13 for 13 %
    rate_name: str  # "13%" in the clinic's locale
    taxable_sales: int  # before tax
    tax_charged: int
    voided_sales: int  # given back by voids (positive)
    voided_tax: int
    refunded_sales: int  # given back by package refunds (positive)
    refunded_tax: int
    net_sales: int
    net_tax: int


TAX_COLUMNS = (
    Column("rate_name", N_("Tax rate")),
    Column("taxable_sales", N_("Taxable sales"), "money", total=True),
    Column("tax_charged", N_("Tax charged"), "money", total=True),
    Column("voided_sales", N_("Sales voided"), "money", total=True),
    Column("voided_tax", N_("Tax given back by voids"), "money", total=True),
    Column("refunded_sales", N_("Sales refunded"), "money", total=True),
    Column("refunded_tax", N_("Tax given back by refunds"), "money", total=True),
    Column("net_sales", N_("Net sales"), "money", total=True),
    Column("net_tax", N_("Net tax"), "money", total=True),
)

SALES_TAX_NOTE = N_(
    "Taxable sales and tax charged are those of the invoices issued in the period. A void "
    "gives back the tax of its invoice on the day it was voided; a package refund gives back "
    "the tax of the unused uses it cancelled on the day of the refund. Net = charged "
    "\u2212 given back.")


def voided_between(since: datetime, until: datetime):
    """The ids of the invoices voided from `since` until before `until`. A subquery, so the
    few voided invoices are found first and their lines by ix_invoice_lines_invoice (joined,
    SQLite read every line of ten years to look up its invoice)."""
    return select(Invoice.id).where(Invoice.voided_at >= since, Invoice.voided_at < until)


#: a gift card's sale or reload (R45) is stored value, no sale: its tax is on what it pays for
NOT_A_SALE = "gift_card"


def tax_facts(start: date, end: date):
    """(rate, the six measures) per line that counts in the period: the UNION ALL the
    report sums per rate."""
    net = InvoiceLine.unit_price * InvoiceLine.quantity
    since, until = period_bounds(start, end)

    def facts(**given):  # the rate and the six measures, 0 where not given, labelled
        return select(InvoiceLine.tax_rate.label("rate"),
                      *(given.get(k, literal(0)).label(k) for k in MEASURES))

    issued = (facts(taxable_sales=net, tax_charged=InvoiceLine.tax)
              .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
              .where(Invoice.issued_on.between(start, end),
                     InvoiceLine.kind.not_in(("package_refund", NOT_A_SALE))))
    voided = (facts(voided_sales=net, voided_tax=InvoiceLine.tax)
              .where(InvoiceLine.invoice_id.in_(voided_between(since, until)),
                     InvoiceLine.kind != NOT_A_SALE))
    refunded = (facts(refunded_sales=-net, refunded_tax=-InvoiceLine.tax)
                .join(PackageRefund, PackageRefund.invoice_line_id == InvoiceLine.id)
                .where(InvoiceLine.kind == "package_refund",
                       PackageRefund.refunded_at >= since, PackageRefund.refunded_at < until))
    return union_all(issued, voided, refunded).subquery("facts")


class SalesTaxReport(ReportDesk):
    """clinic.reports.sales_tax."""

    def sales_tax(self, start: date, end: date) -> Report:
        """R36 over `start`..`end`, one row per tax rate and the grand total."""
        start, end = self._period(start, end)
        facts = tax_facts(start, end)
        sums = [whole_sum(facts.c[k]).label(k) for k in MEASURES]
        per_rate = (select(facts.c.rate, *sums).group_by(facts.c.rate)).subquery("per_rate")
        c = per_rate.c
        detail = select(c.rate, *(c[k] for k in MEASURES),
                        (c.taxable_sales - c.voided_sales - c.refunded_sales).label("net_sales"),
                        (c.tax_charged - c.voided_tax - c.refunded_tax).label("net_tax"))
        locale = self._clinic.money_context()["locale"]

        def build(r):
            rate = Decimal(str(r[2]))
            return TaxRow(rate, format_percent(rate, "#,##0.###%", locale=locale), *r[3:])

        with self._db.read() as s:
            section = run_section(
                s, Spec(detail, build, sums=(*MEASURES, "net_sales", "net_tax"),
                        order=("rate",)),
                title=_("Sales tax by rate"), columns=TAX_COLUMNS,
                empty_text=_("No taxable sales, voids or refunds in this period."))
        return self._report(
            "sales_tax", _("Sales Tax"), self._span(start, end), (section,),
            {"start": start, "end": end},
            notes=(_(SALES_TAX_NOTE),))
