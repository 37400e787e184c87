"""The journal of a period as a stream (R35): the opening balances, then a month at a time
every source's entries, sorted by (day, kind of document, id). See journal.py for what each
event posts."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from typing import Iterator

from ...i18n import _
from . import journal, package_moves
from .entries import JournalEntry
from .journal import first_day, make_entry
from .opening import balance_sheet

ONE_DAY = timedelta(days=1)
SOURCES = (journal.invoices, journal.payments, journal.applications, journal.cancelled_lines,
           journal.refunds, journal.voids)

__all__ = ["entries", "first_day"]


def entries(db, names: dict[str, str], start: date, end: date) -> Iterator[JournalEntry]:
    """Every entry of start..end, in order; one read transaction, so the file is one
    snapshot of the clinic even while other desks write."""
    with db.read() as s:
        found, deferred = package_moves.moves(s, start, end)
        first = first_day(s)
        if first is not None and start > first:
            sheet = balance_sheet(s, start - ONE_DAY)
            sheet["deferred"] = -deferred
            postings = sorted((role, cents) for role, cents in sheet.items() if cents)
            opening = make_entry(names, start, _("Opening balances"), "",
                                 [*postings, ("opening", -sum(c for _r, c in postings))])
            if opening is not None:
                yield opening
        days = [m.on for m in found]
        taken = 0
        for a, b in journal._windows(start, end):
            upto = bisect_right(days, b, lo=taken)
            keyed = list(package_moves.entries(s, names, found[taken:upto]))
            taken = upto
            for source in SOURCES:
                keyed.extend(source(s, names, a, b))
            keyed.sort(key=lambda k: k.key)
            for item in keyed:
                yield item.entry
