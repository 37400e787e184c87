"""What the journal is made of (R35): entries of postings, in cents, that add up to zero."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One balanced transaction. Postings are (account name, cents): debits positive, credits
    negative, adding up to 0. `reference` names the document behind it ("Invoice #12")."""

    on: date
    description: str
    postings: tuple[tuple[str, int], ...]
    reference: str = ""


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One account of the clinic's chart as Settings › Accounts and the writers read it."""

    id: int
    role: str  # what the journal posts to it: "clearing:cash", "receivable", "sales_tax:0.13"
    kind: str  # asset | liability | income | equity
    code: str
    name: str
