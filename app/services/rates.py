"""Reading a tax rate someone wrote as text: a form's percent field, or a CSV file's cell.

One reader for both (issue 16): a number is a percent ("13", "13 %", "14,975 %" are 13 % and
14.975 %), as the forms have always read it. A file adds one case a form never meets: a
spreadsheet cell not formatted as a percent holds the fraction, and so does ClinicDesk's own
export of treatment types, so there a bare number below 1 ("0.13") is that fraction, 13 %;
"0.13 %" (with its sign) is 0.13 %. A bare "1" in a file is 1 % to a percent column and 100 %
to a fraction column: it is refused with a sentence saying how to write it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..i18n import _
from .errors import ValidationError


def rate_from_percent(text: str) -> Decimal | str:
    """What the desk typed in a percent field, as the fraction the services take.

    Only the unit changes here (13 -> 0.13). Text that is not a number is passed on as
    typed, so the service's own message about it (validation.tax_rate) is the one seen.
    """
    cleaned = _cleaned(text)
    if not cleaned:
        return ""
    try:
        return Decimal(cleaned).scaleb(-2)
    except InvalidOperation:
        return text


def rate_in_file(text: str, field: str = "tax_rate") -> Decimal | str:
    """A CSV cell's tax rate as the fraction the catalogue takes (see the module's words);
    text that is not a number is passed on for validation.tax_rate to refuse."""
    if text.strip().endswith("%"):
        return rate_from_percent(text)
    try:
        number = Decimal(_cleaned(text))
    except InvalidOperation:
        return rate_from_percent(text)
    if not number.is_finite():
        return rate_from_percent(text)
    if 0 < number < 1:
        return number   # the spreadsheet's fraction: 0.13 is 13 %
    if number == 1:
        raise ValidationError(field, _(
            "The tax rate \u201c{value}\u201d could be 1 % or 100 %: write it with its percent "
            "sign (1 %), or as a fraction (0.01).").format(value=text.strip()))
    return rate_from_percent(text)


def _cleaned(text: str) -> str:
    return text.strip().removesuffix("%").strip().replace(",", ".")
