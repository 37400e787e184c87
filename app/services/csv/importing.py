"""Importing patients and treatment types from a CSV file: the preview, the check again
when writing, and the write (issue 8, issue 16).

Every row is checked by the services' own public rules (`patients.validate`,
`catalog.validate_treatment_type`) and written by their own writers (`patients.add_many`,
`catalog.add_treatment_types`), which record each row's audit entry: adding a patient or a
treatment type is written once, for the form and the file alike. Amounts are read here with
`money.parse` in the clinic's currency and locale (a JPY clinic's "1500" is 1500 yen) and
handed to the catalogue as int cents; tax rates with `rates.rate_in_file`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from ...i18n import _, ngettext
from ...models import Patient, TreatmentType
from .. import money
from ..errors import ClinicError, NotAllowed, ValidationError
from ..rates import rate_in_file
from . import switching_in as switching
from .reading import FIELD_LABELS, PATIENTS
from .steps import Cancelled, Progress, Stop

OK, ERROR, DUPLICATE = "ok", "error", "duplicate"


@dataclass(frozen=True)
class PreviewRow:
    number: int                    # the row as a spreadsheet numbers it (the header is row 1)
    values: dict                   # field -> text as read from the file
    status: str                    # "ok" | "error" | "duplicate"
    problem: str = ""              # what is wrong, for the desk; "" when ok
    field: str | None = None       # the field the problem is about, when there is one


@dataclass(frozen=True)
class ImportPreview:
    kind: str
    path: str
    rows: tuple[PreviewRow, ...]
    columns: tuple[tuple[str, str], ...]   # (field, header in the file) for each mapped column
    unknown_columns: tuple[str, ...]       # headers ignored
    encoding: str
    delimiter: str

    def _count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def ready(self) -> int:
        return self._count(OK)

    @property
    def problems(self) -> int:
        return self._count(ERROR)

    @property
    def duplicates(self) -> int:
        return self._count(DUPLICATE)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(name for name, _label in FIELD_LABELS[self.kind])

    def summary(self) -> str:
        """"120 ready, 3 with problems, 2 already in the clinic"."""
        return _("{ready}, {problems}, {duplicates}").format(
            ready=ngettext("{n} ready", "{n} ready", self.ready).format(n=self.ready),
            problems=ngettext("{n} with a problem", "{n} with problems",
                              self.problems).format(n=self.problems),
            duplicates=ngettext("{n} already in the clinic or the file",
                                "{n} already in the clinic or the file",
                                self.duplicates).format(n=self.duplicates))


@dataclass(frozen=True)
class ImportResult:
    kind: str
    created_ids: tuple[int, ...] = ()
    skipped: int = 0               # rows found to be duplicates while writing
    cancelled: bool = False

    @property
    def created(self) -> int:
        return len(self.created_ids)



def check_rows(clinic, kind, raw_rows, progress: Progress | None,
               cancelled: Cancelled | None) -> list[PreviewRow] | None:
    """Each row read from the file, checked against the clinic as it is now; None if
    `cancelled()`."""
    existing = _existing_keys(clinic, kind)
    seen: set = set()
    checked = []
    total = len(raw_rows)
    for index, (number, values, extra) in enumerate(raw_rows):
        if cancelled and index % 500 == 0 and cancelled():
            return None
        if progress and index % 500 == 0:
            progress(index, total)
        checked.append(_check_row(clinic, kind, number, _shown(clinic, values), extra,
                                  existing, seen))
    if progress:
        progress(total, total)
    return checked


def import_rows(clinic, preview: ImportPreview, audit, progress: Progress | None,
                cancelled: Cancelled | None) -> ImportResult:
    """Write the preview's OK rows in one transaction: all of them, or none.

    Each row is checked again inside the transaction (the clinic may have changed since
    the preview): a row now refused stops the import with nothing written; a row that is
    now a duplicate (another desk added the same patient meanwhile) is skipped. `audit` is
    the facade's own audit writer, for the import's summary entry.
    """
    rows = [row for row in preview.rows if row.status == OK]
    if not rows:
        raise NotAllowed(_("No row of the file is ready to import. Correct the rows with "
                           "problems in the file and preview it again."))
    try:
        with clinic.db.write() as s:
            todo, skipped = _recheck(clinic, s, preview.kind, rows, cancelled)
            created = _write(clinic, preview.kind, todo, progress, cancelled)
            audit(s, f"{preview.kind}.import", "csv_import", None, None,
                  {"file": Path(preview.path).name, "created": len(created),
                   "skipped": skipped + preview.duplicates,
                   "not_imported": preview.problems})
    except Stop:
        return ImportResult(preview.kind, cancelled=True)
    except DBAPIError as error:
        raise ClinicError(_("The clinic's database refused the import ({reason}). Nothing "
                            "was imported; try again, and if it happens again, ask for "
                            "help.").format(reason=_short(error))) from error
    return ImportResult(preview.kind, tuple(created), skipped)


def _write(clinic, kind, todo, progress, cancelled) -> list[int]:
    # Patients come by the ten thousand: progress and cancelling every 200 rows; treatment
    # types by the dozen: every row.
    every = 200 if kind == PATIENTS else 1

    def each(index: int) -> None:
        if index % every == 0:
            if cancelled and cancelled():
                raise Stop
            if progress:
                progress(index, len(todo))

    if kind in switching.KINDS:  # (R42) row by row through their services
        created = switching.write(clinic, kind, todo, each)
    else:
        add = clinic.patients.add_many if kind == PATIENTS else \
            clinic.catalog.add_treatment_types
        created = add(todo, progress=each)   # in this transaction: db.write joins it
    if progress:
        progress(len(todo), len(todo))
    return created


def _shown(clinic, values: dict) -> dict:
    """The values as the preview shows them: a "price_cents" column's whole number also as
    the amount it is, under Price (7500 -> 75.00; in yen, 7500)."""
    cents = values.get("price_cents", "").strip()
    if "price" in values or not re.fullmatch(r"-?\d{1,15}", cents):
        return values
    return {**values, "price": money.plain_amount(int(cents), **clinic.money_context())}


def _check_row(clinic, kind, number, values, extra, existing, seen) -> PreviewRow:
    if extra:
        return PreviewRow(number, values, ERROR, _(
            "This row has more values than the first row has column names; check for a "
            "comma inside a name or an address, or put that value in quotes."))
    try:
        clean = _clean(clinic, kind, values)
    except ValidationError as error:
        return PreviewRow(number, values, ERROR, str(error), error.field)
    except ClinicError as error:
        return PreviewRow(number, values, ERROR, str(error))
    keys = _identity(kind, clean)
    if keys & existing:
        return PreviewRow(number, values, DUPLICATE, _duplicate_message(kind, True))
    if keys & seen:
        return PreviewRow(number, values, DUPLICATE, _duplicate_message(kind, False))
    seen.update(keys)
    return PreviewRow(number, values, OK)


def _clean(clinic, kind: str, values: dict) -> dict:
    """The service's own checks on one row's values (ValidationError if refused)."""
    if kind in switching.KINDS:
        return switching.clean(clinic, kind, values)
    if kind == PATIENTS:
        return clinic.patients.validate({
            "first_name": values.get("first_name", ""), "last_name": values.get("last_name", ""),
            "phone": values.get("phone", ""), "email": values.get("email", ""),
            "birth_date": values.get("birth_date", "") or None,
            "notes": values.get("notes", "")})
    return clinic.catalog.validate_treatment_type({
        "name": values.get("name", ""), "duration_min": values.get("duration_min", ""),
        "price": _price(clinic, values),
        "tax_rate": rate_in_file(values.get("tax_rate", ""))})


def _price(clinic, values: dict) -> int:
    """The row's price as int cents: from the amount column, read in the clinic's currency
    and locale, or from a "price_cents" column (ClinicDesk's own export) as it stands."""
    context = clinic.money_context()
    if "price_cents" in values:   # (reading.py drops it when the file has a price column)
        text = values["price_cents"].strip()
        if not re.fullmatch(r"-?\d{1,15}", text):
            raise ValidationError("price", _(
                "The price in cents \u201c{value}\u201d must be a whole number of the "
                "currency\u2019s smallest unit (7500 for {example}).").format(
                    value=text, example=money.format_money(7500, **context)))
        return int(text)
    return money.parse(values.get("price", ""), field="price", **context)


def _existing_keys(clinic, kind: str, session=None) -> set:
    """Identity keys of everything already in the clinic (archived included)."""
    def load(s):
        keys: set = set()
        if kind in switching.KINDS:
            return switching.existing_keys(kind, s)
        if kind == PATIENTS:
            for first, last, email, digits in s.execute(select(
                    Patient.first_key, Patient.last_key, Patient.email_key,
                    Patient.phone_digits)):
                keys |= _patient_keys(first, last, email, digits)
        else:
            keys = {("name", name.casefold()) for name in s.scalars(select(TreatmentType.name))}
        return keys
    if session is not None:
        return load(session)
    with clinic.db.read() as s:
        return load(s)


def _recheck(clinic, s, kind, rows, cancelled):
    """The rows' values checked again in the writing transaction: the clean rows to write,
    and how many are now duplicates."""
    existing = _existing_keys(clinic, kind, s)
    seen: set = set()
    out, skipped = [], 0
    for index, row in enumerate(rows):
        if cancelled and index % 200 == 0 and cancelled():
            raise Stop
        try:
            clean = _clean(clinic, kind, row.values)
        except ClinicError as error:
            raise NotAllowed(_("Row {row} can no longer be imported: {problem} Nothing "
                               "was imported; preview the file again.").format(
                                   row=row.number, problem=str(error))) from error
        keys = _identity(kind, clean)
        if keys & existing or keys & seen:
            skipped += 1
            continue
        seen.update(keys)
        out.append(clean)
    return out, skipped


def _patient_keys(first, last, email, digits) -> set:
    """A patient is the same one when the name matches and so does the email or the phone
    (or neither has any)."""
    name = (first or "", last or "")
    keys = set()
    if email:
        keys.add(("email", *name, email.casefold()))
    if digits:
        keys.add(("phone", *name, digits))
    if not email and not digits:
        keys.add(("name", *name))
    return keys


def _identity(kind: str, clean: dict) -> set:
    if kind in switching.KINDS:
        return switching.identity(kind, clean)
    if kind == PATIENTS:
        return _patient_keys(clean["first_key"], clean["last_key"], clean.get("email_key"),
                             clean.get("phone_digits"))
    return {("name", clean["name"].casefold())}


def _duplicate_message(kind: str, in_clinic: bool) -> str:
    if kind in switching.KINDS:
        return switching.duplicate_message(kind, in_clinic)
    if kind == PATIENTS:
        if in_clinic:
            return _("This patient is already in the clinic (same name and email or phone); "
                     "the row will be skipped.")
        return _("This patient is already on an earlier row of the file; the row will be "
                 "skipped.")
    if in_clinic:
        return _("There is already a treatment type with this name; the row will be skipped.")
    return _("This treatment type is already on an earlier row of the file; the row will be "
             "skipped.")



def _short(error: DBAPIError) -> str:
    text = str(getattr(error, "orig", error) or error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]
