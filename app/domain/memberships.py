"""A membership's periods and allowance (R43, R44) over plain dates: no database.

Periods run back to back from the day the membership starts: "1m" from Jan 31 gives Feb 28,
Mar 31, Apr 30 (each month counted from the start, so a short month never drags the rest
earlier), "2w" every 14 days, "1y" every year. A pause (a freezes.Span: from its first day
up to, not including, the day it runs again) holds the calendar: no period starts while
paused; the first period after it starts on the day it runs again, and the periods go on
from there. A period that had already started when a pause began is not cut short (it was
invoiced whole); its paused days cover nothing. No period starts on or after the day a
membership is cancelled from.

Uses allowed in a period: the plan's uses per period, plus the previous period's unused
uses up to the roll-over cap (0: none roll over). None means unlimited.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Iterator

from .freezes import Span

#: monthly, every N weeks (1 to 52), yearly: the only periods a plan can have (R43)
PERIOD = re.compile(r"^(1m|1y|([1-9]|[1-4][0-9]|5[0-2])w)$")


def valid_period(code: str) -> bool:
    return isinstance(code, str) and PERIOD.match(code) is not None


def _add_months(start: date, months: int) -> date:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def period_start(anchor: date, code: str, k: int) -> date:
    """The k-th period's first day counted from `anchor` (k = 0 is the anchor)."""
    if code == "1m":
        return _add_months(anchor, k)
    if code == "1y":
        return _add_months(anchor, 12 * k)
    return anchor + timedelta(weeks=int(code[:-1]) * k)


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date  # its last day (inclusive)

    def holds(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def periods(starts_on: date, code: str, pauses: Iterable[Span], *,
            cancelled_on: date | None = None, until: date | None = None) -> Iterator[Period]:
    """The membership's periods in order, those starting on or before `until` (all, when a
    cancellation or an open pause ends them; else `until` is required)."""
    spans = sorted(pauses, key=lambda p: p.starts_on)
    anchor, k = starts_on, 0
    while True:
        start = period_start(anchor, code, k)
        paused = next((p for p in spans if p.holds(start)), None)
        if paused is not None:
            if paused.ends_on is None:
                return
            anchor, k = paused.ends_on, 0
            continue
        if cancelled_on is not None and start >= cancelled_on:
            return
        if until is not None and start > until:
            return
        if until is None and cancelled_on is None:
            raise ValueError("periods() without an end needs `until`")
        yield Period(start, period_start(anchor, code, k + 1) - timedelta(days=1))
        k += 1


def period_on(day: date, starts_on: date, code: str, pauses: Iterable[Span], *,
              cancelled_on: date | None = None) -> Period | None:
    """The period containing `day`, or None (before the start, paused that day, or after
    the cancellation). A day inside a paused stretch of a running period is None too."""
    spans = list(pauses)
    if day < starts_on or (cancelled_on is not None and day >= cancelled_on):
        return None
    if any(p.holds(day) for p in spans):
        return None
    found = None
    for period in periods(starts_on, code, spans, cancelled_on=cancelled_on, until=day):
        found = period
    return found if found is not None and found.holds(day) else None


def allowances(uses_per_period: int | None, rollover_cap: int,
               used: Iterable[int]) -> list[int | None]:
    """Uses allowed in each period, in order, given the uses had in each one before it:
    allowed(n) = uses_per_period + min(cap, allowed(n-1) - used(n-1)). One more entry than
    `used` has: the last is the allowance of the period after them (the current one)."""
    if uses_per_period is None:
        return [None] * (len(list(used)) + 1)
    allowed = [uses_per_period]
    for had in used:
        carried = min(max(rollover_cap, 0), max(allowed[-1] - had, 0))
        allowed.append(uses_per_period + carried)
    return allowed


def uses_left(uses_per_period: int | None, rollover_cap: int, used_before: list[int],
              used_now: int) -> int | None:
    """Uses left in the current period (None: unlimited), the periods before it had
    `used_before` uses each."""
    allowed = allowances(uses_per_period, rollover_cap, used_before)[-1]
    return None if allowed is None else max(allowed - used_now, 0)
