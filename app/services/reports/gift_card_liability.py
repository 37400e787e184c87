"""Gift card balances in Package Liability (R33, R45): their own section, after the
packages' (whose totals stay the report's): what the cards held at the start, what was
loaded on them (sales and reloads), paid with them, refunded back to them and taken off by
a voided sale, and what they hold at the end. From the cards' moves, so the closing is
Σ card balances, and the journal's Gift Card Liability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from ...i18n import N_, _
from ...models import GiftCardMove
from ..day_times import period_bounds
from .shape import Column
from .tally import tally

#: a move's kind -> the figure of the period it adds to
KINDS = {"load": "loaded", "pay": "paid", "back": "refunded_to_cards", "unload": "voided"}


@dataclass(frozen=True, slots=True)
class GiftCardLiabilityRow:
    what: str
    opening: int
    loaded: int
    paid: int  # taken off the cards (a positive figure)
    refunded_to_cards: int
    voided: int  # taken off by a voided sale or reload (positive)
    closing: int


COLUMNS = (
    Column("what", N_("Gift cards")),
    Column("opening", N_("Opening"), "money", total=True),
    Column("loaded", N_("Sold or reloaded"), "money", total=True),
    Column("paid", N_("Paid with cards"), "money", total=True),
    Column("refunded_to_cards", N_("Refunded to cards"), "money", total=True),
    Column("voided", N_("Voided"), "money", total=True),
    Column("closing", N_("Closing"), "money", total=True),
)


def gift_card_section(s, start: date, end: date):
    """The section, or None when no card ever moved through `end` (a clinic that sells none
    sees the report as before)."""
    since, until = period_bounds(start, end)
    moved = GiftCardMove.amount
    during = [func.coalesce(func.sum(case(((GiftCardMove.kind == kind)
                                           & (GiftCardMove.at >= since), moved), else_=0)), 0)
              for kind in KINDS]
    row = s.execute(select(func.count(GiftCardMove.id),
                           func.coalesce(func.sum(case((GiftCardMove.at < since, moved),
                                                       else_=0)), 0), *during)
                    .where(GiftCardMove.at < until)).one()
    if not row[0]:
        return None
    opening = int(row[1])
    within = {KINDS[kind]: int(total) for kind, total in zip(KINDS, row[2:])}
    closing = opening + sum(within.values())
    figures = GiftCardLiabilityRow(_("Gift card balances"), opening, within["loaded"],
                                   -within["paid"], within["refunded_to_cards"],
                                   -within["voided"], closing)
    return tally([figures], title=_("Gift cards"), columns=COLUMNS)
