"""A day of the clinic's clock as the time stamps that bound it: the books read records made
from one midnight until before the next (R32-R36)."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import and_

from ..domain.liability import ONE_DAY

__all__ = ["ONE_DAY", "day_of", "midnight", "period_bounds", "within"]


def midnight(day: date) -> datetime:
    """The first moment of `day`; records of `start..end` are those made at or after
    midnight(start) and before midnight of the day after `end`."""
    return datetime.combine(day, time())


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The days start..end as a half-open range of time stamps: [midnight(start), midnight
    of the day after end)."""
    return midnight(start), midnight(end + ONE_DAY)


def within(column, start: date, end: date):
    """The condition that a time stamp column falls on one of the days start..end."""
    since, until = period_bounds(start, end)
    return and_(column >= since, column < until)


def day_of(value) -> date | None:
    """The day of a time stamp as the driver gives it: a datetime (PostgreSQL), ISO text
    (SQLite, for an aggregate or a column read raw), a date already, or None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value
