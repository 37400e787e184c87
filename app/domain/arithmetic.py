"""The money arithmetic that is a rule: rounding once half-up (R2), splitting a price into
uses that add up exactly (R3), prorating (R26) and tax (R2).

Integer minor units in, integer minor units out; a float is refused on purpose (R1).
app.services.money imports these, so its callers are unchanged.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: Decimal) -> int:
    """Round an exact Decimal number of minor units half-up to an int (R2)."""
    if not isinstance(value, Decimal):
        raise TypeError("round_half_up takes a Decimal of minor units")  # i18n: not shown
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split_evenly(total: int, parts: int) -> list[int]:
    """Spread `total` over `parts` so they add up exactly (R3).

    The remainder goes to the last parts: $100 over 3 -> 3333, 3333, 3334.
    """
    require_int(total, "total")
    if parts <= 0:
        raise ValueError("parts must be positive")  # i18n: not shown
    base, remainder = divmod(total, parts)
    return [base] * (parts - remainder) + [base + 1] * remainder


def per_use_value(price: int, uses: int, use_number: int) -> int:
    """The value of use `use_number` (1-based) of a package (R3)."""
    if not 1 <= use_number <= uses:
        raise ValueError(f"use {use_number} is outside 1..{uses}")  # i18n: not shown
    return split_evenly(price, uses)[use_number - 1]


def prorate(amount: int, numerator: int, denominator: int) -> int:
    """amount × numerator / denominator, rounded once half-up (R2, R26)."""
    require_int(amount, "amount")
    if denominator <= 0:
        raise ValueError("denominator must be positive")  # i18n: not shown
    return round_half_up(Decimal(amount) * Decimal(numerator) / Decimal(denominator))


def tax_on(amount: int, rate: Decimal) -> int:
    """Tax on a pre-tax amount at `rate` (0.13 for 13%), rounded once (R2)."""
    require_int(amount, "amount")
    return round_half_up(Decimal(amount) * exact_rate(rate))


def tax_included_in(gross: int, rate: Decimal) -> int:
    """The tax part of a tax-included amount (used when a refund is split into net and tax)."""
    require_int(gross, "gross")
    rate = exact_rate(rate)
    if rate == 0:
        return 0
    return round_half_up(Decimal(gross) * rate / (1 + rate))


def exact_rate(rate: object) -> Decimal:
    if isinstance(rate, (float, bool)):
        raise TypeError("tax rates are exact Decimals like Decimal('0.15'), "  # i18n: not shown
                        "never floats")
    return Decimal(rate)


def require_int(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int of minor units, "  # i18n: not shown
                        f"got {type(value).__name__}")
