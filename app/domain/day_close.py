"""The cash drawer at the Day Close (R32), over int cents.

The close records it and the dialog shows it live as the desk types the count: one rule,
so the screen and the record never disagree.
"""

from __future__ import annotations


def expected_cash(cash_received: int, cash_refunded: int) -> int:
    """What the drawer should hold from the day: cash taken less cash handed back."""
    return cash_received - cash_refunded


def over_short(counted: int, expected: int) -> int:
    """Positive: more in the drawer than expected (over); negative: less (short)."""
    return counted - expected
