"""Writing a `Report` to CSV, XLSX and PDF: the edge where its figures become text.

CSV and XLSX are for spreadsheets: money is a plain decimal number in major units, exact from
the cents (12345 -> 123.45), with the currency in the column heading ("Price (CAD)"); dates
are ISO dates (CSV) or real date cells (XLSX). The PDF is for people: money and dates are
formatted in the clinic's locale through Babel (R4), on landscape Letter.

Each section of the report becomes a block (CSV), a worksheet (XLSX) or a titled table (PDF):
its rows, then one "Total" row per group, then the grand total. Files are written to a
temporary file beside the target and moved over it when complete, so a failed export never
leaves half a file (nor damages an older copy).
"""

from __future__ import annotations

import csv
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from ..i18n import N_, _, ngettext
from .errors import NotAllowed
from .money import format_money, from_cents
from .reports import Column, Report, Section

NO_EXPIRY = N_("No expiry")  # shown as _(NO_EXPIRY)
#: A sale's status (a code in the report's rows) in words, lowercase as in the English file.
STATUS_WORDS = {"active": N_("active"), "expired": N_("expired"), "refunded": N_("refunded"),
                "used up": N_("used up"), "void": N_("void")}
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
    if column.key == "status" and value in STATUS_WORDS:
        return _(STATUS_WORDS[value])
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


def _atomic(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        write(Path(temp))
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _major(cents: int, currency: str) -> Decimal:
    return from_cents(cents, currency)


# --------------------------------------------------------------------------------------
# CSV


def to_csv(report: Report, path: str | os.PathLike) -> Path:
    """UTF-8 (with a byte-order mark, so spreadsheet programs read accents right)."""
    currency, locale = report.currency, report.locale

    def plain(column: Column, value) -> object:
        if value is None:
            return _no_expiry(column)
        if column.kind == "money":
            return str(_major(value, currency))
        if column.kind == "date":
            return value.isoformat()
        return _words(column, value)

    def write(temp: Path) -> None:
        with open(temp, "w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle)
            out.writerow([report.title, report.subtitle])
            for note in report.notes:
                out.writerow([note])
            for section in report.sections:
                out.writerow([])
                out.writerow([section.title])
                out.writerow([heading(c, currency) for c in section.columns])
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
                    out.writerow(["" if cell is None else
                                  str(_major(cell[1], currency)) if isinstance(cell, tuple)
                                  else cell for cell in cells])
    return _atomic(path, write)


# --------------------------------------------------------------------------------------
# XLSX


def to_xlsx(report: Report, path: str | os.PathLike) -> Path:
    """One worksheet per section; money cells are numbers with two decimals."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    currency, locale = report.currency, report.locale
    digits = len(str(_major(1, currency)).partition(".")[2])
    money_format = "#,##0" + ("." + "0" * digits if digits else "")
    bold = Font(bold=True)

    def write(temp: Path) -> None:
        book = Workbook(write_only=True)
        used: set[str] = set()
        for section in report.sections:
            title = _sheet_title(section.title, used)
            sheet = book.create_sheet(title)
            columns = section.columns
            widths = [len(heading(c, currency)) for c in columns]
            sheet.append([report.title, report.subtitle])
            sheet.append([heading(c, currency) for c in columns])
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

    return _atomic(path, write)


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
        return _no_expiry(column) or None
    if column.kind == "money":
        cell = WriteOnlyCell(sheet, value=_major(value, currency))
        cell.number_format = money_format
        return cell
    return _words(column, value)


def _styled(sheet, cell, currency: str, money_format: str, bold):
    from openpyxl.cell import WriteOnlyCell
    if cell is None:
        return None
    if isinstance(cell, tuple):  # ("money", cents)
        out = WriteOnlyCell(sheet, value=_major(cell[1], currency))
        out.number_format = money_format
    else:
        out = WriteOnlyCell(sheet, value=cell)
    out.font = bold
    return out


# --------------------------------------------------------------------------------------
# PDF


def to_pdf(report: Report, path: str | os.PathLike) -> Path:
    """A plain table report on landscape Letter: title, notes, then each section's table
    with its headings repeated on every page, group totals and the grand total."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    rows = sum(len(section.rows) for section in report.sections)
    if rows > PDF_MAX_ROWS:
        raise NotAllowed(_("This report has {rows} rows; a PDF can hold at most {most}. "
                           "Export it to CSV or Excel instead, or choose a shorter period.")
                         .format(rows=format_decimal(rows, locale=report.locale),
                                 most=format_decimal(PDF_MAX_ROWS, locale=report.locale)))
    currency, locale = report.currency, report.locale
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("cell", fontSize=7.5, leading=9)

    def money(cents: int) -> str:
        return format_money(cents, currency, locale)

    def text(column: Column, value) -> str:
        if value is None:
            return _no_expiry(column)
        if column.kind == "money":
            return money(value)
        if column.kind == "date":
            return format_date(value, format="medium", locale=locale)
        if column.kind == "int":
            return str(value)  # ids and counts: no grouping (invoice 1044443, not 1,044,443)
        return str(_words(column, value))

    story = [Paragraph(_escape(report.title), styles["Title"]),
             Paragraph(_escape(report.subtitle), styles["Heading3"])]
    for note in report.notes:
        story.append(Paragraph(_escape(note), small))
    width = landscape(letter)[0] - 1.0 * inch
    for section in report.sections:
        story += [Spacer(1, 10), Paragraph(_escape(section.title), styles["Heading2"])]
        columns = section.columns
        header = [heading(c, currency) for c in columns]
        body: list[list[str]] = []
        summary_rows: list[int] = []
        for kind, item in _lines(section):
            if kind == "row":
                body.append([text(c, getattr(item, c.key)) for c in columns])
                continue
            if kind == "group":
                cells = _summary_cells(section, _total_label(section, item), item.count,
                                       item.totals, locale)
            else:
                cells = _summary_cells(section, _("Grand total"), section.count,
                                       section.totals, locale)
            summary_rows.append(len(body) + 1)
            line = ["" if cell is None else money(cell[1]) if isinstance(cell, tuple)
                    else (format_decimal(cell, locale=locale) if isinstance(cell, int)
                          else str(cell)) for cell in cells]
            line[0] = Paragraph(_escape(line[0]), small.clone("total", fontName="Helvetica-Bold"))
            body.append(line)
        if not section.rows:
            story.append(Paragraph(_escape(section.empty_text), styles["BodyText"]))
        weights = [2.6 if c.kind == "text" else 1.3 for c in columns]
        col_widths = _fit_headings([width * w / sum(weights) for w in weights], header)
        head = styles["BodyText"].clone("head", fontName="Helvetica-Bold", fontSize=7.5,
                                        leading=9)
        header = [Paragraph(_escape(h), head.clone(f"h{i}", alignment=2)
                            if c.kind in ("money", "int") else head)
                  for i, (h, c) in enumerate(zip(header, columns))]
        base_style = [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.5),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
        for i, column in enumerate(columns):
            if column.kind in ("money", "int"):
                base_style.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
        first_total = min((i for i, c in enumerate(columns) if c.total), default=len(columns))
        # One table per PDF_CHUNK rows, each with the headings: ReportLab splits a long table
        # at every page again, which grows with the square of its length.
        for at in range(0, max(len(body), 1), PDF_CHUNK):
            part = body[at:at + PDF_CHUNK]
            style = list(base_style)
            for r in summary_rows:
                if at < r <= at + len(part):
                    row = r - at
                    style += [("FONT", (0, row), (-1, row), "Helvetica-Bold", 7.5),
                              ("LINEABOVE", (0, row), (-1, row), 0.3, colors.grey)]
                    if first_total > 1:  # the label may use the cells up to the first total
                        style.append(("SPAN", (0, row), (first_total - 1, row)))
            table = LongTable([header] + part, colWidths=col_widths, repeatRows=1)
            table.setStyle(TableStyle(style))
            story.append(table)

    generated = _("{title} \u2014 {period} \u2014 generated {date} {time}").format(
        title=report.title, period=report.subtitle,
        date=format_date(report.generated_at.date(), format="medium", locale=locale),
        time=format_time(report.generated_at.time(), format="short", locale=locale))
    page_words = _("Page {page}")

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(0.5 * inch, 0.35 * inch, generated)
        canvas.drawRightString(landscape(letter)[0] - 0.5 * inch, 0.35 * inch,
                               page_words.format(page=doc.page))
        canvas.restoreState()

    def write(temp: Path) -> None:
        doc = SimpleDocTemplate(str(temp), pagesize=landscape(letter), leftMargin=0.5 * inch,
                                rightMargin=0.5 * inch, topMargin=0.5 * inch,
                                bottomMargin=0.6 * inch, title=report.title,
                                subject=report.subtitle)
        doc.build(story, onFirstPage=footer, onLaterPages=footer)

    return _atomic(path, write)


def _fit_headings(widths: list[float], headings: list[str]) -> list[float]:
    """Widen a column whose heading has a word longer than the column (French headings are
    longer: "Remboursé (CAD)"), taking the room from the columns with some to spare, so no
    word is ever cut in two."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    padding = 13  # the cell's padding (6 + 6) and a point of slack
    need = [max((stringWidth(word, "Helvetica-Bold", 7.5) for word in heading.split()),
                default=0.0) + padding for heading in headings]
    short = sum(max(0.0, n - w) for w, n in zip(widths, need))
    if short <= 0:
        return widths
    out = [max(w, n) for w, n in zip(widths, need)]
    spare = {i: out[i] - need[i] for i in range(len(out)) if out[i] > need[i]}
    room = sum(spare.values())
    if room <= 0:
        return out
    take = min(short, room)
    return [w - take * spare[i] / room if i in spare else w for i, w in enumerate(out)]


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["heading", "to_csv", "to_pdf", "to_xlsx"]
