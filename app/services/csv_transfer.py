"""Importing patients and treatment types from CSV, exporting any table to CSV (issue 8).

Import is two steps, so the desk sees everything before anything is written:

    preview = clinic.csv.preview_import("patients", path)   # reads and checks; writes nothing
    result = clinic.csv.import_rows(preview)                # the OK rows, in one transaction

The file is read with sqlite-utils' ``rows_from_file`` (CSV or TSV). We choose the encoding
(UTF-8 with or without BOM, UTF-16 from Excel's "Unicode Text", else Windows-1252) and the
delimiter (whichever of , ; tab | the header row uses most) and hand both to it. Every row is
checked by the same rules the services apply when the desk types the same thing
(``PatientService._clean``, ``CatalogService._treatment_fields``): a rule lives in one place.

Export writes a table through SQLAlchemy Core, streamed in chunks (so it works the same on
SQLite and PostgreSQL and a million appointments never sit in memory), as UTF-8 with a BOM so
Excel shows accents, into a temporary file renamed at the end: a cancelled or failed export
leaves nothing behind. Money columns stay integer cents, and their header says so
("price_cents"): exact, the same whatever the clinic's locale, and what the importer reads
back. Staff PIN hashes and the patients' internal search keys are never exported.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable

from babel.numbers import format_decimal
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from ..i18n import FRENCH, N_, _, language, ngettext
from ..models import Base, Patient, TreatmentType
from .audit import snapshot
from .base import Service
from .csv_checks import known_table, source_path
from .errors import ClinicError, NotAllowed, ValidationError
from .file_targets import safe_target
from .spreadsheet_cells import neutralise, unescape

PATIENTS = "patients"
TREATMENT_TYPES = "treatment_types"
KINDS = (PATIENTS, TREATMENT_TYPES)

MAX_ROWS = 50_000
MAX_BYTES = 40 * 1024 * 1024  # far above 50,000 rows of contact details
EXPORT_CHUNK = 5_000

OK, ERROR, DUPLICATE = "ok", "error", "duplicate"

Progress = Callable[[int, int], None]   # (done, total)
Cancelled = Callable[[], bool]


class _Stop(Exception):
    """The desk cancelled: unwinds the transaction so nothing is kept."""


# Header synonyms: compared after _folded() (no case, accents, spaces or punctuation).
_PATIENT_HEADERS = {
    "first_name": ("firstname", "first", "givenname", "forename", "prenom", "patientfirstname"),
    "last_name": ("lastname", "last", "surname", "familyname", "nom", "nomdefamille",
                  "patientlastname"),
    "full_name": ("name", "fullname", "patient", "patientname", "nomcomplet", "nometprenom"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "telephonenumber", "mobile", "cell",
              "cellphone", "mobilephone", "homephone", "cellulaire", "numerodetelephone"),
    "email": ("email", "emailaddress", "mail", "courriel", "adressecourriel",
              "adresseelectronique", "adressedecourriel"),
    "birth_date": ("birthdate", "dateofbirth", "dob", "birthday", "born", "datedenaissance",
                   "naissance", "ddn"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "remarques", "commentaires"),
}
_TREATMENT_HEADERS = {
    "name": ("name", "treatment", "treatmenttype", "treatmentname", "service", "servicename",
             "nom", "traitement", "typedetraitement", "nomdutraitement"),
    "duration_min": ("durationmin", "duration", "durationminutes", "durationinminutes",
                     "minutes", "min", "length", "duree", "dureemin", "dureeminutes",
                     "dureeenminutes"),
    "price": ("price", "amount", "cost", "fee", "rate", "prix", "tarif", "montant", "cout"),
    "price_cents": ("pricecents", "prixcents", "prixencents"),
    "tax_rate": ("taxrate", "tax", "taxpercent", "taxes", "taux", "tauxdetaxe", "taxe",
                 "tauxtaxe"),
}
HEADERS = {PATIENTS: _PATIENT_HEADERS, TREATMENT_TYPES: _TREATMENT_HEADERS}

#: What each field is called on screen (the preview's column headers), in file order.
FIELD_LABELS = {
    PATIENTS: (("first_name", N_("First name")), ("last_name", N_("Last name")),
               ("phone", N_("Phone")), ("email", N_("Email")),
               ("birth_date", N_("Birth date")), ("notes", N_("Notes"))),
    TREATMENT_TYPES: (("name", N_("Treatment name")), ("duration_min", N_("Minutes")),
                      ("price", N_("Price")), ("tax_rate", N_("Tax rate"))),
}

# Export: what each table is called on screen, who may export it, what is never written.
TABLE_LABELS = {
    "patients": N_("Patients"),
    "appointments": N_("Appointments"),
    "treatment_types": N_("Treatment types"),
    "package_templates": N_("Package templates"),
    "package_template_items": N_("Treatments covered by package templates"),
    "packages": N_("Packages sold"),
    "package_coverage": N_("Treatments covered by packages sold"),
    "redemptions": N_("Package uses"),
    "package_refunds": N_("Package refunds"),
    "invoices": N_("Invoices"),
    "invoice_lines": N_("Invoice lines"),
    "payments": N_("Payments"),
    "payment_applications": N_("Payments applied to invoices"),
    "payment_refunds": N_("Payment refunds"),
    "staff": N_("Staff members"),
    "no_show_fees": N_("No-show fees"),
    "clinic_settings": N_("Clinic settings"),
    "audit_entries": N_("Audit trail"),
}
#: What the clinic offers, with nothing about a patient or a staff member in it: anyone may
#: export these. Everything else names patients, money received or staff: managers only.
OPEN_TABLES = frozenset({"treatment_types", "package_templates", "package_template_items",
                         "no_show_fees"})
#: Never leaves the database: secrets, and keys derived from other columns for searching.
SECRET_COLUMNS = {"staff": {"secret_hash"},
                  "patients": {"first_key", "last_key", "email_key", "phone_digits"}}
#: Integer columns holding money (cents) by name; exported as "<name>_cents".
MONEY_COLUMNS = frozenset({"price", "amount", "subtotal", "tax", "total", "unit_price",
                           "patient_pays", "suggested"})
#: A text cell starting with one of these is a formula to a spreadsheet: written with a
#: leading apostrophe (and read back without it).
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


@dataclass(frozen=True)
class ExportResult:
    table: str
    path: str
    rows: int
    cancelled: bool = False


@dataclass
class _Reader:
    """What was decided about the file before its rows are read."""

    data: bytes
    encoding: str
    delimiter: str
    headers: list = field(default_factory=list)


class CsvService(Service):
    """clinic.csv: preview_import / import_rows / tables / export_table."""

    # -- who may ---------------------------------------------------------------------------
    def check_can_import(self, kind: str) -> None:
        """Refuse before the desk chooses a file: unknown kind, or treatment types (which only
        a manager may change) for front-desk staff."""
        _check_kind(kind)
        if kind == TREATMENT_TYPES:
            self._clinic.auth.require_manager(_("change treatment types"))

    def check_can_export(self, table: str) -> None:
        known_table(table)
        if table not in OPEN_TABLES:
            self._clinic.auth.require_manager(
                _("export the table \u201c{what}\u201d, which holds private details").format(
                    what=_(TABLE_LABELS.get(table, table))))

    # -- import ----------------------------------------------------------------------------
    def preview_import(self, kind: str, path: str | os.PathLike, *,
                       progress: Progress | None = None,
                       cancelled: Cancelled | None = None) -> ImportPreview | None:
        """Read and check every row of the file; write nothing. None if `cancelled()`."""
        self.check_can_import(kind)
        reader = _open(source_path(path))
        reader.headers = _headers(reader)
        columns, unknown = _map_headers(kind, reader.headers)
        _require_columns(kind, {name for name, _header in columns})
        raw_rows = _read_rows(reader, columns, cancelled)
        if raw_rows is None:
            return None
        checked = self._check_rows(kind, raw_rows, progress, cancelled)
        if checked is None:
            return None
        return ImportPreview(kind=kind, path=os.fspath(path), rows=tuple(checked),
                             columns=tuple((name, header) for name, header in columns),
                             unknown_columns=tuple(unknown), encoding=reader.encoding,
                             delimiter=reader.delimiter)

    def import_rows(self, preview: ImportPreview, *, progress: Progress | None = None,
                    cancelled: Cancelled | None = None) -> ImportResult:
        """Write the preview's OK rows in one transaction: all of them, or none.

        Each row is checked again inside the transaction (the clinic may have changed since
        the preview): a row now refused stops the import with nothing written; a row that is
        now a duplicate (another desk added the same patient meanwhile) is skipped.
        """
        if not isinstance(preview, ImportPreview):
            raise ValidationError("preview", _("Preview the file before importing it."))
        self.check_can_import(preview.kind)
        rows = [row for row in preview.rows if row.status == OK]
        if not rows:
            raise NotAllowed(_("No row of the file is ready to import. Correct the rows with "
                               "problems in the file and preview it again."))
        write = self._write_patients if preview.kind == PATIENTS else self._write_treatments
        try:
            with self._db.write() as s:
                created, skipped = write(s, rows, progress, cancelled)
                self._audit(s, f"{preview.kind}.import", "csv_import", None, None,
                            {"file": Path(preview.path).name, "created": len(created),
                             "skipped": skipped + preview.duplicates,
                             "not_imported": preview.problems})
        except _Stop:
            return ImportResult(preview.kind, cancelled=True)
        except DBAPIError as error:
            raise ClinicError(_("The clinic's database refused the import ({reason}). Nothing "
                                "was imported; try again, and if it happens again, ask for "
                                "help.").format(reason=_short(error))) from error
        return ImportResult(preview.kind, tuple(created), skipped)

    # -- export ----------------------------------------------------------------------------
    def tables(self) -> list[tuple[str, str]]:
        """Every table the desk can export: (name, label), by label."""
        return sorted(((name, _(TABLE_LABELS.get(name, name))) for name in self._tables()),
                      key=lambda item: item[1].casefold())

    def export_columns(self, table: str) -> list[str]:
        """The header row an export of `table` writes."""
        return [header for header, _column in self._export_columns(table)]

    def export_table(self, table: str, path: str | os.PathLike, *,
                     progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> ExportResult:
        """Write `table` to `path` as CSV; nothing at `path` unless the whole table made it."""
        self.check_can_export(table)
        target = safe_target(self._clinic, path, what=_("the CSV file"))
        columns = self._export_columns(table)
        source = Base.metadata.tables[table]
        handle = tempfile.NamedTemporaryFile(
            "w", encoding="utf-8-sig", newline="", dir=target.parent,
            prefix=f".{target.name}.", suffix=".part", delete=False)
        written = 0
        try:
            with handle, self._db.read() as s:
                total = s.scalar(select(func.count()).select_from(source)) or 0
                if progress:
                    progress(0, total)
                writer = csv.writer(handle)
                writer.writerow([header for header, _column in columns])
                query = (select(*[column for _header, column in columns])
                         .order_by(*source.primary_key.columns))
                result = s.connection().execution_options(
                    stream_results=True, yield_per=EXPORT_CHUNK).execute(query)
                for chunk in result.partitions():
                    if cancelled and cancelled():
                        raise _Stop
                    writer.writerows([_cell(value) for value in row] for row in chunk)
                    written += len(chunk)
                    if progress:
                        progress(written, max(total, written))
                if cancelled and cancelled():   # the last chunk, or an empty table
                    raise _Stop
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(handle.name, target)
        except _Stop:
            _remove(handle.name)
            return ExportResult(table, os.fspath(target), written, cancelled=True)
        except BaseException:
            _remove(handle.name)
            raise
        return ExportResult(table, os.fspath(target), written)

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _tables() -> list[str]:
        return [t.name for t in Base.metadata.sorted_tables]

    @staticmethod
    def _export_columns(table: str) -> list[tuple[str, object]]:
        hidden = SECRET_COLUMNS.get(known_table(table), set())
        columns = []
        for column in Base.metadata.tables[table].columns:
            if column.name in hidden:
                continue
            money = (column.name in MONEY_COLUMNS
                     and getattr(column.type, "python_type", None) is int)
            columns.append((f"{column.name}_cents" if money else column.name, column))
        return columns

    def _check_rows(self, kind, raw_rows, progress, cancelled) -> list[PreviewRow] | None:
        existing = self._existing_keys(kind)
        seen: set = set()
        checked = []
        total = len(raw_rows)
        for index, (number, values, extra) in enumerate(raw_rows):
            if cancelled and index % 500 == 0 and cancelled():
                return None
            if progress and index % 500 == 0:
                progress(index, total)
            checked.append(self._check_row(kind, number, values, extra, existing, seen))
        if progress:
            progress(total, total)
        return checked

    def _check_row(self, kind, number, values, extra, existing, seen) -> PreviewRow:
        if extra:
            return PreviewRow(number, values, ERROR, _(
                "This row has more values than the first row has column names; check for a "
                "comma inside a name or an address, or put that value in quotes."))
        try:
            clean = self._clean(kind, values)
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

    def _clean(self, kind: str, values: dict) -> dict:
        """The service's own checks on one row's values (ValidationError if refused)."""
        if kind == PATIENTS:
            return self._clinic.patients._clean(
                first_name=values.get("first_name", ""), last_name=values.get("last_name", ""),
                phone=values.get("phone", ""), email=values.get("email", ""),
                birth_date=values.get("birth_date", "") or None,
                notes=values.get("notes", ""))
        fields = {"name": values.get("name", ""),
                  "duration_min": values.get("duration_min", ""),
                  "price": values.get("price", ""),
                  "tax_rate": _tax_rate(values.get("tax_rate", ""))}
        return self._clinic.catalog._treatment_fields(**fields)

    def _existing_keys(self, kind: str, session=None) -> set:
        """Identity keys of everything already in the clinic (archived included)."""
        def load(s):
            keys: set = set()
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
        with self._db.read() as s:
            return load(s)

    def _recheck(self, s, kind, rows, progress, cancelled):
        """The rows' values checked again in the writing transaction: (row, clean) to write,
        and how many are now duplicates."""
        existing = self._existing_keys(kind, s)
        seen: set = set()
        out, skipped = [], 0
        for index, row in enumerate(rows):
            if cancelled and index % 200 == 0 and cancelled():
                raise _Stop
            try:
                clean = self._clean(kind, row.values)
            except ClinicError as error:
                raise NotAllowed(_("Row {row} can no longer be imported: {problem} Nothing "
                                   "was imported; preview the file again.").format(
                                       row=row.number, problem=str(error))) from error
            keys = _identity(kind, clean)
            if keys & existing or keys & seen:
                skipped += 1
                continue
            seen.update(keys)
            out.append((row, clean))
        return out, skipped

    def _write_patients(self, s, rows, progress, cancelled):
        from .patients import _FIELDS
        todo, skipped = self._recheck(s, PATIENTS, rows, progress, cancelled)
        created = []
        now = self._now()
        for index, (_row, clean) in enumerate(todo):
            if index % 200 == 0:
                if cancelled and cancelled():
                    raise _Stop
                if progress:
                    progress(index, len(todo))
            patient = Patient(created_at=now, active=True, **clean)
            s.add(patient)
            s.flush()
            self._audit(s, "patient.add", "patient", patient.id, None,
                        snapshot(patient, *_FIELDS))
            created.append(patient.id)
            _lighten(s, index)
        if progress:
            progress(len(todo), len(todo))
        return created, skipped

    def _write_treatments(self, s, rows, progress, cancelled):
        todo, skipped = self._recheck(s, TREATMENT_TYPES, rows, progress, cancelled)
        created = []
        for index, (_row, clean) in enumerate(todo):
            if cancelled and cancelled():
                raise _Stop
            if progress:
                progress(index, len(todo))
            treatment = TreatmentType(active=True, **clean)
            s.add(treatment)
            s.flush()
            self._audit(s, "treatment_type.add", "treatment_type", treatment.id, None,
                        snapshot(treatment))
            created.append(treatment.id)
            _lighten(s, index)
        if progress:
            progress(len(todo), len(todo))
        return created, skipped


def _lighten(session, index: int) -> None:
    """Every flush looks at every object the session holds: written rows are let go now and
    then (still in the transaction), or 50,000 patients take minutes instead of seconds."""
    if index % 500 == 499:
        session.flush()
        session.expunge_all()


# -- reading the file -----------------------------------------------------------------------

def _check_kind(kind: object) -> None:
    if kind not in KINDS:
        raise ValidationError("kind", _("Choose what to import: patients or treatment types."))


def _open(path: Path) -> _Reader:
    """Read the file's bytes and decide its encoding and delimiter, or refuse."""
    name = path.name
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ValidationError("path", _("The file \u201c{file}\u201d is not there any more. "
                                        "Choose it again.").format(file=name)) from None
    except IsADirectoryError:
        raise ValidationError("path", _("\u201c{file}\u201d is a folder, not a file. Choose "
                                        "a CSV file.").format(file=name)) from None
    except OSError as error:
        raise ValidationError("path", _("The file \u201c{file}\u201d could not be opened "
                                        "({reason}).").format(
                                            file=name, reason=error.strerror or error)) from None
    if len(data) > MAX_BYTES:
        raise _too_large()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotAllowed(_("\u201c{file}\u201d is an Excel workbook, not a CSV file. In Excel, "
                           "choose File > Save As > CSV UTF-8, then import that file.")
                         .format(file=name))
    encoding = _encoding(data, name)
    text = data.decode(encoding)
    if not text.strip():
        raise NotAllowed(_("The file \u201c{file}\u201d is empty.").format(file=name))
    if "\x00" in text or text.lstrip("\ufeff").lstrip()[:1] in ("{", "[", "<"):
        raise NotAllowed(_("\u201c{file}\u201d is not a CSV file. Choose a file saved as CSV "
                           "(comma-separated values), with the column names on its first "
                           "row.").format(file=name))
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    if counts[delimiter] == 0:
        delimiter = ","
    return _Reader(data, encoding, delimiter)


def _encoding(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)        # Excel's "Unicode Text"
    else:
        candidates = ("utf-8-sig", "cp1252")  # Excel's "CSV UTF-8", then its plain "CSV"
    for encoding in candidates:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise NotAllowed(_("The characters in \u201c{file}\u201d could not be read. Open it in "
                       "Excel and save it again as CSV UTF-8, then import that file.")
                     .format(file=name))


class _Dialect(csv.excel):
    skipinitialspace = True


def _read_rows(reader: _Reader, columns, cancelled):
    """[(row number, {field: text}, has extra values)] for every non-blank row."""
    # sqlite-utils (and click, which it loads) only when a file is read: 45 ms of start-up
    from sqlite_utils.utils import Format, RowError, rows_from_file

    dialect = type("Dialect", (_Dialect,), {"delimiter": reader.delimiter})
    rows, _format = rows_from_file(io.BytesIO(reader.data), format=Format.CSV,
                                   dialect=dialect, encoding=reader.encoding,
                                   extras_key="\x00extra")
    headers_by_field = dict(columns)
    out = []
    number = 1
    try:
        for raw in rows:
            number += 1
            if cancelled and number % 1000 == 0 and cancelled():
                return None
            if not any((value or "").strip() if isinstance(value, str) else value
                       for value in raw.values()):
                continue   # a blank line, or Excel's trailing ",,,"
            if len(out) >= MAX_ROWS:
                raise _too_large()
            values = {name: unescape((raw.get(header) or "").strip())
                      for name, header in headers_by_field.items()}
            if "full_name" in values:
                first, last = _split_name(values.pop("full_name"))
                values.setdefault("first_name", first)
                values.setdefault("last_name", last)
            if "price_cents" in values:
                cents = values.pop("price_cents")
                if "price" not in values:
                    values["price"] = _cents_to_amount(cents)
            out.append((number, values, bool(raw.get("\x00extra"))))
    except (csv.Error, RowError) as error:
        raise NotAllowed(_("Row {row} of the file could not be read as CSV ({reason}). Check "
                           "that the file is saved as CSV.").format(
                               row=number, reason=str(error))) from None
    if not out:
        raise NotAllowed(_("The file has column names but no rows to import."))
    return out


def _headers(reader: _Reader) -> list[str]:
    text = reader.data.decode(reader.encoding)
    first = next(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=reader.delimiter),
                 [])
    return [header.strip() for header in first]


def _map_headers(kind: str, headers: list[str]):
    """[(field, header)] for the columns we know, and the headers we ignore."""
    synonyms = {alias: name for name, aliases in HEADERS[kind].items() for alias in aliases}
    columns, unknown, taken = [], [], set()
    for header in headers:
        name = synonyms.get(_folded(header))
        if name is None or name in taken:
            if header:
                unknown.append(header)
            continue
        taken.add(name)
        columns.append((name, header))
    return columns, unknown


def _require_columns(kind: str, fields: set) -> None:
    if kind == PATIENTS:
        if not ({"first_name", "last_name"} <= fields or "full_name" in fields):
            raise NotAllowed(_("The file has no column for the patients' names. Its first row "
                               "must name the columns, for example: First name, Last name, "
                               "Phone, Email."))
        return
    if "name" not in fields:
        raise NotAllowed(_("The file has no column for the treatment names. Its first row "
                           "must name the columns, for example: Name, Duration, Price, "
                           "Tax rate."))
    if "duration_min" not in fields:
        raise NotAllowed(_("The file has no column for the duration in minutes (for example "
                           "\u201cDuration\u201d)."))
    if not fields & {"price", "price_cents"}:
        raise NotAllowed(_("The file has no column for the price (for example "
                           "\u201cPrice\u201d)."))


def _too_large() -> ClinicError:
    return NotAllowed(_("The file is too large: at most {limit} rows can be imported at once. "
                        "Split it into smaller files and import them one after the other.")
                      .format(limit=format_decimal(MAX_ROWS, locale=_number_locale())))


def _number_locale() -> str:
    return "fr_CA" if language() == FRENCH else "en_CA"


def _folded(header: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (header or "").casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def _split_name(full: str) -> tuple[str, str]:
    """"Lopez, Maria" or "Maria Lopez" -> ("Maria", "Lopez")."""
    if "," in full:
        last, _sep, first = full.partition(",")
        return first.strip(), last.strip()
    first, _sep, last = full.strip().rpartition(" ")
    return (first, last) if first else ("", last)


def _cents_to_amount(cents: str) -> str:
    if re.fullmatch(r"-?\d{1,15}", cents.strip() or "x"):
        return str(Decimal(int(cents)).scaleb(-2))
    return cents


def _tax_rate(value: str) -> object:
    """A spreadsheet's way of writing a rate ("13%", "13", "0.13", "14,975 %") as the
    fraction the catalogue takes; anything else is passed on for the catalogue to refuse."""
    text = (value or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return ""
    percent = text.endswith("%")
    number = text.rstrip("%").replace(",", ".")
    try:
        rate = Decimal(number)
    except InvalidOperation:
        return value
    if not rate.is_finite():
        return value
    if percent or rate > 1:
        rate = rate / 100
    return rate


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
    if kind == PATIENTS:
        return _patient_keys(clean["first_key"], clean["last_key"], clean.get("email_key"),
                             clean.get("phone_digits"))
    return {("name", clean["name"].casefold())}


def _duplicate_message(kind: str, in_clinic: bool) -> str:
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


# -- writing the file -----------------------------------------------------------------------

def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return neutralise(value)   # a spreadsheet must not run it as a formula
    return value


def _remove(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


def _short(error: DBAPIError) -> str:
    text = str(getattr(error, "orig", error) or error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]


# Kept importable for the preview's table and tests.
__all__ = ["CsvService", "ImportPreview", "ImportResult", "ExportResult", "PreviewRow",
           "FIELD_LABELS", "TABLE_LABELS", "OK", "ERROR", "DUPLICATE", "MAX_ROWS"]
