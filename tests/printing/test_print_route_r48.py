"""The one route of every Print (R48): which printer for which paper, the place a receipt
driver (ESC/POS) plugs in, the refusals, and the way without CUPS: Qt painting each page
of the PDF onto the printer at its resolution, on a page of the PDF page's own size."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app.services.errors import ValidationError
from app.ui.printing import desk_printers, raster, route, spool
from app.ui.printing.failure import PrintFailed

MM = 72 / 25.4


@pytest.fixture
def pdfs(clinic, catalog, tmp_path):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    letter = clinic.printing.invoice_pdf(sale.invoice_id, tmp_path / "letter.pdf",
                                         paper="letter")
    roll = clinic.printing.invoice_pdf(sale.invoice_id, tmp_path / "roll.pdf", paper="roll80")
    return {"letter": letter, "roll80": roll, "invoice": sale.invoice_id}


@pytest.fixture
def sent(monkeypatch):
    """The spooler, replaced: what was sent where (as lp would have been asked)."""
    calls = []
    monkeypatch.setattr(spool, "available", lambda: True)
    monkeypatch.setattr(spool, "default_printer", lambda: "Default")
    monkeypatch.setattr(spool, "send", lambda pdf, printer, paper, **kw: calls.append(
        (printer, paper, kw["copies"])) or f"{printer}-1")
    return calls


def test_a_roll_goes_to_the_receipt_printer_other_paper_to_the_document_printer(
        pdfs, sent):
    desk_printers.remember(desk_printers.DOCUMENT_KEY, "Laser")
    desk_printers.remember(desk_printers.RECEIPT_KEY, "Thermal")
    assert route.print_pdf(pdfs["roll80"], "roll80").printer == "Thermal"
    assert route.print_pdf(pdfs["letter"], "letter").printer == "Laser"
    assert route.print_pdf(pdfs["letter"], "a4", printer="Other", copies=3).printer == "Other"
    assert sent == [("Thermal", "roll80", 1), ("Laser", "letter", 1), ("Other", "a4", 3)]


def test_no_printer_chosen_is_the_computers_default(pdfs, sent):
    done = route.print_pdf(pdfs["letter"], "letter")
    assert (done.printer, done.job, done.how) == ("Default", "Default-1", "cups")


def test_a_receipt_driver_is_asked_first_for_a_roll_and_only_then(pdfs, sent, monkeypatch):
    asked = []

    def escpos_stand_in(job: route.PrintJob):
        asked.append((job.paper, job.source, job.title))
        return route.Printed("Counter TM-T20", "", "escpos") if job.paper == "roll80" else None

    monkeypatch.setattr(route, "RECEIPT_DRIVERS", [lambda job: None, escpos_stand_in])
    done = route.print_pdf(pdfs["roll80"], "roll80", title="Invoice 1",
                           source=("invoice", pdfs["invoice"]))
    assert done == route.Printed("Counter TM-T20", "", "escpos") and sent == []
    assert asked == [("roll80", ("invoice", pdfs["invoice"]), "Invoice 1")]
    route.print_pdf(pdfs["letter"], "letter")  # not a roll: never asked
    route.print_pdf(pdfs["roll80"], "roll80", printer="Named")  # a printer named: not asked
    assert len(asked) == 1 and [c[0] for c in sent] == ["Default", "Named"]


def test_a_receipt_driver_with_no_printer_configured_passes_to_the_spooler(pdfs, sent,
                                                                          monkeypatch):
    monkeypatch.setattr(route, "RECEIPT_DRIVERS", [lambda job: None])
    desk_printers.remember(desk_printers.RECEIPT_KEY, "Thermal")
    assert route.print_pdf(pdfs["roll80"], "roll80").printer == "Thermal"


def test_bad_paper_or_copies_are_refused_naming_the_field_and_the_limit(pdfs, sent):
    with pytest.raises(ValidationError) as paper:
        route.print_pdf(pdfs["letter"], "legal")
    assert paper.value.field == "paper" and "Letter, A4, 80 mm roll" in str(paper.value)
    for copies in (0, 100, 1.5, "2", True):
        with pytest.raises(ValidationError) as bad:
            route.print_pdf(pdfs["letter"], "letter", copies=copies)
        assert bad.value.field == "copies"
        assert str(bad.value) == "Copies must be a whole number from 1 to 99."
    assert sent == []


def test_media_for_a_roll_is_its_tallest_page_in_points(pdfs):
    assert spool.media_for(pdfs["letter"], "letter") == "Letter"
    assert spool.media_for(pdfs["letter"], "a4") == "A4"
    width, height = spool.media_for(pdfs["roll80"], "roll80").removeprefix("Custom.").split("x")
    assert abs(float(width) - 80 * MM) < 0.01 and float(height) > 100


# without CUPS: Qt paints the pages


def pdf_printer(path: Path, dpi: int = 300):
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(dpi)
    return printer


def page_sizes(pdf) -> list[tuple[int, int]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    return [tuple(round(float(n)) for n in line.split(":", 1)[1].split()[0:3:2])
            for line in info.splitlines() if line.startswith("Page") and "size:" in line]


def test_qt_paints_each_page_on_a_page_of_its_own_size(qapp, clinic, pdfs, tmp_path):
    batch = clinic.printing.batch_invoices_pdf([pdfs["invoice"], pdfs["invoice"]],
                                               tmp_path / "two.pdf", paper="roll80")
    out = tmp_path / "painted.pdf"
    assert raster.paint(batch, pdf_printer(out), title="Two receipts") == str(out)
    sizes = page_sizes(out)
    assert len(sizes) == 2 and all(abs(w - 80 * MM) <= 1 for w, _h in sizes)
    out = tmp_path / "painted-letter.pdf"
    raster.paint(pdfs["letter"], pdf_printer(out))
    assert page_sizes(out) == [(612, 792)]
    # the page is the invoice's picture, not a blank sheet
    shot = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-singlefile", str(out), str(shot)],
                   check=True)
    image = QImage(str(shot) + ".png")
    dark = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if image.pixelColor(x, y).lightness() < 128)
    assert dark > 50


def test_without_cups_the_route_paints_through_qt(qapp, pdfs, monkeypatch, tmp_path):
    out = tmp_path / "through-qt.pdf"
    monkeypatch.setattr(spool, "available", lambda: False)
    monkeypatch.setattr(raster, "printer_named", lambda name: pdf_printer(out))
    done = route.print_pdf(pdfs["roll80"], "roll80")
    assert done.how == "qt" and done.printer == str(out)
    assert abs(page_sizes(out)[0][0] - 80 * MM) <= 1


def test_without_cups_no_such_printer_is_refused_and_the_pdf_kept(qapp, pdfs, monkeypatch):
    monkeypatch.setattr(spool, "available", lambda: False)
    with pytest.raises(PrintFailed) as failed:
        route.print_pdf(pdfs["letter"], "letter", printer="Nowhere 9000")
    assert str(failed.value).startswith("There is no printer called \u201cNowhere 9000\u201d")
    assert failed.value.pdf == pdfs["letter"] and failed.value.pdf.exists()


def test_without_cups_taking_the_pdf_qt_paints_it_onto_a_real_queue(qapp, cups, pdfs,
                                                                    monkeypatch):
    """The way for a spooler that does not take PDF (Windows), tried on the private CUPS
    through Qt's own printer support: the receipt comes out 80 mm wide, as a picture."""
    monkeypatch.setattr(spool, "available", lambda: False)
    before = set(cups.out.iterdir())
    done = route.print_pdf(pdfs["roll80"], "roll80", printer="ClinicPDF", title="Receipt")
    assert (done.printer, done.how) == ("ClinicPDF", "qt")
    out = cups.new_since(before)
    width, _height = page_sizes(out)[0]
    assert abs(width - 80 * MM) <= 1.5
