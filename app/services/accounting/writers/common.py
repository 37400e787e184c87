"""What the three journal writers share: amounts from cents, the chart by name, entry numbers."""

from __future__ import annotations

import re
from datetime import date
from typing import Iterable

from ..entries import AccountRow, JournalEntry

#: Line breaks and the controls a CSV or Beancount reader may take for one (str.splitlines')
_BREAKS = re.compile("[\r\n\t\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")


def units(cents: int, digits: int = 2) -> str:
    """`cents` (minor units) as a plain decimal: 12345 -> "123.45", -5 -> "-0.05".

    Integer arithmetic only (a float would turn 0.29 into 0.28999...); an invariant decimal
    point and no thousands separator, which is what every importer reads."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"an amount in cents must be an int, not {cents!r}")  # i18n: not shown
    sign = "-" if cents < 0 else ""
    if digits <= 0:
        return f"{sign}{abs(cents)}"
    whole, part = divmod(abs(cents), 10 ** digits)
    return f"{sign}{whole}.{part:0{digits}d}"


class Amounts(dict):
    """`units` of each amount, remembered: a year's journal has a quarter of a million
    postings but a few thousand different amounts (prices, taxes), so most are looked up
    instead of formatted again. Bounded, so an odd journal cannot grow it without end."""

    LIMIT = 1 << 16

    def __init__(self, digits: int = 2):
        super().__init__()
        self._digits = digits

    def __missing__(self, cents) -> str:
        text = units(cents, self._digits)  # (raises TypeError unless whole cents)
        if type(cents) is int and len(self) < self.LIMIT:
            self[cents] = text
        return text


class Days(dict):
    """A day's cell in one date format (`format` for str.format: "{:%m/%d/%Y}"), made once
    a day instead of once a posting (strftime is the dearest part of a CSV row)."""

    def __init__(self, format: str):
        super().__init__()
        self._format = format.format

    def __missing__(self, on: date) -> str:
        text = self[on] = self._format(on)
        return text


def by_name(accounts: Iterable[AccountRow]) -> dict[str, AccountRow]:
    """The chart by account name: postings name their account."""
    return {account.name: account for account in accounts}


class UnknownAccount(ValueError):
    """A posting to an account the chart given to the writer does not hold: the chart was
    renamed by another desk between the two reads of an export (else a defect)."""


def account_of(chart: dict, name: str):
    """What `chart` holds for the account `name` (its row, or its name in a format)."""
    try:
        return chart[name]
    except KeyError:
        raise UnknownAccount(f"the journal posts to {name!r}, which is not in the "  # i18n: not shown
                             "chart of accounts") from None


def one_line(text: str) -> str:
    """`text` on one line: an importer takes a line break for the next record. Only breaks
    go (a no-break space in "13\u00a0%" stays: QuickBooks matches account names exactly)."""
    if type(text) is str and text.isprintable():  # (no break in it: nearly every text)
        return text.strip()
    return _BREAKS.sub(" ", str(text)).strip()


def entry_text(entry: JournalEntry) -> str:
    """The entry's description, with the document behind it when the description does not
    already name it ("Payment (Invoice #12)")."""
    text = one_line(entry.description)
    reference = one_line(entry.reference)
    if reference and reference not in text:
        return f"{text} ({reference})" if text else reference
    return text


class EntryNumbers:
    """A journal number for each entry: its date and its rank that day ("20260105-3").

    Stable whatever period is exported (a day is whole in every period that holds it), so
    exporting January then the whole year gives January's entries the same numbers, and an
    importer that warns of a number used twice (QuickBooks) sees a re-import for what it is.
    """

    def __init__(self) -> None:
        self._ranks: dict[date, int] = {}  # one number a day: a few thousand at most
        self._days = Days("{:%Y%m%d}-")

    def next(self, on: date) -> str:
        rank = self._ranks[on] = self._ranks.get(on, 0) + 1
        return f"{self._days[on]}{rank}"
