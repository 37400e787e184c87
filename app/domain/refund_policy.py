"""A package template's refund policy and the refund it suggests (R26, R28a, R40).

Three policies: "pro_rata" (R26, the default), "standard_price" (what was collected less the
standard price of each use given) and "pro_rata_fee:P:CAP" (R26 less a cancellation fee of
P % of the remaining value, at most CAP cents). The code is stored on the template and copied
onto each package at sale, so a later change to the template never changes what a patient
already bought.

Pure: the services parse what the desk chose, load the uses given, and store the basis
returned here on the refund so its receipt says what the dialog said.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .arithmetic import prorate
from .packages import RefundSuggestion

PRO_RATA = "pro_rata"
STANDARD_PRICE = "standard_price"
PRO_RATA_FEE = "pro_rata_fee"
KINDS = (PRO_RATA, STANDARD_PRICE, PRO_RATA_FEE)
MAX_PERCENT = 100
MAX_CODE = 40  # the column's width; a longer code can only be garbage


class PolicyProblem(ValueError):
    """Why a refund policy code is refused: `field` is what to correct ("refund_policy",
    "fee_percent", "fee_cap"), `limit` the bound it broke. The service words it."""

    def __init__(self, field: str, limit: int | None = None):
        super().__init__(field)  # i18n: not shown (the service says it in words)
        self.field = field
        self.limit = limit


@dataclass(frozen=True)
class RefundPolicy:
    kind: str = PRO_RATA
    percent: int = 0  # the fee's share of the remaining value (pro_rata_fee only)
    cap: int = 0      # the most the fee may be, in cents (pro_rata_fee only)

    @property
    def code(self) -> str:
        if self.kind == PRO_RATA_FEE:
            return f"{PRO_RATA_FEE}:{self.percent}:{self.cap}"
        return self.kind


def parse_policy(code: object) -> RefundPolicy:
    """The policy a code names, or a PolicyProblem: an unknown policy, a percent outside
    0..100 (a fee over 100 % would take more than the remaining value), a negative cap."""
    if not isinstance(code, str) or len(code) > MAX_CODE:
        raise PolicyProblem("refund_policy")
    kind, _, rest = code.strip().partition(":")
    if kind in (PRO_RATA, STANDARD_PRICE) and not rest:
        return RefundPolicy(kind)
    if kind != PRO_RATA_FEE:
        raise PolicyProblem("refund_policy")
    percent, sep, cap = rest.partition(":")
    percent = _whole(percent, "fee_percent")
    if not sep:
        raise PolicyProblem("fee_cap")
    cap = _whole(cap, "fee_cap")
    if not 0 <= percent <= MAX_PERCENT:
        raise PolicyProblem("fee_percent", MAX_PERCENT)
    if cap < 0:
        raise PolicyProblem("fee_cap", 0)
    return RefundPolicy(kind, percent, cap)


def _whole(text: str, field: str) -> int:
    text = text.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits.isascii() or not digits.isdigit():
        raise PolicyProblem(field)
    return int(text)


@dataclass(frozen=True)
class UsesAt:
    """Uses given of one treatment at one standard price (tax included, as collected is),
    and the Patient Pays already billed at each of those visits (tax included)."""
    count: int
    treatment: str
    standard: int
    paid_at_visit: int = 0

    @property
    def each(self) -> int:
        """What one such use costs the patient under this policy beyond what the visit
        billed: never below 0 (Patient Pays is never above the standard price)."""
        return max(0, self.standard - self.paid_at_visit)


@dataclass(frozen=True)
class RefundBasis:
    """The calculation behind a suggestion, kept on the refund (R40). Amounts in cents."""
    policy: str              # the package's policy code
    amount: int              # the suggestion, within 0 … collected (R26)
    collected: int
    pro_rata: int            # R26's suggestion (with R28a's cap)
    remaining: int
    uses_total: int
    remaining_value: int     # price × remaining ÷ uses total (R26's rule, uncapped)
    cap_r28a: int            # collected beyond the value of the uses given (R28a)
    given_value: int = 0     # the value (R3) of the uses given
    uses: tuple[UsesAt, ...] = ()  # standard_price: the uses given
    charged_uses: int = 0    # standard_price: what the uses given cost at standard price
    percent: int = 0         # pro_rata_fee
    fee_cap: int = 0
    fee_uncapped: int = 0    # P % of the remaining value, rounded once (R2)
    fee: int = 0             # the fee taken: at most fee_cap
    floored: bool = False    # the policy's figure was below 0
    capped: bool = False     # the policy's figure was above R28a's cap

    @property
    def kind(self) -> str:
        return self.policy.partition(":")[0]

    def as_record(self) -> dict:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict) -> RefundBasis:
        data = dict(record)
        data["uses"] = tuple(UsesAt(**u) for u in data.get("uses", ()))
        return cls(**data)


def suggest(policy: RefundPolicy, pro_rata: RefundSuggestion,
            uses: tuple[UsesAt, ...] = ()) -> RefundBasis:
    """R40: the refund the package's policy suggests, from R26's suggestion (which already
    knows what was collected and the value of the uses given) and, for "standard_price",
    the uses given. Always within 0 … collected, and never above R28a's cap, so refunding
    the suggestion never leaves the patient owing for uses given."""
    common = dict(policy=policy.code, collected=pro_rata.collected, pro_rata=pro_rata.amount,
                  remaining=pro_rata.remaining, uses_total=pro_rata.uses_total,
                  remaining_value=pro_rata.by_rule, cap_r28a=pro_rata.cap,
                  given_value=pro_rata.given_value)
    if policy.kind == STANDARD_PRICE:
        charged = sum(u.count * u.each for u in uses)
        figure = pro_rata.collected - charged
        amount = _bounded(figure, pro_rata)
        return RefundBasis(amount=amount, uses=tuple(uses), charged_uses=charged,
                           floored=figure < 0, capped=figure > pro_rata.cap, **common)
    if policy.kind == PRO_RATA_FEE:
        uncapped = prorate(pro_rata.by_rule, policy.percent, 100)
        fee = min(uncapped, policy.cap)
        figure = pro_rata.amount - fee
        return RefundBasis(amount=_bounded(figure, pro_rata), percent=policy.percent,
                           fee_cap=policy.cap, fee_uncapped=uncapped, fee=fee,
                           floored=figure < 0, **common)
    return RefundBasis(amount=pro_rata.amount, capped=pro_rata.capped, **common)


def _bounded(figure: int, pro_rata: RefundSuggestion) -> int:
    return max(0, min(figure, pro_rata.cap, pro_rata.collected))
