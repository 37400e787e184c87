"""A date the desk typed, read the clinic's way (R30), for every date field of the screens.

The desk types what it reads: "2026-12-02", the clinic's short numeric date, "Dec 2, 2026",
"Wed, Dec 2, 2026", "2 déc. 2026", "December 2" (this year). Month and weekday names are
the clinic's language's or English (a French desk still types "Dec" at times). Babel's
parse_date reads numbers only, so names are turned into numbers here first; the order of
day, month and year is the locale's short format's, as Babel does.

A year is four digits or two ("26" is 2026, Babel's rule); anything else ("000026", "202")
is refused, never read as the year 26.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, parse_date

from ..i18n import _
from .errors import ValidationError
from .validation import a_date, label_for

#: The date the examples in refusals show (a day whose number cannot be a month).
EXAMPLE = date(2026, 3, 31)
_TOKENS = re.compile(r"\d+|[^\W\d_]+")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
#: Words a typed date may hold besides its parts ("le 2 décembre", "2 of December").
_FILLERS = {"le", "de", "du", "the", "of", "er", "st", "nd", "rd", "th"}


def _plain(word: str) -> str:
    """Lower case, without accents or the abbreviation's dot: "Déc." -> "dec"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip(".")


@lru_cache(maxsize=16)
def _names(locale: str) -> tuple[dict[str, int], frozenset[str]]:
    """Month names (wide and abbreviated, in the locale and in English) -> month number,
    and the weekday names, which a date may carry and which say nothing more."""
    months: dict[str, int] = {}
    weekdays: set[str] = set()
    locales = []
    for code in (locale, "en"):
        try:
            locales.append(Locale.parse(code))
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    for loc in locales:
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in loc.months[context][width].items():
                    months.setdefault(_plain(name), number)
                for name in loc.days[context][width].values():
                    weekdays.add(_plain(name))
    months.setdefault("sept", 9)  # both languages write September's abbreviation so too
    return months, frozenset(weekdays)


def _not_a_date(text: str, field: str, label: str | None, locale: str) -> ValidationError:
    return ValidationError(field, _("The {label} \u201c{value}\u201d is not a date; type it "
                                    "like {example}.").format(
        label=label_for(field, label), value=text.strip(),
        example=format_date(EXAMPLE, "medium", locale=locale)))


def _year(digits: str, text: str, field: str, label: str | None, locale: str) -> int:
    if len(digits) == 4:
        return int(digits)
    if len(digits) == 2:
        # Babel's rule for a two-digit year: the nearest such year (26 -> 2026).
        return parse_date(f"01/01/{digits}", locale="en_US", format="M/d/yy").year
    raise ValidationError(field, _("The {label} \u201c{value}\u201d needs its year in four "
                                   "digits, like {example}.").format(
        label=label_for(field, label), value=text.strip(),
        example=format_date(EXAMPLE, "medium", locale=locale)))


def _order(locale: str) -> list[str]:
    """"ymd", "dmy" or "mdy": the order of the locale's short numeric date."""
    try:
        pattern = Locale.parse(locale).date_formats["short"].pattern.lower()
    except (UnknownLocaleError, ValueError, TypeError, KeyError):
        pattern = "y-mm-dd"
    found = {part: pattern.find(part) for part in "ymd"}
    return sorted((p for p in found if found[p] >= 0), key=found.get)


def typed_date(text: str, *, field: str, label: str | None = None, locale: str = "en_CA",
               today: date | None = None) -> date:
    """What the desk typed in a date field, as a date, or a refusal naming the field."""
    if not text or not text.strip():
        raise ValidationError(field, _("Please enter the {label}.").format(
            label=label_for(field, label)))
    iso = _ISO.match(text)
    if iso:
        parts = {"y": iso.group(1), "m": iso.group(2), "d": iso.group(3)}
        month_named = False
    else:
        months, weekdays = _names(locale)
        numbers: list[str] = []
        named: list[str] = []
        for token in _TOKENS.findall(text):
            if token.isdigit():
                numbers.append(token)
                continue
            word = _plain(token)
            if word in months:
                named.append(word)
            elif word not in weekdays and word not in _FILLERS:
                raise _not_a_date(text, field, label, locale)
        if len(named) > 1:
            # French Tuesday "mar." is also English March: beside "mars" it is the weekday.
            named = [word for word in named if word not in weekdays]
        if len(named) > 1:
            raise _not_a_date(text, field, label, locale)
        month = months[named[0]] if named else None
        month_named = month is not None
        if month_named:
            if len(numbers) == 1 and len(numbers[0]) <= 2:
                numbers.append(str((today or date.today()).year))  # "December 2": this year
            if len(numbers) != 2:
                raise _not_a_date(text, field, label, locale)
            # The day is the number of one or two digits written first or next to the month.
            day_first = len(numbers[0]) <= 2
            parts = {"d": numbers[0] if day_first else numbers[1],
                     "y": numbers[1] if day_first else numbers[0], "m": str(month)}
        elif len(numbers) == 3:
            parts = dict(zip(_order(locale), numbers))
        else:
            raise _not_a_date(text, field, label, locale)
    year = _year(parts["y"], text, field, label, locale)
    if len(parts["d"]) > 2 or len(parts["m"]) > 2:
        raise _not_a_date(text, field, label, locale)
    try:
        value = date(year, int(parts["m"]), int(parts["d"]))
    except ValueError:
        raise _not_a_date(text, field, label, locale) from None
    return a_date(value, field, label=label)


def example(locale: str) -> str:
    """How a date is typed here, for a field's tooltip."""
    return format_date(EXAMPLE, "medium", locale=locale)

