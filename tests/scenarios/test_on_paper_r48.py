"""Printing at the desk (SPEC R48), end to end through a real spooler (the private CUPS of
tests/helpers/cups.py): Maria buys 3 Massages and pays cash; her receipt comes out of the
desk's receipt printer on the 80 mm roll, the invoice of the sale out of its document
printer on Letter. The receipt printer jams: the next receipt says why, nothing in the
clinic changes, the PDF is kept; once it is cleared the receipt prints. At the end of the
day the Day Close sheet goes to the document printer."""

from __future__ import annotations

import subprocess

import pytest

from app.ui.printing import desk_printers, route
from app.ui.printing.failure import PrintFailed
from tests.helpers.cups import cups  # noqa: F401 - the session's private CUPS

from scenarios.support import dump

MM = 72 / 25.4


@pytest.fixture(autouse=True)
def this_desk(tmp_path, cups):
    """The desk's printers, in the test's own desk settings: a receipt printer of its own
    (to jam) and the document printer."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "desk-settings"))
    cups.add_queue("DeskRoll")
    desk_printers.remember(desk_printers.RECEIPT_KEY, "DeskRoll")
    desk_printers.remember(desk_printers.DOCUMENT_KEY, "ClinicPDF")
    yield
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "desk-settings-after"))


def page(pdf) -> tuple[tuple[float, float], str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    line = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, _x, height = line.split(":", 1)[1].split()[:3]
    words = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    return (float(width), float(height)), words


def test_r48_a_receipt_an_invoice_a_jam_and_the_days_close_on_paper(clinic, shop, cups,
                                                                     tmp_path):
    maria = shop["patient"]
    sale = clinic.billing.sell_package(maria, shop["three_massages"])
    clinic.billing.receive_payment(maria, 10000, "cash", invoice_id=sale.invoice_id)
    receipt = clinic.printing.invoice_pdf(sale.invoice_id, tmp_path / "receipt.pdf",
                                          paper="roll80")
    done = route.print_pdf(receipt, "roll80", title="Receipt",
                           source=("invoice", sale.invoice_id))
    assert done.printer == "DeskRoll"
    (width, _height), words = page(cups.printed(done.job))
    assert abs(width - 80 * MM) < 1.5 and "3 Massages" in words and "Cash" in words

    invoice = clinic.printing.invoice_pdf(sale.invoice_id, tmp_path / "invoice.pdf",
                                          paper="letter")
    done = route.print_pdf(invoice, "letter")
    size, words = page(cups.printed(done.job))
    assert done.printer == "ClinicPDF" and tuple(map(round, size)) == (612, 792)
    assert "Maria Lopez" in words and "$100.00" in words

    assert cups.run("cupsdisable", "-r", "Paper jam", "DeskRoll").returncode == 0
    before = dump(clinic)
    with pytest.raises(PrintFailed) as jammed:
        route.print_pdf(receipt, "roll80")
    assert str(jammed.value).startswith("The printer \u201cDeskRoll\u201d is stopped: Paper jam.")
    assert jammed.value.pdf == receipt and receipt.exists() and dump(clinic) == before
    assert cups.run("cupsenable", "DeskRoll").returncode == 0
    done = route.print_pdf(receipt, "roll80")
    assert "3 Massages" in page(cups.printed(done.job))[1]

    sheet = clinic.printing.day_close_pdf(clinic.today(), tmp_path / "close.pdf")
    done = route.print_pdf(sheet, clinic.settings.get().paper)
    _size, words = page(cups.printed(done.job))
    assert done.printer == "ClinicPDF" and "$100.00" in words
