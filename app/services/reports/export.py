"""Writing a `Report` to CSV, XLSX and PDF: the edge where its figures become text.

CSV and XLSX are for spreadsheets: money is a plain decimal number in major units, exact from
the cents (12345 -> 123.45), with the currency in the column heading ("Price (CAD)"); dates
are ISO dates (CSV) or real date cells (XLSX). The PDF is for people: money and dates are
formatted in the clinic's locale through Babel (R4), on landscape Letter.

Each section of the report becomes a block (CSV), a worksheet (XLSX) or a titled table (PDF):
its rows, then one "Total" row per group, then the grand total. Files are written by
files.atomic_write (a temporary file beside the target, flushed to the disk and moved over
it), so a failed export never leaves half a file (nor damages an older copy); and never over
the clinic's own files (file_targets.py, which makes a missing folder first). A text cell
is only ever text: neutralised in CSV, a string cell in XLSX (spreadsheet_cells.py), so a
name such as "=HYPERLINK(...)" is shown, never run.
"""

from __future__ import annotations

import csv
import os
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from babel.numbers import format_decimal

from ...domain.states import PackageStatus, as_state, name_of
from ...i18n import N_, _, ngettext
from ..file_targets import safe_target
from ..files import atomic_write
from ..money import from_cents
from ..spreadsheet_cells import neutralise, xlsx_text
from .shape import Column, Report, Section

NO_EXPIRY = N_("No expiry")  # shown as _(NO_EXPIRY)
#: ReportLab lays a table out in memory, a few thousand rows a second: past this, a PDF takes
#: minutes and hundreds of MB, and nobody reads it; CSV and XLSX have no such limit.
PDF_MAX_ROWS = 10_000
PDF_CHUNK = 200


# --------------------------------------------------------------------------------------
# shared


def heading(column: Column, currency: str) -> str:
    """A column's heading; a money column's names the currency ("Price (CAD)")."""
    if column.kind == "money":
        return _("{heading} ({currency})").format(heading=column.heading, currency=currency)
    return column.heading


def _total_label(section: Section, group) -> str:
    if section.group_heading:
        return _("Total \u2014 {what}: {name}").format(what=section.group_heading,
                                                        name=group.label)
    return _("Total \u2014 {name}").format(name=group.label)


def _words(column: Column, value):
    """A text cell as the reader reads it: a status in the desk's language, else as is."""
    if column.key == "status" and isinstance(state := as_state(PackageStatus, value),
                                             PackageStatus):
        return _(name_of(state, lower=True))  # a sale's status, lowercase as in the English file
    return value


def _no_expiry(column: Column) -> str:
    return _(NO_EXPIRY) if column.kind == "date" and column.key == "expires_on" else ""


def _lines(section: Section) -> Iterator[tuple[str, object]]:
    """("row", row) for each row, then ("group", Group) per group, then ("total", None)."""
    for row in section.rows:
        yield "row", row
    for group in section.groups:
        yield "group", group
    yield "total", None


def _summary_cells(section: Section, label: str, count: int, totals,
                   locale: str = "en_CA") -> list:
    """A totals line in column order: the label (with the row count) in the first column,
    each total under its column as ("money", cents) or an int, None elsewhere."""
    cells: list = [None] * len(section.columns)
    cells[0] = ngettext("{label} ({count} row)", "{label} ({count} rows)", count).format(
        label=label, count=format_decimal(count, locale=locale))
    for i, column in enumerate(section.columns):
        if column.total:
            value = totals.get(column.key, 0)
            cells[i] = ("money", value) if column.kind == "money" else value
    return cells


def _target(clinic, path: str | os.PathLike, what: str) -> Path:
    """`path`, once file_targets has said a report may be saved there (its folder made if
    need be); `clinic` is the report's, or None for every clinic open in this program."""
    return safe_target(clinic, path, what=what, create_folder=True)


def _code_args(report: object, clinic: object) -> None:
    # The report and the clinic come from code (the Reports tab), never from the desk's
    # typing: a wrong one is a bug, so a TypeError rather than a sentence for the desk.
    if not isinstance(report, Report):
        raise TypeError("report must be a Report from clinic.reports")  # i18n: not shown
    path_like = isinstance(clinic, (str, os.PathLike))
    if clinic is not None and not path_like and getattr(clinic, "db", None) is None:
        raise TypeError("clinic must be the report's Clinic, its file or None")  # i18n: not shown
    if path_like and "\x00" in os.fsdecode(os.fspath(clinic)):
        raise TypeError("clinic: a clinic file's name has no NUL")  # i18n: not shown


def _major(cents: int, currency: str) -> Decimal:
    return from_cents(cents, currency)


# --------------------------------------------------------------------------------------
# CSV


def to_csv(report: Report, path: str | os.PathLike, *, clinic=None) -> Path:
    """UTF-8 (with a byte-order mark, so spreadsheet programs read accents right).

    `clinic`, the report's, is never written over (nor any clinic open in this program).
    Every text cell is neutralised: a name is never a formula to a spreadsheet."""
    _code_args(report, clinic)
    place = _target(clinic, path, _("the CSV file"))
    currency, locale = report.currency, report.locale

    def plain(column: Column, value) -> object:
        if value is None:
            return _no_expiry(column)
        if column.kind == "money":
            return str(_major(value, currency))
        if column.kind == "date":
            return value.isoformat()
        return cell(_words(column, value))

    def cell(value):
        return neutralise(value) if isinstance(value, str) else value

    def write(temp: Path) -> None:
        with open(temp, "w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle)
            out.writerow([cell(report.title), cell(report.subtitle)])
            for note in report.notes:
                out.writerow([cell(note)])
            for section in report.sections:
                out.writerow([])
                out.writerow([cell(section.title)])
                out.writerow([cell(heading(c, currency)) for c in section.columns])
                columns = section.columns
                for kind, item in _lines(section):
                    if kind == "row":
                        out.writerow([plain(c, getattr(item, c.key)) for c in columns])
                        continue
                    if kind == "group":
                        cells = _summary_cells(section, _total_label(section, item),
                                               item.count, item.totals, locale)
                    else:
                        cells = _summary_cells(section, _("Grand total"), section.count,
                                               section.totals, locale)
                    out.writerow(["" if c is None else
                                  str(_major(c[1], currency)) if isinstance(c, tuple)
                                  else cell(c) for c in cells])
    return atomic_write(place, write)


# --------------------------------------------------------------------------------------
# XLSX


def to_xlsx(report: Report, path: str | os.PathLike, *, clinic=None) -> Path:
    """One worksheet per section; money cells are numbers with two decimals, dates are
    dates, and every text is a string cell (never a formula, whatever a name starts with).
    `clinic` as for to_csv."""
    _code_args(report, clinic)
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    currency, locale = report.currency, report.locale
    digits = len(str(_major(1, currency)).partition(".")[2])
    money_format = "#,##0" + ("." + "0" * digits if digits else "")
    bold = Font(bold=True)
    place = _target(clinic, path, _("the Excel file"))

    def write(temp: Path) -> None:
        book = Workbook(write_only=True)
        used: set[str] = set()
        for section in report.sections:
            title = _sheet_title(section.title, used)
            sheet = book.create_sheet(title)
            columns = section.columns
            widths = [len(heading(c, currency)) for c in columns]
            sheet.append([xlsx_text(sheet, report.title), xlsx_text(sheet, report.subtitle)])
            sheet.append([xlsx_text(sheet, heading(c, currency)) for c in columns])
            for kind, item in _lines(section):
                if kind == "row":
                    sheet.append([_xlsx_cell(sheet, c, getattr(item, c.key), currency,
                                             money_format) for c in columns])
                    continue
                if kind == "group":
                    raw = _summary_cells(section, _total_label(section, item), item.count,
                                         item.totals, locale)
                else:
                    raw = _summary_cells(section, _("Grand total"), section.count,
                                         section.totals, locale)
                sheet.append([_styled(sheet, cell, currency, money_format, bold) for cell in raw])
            # widths from headings and a look at the first rows (write-only sheets can't
            # measure afterwards)
            for row in section.rows[:200]:
                for i, c in enumerate(columns):
                    value = getattr(row, c.key)
                    widths[i] = max(widths[i], len(str(value)) if value is not None else 0)
            for i, width in enumerate(widths, start=1):
                sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 10), 50)
            sheet.freeze_panes = "A3"
        book.save(temp)

    return atomic_write(place, write)


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or _("Report")
    name, n = clean, 2
    while name in used:
        suffix = f" ({n})"
        name = clean[:31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def _xlsx_cell(sheet, column: Column, value, currency: str, money_format: str):
    from openpyxl.cell import WriteOnlyCell
    if value is None:
        value = _no_expiry(column)
        return xlsx_text(sheet, value) if value else None
    if column.kind == "money":
        cell = WriteOnlyCell(sheet, value=_major(value, currency))
        cell.number_format = money_format
        return cell
    value = _words(column, value)
    return xlsx_text(sheet, value) if isinstance(value, str) else value


def _styled(sheet, cell, currency: str, money_format: str, bold):
    from openpyxl.cell import WriteOnlyCell
    if cell is None:
        return None
    if isinstance(cell, tuple):  # ("money", cents)
        out = WriteOnlyCell(sheet, value=_major(cell[1], currency))
        out.number_format = money_format
    elif isinstance(cell, str):
        out = xlsx_text(sheet, cell)
    else:
        out = WriteOnlyCell(sheet, value=cell)
    out.font = bold
    return out


# --------------------------------------------------------------------------------------
# PDF


def to_pdf(report: Report, path: str | os.PathLike, *, clinic=None) -> Path:
    """A plain table report on landscape Letter (reports/pdf.py); `clinic` as
    for to_csv."""
    from .pdf import to_pdf as write

    _code_args(report, clinic)
    return write(report, path, clinic=clinic)


__all__ = ["heading", "to_csv", "to_pdf", "to_xlsx"]
