"""When a gift card stops paying (R45), pure: "no expiry unless the clinic sets one".

The clinic's setting is a number of months, or None (never: the default, and the only
choice in places whose law forbids gift cards to expire). A card's last day is fixed when
money is put on it; a reload renews it for the whole card (one pool of value: the desk
cannot tell which dollars came first), and never shortens it.
"""

from __future__ import annotations

import calendar
from datetime import date

#: the longest expiry the clinic may set (10 years): anything longer is a typo
MOST_MONTHS = 120


def last_day(loaded_on: date, months: int | None) -> date | None:
    """The card's last day of use when loaded on `loaded_on`, or None (never expires).
    A month on: the same day of the month, or that month's last day (Jan 31 -> Feb 28)."""
    if months is None:
        return None
    index = loaded_on.month - 1 + months
    year, month = loaded_on.year + index // 12, index % 12 + 1
    return date(year, month, min(loaded_on.day, calendar.monthrange(year, month)[1]))


def renewed(current: date | None, new: date | None, *, first_load: bool) -> date | None:
    """The card's last day after a load: a sale takes `new`; a reload takes the later of
    the two, and None (never) wins over any date."""
    if first_load:
        return new
    if current is None or new is None:
        return None
    return max(current, new)


def expired(expires_on: date | None, today: date) -> bool:
    """A card pays through its last day, and not after it."""
    return expires_on is not None and today > expires_on
