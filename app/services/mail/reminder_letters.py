"""What each reminder says (R47), in the patient's language, whatever the desk's.

The sentences are marked with N_() here and translated per letter (app/i18n), so a French
patient's letter is French at an English desk. Dates and times follow the letter's
language (fr_CA: "15 janvier 2027, 14 h 30"), money is not in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date, format_time

from ...i18n import ENGLISH, FRENCH, N_, translate
from .letters import HELLO, THANKS
from .message import Letter

EXPIRY_SUBJECT = N_("Your package expires on {date}")
EXPIRY_ONE = N_("Your package \u201c{package}\u201d expires on {date} with {n} use left.")
EXPIRY_MANY = N_("Your package \u201c{package}\u201d expires on {date} with {n} uses left.")
EXPIRY_BOOK = N_("Book your visits before then, so that none of them is lost.")
LAST_USE_SUBJECT = N_("One use left on your package")
LAST_USE_TEXT = N_("You have one use left on your package \u201c{package}\u201d.")
LAST_USE_UNTIL = N_("It can be used until {date}.")
VISIT_SUBJECT = N_("Your appointment tomorrow at {time}")
VISIT_TEXT = N_("This is a reminder of your {treatment} appointment with {practitioner} "
                "tomorrow, {date}, at {time}.")
VISIT_CHANGE = N_("If you cannot come, please call us at {phone}.")
VISIT_CHANGE_NO_PHONE = N_("If you cannot come, please let us know.")
WHY = N_("You receive these reminders because you asked {clinic} for them; to stop them, "
         "tell us at the front desk.")


@dataclass(frozen=True)
class LetterHead:
    """The clinic as a letter names it."""
    name: str
    phone: str
    locale: str  # the clinic's, for English letters' dates (en_CA, en_US…)
    language: str  # the clinic's language, for a patient who has none of their own


@dataclass(frozen=True)
class Reader:
    """Who the letter is to, in which language."""
    address: str
    full_name: str
    first_name: str
    language: str | None


class Words:
    """Translation into one language, without touching the desk's."""

    def __init__(self, language: str, clinic_locale: str):
        self.language = language if language in (ENGLISH, FRENCH) else ENGLISH
        if self.language == FRENCH:
            self.locale = "fr_CA"
        else:
            self.locale = clinic_locale if clinic_locale.lower().startswith("en") else "en_CA"

    def __call__(self, message: str) -> str:
        return translate(message, self.language)

    def count(self, one: str, many: str, n: int) -> str:
        # French takes the singular for 0 and 1, English for 1 only.
        single = n in (0, 1) if self.language == FRENCH else n == 1
        return self(one if single else many)

    def day(self, value: date) -> str:
        return format_date(value, "long", locale=self.locale)

    def time(self, value: datetime) -> str:
        return format_time(value.time(), "short", locale=self.locale)


def words_for(reader: Reader, clinic: LetterHead) -> Words:
    return Words(reader.language or clinic.language, clinic.locale)


def _letter(reader: Reader, clinic: LetterHead, w: Words, subject: str,
            body: list[str]) -> Letter:
    paragraphs = [w(HELLO).format(name=reader.first_name), *body,
                  w(WHY).format(clinic=clinic.name), w(THANKS).format(clinic=clinic.name)]
    return Letter(reader.address, reader.full_name, subject, tuple(paragraphs),
                  language=w.language)


def expiry_letter(reader: Reader, clinic: LetterHead, *, package: str, expires_on: date,
                  uses_left: int) -> Letter:
    w = words_for(reader, clinic)
    when = w.day(expires_on)
    text = w.count(EXPIRY_ONE, EXPIRY_MANY, uses_left).format(package=package, date=when,
                                                              n=uses_left)
    return _letter(reader, clinic, w, w(EXPIRY_SUBJECT).format(date=when),
                   [text, w(EXPIRY_BOOK)])


def last_use_letter(reader: Reader, clinic: LetterHead, *, package: str,
                    expires_on: date | None) -> Letter:
    w = words_for(reader, clinic)
    body = [w(LAST_USE_TEXT).format(package=package)]
    if expires_on is not None:
        body.append(w(LAST_USE_UNTIL).format(date=w.day(expires_on)))
    return _letter(reader, clinic, w, w(LAST_USE_SUBJECT), body)


def visit_letter(reader: Reader, clinic: LetterHead, *, start: datetime, treatment: str,
                 practitioner: str) -> Letter:
    w = words_for(reader, clinic)
    at = w.time(start)
    change = (w(VISIT_CHANGE).format(phone=clinic.phone) if clinic.phone
              else w(VISIT_CHANGE_NO_PHONE))
    return _letter(reader, clinic, w, w(VISIT_SUBJECT).format(time=at), [
        w(VISIT_TEXT).format(treatment=treatment, practitioner=practitioner,
                             date=w.day(start.date()), time=at), change])
