"""A refund's suggested amount in words (R26, R28a, R40): one wording for the refund dialog
and the refund receipt, so the paper says what the screen said.

`money` is the caller's formatter (cents -> "$1,234.50" in the clinic's locale). The figures
come from a refund basis (app.domain.refund_policy.RefundBasis): the live one in the dialog,
the one kept on the refund for the receipt.
"""

from __future__ import annotations

from typing import Callable

from ..domain import refund_policy as domain
from ..i18n import N_, _, ngettext

Money = Callable[[int], str]

#: The policies as the template dialog offers them: (code kind, what the desk reads).
POLICY_NAMES = (
    (domain.PRO_RATA, N_("Pro rata")),
    (domain.STANDARD_PRICE, N_("Used uses at the standard price")),
    (domain.PRO_RATA_FEE, N_("Pro rata less a cancellation fee")),
)


def policy_name(code: str, money: Money) -> str:
    """The policy a code names, as a receipt or a template's row says it."""
    policy = domain.parse_policy(code)
    if policy.kind == domain.PRO_RATA_FEE:
        return _("Pro rata less a cancellation fee of {percent} % of the remaining value, at "
                 "most {cap}").format(percent=policy.percent, cap=money(policy.cap))
    return _(dict(POLICY_NAMES)[policy.kind])


def policy_brief(code: str, money: Money) -> str:
    """The policy as a column of the templates list says it: policy_name, the fee shorter."""
    policy = domain.parse_policy(code)
    if policy.kind == domain.PRO_RATA_FEE:
        return _("Pro rata less a {percent} % fee, at most {cap}").format(
            percent=policy.percent, cap=money(policy.cap))
    return _(dict(POLICY_NAMES)[policy.kind])


def suggestion_words(suggestion, money: Money) -> str:
    """The dialog's line: a RefundSuggestion with its basis (R40), in words."""
    basis = suggestion.basis
    if basis is None:  # (a suggestion computed without a policy: R26 alone)
        return _pro_rata(money, suggestion.amount, suggestion.by_rule, suggestion.remaining,
                         suggestion.uses_total, suggestion.cap, suggestion.collected,
                         suggestion.given_value, suggestion.capped)
    return words(basis, money)


def words(basis: domain.RefundBasis, money: Money) -> str:
    """How the suggestion was reached, by the package's policy."""
    if basis.kind == domain.STANDARD_PRICE:
        return _standard_price(basis, money)
    if basis.kind == domain.PRO_RATA_FEE:
        return _with_fee(basis, money)
    return _pro_rata(money, basis.amount, basis.remaining_value, basis.remaining,
                     basis.uses_total, basis.cap_r28a, basis.collected, basis.given_value,
                     basis.capped)


def _pro_rata(money: Money, amount, by_rule, remaining, total, cap, collected, given,
              capped) -> str:
    if capped and given:
        return _("{amount} by the rule (price × {remaining} ÷ {total}), capped at {cap}: the "
                 "{collected} collected less the {given} of the uses given").format(
            amount=money(by_rule), remaining=remaining, total=total, cap=money(cap),
            collected=money(collected), given=money(given))
    if capped:
        return _("{amount} by the rule (price × {remaining} ÷ {total}), capped at the "
                 "{collected} collected").format(amount=money(by_rule), remaining=remaining,
                                                 total=total, collected=money(collected))
    return _("{amount}  (price × {remaining} remaining ÷ {total} uses)").format(
        amount=money(amount), remaining=remaining, total=total)


def _uses(u: domain.UsesAt, money: Money) -> str:
    if u.paid_at_visit:
        return ngettext(
            "{n} use of {treatment} at {price} standard price less {paid} paid at the visit",
            "{n} uses of {treatment} at {price} standard price less {paid} paid at each "
            "visit", u.count).format(n=u.count, treatment=u.treatment,
                                     price=money(u.standard), paid=money(u.paid_at_visit))
    return ngettext("{n} use of {treatment} at {price} standard price",
                    "{n} uses of {treatment} at {price} standard price", u.count).format(
        n=u.count, treatment=u.treatment, price=money(u.standard))


def _standard_price(b: domain.RefundBasis, money: Money) -> str:
    uses = " + ".join(_uses(u, money) for u in b.uses) or _("no uses given")
    if b.floored:
        text = _("{uses} = {charged}; collected {collected} − {charged} is less than "
                 "nothing, so {amount}").format(uses=uses, charged=money(b.charged_uses),
                                                collected=money(b.collected),
                                                amount=money(b.amount))
    else:
        text = _("{uses} = {charged}; collected {collected} − {charged} = {result}").format(
            uses=uses, charged=money(b.charged_uses), collected=money(b.collected),
            result=money(b.collected - b.charged_uses))
    if b.capped:
        text += " " + _cap_sentence(b, money)
    return text


def _with_fee(b: domain.RefundBasis, money: Money) -> str:
    if b.floored:
        text = _("pro rata {pro_rata} (price × {remaining} ÷ {total}) − cancellation fee "
                 "{fee} is less than nothing, so {amount}")
    else:
        text = _("pro rata {pro_rata} (price × {remaining} ÷ {total}) − cancellation fee "
                 "{fee} = {amount}")
    text = text.format(pro_rata=money(b.pro_rata), remaining=b.remaining, total=b.uses_total,
                       fee=money(b.fee), amount=money(b.amount))
    if b.fee_uncapped > b.fee:
        fee = _("The fee is {percent} % of the {value} remaining value ({uncapped}), capped "
                "at {cap}.").format(percent=b.percent, value=money(b.remaining_value),
                                    uncapped=money(b.fee_uncapped), cap=money(b.fee_cap))
    else:
        fee = _("The fee is {percent} % of the {value} remaining value.").format(
            percent=b.percent, value=money(b.remaining_value))
    text += ". " + fee
    if b.pro_rata < b.remaining_value:  # R28a's cap bit the pro rata figure
        text += " " + _cap_sentence(b, money)
    return text


def _cap_sentence(b: domain.RefundBasis, money: Money) -> str:
    return _("Capped at {cap}: the {collected} collected less the {given} of the uses "
             "given.").format(cap=money(b.cap_r28a), collected=money(b.collected),
                              given=money(b.given_value))
