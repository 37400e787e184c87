"""The journal of a period as a stream (R35): the opening balances, then every source's
entries merged as they come, by (day, kind of document, time, id). See journal.py for what
each event posts.

Each source is one query over the period, read a batch at a time in its own order, and the
sources are merged lazily (heapq.merge): one pass over each table, and only a batch of each
in memory. The packages' steps are worked out first (one small tuple per package and day
that moved), as the liability core gives them per package, not per day.
"""

from __future__ import annotations

import heapq
from datetime import date
from typing import Iterator

from ...i18n import _
from ..day_times import ONE_DAY
from . import journal, package_moves, payment_entries
from .entries import JournalEntry
from .journal import first_day, make_entry
from .opening import balance_sheet

SOURCES = (journal.invoices, payment_entries.payments, payment_entries.applications,
           journal.cancelled_lines, payment_entries.refunds, journal.voids)

__all__ = ["entries", "first_day"]


def entries(db, names: dict[str, str], start: date, end: date) -> Iterator[JournalEntry]:
    """Every entry of start..end, in order; one read transaction, so the file is one
    snapshot of the clinic even while other desks write."""
    with db.read() as s:
        found, deferred = package_moves.moves(s, start, end)
        first = first_day(s)
        # (packages sold before ClinicDesk, R42, are owed from before its first day)
        if first is not None and (start > first or deferred):
            sheet = balance_sheet(s, start - ONE_DAY, tax_roles=names)
            sheet["deferred"] = -deferred
            postings = sorted((role, cents) for role, cents in sheet.items() if cents)
            opening = make_entry(names, start, _("Opening balances"), "",
                                 [*postings, ("opening", -sum(c for _r, c in postings))])
            if opening is not None:
                yield opening
        streams = [package_moves.entries(s, names, found),
                   *(source(s, names, start, end) for source in SOURCES)]
        for item in heapq.merge(*streams):
            yield item[-1]
