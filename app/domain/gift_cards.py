"""Gift card rules (R45), pure: the code's alphabet and check character, and how much a card
may pay.

A code is 15 random characters and one check character from an alphabet without 0/O and
1/I (read aloud or copied from a card, those are the letters people confuse), shown in
groups of four: "K7QD-9XTF-M3WA-HR2P". 15 characters of 32 are 75 bits from `secrets`, so
knowing any number of codes tells nothing of another. The check character (Luhn mod 32)
catches any one mistyped character and any two swapped neighbours (but the pair 2/Z)
before the database is asked, so a typo reads "no card with this code" without a lookup.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
BODY = 15
LENGTH = BODY + 1
#: the most a card may hold, in cents ($5,000): a sale or reload above it is a typo
MAXIMUM = 500_000
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(body: str) -> str:
    """Luhn mod N over `body` (characters of ALPHABET)."""
    n, total, factor = len(ALPHABET), 0, 2
    for ch in reversed(body):
        addend = factor * _INDEX[ch]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_code(randbelow=secrets.randbelow) -> str:
    """A fresh stored code (16 characters, no dashes)."""
    body = "".join(ALPHABET[randbelow(len(ALPHABET))] for _ in range(BODY))
    return body + check_character(body)


def normalized(typed: object) -> str | None:
    """The stored form of a typed or scanned code, or None when it cannot be a card's
    (wrong length, a character outside the alphabet, a wrong check character). Spaces and
    dashes are ignored and case does not matter."""
    if not isinstance(typed, str):
        return None
    code = "".join(ch for ch in typed.upper() if ch not in " -\t\r\n")
    if len(code) != LENGTH or any(ch not in _INDEX for ch in code):
        return None
    return code if check_character(code[:BODY]) == code[BODY] else None


def shown(code: str) -> str:
    """A stored code as printed and read aloud: four groups of four."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def payable(card_balance: int, invoice_balance: int) -> int:
    """The most a card can pay on an invoice: the smaller of the two balances."""
    return max(0, min(card_balance, invoice_balance))
