"""Patients: adding, editing and the search-as-you-type list."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import and_, func, literal, or_, select

from ..i18n import _
from ..models import Patient
from . import validation as v
from .audit import snapshot
from .base import Service, lighten
from .households import HouseholdCalls
from .reminder_consent import CONSENT_FIELDS, STORED, apply_consent, new_consent, take_consent

_FIELDS = ("first_name", "last_name", "phone", "email", "birth_date", "notes", "active")
_AUDITED = _FIELDS + STORED  # R47: the reminder consent and language are audited with them


@dataclass(frozen=True)
class PatientRow:
    id: int
    first_name: str
    last_name: str
    phone: str | None
    email: str | None
    birth_date: date | None
    notes: str = ""
    active: bool = True
    email_reminders: bool = False  # R47: the patient agreed, on `email_reminders_since`
    email_reminders_since: date | None = None
    language: str | None = None  # their letters' language; None: the clinic's

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"


class CleanPatient(dict):
    """A patient's fields as `PatientService.validate` returned them, ready to write:
    `add_many` takes nothing else, so no row reaches the table unchecked."""


class PatientService(HouseholdCalls, Service):
    def add(self, first_name: str, last_name: str, *, phone=None, email=None,
            birth_date=None, notes: str = "", email_reminders: bool = False,
            language: str | None = None) -> int:
        consent = take_consent({"email_reminders": email_reminders, "language": language})
        clean = self.validate({"first_name": first_name, "last_name": last_name,
                               "phone": phone, "email": email, "birth_date": birth_date,
                               "notes": notes})
        clean.update(new_consent(consent, clean["email"], self._today()))
        return self.add_many([clean])[0]

    def add_many(self, rows: list[CleanPatient], *,
                 progress: Callable[[int], None] | None = None) -> list[int]:
        """Write patients already checked by `validate`, one audit entry each; their ids.

        One transaction, or the caller's when one is open (the CSV import rechecks and
        records its summary in the same one: db.write joins it). `progress(index)` runs
        before each row, to say how far it is or to stop it all by raising.
        """
        v.checked_rows(rows, CleanPatient, _("patients"), ("first_name", "last_name"))
        with self._db.write() as s:
            return self._insert(s, rows, progress)

    def _insert(self, s, rows, progress) -> list[int]:
        now = self._now()
        ids = []
        for index, clean in enumerate(rows):
            if progress:
                progress(index)
            row = Patient(created_at=now, active=True, **clean)
            s.add(row)
            s.flush()
            self._audit(s, "patient.add", "patient", row.id, None, snapshot(row, *_AUDITED))
            ids.append(row.id)
            lighten(s, index)
        return ids

    def update(self, patient_id: int, **changes) -> None:
        v.known_fields(changes, _FIELDS + CONSENT_FIELDS)
        consent = take_consent(changes)
        active = changes.pop("active", None)
        active = None if active is None else v.yes_no(active, "active")
        clean = self.validate(changes)
        with self._db.write() as s:
            row = v.get(s, Patient, patient_id, "patient")
            before = snapshot(row, *_AUDITED)
            for key, value in clean.items():
                setattr(row, key, value)
            if active is not None:
                row.active = active
            apply_consent(row, consent, self._today())
            after = snapshot(row, *_AUDITED)
            if after != before:  # (an edit that changes nothing is no event to audit)
                self._audit(s, "patient.update", "patient", row.id, before, after)

    def get(self, patient_id: int) -> PatientRow:
        with self._db.read() as s:
            return _row(v.get(s, Patient, patient_id, "patient"))

    def search(self, text: str, limit: int = 50) -> list[PatientRow]:
        """Prefix search as the desk types: first name, last name, "first last", email, or a
        phone number typed any way ("902 555", "(902) 555-01").

        Each word must start a name or the email; matching is on folded keys (no case, no
        accents), so it stays fast with 100,000 patients (bench/RESULTS.md).
        """
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise v.ValidationError("text", _("Type a name, phone number or email to search."))
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise v.ValidationError("limit", _("The number of patients to list must be a "
                                               "whole number."))
        limit = max(1, min(limit, 500))
        with self._db.read() as s:
            if not _named(text):
                return [_row(p) for p in self._ordered(s, text, None, limit)]
            # The first word as the start of a last name is one range of the name index, in
            # the list's order: that walk stops at `limit`. Left in one OR with the first
            # names and emails, no index serves it, and PostgreSQL walked the whole name
            # index from "a" for "Youn" or "Wa" (99,376 rows filtered, 78 ms), SQLite for
            # "Wa" or "Mor" when thousands matched (140 ms; bench/RESULTS.md, issue 22).
            surname = select(Patient).where(_matching(text, ranges=True, part="surname"))
            found = list(s.scalars(surname.order_by(*_ORDER).limit(limit)))
            found += self._ordered(s, text, "others", limit)
            # Python's str order is code-point order, which is the keys' byte order ("C" on
            # PostgreSQL, BINARY on SQLite): the merge sorts as ORDER BY _ORDER does.
            merged = {p.id: p for p in found}.values()
            return [_row(p) for p in sorted(merged, key=_order_key)[:limit]]

    def _ordered(self, s, text: str, part: str | None, limit: int) -> list[Patient]:
        """The first `limit` patients matching `text` (or its `part`), in the list's order."""
        query = select(Patient).where(_matching(text, ranges=True, part=part))
        if self._common(s, query):
            # Thousands match (a letter or two): walking the name index in order and
            # stopping at `limit` beats collecting every match and sorting it (3 ms
            # against 80 ms for "m"). The same conditions, written so no index serves
            # them, let the planner choose that walk.
            query = select(Patient).where(_matching(text, ranges=False, part=part)
                                          ).order_by(*_ORDER)
        else:
            # At most 2,000: sorting them is cheap. An order no index serves, or
            # PostgreSQL's planner, taking the matches for spread evenly over the name
            # index, walks it from "a" filtering every row.
            query = query.order_by(*_UNINDEXED_ORDER)
        return list(s.scalars(query.limit(limit)))

    @staticmethod
    def _common(s, query, threshold: int = 2000) -> bool:
        """Whether more than `threshold` patients match, counted over the index ranges and
        stopping as soon as the answer is known."""
        matching = query.order_by(None).limit(threshold + 1).with_only_columns(Patient.id)
        return s.scalar(select(func.count()).select_from(matching.subquery())) > threshold

    def validate(self, fields: dict) -> CleanPatient:
        """The fields given (any of first_name, last_name, phone, email, birth_date, notes)
        checked and normalised as `add` and `update` store them, with their search keys;
        a ValidationError naming the first field refused (R30)."""
        if not isinstance(fields, dict):
            raise v.ValidationError("fields", _("The patient's details are missing."))
        v.known_fields(fields, _FIELDS[:-1])
        clean = CleanPatient()
        if "first_name" in fields:
            clean["first_name"] = v.name(fields["first_name"], "first_name")
            clean["first_key"] = search_key(clean["first_name"])
        if "last_name" in fields:
            clean["last_name"] = v.name(fields["last_name"], "last_name")
            clean["last_key"] = search_key(clean["last_name"])
        if "phone" in fields:
            phone = v.text(fields["phone"], "phone", max_len=50, required=False)
            if phone and not re.fullmatch(r"\+?[0-9 ().\-]+(?:\s*(?:ext\.?|x)\s*[0-9]+)?", phone):
                raise v.ValidationError("phone", _("\u201c{value}\u201d is not a phone number.")
                                        .format(value=phone))
            clean["phone"] = phone or None
            clean["phone_digits"] = re.sub(r"\D", "", phone) or None
        if "email" in fields:
            clean["email"] = v.email(fields["email"])
            clean["email_key"] = clean["email"].casefold() if clean["email"] else None
        if "birth_date" in fields:
            bd = fields["birth_date"]
            clean["birth_date"] = None if bd in (None, "") else v.a_date(
                bd, "birth_date", label=_("birth date"), latest=self._today())
        if "notes" in fields:
            clean["notes"] = v.text(fields["notes"], "notes", max_len=5000, required=False)
        return clean


def search_key(text: str) -> str:
    """Casefolded, accents removed: "Émilie" -> "emilie", "Nguyễn" -> "nguyen"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _unindexed(column):
    return column.op("||")(literal(""))


# the list's order; the keys are "C" on PostgreSQL, so (key || '') keeps that collation
_ORDER = (Patient.last_key, Patient.first_key, Patient.id)
_UNINDEXED_ORDER = (_unindexed(Patient.last_key), _unindexed(Patient.first_key), Patient.id)


def _order_key(p: Patient):
    return (p.last_key, p.first_key, p.id)


def _phone_only(text: str) -> bool:
    return (len(re.sub(r"\D", "", text)) >= 3
            and re.fullmatch(r"[\d\s().+\-]+", text.strip()) is not None)


def _named(text: str) -> bool:
    """Whether the search has a word to look for among the names (not a phone number)."""
    return not _phone_only(text) and any(search_key(word) for word in text.split())


def _matching(text: str, *, ranges: bool, part: str | None = None):
    """The search's condition. With `ranges`, as key ranges the indexes answer; without,
    the same test through an expression (key || '') that no index serves. `part` narrows
    what the first word may start: "surname" the last name only, "others" the first name,
    email or phone only; together they find what None finds."""
    def starts(column, key: str):
        if not ranges:
            column = _unindexed(column)
        return (column >= key) & (column < key + "\U0010ffff")

    conditions = [Patient.active.is_(True)]
    if _phone_only(text):
        conditions.append(starts(Patient.phone_digits, re.sub(r"\D", "", text)))
        return and_(*conditions)
    for word in text.split():
        key = search_key(word)
        if not key:
            continue
        clauses = [starts(Patient.last_key, key), starts(Patient.first_key, key),
                   starts(Patient.email_key, key)]
        word_digits = re.sub(r"\D", "", word)
        if len(word_digits) >= 3 and len(word_digits) >= len(word) - 3:
            clauses.append(starts(Patient.phone_digits, word_digits))
        if part is not None:
            clauses = clauses[:1] if part == "surname" else clauses[1:]
            part = None  # the other words match anywhere
        conditions.append(or_(*clauses))
    return and_(*conditions)


def _row(p: Patient) -> PatientRow:
    return PatientRow(p.id, p.first_name, p.last_name, p.phone, p.email, p.birth_date,
                      p.notes, p.active, bool(p.email_reminders), p.email_reminders_since,
                      p.language)
