"""Expiry dates from a template's default validity (R9), and how dates and times read in
the sentences the desk sees: in the clinic's locale (R4), never as ISO strings."""

from __future__ import annotations

import calendar
from functools import lru_cache
from datetime import date, datetime, time, timedelta

from babel.dates import format_date, format_time, get_datetime_format

from ..i18n import _, ngettext


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def expiry_for(purchased_on: date, validity: str | None) -> date | None:
    """"6m" after 2026-08-31 is 2027-02-28; None means no expiry."""
    if not validity:
        return None
    number, unit = int(validity[:-1]), validity[-1]
    if unit == "d":
        return purchased_on + timedelta(days=number)
    if unit == "m":
        return add_months(purchased_on, number)
    return add_months(purchased_on, 12 * number)


def describe(validity: str | None) -> str:
    if not validity:
        return _("No expiry")
    number, unit = int(validity[:-1]), validity[-1]
    if unit == "d":
        return ngettext("{n} day", "{n} days", number).format(n=number)
    if unit == "m":
        return ngettext("{n} month", "{n} months", number).format(n=number)
    return ngettext("{n} year", "{n} years", number).format(n=number)


# Dates and times inside messages and invoice lines: the clinic's locale decides
# ("Sep 2, 2026" in en_CA, "2 sept. 2026" in fr_CA, "2 Sept 2026" in en_GB).
def show_date(value: date | datetime, locale: str) -> str:
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "medium", locale=locale)


def show_time(value: datetime | time, locale: str) -> str:
    if isinstance(value, datetime):
        value = value.time()
    return format_time(value, "short", locale=locale)


def show_when(value: datetime, locale: str) -> str:
    """A date and time, joined the way the locale joins them ("Sep 2, 2026, 2:00 p.m.")."""
    return (_joining(locale).replace("{1}", show_date(value, locale))
            .replace("{0}", show_time(value, locale)))


@lru_cache(maxsize=16)
def _joining(locale: str) -> str:
    # (Babel looks the pattern up in the locale's data each time: a third of an arrival's
    # invoice line, issue 22.)
    return str(get_datetime_format("medium", locale=locale))
