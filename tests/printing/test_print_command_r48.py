"""`clinicdesk print` (R48) through a real spooler: an invoice on Letter and an 80 mm
receipt go to the private CUPS's cups-pdf queue, and the PDF that comes out has the page
size and the words of the document."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from tests.helpers.pdf_pages import page_size, text_of

from app.__main__ import main
from app.ui.printing import desk_printers

MM = 72 / 25.4
pytestmark = pytest.mark.sqlite_only(reason="the command line opens a clinic file")


@pytest.fixture
def sold(clinic, catalog):
    """A 10 Massages package for Maria Lopez paid $820 cash (so $20 of credit), and the
    $20 handed back: its invoice and the refund's receipt."""
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["ten_massages"])
    paid = clinic.billing.receive_payment(patient, 82000, "cash")
    refund = clinic.billing.refund_payment(paid, 2000)
    return {"invoice": sale.invoice_id, "number": clinic.billing.invoice(sale.invoice_id).number,
            "package": sale.package_id, "refund": refund}


def command(clinic, *words, capsys):
    clinic_file = clinic.path
    code = main(["--db", str(clinic_file), "print", *words])
    said = capsys.readouterr()
    return code, said.out, said.err


def job_of(out: str) -> str:
    return out.rsplit("(job ", 1)[1].rstrip(")\n")


def test_an_invoice_on_letter_comes_out_of_the_spooler_on_letter(cups, clinic, sold, capsys):
    code, out, err = command(clinic, "invoice", str(sold["invoice"]), "--printer", "ClinicPDF",
                             "--paper", "letter", capsys=capsys)
    assert code == 0, err
    assert f"Invoice {sold['number']} sent to ClinicPDF (job ClinicPDF-" in out
    pdf = cups.printed(job_of(out))
    width, height = page_size(pdf)
    assert (round(width), round(height)) == (612, 792)
    words = text_of(pdf)
    assert "Harbour Physio" in words and "Maria Lopez" in words and "10 Massages" in words
    assert "$800.00" in words


def test_an_80mm_receipt_goes_to_the_desks_receipt_printer_on_an_80mm_page(
        cups, clinic, sold, capsys):
    desk_printers.remember(desk_printers.RECEIPT_KEY, "ClinicPDF")
    desk_printers.remember(desk_printers.DOCUMENT_KEY, "NoSuchPrinter")
    code, out, err = command(clinic, "invoice", str(sold["invoice"]), "--paper", "roll80",
                             capsys=capsys)
    assert code == 0, err
    pdf = cups.printed(job_of(out))
    width, height = page_size(pdf)
    assert abs(width - 80 * MM) < 1.5 and height > 80 * MM  # 80 mm wide, as long as it is
    assert "Maria Lopez" in text_of(pdf)


def test_a_day_close_is_named_by_its_day(cups, clinic, sold, capsys):
    on = clinic.today()
    code, out, err = command(clinic, "day-close", on.isoformat(), "--printer", "ClinicPDF",
                             capsys=capsys)
    assert code == 0, err
    assert f"Day close {on.isoformat()} sent to ClinicPDF" in out
    assert "Day close" in text_of(cups.printed(job_of(out))).replace("Day Close", "Day close")


def test_a_refund_receipt_and_a_package_statement_print_too(cups, clinic, sold, capsys):
    code, out, err = command(clinic, "refund-receipt", str(sold["refund"]), "--printer",
                             "ClinicPDF", "--paper", "a4", capsys=capsys)
    assert code == 0, err
    pdf = cups.printed(job_of(out))
    assert tuple(map(round, page_size(pdf))) == (595, 842)
    assert "$20.00" in text_of(pdf)
    code, out, err = command(clinic, "statement", str(sold["package"]), "--printer",
                             "ClinicPDF", capsys=capsys)
    assert code == 0, err
    assert "10 Massages" in text_of(cups.printed(job_of(out)))


def test_no_such_printer_says_so_and_keeps_the_pdf(cups, clinic, sold, capsys):
    code, out, err = command(clinic, "invoice", str(sold["invoice"]), "--printer", "Upstairs",
                             capsys=capsys)
    assert code == 1 and out == ""
    assert "There is no printer called \u201cUpstairs\u201d on this computer" in err
    kept = err.rsplit("the PDF is kept at ", 1)[1].strip()
    assert tuple(map(round, page_size(kept))) == (612, 792)  # the clinic's paper, Letter
    assert "Maria Lopez" in text_of(kept)


def test_a_stopped_printer_says_why_and_keeps_the_pdf(cups, clinic, sold, capsys):
    cups.add_queue("FrontDesk")
    assert cups.run("cupsdisable", "-r", "Out of paper", "FrontDesk").returncode == 0
    code, _out, err = command(clinic, "invoice", str(sold["invoice"]), "--printer", "FrontDesk",
                              capsys=capsys)
    assert code == 1
    assert "The printer \u201cFrontDesk\u201d is stopped: Out of paper." in err
    assert err.rsplit("the PDF is kept at ", 1)[1].strip().endswith(".pdf")


def test_an_unreachable_printer_fails_the_print_cancels_the_job_and_keeps_the_pdf(
        cups, clinic, sold, capsys):
    """A network receipt printer that is switched off: CUPS's socket backend cannot reach
    it. The desk is told so (not "sent"), and the job does not wait to come out later."""
    from tests.helpers.cups import free_port
    port = free_port()  # nothing listens there
    done = cups.run("lpadmin", "-p", "Unplugged", "-E", "-v", f"socket://127.0.0.1:{port}",
                    "-P", "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
    assert done.returncode == 0, done.stderr
    code, out, err = command(clinic, "invoice", str(sold["invoice"]), "--printer", "Unplugged",
                             "--paper", "roll80", capsys=capsys)
    assert code == 1 and out == ""
    assert "The printer \u201cUnplugged\u201d did not print it: " in err
    assert "Check it is on, has paper and is connected" in err
    assert err.rsplit("the PDF is kept at ", 1)[1].strip().endswith(".pdf")
    assert cups.run("lpstat", "-o", "Unplugged").stdout.strip() == "", "the job was cancelled"


def test_bad_input_is_refused_naming_what_to_give(cups, clinic, sold, capsys):
    code, _out, err = command(clinic, "invoice", "12a", capsys=capsys)
    assert code == 2 and "\u201c12a\u201d is not a number" in err
    code, _out, err = command(clinic, "invoice", str(sold["invoice"]), "--paper", "legal",
                              capsys=capsys)
    assert code == 2 and "legal" in err and "80 mm roll" in err
    code, _out, err = command(clinic, "day-close", "yesterday-ish", capsys=capsys)
    assert code == 2
    code, _out, err = command(clinic, "invoice", "9999", capsys=capsys)
    assert code == 2 and "No invoice with number 9999 exists." in err
