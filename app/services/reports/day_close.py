"""The Day Close report (R32): one day's figures by payment method, invoices, packages and
uses, no-show fees, credit, and the cash drawer.

An open day is worked out now (app/services/day_figures.py); a closed day shows the figures
kept at its close, never worked out again, so a later void or refund cannot change them (it
shows on the day it is made). `report.totals` (the first section's) carries every figure by
name: "cash_in", "cash_out", "expected_cash", "received", "credit_created", ...; for a closed
day also "counted_cash" and "over_short".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ...i18n import N_, _
from .. import day_figures
from .. import validation as v
from .. import day_close as closes  # (a module: day_close imports this package's formulas)
from ..ledger import METHODS
from .desk import ReportDesk
from .shape import Column, Report
from .tally import tally


@dataclass(frozen=True, slots=True)
class MethodRow:
    method: str  # the payment method's code ("cash")
    method_name: str
    received_count: int
    received: int
    refunded_count: int
    refunded: int
    net: int


@dataclass(frozen=True, slots=True)
class FigureRow:
    item: str  # the figure's name in report.totals ("invoices_issued")
    label: str
    count: int | None
    amount: int


METHOD_COLUMNS = (
    Column("method_name", N_("Method")),
    Column("received_count", N_("Payments"), "int", total=True),
    Column("received", N_("Received"), "money", total=True),
    Column("refunded_count", N_("Refunds"), "int", total=True),
    Column("refunded", N_("Refunded"), "money", total=True),
    Column("net", N_("Net"), "money", total=True),
)
COUNT_COLUMNS = (Column("label", N_("Item")), Column("count", N_("Count"), "int"),
                 Column("amount", N_("Amount"), "money"))
AMOUNT_COLUMNS = (Column("label", N_("Item")), Column("amount", N_("Amount"), "money"))


def _rows(figures: dict, items) -> tuple[FigureRow, ...]:
    """(label, count key or None, amount key) -> rows; the row's item is its amount's key."""
    return tuple(FigureRow(amount, _(label), figures[count] if count else None,
                           figures[amount]) for label, count, amount in items)


class DayCloseReport(ReportDesk):
    """clinic.reports.day_close."""

    def day_close(self, on: date) -> Report:
        on = v.a_date(on, "on", label=_("date"))
        with self._db.read() as s:
            row = closes.open_close(s, on)
            close = closes.view_of(s, row) if row is not None else None
            figures = close.figures if close is not None else day_figures.figures(s, on)
        return self._day_report(on, figures, close)

    def _day_report(self, on: date, f: dict, close) -> Report:
        methods = tuple(MethodRow(m["method"], _(METHODS.get(m["method"], m["method"])),
                                  m["received_count"], m["received"], m["refunded_count"],
                                  m["refunded"], m["net"]) for m in f["methods"])
        named = {k: value for k, value in f.items() if isinstance(value, int)}
        drawer = [(N_("Cash received"), None, "cash_in"), (N_("Cash paid back"), None,
                                                           "cash_out"),
                  (N_("Expected cash in the drawer"), None, "expected_cash")]
        if close is not None:
            named.update(counted_cash=close.counted_cash, over_short=close.over_short)
            drawer += [(N_("Cash counted"), None, "counted_cash"),
                       (N_("Over (+) or short (\u2212)"), None, "over_short")]
        by_method = tally(methods, title=_("Payments by method"), columns=METHOD_COLUMNS)
        by_method = replace(by_method, totals={**by_method.totals, **named})
        sections = (
            by_method,
            tally(_rows(f, ((N_("Invoices issued"), "invoices_issued", "invoices_issued_total"),
                            (N_("Tax on invoices issued"), None, "invoices_issued_tax"),
                            (N_("Invoices voided"), "invoices_voided",
                             "invoices_voided_total"))),
                  title=_("Invoices"), columns=COUNT_COLUMNS),
            tally(_rows(f, ((N_("Packages sold (before tax)"), "packages_sold",
                             "packages_sold_value"),
                            (N_("Uses redeemed"), "uses_redeemed", "uses_redeemed_value"),
                            (N_("Uses undone (taken back)"), "uses_undone",
                             "uses_undone_value"))),
                  title=_("Packages and uses"), columns=COUNT_COLUMNS),
            tally(_rows(f, ((N_("No-show fees charged"), "no_show_fees",
                             "no_show_fees_total"),)),
                  title=_("No-show fees"), columns=COUNT_COLUMNS),
            *((tally(_rows(f, ((N_("Gift cards sold or reloaded (no tax, owed to the "
                                   "card)"), "gift_cards_sold", "gift_cards_sold_total"),)),
                     title=_("Gift cards"), columns=COUNT_COLUMNS),)
              if f.get("gift_cards_sold") else ()),  # R45: on a day cards were sold
            tally(_rows(f, ((N_("Credit created"), None, "credit_created"),
                            (N_("Credit used"), None, "credit_used"))),
                  title=_("Patient credit"), columns=AMOUNT_COLUMNS),
            tally(_rows(named, drawer), title=_("Cash drawer"), columns=AMOUNT_COLUMNS),
        )
        if close is None:
            notes = (_("This day is open: the figures are as of {time} and change with "
                       "anything recorded on this day.").format(
                time=self._time(self._now())),)
        else:
            notes = (_("Closed by {name} at {time} on {day}; these are the figures kept at "
                       "the close. Anything done since shows on the day it was done.").format(
                name=close.closed_by_name or _("the system"),
                time=self._time(close.closed_at),
                day=self._date(close.closed_at.date())),)
        notes += (_("Figures are dated by when each record was made: a payment when "
                    "received, an invoice when issued or voided, a use when redeemed or "
                    "undone."),)
        return self._report("day_close", _("Day Close"), self._date(on), sections,
                            {"on": on, "closed": close is not None,
                             "close_id": close.id if close is not None else None},
                            notes=notes)
