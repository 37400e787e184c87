"""A day of the clinic's clock as the time stamps that bound it: the books read records made
from one midnight until before the next (R32-R36)."""

from __future__ import annotations

from datetime import date, datetime, time


def midnight(day: date) -> datetime:
    """The first moment of `day`; records of `start..end` are those made at or after
    midnight(start) and before midnight of the day after `end`."""
    return datetime.combine(day, time())


def day_of(value) -> date | None:
    """The day of a time stamp as the driver gives it: a datetime (PostgreSQL), ISO text
    (SQLite, for an aggregate or a column read raw), a date already, or None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value
