"""Expiry dates from a template's default validity (R9)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


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
        return "No expiry"
    number, unit = int(validity[:-1]), validity[-1]
    word = {"d": "day", "m": "month", "y": "year"}[unit]
    return f"{number} {word}{'s' if number != 1 else ''}"
