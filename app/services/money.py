"""Money: integer minor units (cents) everywhere below the UI (SPEC R1-R4).

Two ways in, and only these: `parse` reads what the desk typed (the screens' one reader of
money text), `cents` is the service door, which takes an int and refuses text, a Decimal or a
float rather than guessing its unit. Rounding is half-up, applied once per computed figure (R2).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    get_group_symbol,
    parse_decimal,
)

#: The spaces Babel treats as interchangeable with a space-like grouping mark
#: (babel.numbers.SPACE_CHARS: U+0020, U+00A0, U+202F).
SPACE_CHARS = frozenset({" ", "\u00a0", "\u202f"})

from ..domain.arithmetic import (  # noqa: F401  (the rules, named here for every caller)
    per_use_value,
    prorate,
    round_half_up,
    split_evenly,
    tax_included_in,
    tax_on,
)
from ..domain.arithmetic import require_int as _require_int
from ..i18n import _, ngettext
from .errors import ValidationError

#: Largest single amount the desk may enter: 1,000,000.00 in a two-decimal currency.
MAX_AMOUNT = 100_000_000


def precision(currency: str) -> int:
    """Digits after the decimal point for `currency` (2 for CAD, 0 for JPY)."""
    return get_currency_precision(currency)














def parse(text: str, *, field: str = "amount", currency: str = "CAD", locale: str = "en_CA",
          allow_negative: bool = False, maximum: int | None = MAX_AMOUNT,
          label: str | None = None) -> int:
    """What the desk typed ("12.50", "12,50 $") as minor units, or a refusal naming the field.

    The screens' one reader of money text: they pass the cents it returns to the services,
    which take nothing else (`cents`). `label` is the field's words in a refusal (by
    default, from `field`).
    """
    from .validation import label_for

    if not isinstance(text, str):
        raise TypeError("money.parse reads typed text; give a service int cents")  # i18n: not shown
    label = label_for(field, label)
    return _within(_typed(text, field, label, currency, locale, maximum), field, label,
                   currency, locale, allow_negative, maximum)


def cents(value: object, *, field: str = "amount", allow_negative: bool = False,
          maximum: int | None = MAX_AMOUNT, label: str | None = None,
          currency: str = "CAD", locale: str = "en_CA") -> int:
    """An amount given to a service: an `int` of minor units and nothing else (issue 16).

    Text, a Decimal or a float is refused with a ValidationError naming the field, so that
    `refund(p, "50")` can never be read as $50 where `refund(p, 50)` is 50 cents.
    """
    from .validation import label_for

    label = label_for(field, label)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, _("The {label} must be given as a whole number of cents, "
                                       "not {kind}.").format(label=label,
                                                             kind=_kind_of(value)))
    return _within(value, field, label, currency, locale, allow_negative, maximum)


def _typed(value: str, field: str, label: str, currency: str, locale: str,
           maximum: int | None) -> int:
    """Typed text in major units as minor units ("12.50" -> 1250), before any limit."""
    example = format_decimal(Decimal("12.50"), format="0.00", locale=locale)
    text = _without_currency(value, currency, locale)
    if not text:
        raise ValidationError(field, _("Please enter the {label}.").format(label=label))
    not_amount = _("The {label} \u201c{value}\u201d is not an amount; type a number "
                   "like {example}.").format(label=label, value=value, example=example)
    if any(c in text for c in "eE_"):  # "1e5" or "1_000" is not how anyone types money
        raise ValidationError(field, not_amount)
    try:
        number = parse_decimal(_spaces_as_grouping(text, locale), locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise ValidationError(field, not_amount) from None
    if not number.is_finite():
        raise ValidationError(field, _("The {label} must be an amount like {example}.")
                              .format(label=label, example=example))
    if number.adjusted() > 15:  # far beyond any limit; scaling it could overflow Decimal
        raise ValidationError(field, _("The {label} cannot be more than {most}.").format(
            label=label, most=format_money(maximum or MAX_AMOUNT, currency, locale)))
    digits = precision(currency)
    scaled = number.scaleb(digits)
    if scaled != scaled.to_integral_value():
        if digits == 0:
            raise ValidationError(field, _("The {label} must be a whole amount in "
                                           "{currency}, without decimals.")
                                  .format(label=label, currency=currency))
        raise ValidationError(field, ngettext(
            "The {label} can have at most {digits} digit after the decimal point.",
            "The {label} can have at most {digits} digits after the decimal point.",
            digits).format(label=label, digits=digits))
    return int(scaled)


def _within(amount: int, field: str, label: str, currency: str, locale: str,
            allow_negative: bool, maximum: int | None) -> int:
    """The sign and the most the desk may enter, the same for typed text and for cents."""
    if amount < 0 and not allow_negative:
        raise ValidationError(field, _("The {label} cannot be negative.").format(label=label))
    if maximum is not None and abs(amount) > maximum:
        raise ValidationError(field, _("The {label} cannot be more than {most}.").format(
            label=label, most=format_money(maximum, currency, locale)))
    return amount


def _kind_of(value: object) -> str:
    if value is None:
        return _("nothing")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, float):
        return _("a floating-point number")
    if isinstance(value, Decimal):
        return _("a decimal number")
    if isinstance(value, bool):
        return _("yes or no")
    return _("a {kind}").format(kind=type(value).__name__)


def _without_currency(value: str, currency: str, locale: str) -> str:
    """The typed amount without its currency mark, which may only stand at either end
    ("$12.50", "-$12.50", "12,50 $"): a mark inside ("12$50") is not taken out, so the
    number is refused rather than read as 1250."""
    text = value.strip()
    sign = text[:1] if text[:1] in "+-" else ""
    text = text[len(sign):].lstrip()
    marks = sorted({get_currency_symbol(currency, locale=locale), "$", currency},
                   key=len, reverse=True)
    for mark in marks:
        if text.startswith(mark):
            text = text[len(mark):].lstrip()
            break
    for mark in marks:
        if text.endswith(mark):
            text = text[:-len(mark)].rstrip()
            break
    return sign + text if text else ""


def _spaces_as_grouping(text: str, locale: str) -> str:
    """A space inside the number, as the desk types it, standing for the locale's grouping
    mark when that mark is a kind of space (fr_CA's U+00A0, fr_FR's U+202F).

    Babel's parse_decimal does this same substitution, but only when strict=False, and
    non-strict parsing accepts "12 50" as 1250 (issue 15); so it is done here and the result
    still goes through strict=True, which accepts grouping only where format_decimal would
    put it (groups of three: "1 234,50"). In a locale whose grouping is not a space
    (en_CA's ","), a space is left alone and the amount is refused ("12 50", "1 2 3").
    """
    group = get_group_symbol(locale)
    if group not in SPACE_CHARS:
        return text
    return "".join(group if ch in SPACE_CHARS else ch for ch in text)


def from_cents(cents: int, currency: str = "CAD") -> Decimal:
    """Minor units back to an exact Decimal in major units (for editing fields)."""
    _require_int(cents, "cents")
    return Decimal(cents).scaleb(-precision(currency))


def format_money(cents: int, currency: str = "CAD", locale: str = "en_CA") -> str:
    """`$1,234.50` / `1 234,50 $` (R4). The only place money becomes text."""
    return format_currency(from_cents(cents, currency), currency, locale=locale)


def plain_amount(cents: int, currency: str = "CAD", locale: str = "en_CA") -> str:
    """An editable amount without symbol or grouping, with the locale's decimal mark:
    1234.50, or 1234,50 in French (`parse` reads it back in the same locale)."""
    digits = precision(currency)
    pattern = "0." + "0" * digits if digits else "0"
    return format_decimal(from_cents(cents, currency), format=pattern, locale=locale)



