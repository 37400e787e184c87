"""The quick choices of a report's period: whole calendar months and years around today."""

from __future__ import annotations

from datetime import date, timedelta

from app.i18n import N_

CUSTOM = "custom"
#: code -> what the desk reads (English, N_: shown through _()), in the order offered
CHOICES = (("this_month", N_("This month")), ("last_month", N_("Last month")),
           ("this_year", N_("This year")), ("last_year", N_("Last year")),
           (CUSTOM, N_("Custom")))


def _month(first: date) -> tuple[date, date]:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def period(choice: str, today: date) -> tuple[date, date]:
    """First and last day of the chosen month or year (a whole one: a report of this month
    still shows the packages sold for its later days once they are sold)."""
    if choice == "this_month":
        return _month(today.replace(day=1))
    if choice == "last_month":
        return _month((today.replace(day=1) - timedelta(days=1)).replace(day=1))
    if choice == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if choice == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ValueError(f"no fixed period for {choice!r}")  # i18n: not shown (a programming error)


def choice_for(start: date, end: date, today: date) -> str:
    """The quick choice that gives exactly `start`..`end`, else Custom."""
    for code, _label in CHOICES:
        if code != CUSTOM and period(code, today) == (start, end):
            return code
    return CUSTOM
