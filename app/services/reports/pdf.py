"""A report as a PDF for people (R4, R31): landscape Letter, money and dates in the clinic's
locale, set in DejaVu Sans like invoices (app/services/pdf/fonts.py), so the narrow no-break
space Babel writes in French amounts and in times ("5:36\u202fa.m.") prints as a space, not a
box. Apart from export.py, which is about the files' formats."""

from __future__ import annotations

import os
from pathlib import Path

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from ...i18n import _
from . import export
from ..errors import NotAllowed
from ..files import atomic_write
from ..money import format_money
from .shape import Column, Report

CELL_PADDING = 12  # a table cell's padding, left and right (ReportLab's 6 + 6)
FIT_ROWS = 500  # the rows measured to size the columns

def to_pdf(report: Report, path: str | os.PathLike, *, clinic=None) -> Path:
    """A plain table report on landscape Letter: title, notes, then each section's table
    with its headings repeated on every page, group totals and the grand total. `clinic`,
    the report's, is never written over (nor any clinic open in this program)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from ..pdf.fonts import default_fonts

    rows = sum(len(section.rows) for section in report.sections)
    if rows > export.PDF_MAX_ROWS:
        raise NotAllowed(_("This report has {rows} rows; a PDF can hold at most {most}. "
                           "Export it to CSV or Excel instead, or choose a shorter period.")
                         .format(rows=format_decimal(rows, locale=report.locale),
                                 most=format_decimal(export.PDF_MAX_ROWS, locale=report.locale)))
    place = export._target(clinic, path, _("the PDF"))
    currency, locale = report.currency, report.locale
    # DejaVu, as invoices are: Helvetica has no U+202F, the space in "5:36\u202fa.m." (R31).
    fonts = default_fonts()
    regular, bold = fonts.regular, fonts.bold
    styles = {name: style.clone(name, fontName=bold if name != "BodyText" else regular)
              for name, style in getSampleStyleSheet().byName.items()
              if name in ("Title", "Heading2", "Heading3", "BodyText")}
    small = styles["BodyText"].clone("cell", fontSize=7.5, leading=9)

    def esc(value: str) -> str:
        return _escape(fonts.printable(value))

    def money(cents: int) -> str:
        return format_money(cents, currency, locale)

    def text(column: Column, value) -> str:
        return fonts.printable(raw_text(column, value))

    def raw_text(column: Column, value) -> str:
        if value is None:
            return export._no_expiry(column)
        if column.kind == "money":
            return money(value)
        if column.kind == "date":
            return format_date(value, format="medium", locale=locale)
        if column.kind == "int":
            return str(value)  # ids and counts: no grouping (invoice 1044443, not 1,044,443)
        return str(export._words(column, value))

    story = [Paragraph(esc(report.title), styles["Title"]),
             Paragraph(esc(report.subtitle), styles["Heading3"])]
    for note in report.notes:
        story.append(Paragraph(esc(note), small))
    width = landscape(letter)[0] - 1.0 * inch
    for section in report.sections:
        story += [Spacer(1, 10), Paragraph(esc(section.title), styles["Heading2"])]
        columns = section.columns
        header = [fonts.printable(export.heading(c, currency)) for c in columns]
        body: list[list[str]] = []
        summary_rows: list[int] = []
        for kind, item in export._lines(section):
            if kind == "row":
                body.append([text(c, getattr(item, c.key)) for c in columns])
                continue
            if kind == "group":
                cells = export._summary_cells(section, export._total_label(section, item),
                                              item.count, item.totals, locale)
            else:
                cells = export._summary_cells(section, _("Grand total"), section.count,
                                              section.totals, locale)
            summary_rows.append(len(body) + 1)
            line = [fonts.printable("" if cell is None else money(cell[1])
                                    if isinstance(cell, tuple)
                                    else (format_decimal(cell, locale=locale)
                                          if isinstance(cell, int) else str(cell)))
                    for cell in cells]
            line[0] = Paragraph(_escape(line[0]), small.clone("total", fontName=bold))
            body.append(line)
        if not section.rows:
            story.append(Paragraph(esc(section.empty_text), styles["BodyText"]))
        col_widths = _fit_headings(_fit_columns(width, columns, body, regular), header, bold)
        _wrap_long_cells(body, columns, col_widths, regular,
                         lambda cell: Paragraph(esc(cell), small))
        head = styles["BodyText"].clone("head", fontName=bold, fontSize=7.5,
                                        leading=9)
        header = [Paragraph(_escape(h), head.clone(f"h{i}", alignment=2)
                            if c.kind in ("money", "int") else head)
                  for i, (h, c) in enumerate(zip(header, columns))]
        base_style = [
            ("FONT", (0, 0), (-1, -1), regular, 7.5),
            ("FONT", (0, 0), (-1, 0), bold, 7.5),
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
        for at in range(0, max(len(body), 1), export.PDF_CHUNK):
            part = body[at:at + export.PDF_CHUNK]
            style = list(base_style)
            for r in summary_rows:
                if at < r <= at + len(part):
                    row = r - at
                    style += [("FONT", (0, row), (-1, row), bold, 7.5),
                              ("LINEABOVE", (0, row), (-1, row), 0.3, colors.grey)]
                    if first_total > 1:  # the label may use the cells up to the first total
                        style.append(("SPAN", (0, row), (first_total - 1, row)))
            table = LongTable([header] + part, colWidths=col_widths, repeatRows=1)
            table.setStyle(TableStyle(style))
            story.append(table)

    generated = fonts.printable(_("{title} \u2014 {period} \u2014 generated {date} {time}").format(
        title=report.title, period=report.subtitle,
        date=format_date(report.generated_at.date(), format="medium", locale=locale),
        time=format_time(report.generated_at.time(), format="short", locale=locale)))
    page_words = fonts.printable(_("Page {page}"))

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.drawString(0.5 * inch, 0.35 * inch, generated)
        canvas.drawRightString(landscape(letter)[0] - 0.5 * inch, 0.35 * inch,
                               page_words.format(page=doc.page))
        canvas.restoreState()

    def write(temp: Path) -> None:
        doc = SimpleDocTemplate(str(temp), pagesize=landscape(letter), leftMargin=0.5 * inch,
                                rightMargin=0.5 * inch, topMargin=0.5 * inch,
                                bottomMargin=0.6 * inch, title=report.title,
                                subject=report.subtitle, initialFontName=regular)
        doc.build(story, onFirstPage=footer, onLaterPages=footer)

    return atomic_write(place, write)


def _fit_columns(width: float, columns, body: list[list], font: str) -> list[float]:
    """Each column as wide as its widest cell (of the first rows: enough to know), the
    room left shared out; when the cells need more than the page, the text columns give
    way (and their long cells wrap), never the amounts and dates."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    need = [CELL_PADDING + 1 + max((stringWidth(row[i], font, 7.5) for row in body[:FIT_ROWS]
                                    if isinstance(row[i], str)), default=0.0)
            for i in range(len(columns))]
    if sum(need) <= width:
        return [n + (width - sum(need)) * n / sum(need) for n in need]
    text = [i for i, c in enumerate(columns) if c.kind == "text"]
    fixed = sum(n for i, n in enumerate(need) if i not in text)
    room = max(width - fixed, 0.0)
    text_need = sum(need[i] for i in text) or 1.0
    return [need[i] * room / text_need if i in text else n for i, n in enumerate(need)]


def _wrap_long_cells(body: list[list], columns, widths: list[float], font: str,
                     paragraph) -> None:
    """A text cell wider than its column is wrapped onto more lines instead of running into
    the next column. Only those cells become Paragraphs: a Paragraph costs a hundred times
    a plain string to lay out."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for i, column in enumerate(columns):
        if column.kind != "text":
            continue
        room = widths[i] - CELL_PADDING
        for row in body:
            if isinstance(row[i], str) and stringWidth(row[i], font, 7.5) > room:
                row[i] = paragraph(row[i])


def _fit_headings(widths: list[float], headings: list[str], font: str) -> list[float]:
    """Widen a column whose heading has a word longer than the column (French headings are
    longer: "Remboursé (CAD)"), taking the room from the columns with some to spare, so no
    word is ever cut in two."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    padding = CELL_PADDING + 1  # and a point of slack
    need = [max((stringWidth(word, font, 7.5) for word in heading.split()),
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
