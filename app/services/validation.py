"""Checks shared by every service: each refusal names the field and the limit (R30)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from .errors import NotFound, ValidationError

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_VALIDITY = re.compile(r"^\s*(\d{1,4})\s*([dmy])\s*$", re.IGNORECASE)


def text(value: object, field: str, *, label: str | None = None, max_len: int = 100,
         required: bool = True) -> str:
    label = label or field.replace("_", " ")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, f"The {label} must be text.")
    if any("\ud800" <= ch <= "\udfff" or ch == "\x00" for ch in value):
        # Lone surrogates and NUL cannot be stored; they only come from broken pastes.
        raise ValidationError(field, f"The {label} contains characters that cannot be "
                                     "saved; please type it again.")
    value = " ".join(value.split()) if "\n" not in value else value.strip()
    if required and not value:
        raise ValidationError(field, f"Please enter the {label}.")
    if len(value) > max_len:
        raise ValidationError(field, f"The {label} can be at most {max_len} characters.")
    return value


def whole_number(value: object, field: str, *, label: str | None = None, minimum: int = 0,
                 maximum: int = 1_000_000) -> int:
    label = label or field.replace("_", " ")
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ValidationError(field, f"The {label} must be a whole number.") from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"The {label} must be a whole number.")
    if not minimum <= value <= maximum:
        raise ValidationError(field, f"The {label} must be between {minimum} and {maximum}.")
    return value


def tax_rate(value: object, field: str = "tax_rate") -> Decimal:
    """A rate as a fraction: Decimal("0.13") is 13 %. Between 0 and 1, at most 6 decimals."""
    if value is None or value == "":
        return Decimal("0")
    if isinstance(value, float) or isinstance(value, bool):
        raise ValidationError(field, "The tax rate must be typed exactly, like 0.13 for 13%.")
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(field, f"The tax rate \u201c{value}\u201d is not a number.") from None
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
        raise ValidationError(field, "The tax rate must be between 0% and 100%.")
    if rate.as_tuple().exponent < -6:
        raise ValidationError(field, "The tax rate can have at most 4 decimals as a percent.")
    return rate


def a_date(value: object, field: str, *, label: str | None = None,
           earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE) -> date:
    label = label or field.replace("_", " ")
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(field, f"The {label} must be a date like 2026-03-31.") from None
    # A datetime is a date subclass; comparing it with a date would raise, so refuse it here.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(field, f"The {label} must be a date, without a time.")
    if not earliest <= value <= latest:
        raise ValidationError(field, f"The {label} must be between {earliest.isoformat()} and "
                                     f"{latest.isoformat()}.")
    return value


def optional_id(value: object, field: str, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not -2**63 <= value < 2**63:
        raise ValidationError(field, f"Choose a {what} from the list.")
    return value


def email(value: object, field: str = "email") -> str | None:
    value = text(value, field, max_len=200, required=False)
    if value and not _EMAIL.match(value):
        raise ValidationError(field, f"\u201c{value}\u201d is not an email address.")
    return value or None


def validity(value: object, field: str = "validity") -> str | None:
    """"6m", "90d", "1y" or None/"" for no expiry."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValidationError(field, "The validity must look like 90d, 6m or 1y.")
    match = _VALIDITY.match(value)
    if not match:
        raise ValidationError(field, f"The validity \u201c{value}\u201d must look like 90d "
                                     "(days), 6m (months) or 1y (years), or be empty for no "
                                     "expiry.")
    number, unit = int(match.group(1)), match.group(2).lower()
    limits = {"d": 3650, "m": 120, "y": 10}
    if not 1 <= number <= limits[unit]:
        raise ValidationError(field, f"The validity must be between 1 and {limits[unit]} "
                                     f"{ {'d': 'days', 'm': 'months', 'y': 'years'}[unit] }.")
    return f"{number}{unit}"


def get(session: Session, model, ident: object, what: str):
    """Load a row by id or refuse with NotFound."""
    # Outside SQLite's 64-bit integers no row can exist (and the driver would overflow).
    if isinstance(ident, bool) or not isinstance(ident, int) or not -2**63 <= ident < 2**63:
        raise NotFound(what, ident)
    row = session.get(model, ident)
    if row is None:
        raise NotFound(what, ident)
    return row
