"""The package rules over plain values: its status, its uses, whether it covers a date, the
value of its uses and what a refund suggests (R3, R10-R13, R22, R26, R28a).

The services load the counts (uses redeemed, uses held by booked visits) and the package's
recorded state, ask these, and write; app.services.package_rules is that loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .arithmetic import per_use_value, prorate, split_evenly, tax_on
from .states import PackageStatus

__all__ = ["RefundSuggestion", "charged", "covers_on", "has_use_for", "is_expired",
           "package_status", "per_use_value", "refund_suggestion", "use_values",
           "uses_available", "uses_remaining", "value_given"]

#: Recorded states that end a package whatever its uses and dates say (R25, R28).
ENDED = (PackageStatus.REFUNDED, PackageStatus.VOID, PackageStatus.TRANSFERRED)


def is_expired(expires_on: date | None, on: date) -> bool:
    """Valid to the end of the expiry day (R13); None: it never expires."""
    return expires_on is not None and on > expires_on


def covers_on(expires_on: date | None, on: date) -> bool:
    """Whether a package expiring on `expires_on` may cover a visit on `on` (R13, R22)."""
    return not is_expired(expires_on, on)


def package_status(recorded: str, uses_total: int, redeemed: int, expires_on: date | None,
                   today: date) -> PackageStatus:
    """What the desk calls the package today. `recorded` is the state written on it (active,
    refunded, void). Refunded or void comes first, then used up, then expired: a package
    whose last use was given is used up even after its expiry day."""
    if recorded in ENDED:
        return PackageStatus(recorded)
    if redeemed >= uses_total:
        return PackageStatus.USED_UP
    if is_expired(expires_on, today):
        return PackageStatus.EXPIRED
    return PackageStatus.ACTIVE


def uses_remaining(uses_total: int, redeemed: int) -> int:
    """Uses not yet given (booked visits still count as remaining)."""
    return uses_total - redeemed


def uses_available(status: str, uses_total: int, redeemed: int, booked: int) -> int:
    """Uses a new booking could take: none unless the package is active (R11)."""
    if status != PackageStatus.ACTIVE:
        return 0
    return max(uses_total - redeemed - booked, 0)


def has_use_for(uses_total: int, redeemed: int, booked_by_others: int) -> bool:
    """R11: one more visit fits beside the uses given and those held by other booked visits."""
    return redeemed + booked_by_others + 1 <= uses_total


def use_values(charged_amount: int, uses_total: int) -> list[int]:
    """The value of each use, in order, adding up exactly to what was charged (R3)."""
    return split_evenly(charged_amount, uses_total)


def value_given(charged_amount: int, uses_total: int, redeemed: int) -> int:
    """The value (R3) of the first `redeemed` uses."""
    return sum(use_values(charged_amount, uses_total)[:redeemed])


def charged(price: int, tax_rate: Decimal) -> int:
    """What the patient was charged for the package, tax included (its sale line)."""
    return price + tax_on(price, tax_rate)


@dataclass(frozen=True)
class RefundSuggestion:
    """R26's suggestion with its pieces, so the dialog can say it in words (R40)."""
    amount: int      # what the desk is offered: by_rule, never above the cap
    by_rule: int     # price × remaining ÷ uses total, rounded once (R2)
    collected: int   # paid on the sale invoice: the most that may be refunded (R26)
    capped: bool     # by_rule was more than the cap
    remaining: int   # uses total − redeemed
    uses_total: int
    given_value: int = 0  # the value (R3) of the uses already given
    #: the package's refund policy's calculation (domain.refund_policy.RefundBasis, R40);
    #: `amount` is then the policy's suggestion
    basis: object = None

    @property
    def cap(self) -> int:
        """What was collected beyond the uses given: refunding more would leave the patient
        owing for those uses again (R28a), so the suggestion stops there. With nothing given
        yet this is simply what was collected, as R26 says."""
        return max(0, self.collected - self.given_value)


def refund_suggestion(charged_amount: int, uses_total: int, redeemed: int,
                      collected: int) -> RefundSuggestion:
    """R26: what was charged × remaining ÷ total, rounded once, never more than what was
    collected beyond the value of the uses given (R28a)."""
    remaining = uses_remaining(uses_total, redeemed)
    by_rule = prorate(charged_amount, remaining, uses_total)
    given = value_given(charged_amount, uses_total, redeemed)
    cap = max(0, collected - given)
    return RefundSuggestion(min(by_rule, cap), by_rule, collected, by_rule > cap,
                            remaining, uses_total, given)
