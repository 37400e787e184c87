"""Freezing a package (R39) over plain dates.

A freeze runs from its first day up to, not including, the day it ends: the day it is
unfrozen, when the package can be used again. So "frozen Feb 1, unfrozen Feb 11" is ten
frozen days (Feb 1 to Feb 10), and a freeze "from Feb 1 to Feb 11" is the same freeze. An
open freeze (no end yet) runs until it is unfrozen. The expiry moves on by the frozen days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Span:
    starts_on: date
    ends_on: date | None  # the first day it can be used again; None: until unfrozen

    def holds(self, day: date) -> bool:
        """Whether `day` is a frozen day of this freeze."""
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)

    def overlaps(self, other: Span) -> bool:
        """Two freezes share a frozen day (a freeze withdrawn on its first day has none)."""
        if self.ends_on == self.starts_on or other.ends_on == other.starts_on:
            return False
        return ((other.ends_on is None or self.starts_on < other.ends_on)
                and (self.ends_on is None or other.starts_on < self.ends_on))


def days_frozen(starts_on: date, ends_on: date) -> int:
    """The days from the freeze's first day to the day it ended (R39: Feb 1 to Feb 11: 10)."""
    return max((ends_on - starts_on).days, 0)


def moved_expiry(expires_on: date | None, days: int) -> date | None:
    """The expiry moved on (or back, for a freeze cut short) by `days`; none stays none."""
    return None if expires_on is None else expires_on + timedelta(days=days)
