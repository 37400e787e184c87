"""Checks shared by every service: each refusal names the field and the limit (R30).

Refusals are in the desk's language (issue 8). A field's name in a sentence ("the first
name") is its *label*: callers pass one (``label=_("fee name")`` or the English, which is
translated here), or the field's own name is looked up in FIELD_LABELS. Dates in refusals
follow the clinic's locale (``message_date``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from babel.dates import format_date
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from .. import i18n
from ..i18n import N_, _
from . import locks, visible_text
from .errors import NotFound, ValidationError

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_VALIDITY = re.compile(r"^\s*(\d{1,4})\s*([dmy])\s*$", re.IGNORECASE)

#: A field's words in a refusal when the caller gives no label (translated where shown).
FIELD_LABELS = {
    "first_name": N_("first name"), "last_name": N_("last name"), "name": N_("name"),
    "phone": N_("phone"), "email": N_("email"), "address": N_("address"),
    "notes": N_("notes"), "note": N_("note"), "reference": N_("reference"),
    "amount": N_("amount"), "allocation": N_("allocation"), "price": N_("price"),
    "patient_pays": N_("patient pays"), "tax_rate": N_("tax rate"), "limit": N_("limit"),
    "start": N_("start date"), "end": N_("end date"), "on": N_("date"),
    "counted_cash": N_("counted cash"),  # the Day Close's count (R32), typed in the UI
}
#: Labels the services pass in English (so each has its French in the catalogue).
LABELS = (
    N_("staff member's name"), N_("clinic name"), N_("tax number"), N_("tax name"),
    N_("fee name"), N_("treatment name"), N_("duration in minutes"), N_("package name"),
    N_("number of uses"), N_("birth date"), N_("number of entries"), N_("report date"),
    N_("start date"), N_("end date"), N_("appointment date"), N_("day"),
    N_("reason for voiding"), N_("expiry date"), N_("record"), N_("staff member"),
    N_("appointment start"), N_("start time"), N_("end time"),
)

_locale: str | None = None


def use_locale(locale: str | None) -> None:
    """The clinic's locale, for dates in refusals (set when the clinic's settings are read)."""
    global _locale
    _locale = locale


def message_date(value: date) -> str:
    """A date as the desk reads it in a refusal: Babel's medium format in the clinic's
    locale ("Mar 31, 2026", "31 mars 2026")."""
    locale = _locale or ("fr_CA" if i18n.language() == i18n.FRENCH else "en_CA")
    return format_date(value, "medium", locale=locale)


def label_for(field: str, label: str | None = None) -> str:
    """The field's words in the desk's language (an English label is translated here)."""
    if label:
        return _(label)
    words = FIELD_LABELS.get(field)
    return _(words) if words else field.replace("_", " ")


def text(value: object, field: str, *, label: str | None = None, max_len: int = 100,
         required: bool = True, single_line: bool = False) -> str:
    """Typed text as it is stored: NFC, spaces collapsed on one line (kept as lines when it
    has several and `single_line` is False: an address, notes), trimmed of spaces and
    invisible format characters at the ends. Control characters other than tab and line
    breaks, and the bidi overrides, are refused anywhere (visible_text says why); text with
    nothing visible counts as empty."""
    label = label_for(field, label)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, _("The {label} must be text.").format(label=label))
    if any("\ud800" <= ch <= "\udfff" or ch == "\x00" for ch in value):
        # Lone surrogates and NUL cannot be stored; they only come from broken pastes.
        raise ValidationError(field, _("The {label} contains characters that cannot be "
                                       "saved; please type it again.").format(label=label))
    value = unicodedata.normalize("NFC", value)  # "Zoë" typed or pasted is one spelling
    if visible_text.has_control(value):
        raise ValidationError(field, _("The {label} contains an invisible control character "
                                       "(from a scanner or a paste, for example); please "
                                       "type it again.").format(label=label))
    if visible_text.has_bidi_control(value):
        raise ValidationError(field, _("The {label} contains an invisible character that "
                                       "changes the direction of the text, so it would not "
                                       "show as stored; please type it again.")
                              .format(label=label))
    value = " ".join(value.split()) if single_line or "\n" not in value else value
    value = visible_text.trim(value)
    if not visible_text.has_visible(value):
        value = ""
    if required and not value:
        raise ValidationError(field, _("Please enter the {label}.").format(label=label))
    if len(value) > max_len:
        raise ValidationError(field, _("The {label} can be at most {max_len} characters.")
                              .format(label=label, max_len=max_len))
    return value


def name(value: object, field: str, *, label: str | None = None, max_len: int = 100) -> str:
    """A name (patient, staff member, treatment, package, fee, clinic): required, on one
    line (a tab or line break pasted in becomes a space), something visible in it."""
    return text(value, field, label=label, max_len=max_len, single_line=True)


def whole_number(value: object, field: str, *, label: str | None = None, minimum: int = 0,
                 maximum: int = 1_000_000) -> int:
    label = label_for(field, label)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ValidationError(field, _("The {label} must be a whole number.")
                                  .format(label=label)) from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, _("The {label} must be a whole number.")
                              .format(label=label))
    if not minimum <= value <= maximum:
        raise ValidationError(field, _("The {label} must be between {minimum} and {maximum}.")
                              .format(label=label, minimum=minimum, maximum=maximum))
    return value


def tax_rate(value: object, field: str = "tax_rate") -> Decimal:
    """A rate as a fraction: Decimal("0.13") is 13 %. Between 0 and 1, at most 6 decimals."""
    if value is None or value == "":
        return Decimal("0")
    if isinstance(value, float) or isinstance(value, bool):
        raise ValidationError(field, _("The tax rate must be typed exactly, like 0.13 for "
                                       "13%."))
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(field, _("The tax rate \u201c{value}\u201d is not a number.")
                              .format(value=value)) from None
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
        raise ValidationError(field, _("The tax rate must be between 0% and 100%."))
    if rate.as_tuple().exponent < -6:
        raise ValidationError(field, _("The tax rate can have at most 4 decimals as a "
                                       "percent."))
    return rate


def a_date(value: object, field: str, *, label: str | None = None,
           earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE) -> date:
    label = label_for(field, label)
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            # The example is how the date is typed here (year-month-day), so it stays ISO.
            raise ValidationError(field, _("The {label} must be a date like {example}.")
                                  .format(label=label, example="2026-03-31")) from None
    # A datetime is a date subclass; comparing it with a date would raise, so refuse it here.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(field, _("The {label} must be a date, without a time.")
                              .format(label=label))
    if not earliest <= value <= latest:
        raise ValidationError(field, _("The {label} must be between {earliest} and {latest}.")
                              .format(label=label, earliest=message_date(earliest),
                                      latest=message_date(latest)))
    return value


def a_datetime(value: object, field: str, *, label: str | None = None,
               earliest: date | None = EARLIEST_DATE, latest: date | None = LATEST_DATE,
               dates: bool = False) -> datetime:
    """A wall-clock time of the clinic: a naive `datetime` in the desk's local time, as the
    clinic stores them (service-api: appointment times are naive local times).

    Text, numbers and anything else are refused: `20260101` or "2026-13-01" is nobody's
    appointment, and letting them through reached the SQL as a string comparison. A
    timezone-aware datetime is converted to the desk's local time (what a caller passing
    "14:00 UTC" means), never stored as if its clock were ours. `dates` lets a plain date
    stand for its midnight (`schedule.between(date, date)` worked so and is kept).
    """
    label = label_for(field, label)
    if dates and isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if not isinstance(value, datetime):
        raise ValidationError(field, _("The {label} must be a date and time.")
                              .format(label=label))
    if value.utcoffset() is not None:
        try:
            value = value.astimezone().replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):  # beyond the platform's time range
            value = None
    if value is None or (earliest is not None and value.date() < earliest) or (
            latest is not None and value.date() > latest):
        raise ValidationError(field, _("The {label} must be between {earliest} and {latest}.")
                              .format(label=label,
                                      earliest=message_date(earliest or EARLIEST_DATE),
                                      latest=message_date(latest or LATEST_DATE)))
    return value


def optional_id(value: object, field: str, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not -2**63 <= value < 2**63:
        raise ValidationError(field, _("Choose a {what} from the list.")
                              .format(what=label_for(field, what)))
    return value


def email(value: object, field: str = "email") -> str | None:
    value = text(value, field, max_len=200, required=False)
    if value and not _EMAIL.match(value):
        raise ValidationError(field, _("\u201c{value}\u201d is not an email address.")
                              .format(value=value))
    return value or None


def validity(value: object, field: str = "validity") -> str | None:
    """"6m", "90d", "1y" or None/"" for no expiry."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValidationError(field, _("The validity must look like 90d, 6m or 1y."))
    match = _VALIDITY.match(value)
    if not match:
        raise ValidationError(field, _("The validity \u201c{value}\u201d must look like 90d "
                                       "(days), 6m (months) or 1y (years), or be empty for no "
                                       "expiry.").format(value=value))
    number, unit = int(match.group(1)), match.group(2).lower()
    limits = {"d": 3650, "m": 120, "y": 10}
    if not 1 <= number <= limits[unit]:
        most = limits[unit]
        message = {"d": _("The validity must be between 1 and {most} days."),
                   "m": _("The validity must be between 1 and {most} months."),
                   "y": _("The validity must be between 1 and {most} years.")}[unit]
        raise ValidationError(field, message.format(most=most))
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


_PRESENT: dict[type, object] = {}  # model -> its built "SELECT id ... WHERE id = :id"


def present(session: Session, model, ident: object, what: str) -> int:
    """`get` for a write that needs only to know the row is there (a payment's patient):
    its id, read as one column on the session's Connection, or NotFound. A whole row as an
    ORM object costs three times as much (issue 22)."""
    if isinstance(ident, bool) or not isinstance(ident, int) or not -2**63 <= ident < 2**63:
        raise NotFound(what, ident)
    if locks.holds(session, model.__tablename__, ident):  # (on a server: locked, so there)
        return ident
    query = _PRESENT.get(model)
    if query is None:
        table = model.__table__
        query = _PRESENT[model] = select(table.c.id).where(table.c.id == bindparam("id"))
    if session.connection().execute(query, {"id": ident}).scalar() is None:
        raise NotFound(what, ident)
    return ident


# -- flags, field names and the ids a read filters by (issue 15: the sweep) ----------------
#: Yes/no fields' words in a refusal.
FLAG_LABELS = {"active": N_("active"), "practitioner": N_("practitioner"),
               "archived": N_("archived"), "include_inactive": N_("include inactive"),
               "include_archived": N_("include archived"),
               "practitioners_only": N_("practitioners only")}


def yes_no(value: object, field: str) -> bool:
    """A tick box: only True or False.

    The text "false" is true to Python, so `bool(value)` turned it into a yes. 0 and 1 are
    refused too: no desk types a number for a tick box, so a number here is a caller's
    mix-up (an id or a count in the wrong place) that would flip the flag silently (R30).
    """
    if not isinstance(value, bool):
        label = _(FLAG_LABELS[field]) if field in FLAG_LABELS else field.replace("_", " ")
        raise ValidationError(field, _("\u201c{label}\u201d must be yes or no; nothing was "
                                       "changed.").format(label=label))
    return value


def known_fields(fields, allowed) -> None:
    """Refuse a change to a field that does not exist, before anything is written: the
    change would otherwise be dropped, yet audited as if it had happened (R30)."""
    unknown = sorted(str(name) for name in fields if name not in allowed)
    if unknown:
        raise ValidationError(unknown[0], _("\u201c{name}\u201d is not something that can "
                                            "be changed here; nothing was changed.")
                              .format(name=unknown[0]))


def an_id(ident: object, what: str) -> int:
    """An id that could name a row (an int, not a bool, 1..2**63-1), or NotFound: for a
    read whose id is required but that looks it up only later (or not at all)."""
    if isinstance(ident, bool) or not isinstance(ident, int) or not 1 <= ident < 2**63:
        raise NotFound(what, ident)
    return ident


def optional_row(session: Session, model, ident: object, what: str):
    """`get` for an optional filter (None: no filter): a read filtered by a record that
    does not exist says so, rather than listing nothing (one primary-key look-up)."""
    return None if ident is None else get(session, model, ident, what)


def checked_rows(rows: object, clean_type: type, what: str, required: tuple) -> None:
    """Refuse, before anything is written, rows for an `add_many` that did not come from the
    service's own `validate` (which returns `clean_type`) or lack a `required` field: nothing
    reaches a table unchecked."""
    if not isinstance(rows, (list, tuple)) or not all(
            isinstance(r, clean_type) and all(name in r for name in required) for r in rows):
        raise ValidationError("rows", _("The {what} to add must each be checked first; "
                                        "nothing was added.").format(what=what))
