"""The journal as a Beancount ledger (R35): a file `bean-check` accepts.

Beancount's grammar (beancount 3, its lexer): an account is a root type (Assets,
Liabilities, Equity, Income, Expenses) then components separated by ":", each starting with
a capital letter or a digit and made of letters, digits and dashes. The clinic's accounts are
named "Type:Code-Name" from their code and name ("Liabilities:2200-Deferred-Revenue-Packages"),
accents folded to ASCII so every Beancount tool reads them alike; the same chart always gives
the same names, and two accounts never share one.

Every account of the chart is opened on the first day of the period (before any posting:
Beancount refuses a posting to an account not yet open), so the file is written in one pass.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Iterable, TextIO

from ..entries import AccountRow, JournalEntry
from .common import Amounts, account_of, one_line

ROOTS = {"asset": "Assets", "liability": "Liabilities", "equity": "Equity",
         "income": "Income", "expense": "Expenses"}
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9]+")


def _component(text: str) -> str:
    """`text` as one Beancount account component: ASCII letters, digits and dashes."""
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    words = [w for w in _NOT_ALLOWED.split(ascii_text) if w]
    joined = "-".join(words)
    return joined[:1].upper() + joined[1:]


def account_names(accounts: Iterable[AccountRow]) -> dict[str, str]:
    """The chart's account name -> its Beancount account, unique and deterministic: two
    accounts whose code and name fold to the same component are told apart by their id."""
    chart = sorted(accounts, key=lambda a: (a.kind, a.code, a.name, a.id))
    natural: dict[int, str] = {}
    for account in chart:
        root = ROOTS.get(account.kind)
        if root is None:
            raise ValueError(f"unknown kind of account {account.kind!r}")  # i18n: not shown
        part = _component(f"{account.code} {account.name}") or f"Account-{account.id}"
        natural[account.id] = f"{root}:{part}"
    names: dict[str, str] = {}
    used: set[str] = set()
    for account in chart:
        name = natural[account.id]
        while name.casefold() in used:  # (Beancount tells case apart; a reader may not)
            name = f"{name}-{account.id}"
        used.add(name.casefold())
        names[account.name] = name
    return names


def quoted(text: str) -> str:
    """A Beancount string: backslashes and double quotes escaped, on one line."""
    return '"' + one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_beancount(entries: Iterable[JournalEntry], accounts: Iterable[AccountRow],
                    stream: TextIO, *, start: date, end: date, currency: str = "CAD",
                    digits: int = 2, title: str = "") -> int:
    """Write the ledger of `entries` (the period `start`..`end`) to `stream`; return how many
    entries were written. Lines end with "\\n" whatever the system."""
    accounts = list(accounts)  # the chart: a few dozen rows
    names = account_names(accounts)
    stream.write(f"; ClinicDesk journal, {start.isoformat()} to {end.isoformat()}\n")
    if title:
        stream.write(f"option \"title\" {quoted(title)}\n")
    stream.write(f"option \"operating_currency\" \"{currency}\"\n\n")
    for account in sorted(accounts, key=lambda a: names[a.name]):
        stream.write(f"{start.isoformat()} open {names[account.name]} {currency}\n")
    written = 0
    # a year is a quarter of a million postings: each account's start of line and each
    # amount's end of line are made once, and an entry is one write
    amounts = Amounts(digits)
    lines: dict[str, str] = {}  # account name -> "  Assets:...  "
    tail = f" {currency}\n"
    write = stream.write
    for entry in entries:
        parts = [f"\n{entry.on.isoformat()} * {quoted(entry.description)}\n"]
        if entry.reference:
            parts.append(f"  reference: {quoted(entry.reference)}\n")
        for name, cents in entry.postings:
            line = lines.get(name)
            if line is None:
                line = lines[name] = f"  {account_of(names, name)}  "
            parts.append(line + amounts[cents] + tail)
        write("".join(parts))
        written += 1
    return written
