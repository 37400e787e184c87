"""Package liability, the clinic's deferred revenue (R33): the period's roll-forward per
package template, from the shared core (app/services/liability.py, app/domain/liability.py)
so this report, Revenue (R34) and the journal (R35) can never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...i18n import N_, _
from ...models import PackageTemplate
from ..liability import roll_forward
from .desk import ReportDesk
from .engine import names_of
from .gift_card_liability import gift_card_section
from .shape import Column, Report
from .tally import tally

#: R33's figures in the order the roll-forward reads, as `Report.totals` keys them.
FIGURES = ("opening", "sold", "redeemed", "refunded", "voided", "expired", "reinstated",
           "closing")


@dataclass(frozen=True, slots=True)
class LiabilityRow:
    template_id: int
    package_name: str
    opening: int
    sold: int
    redeemed: int  # net of uses undone in the period (negative if more were undone)
    refunded: int
    voided: int  # a package sale voided (R33 does not name it): its whole price
    expired: int  # breakage
    reinstated: int
    closing: int


LIABILITY_COLUMNS = (
    Column("package_name", N_("Package")),
    Column("opening", N_("Opening"), "money", total=True),
    Column("sold", N_("Sold"), "money", total=True),
    Column("redeemed", N_("Uses redeemed"), "money", total=True),
    Column("refunded", N_("Refunded"), "money", total=True),
    Column("voided", N_("Voided"), "money", total=True),
    Column("expired", N_("Expired"), "money", total=True),
    Column("reinstated", N_("Reinstated"), "money", total=True),
    Column("closing", N_("Closing"), "money", total=True),
)

ROLL_FORWARD_NOTE = N_(
    "Closing = opening + sold \u2212 redeemed \u2212 refunded \u2212 voided \u2212 expired "
    "+ reinstated. Each figure is the value of the uses concerned, before tax (the package "
    "price spread over its uses): sold is every use of the packages sold; redeemed the uses "
    "given, covered no-shows included and undone ones taken back; refunded the uses left "
    "when a package was refunded; voided the whole price of a sale voided, whose uses given "
    "and breakage are then taken back from redeemed and expired; expired the uses left when "
    "a package's expiry passed; reinstated the uses brought back by an expiry extended or "
    "cleared after it passed. The closing figure is the value of the uses left on every live "
    "package at the end of {end}.")


class PackageLiabilityReport(ReportDesk):
    """clinic.reports.package_liability."""

    def package_liability(self, start: date, end: date) -> Report:
        """R33 over `start`..`end`: opening, sold, redeemed, refunded, voided, expired,
        reinstated and closing, per package template and in total."""
        start, end = self._period(start, end)
        with self._db.read() as s:
            moved = roll_forward(s, start, end)
            templates = names_of(s, PackageTemplate)
            cards = gift_card_section(s, start, end)  # R45: their own section
        rows = sorted(
            (LiabilityRow(template_id, templates.get(template_id, f"#{template_id}"),
                          *(getattr(m, figure) for figure in FIGURES))
             for template_id, m in moved.items()),
            key=lambda r: (r.package_name.casefold(), r.template_id))
        section = tally(rows, title=_("Liability by package"), columns=LIABILITY_COLUMNS,
                        empty_text=_("No package was owed or moved in this period."))
        return self._report(
            "package_liability", _("Package Liability"), self._span(start, end),
            (section, *((cards,) if cards is not None else ())),
            {"start": start, "end": end},
            notes=(_(ROLL_FORWARD_NOTE).format(end=self._date(end)),))

