"""Reading a CSV file to import: opening it, its encoding and delimiter, its header row
mapped to the clinic's fields, its rows, and the limits on its size (issue 8, issue 16).

The file is read with sqlite-utils' ``rows_from_file`` (CSV or TSV). We choose the encoding
(UTF-8 with or without BOM, UTF-16 from Excel's "Unicode Text", else Windows-1252) and the
delimiter (whichever of , ; tab | the header row uses most) and hand both to it. Nothing here
checks a value: that is the services' job (importing.py asks them).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from babel.numbers import format_decimal

from ...i18n import FRENCH, N_, _, language
from ..errors import ClinicError, NotAllowed, ValidationError
from ..spreadsheet_cells import unescape
from . import switching_in as switching

PATIENTS = "patients"
TREATMENT_TYPES = "treatment_types"
KINDS = (PATIENTS, TREATMENT_TYPES, *switching.KINDS)  # (and switching in, R42)

MAX_ROWS = 50_000
MAX_BYTES = 40 * 1024 * 1024  # far above 50,000 rows of contact details

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
HEADERS = {PATIENTS: _PATIENT_HEADERS, TREATMENT_TYPES: _TREATMENT_HEADERS,
           **switching.HEADERS}

#: What each field is called on screen (the preview's column headers), in file order.
FIELD_LABELS = {
    PATIENTS: (("first_name", N_("First name")), ("last_name", N_("Last name")),
               ("phone", N_("Phone")), ("email", N_("Email")),
               ("birth_date", N_("Birth date")), ("notes", N_("Notes"))),
    TREATMENT_TYPES: (("name", N_("Treatment name")), ("duration_min", N_("Minutes")),
                      ("price", N_("Price")), ("tax_rate", N_("Tax rate"))),
    **switching.FIELD_LABELS,
}


@dataclass
class FileReader:
    """What was decided about the file before its rows are read."""

    data: bytes
    encoding: str
    delimiter: str
    headers: list = field(default_factory=list)


def check_kind(kind: object) -> None:
    if kind not in KINDS:
        raise ValidationError("kind", _(
            "Choose what to import: patients, treatment types, packages sold before "
            "ClinicDesk, opening balances or upcoming appointments."))


def open_file(path: Path) -> FileReader:
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
        raise too_large()
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
    return FileReader(data, encoding, delimiter)


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


def read_rows(reader: FileReader, columns, cancelled):
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
                raise too_large()
            values = {name: unescape((raw.get(header) or "").strip())
                      for name, header in headers_by_field.items()}
            if "full_name" in values:
                first, last = _split_name(values.pop("full_name"))
                values.setdefault("first_name", first)
                values.setdefault("last_name", last)
            if "price" in values:
                values.pop("price_cents", None)   # the amount column wins, as it always has
            out.append((number, values, bool(raw.get("\x00extra"))))
    except (csv.Error, RowError) as error:
        raise NotAllowed(_("Row {row} of the file could not be read as CSV ({reason}). Check "
                           "that the file is saved as CSV.").format(
                               row=number, reason=str(error))) from None
    if not out:
        raise NotAllowed(_("The file has column names but no rows to import."))
    return out


def headers(reader: FileReader) -> list[str]:
    text = reader.data.decode(reader.encoding)
    first = next(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=reader.delimiter),
                 [])
    return [header.strip() for header in first]


def map_headers(kind: str, headers: list[str]):
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


def require_columns(kind: str, fields: set) -> None:
    if kind in switching.KINDS:
        switching.require_columns(kind, fields)
        return
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


def too_large() -> ClinicError:
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
