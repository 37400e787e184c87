"""Every PDF the program writes prints every character it draws (R31, R4; issue 14, item 15).

The report PDF was set in Helvetica, which has no glyph for the narrow no-break space Babel
puts in times and French amounts: "5:36■a.m.". Here each PDF is written (invoices, a batch of
invoices, refund receipts on Letter, A4 and the 80 mm roll; each report), in English and in
French, while every string ReportLab draws is recorded with its font; each character must
be one the font has: in the TrueType font's character map (DejaVu, embedded), or in
Helvetica's own encoding (the fallback where DejaVu is missing, after `printable`).
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.textobject import PDFTextObject

from app.services.reports.export import to_pdf as report_pdf

from test_printing import refunded, shop  # noqa: F401 - fixtures: a sale, a refund

PAPERS = ("letter", "a4", "roll80")


@pytest.fixture
def drawn(monkeypatch):
    """(font name, text) of every string drawn into a PDF while the test runs."""
    strings: list[tuple[str, str]] = []
    original = PDFTextObject._formatText

    def recording(self, text):
        strings.append((self._fontname, text))
        return original(self, text)

    monkeypatch.setattr(PDFTextObject, "_formatText", recording)
    return strings


def missing(strings: list[tuple[str, str]]) -> dict[str, set[str]]:
    """The characters each font was asked to draw and has no glyph for."""
    lacking: dict[str, set[str]] = {}
    for name, text in strings:
        font = pdfmetrics.getFont(name)
        if getattr(font, "_dynamicFont", False):  # TrueType: its own character map
            table = font.face.charToGlyph
            absent = {c for c in text if ord(c) not in table}
        else:  # a standard Type 1 font: WinAnsi encoding only
            absent = {c for c in text if not _in_win_ansi(c)}
        if absent:
            lacking.setdefault(name, set()).update(absent)
    return lacking


def _in_win_ansi(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@pytest.fixture(params=["en", "fr_CA"])
def language(request, clinic):
    """The desk's language and the clinic's region: English (Canada) or French (Canada)."""
    from app import i18n

    if request.param == "fr_CA":
        clinic.settings.update(locale="fr_CA", language="fr_CA")
        i18n.set_language(i18n.FRENCH)
    yield request.param
    i18n.set_language(i18n.ENGLISH)


@pytest.mark.parametrize("paper", PAPERS)
def test_r31_every_invoice_and_batch_prints_every_character(clinic, shop, language,  # noqa: F811
                                                            paper, drawn, tmp_path):
    clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "invoice.pdf", paper=paper)
    clinic.printing.batch_invoices_pdf([shop["invoice"]], tmp_path / "batch.pdf", paper=paper)
    assert drawn, "nothing was drawn"
    assert missing(drawn) == {}


@pytest.mark.parametrize("paper", PAPERS)
def test_r31_every_refund_receipt_prints_every_character(clinic, refunded, language,  # noqa: F811
                                                         paper, drawn, tmp_path):
    clinic.printing.refund_receipt_pdf(refunded["refund"], tmp_path / "refund.pdf", paper=paper)
    clinic.printing.invoice_pdf(refunded["invoice"], tmp_path / "invoice.pdf", paper=paper)
    assert drawn and missing(drawn) == {}


def test_r31_every_report_pdf_prints_every_character_its_time_too(clinic, refunded,  # noqa: F811
                                                                   language, drawn, tmp_path):
    march = (date(2026, 3, 1), date(2026, 3, 31))
    reports = [clinic.reports.package_sales(*march), clinic.reports.package_usage(*march),
               clinic.reports.outstanding(date(2026, 3, 31)),
               clinic.reports.compensation(*march)]
    for number, report in enumerate(reports):
        report_pdf(report, tmp_path / f"report-{number}.pdf")
    texts = "".join(text for _font, text in drawn)
    # The footer's time ("2:30\u202fp.m.") in English, the amounts' space in French.
    assert "\u202f" in texts if language == "en" else "\u00a0$" in texts
    assert missing(drawn) == {}


def test_r31_every_pdf_embeds_its_fonts_and_names_no_other(clinic, refunded,  # noqa: F811
                                                             tmp_path):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (Debian package poppler-utils) is not installed")
    paths = [report_pdf(clinic.reports.package_sales(date(2026, 3, 1), date(2026, 3, 31)),
                        tmp_path / "sales.pdf"),
             clinic.printing.invoice_pdf(refunded["invoice"], tmp_path / "invoice.pdf"),
             clinic.printing.refund_receipt_pdf(refunded["refund"], tmp_path / "refund.pdf",
                                                paper="roll80")]
    for path in paths:
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                                 check=True).stdout.splitlines()[2:]
        fonts = [line for line in listing if "DejaVu" in line]
        assert len(fonts) == 2 and all(" yes " in line for line in fonts), listing  # embedded
        if path.name == "sales.pdf":  # (invoices name ReportLab's starting Helvetica, unused:
            assert fonts == listing  # the drawing checks above find nothing drawn in it)


def test_r31_the_check_finds_the_box_helvetica_would_print(drawn, tmp_path):
    """The measure above fails on what the desk saw: U+202F drawn in Helvetica."""
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(tmp_path / "old.pdf"))
    canvas.setFont("Helvetica", 7)
    canvas.drawString(10, 10, "generated Mar 10, 2026 5:36\u202fa.m.")
    canvas.save()
    assert missing(drawn) == {"Helvetica": {"\u202f"}}


def test_r31_report_columns_fit_their_cells_in_dejavu_and_long_text_wraps():
    """DejaVu is wider than Helvetica: "Aucun membre du personnel" ran into the price."""
    from types import SimpleNamespace

    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.services.pdf.fonts import default_fonts
    from app.services.reports.pdf import CELL_PADDING, _fit_columns, _wrap_long_cells

    font = default_fonts().regular
    columns = [SimpleNamespace(kind=kind) for kind in ("date", "text", "text", "money")]
    body = [["29 oct. 2026", "Aucun membre du personnel", "Maria Lopez", "1\u00a0000,00\u00a0$"]]
    widths = _fit_columns(500, columns, body, font)
    assert abs(sum(widths) - 500) < 0.01
    assert all(stringWidth(cell, font, 7.5) <= w - CELL_PADDING for cell, w in zip(body[0],
                                                                                  widths))
    crowded = [["29 oct. 2026", "Aucun membre du personnel " * 6, "Maria Lopez",
                "1\u00a0000,00\u00a0$"]]
    widths = _fit_columns(300, columns, crowded, font)
    _wrap_long_cells(crowded, columns, widths, font, lambda cell: ("wrapped", cell))
    assert crowded[0][1][0] == "wrapped"  # the long text wraps
    assert isinstance(crowded[0][0], str) and isinstance(crowded[0][3], str)  # never these
    assert stringWidth(crowded[0][3], font, 7.5) <= widths[3] - CELL_PADDING
