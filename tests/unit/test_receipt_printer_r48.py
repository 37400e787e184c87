"""R48: an ESC/POS receipt printer used directly: the receipt laid out for the printer's
columns (32, 42, 48), French accents through the printer's code pages, the cut, the cash
drawer's kick, a network printer on port 9100 (a loopback server stands in) and refusals
that name the field and its limit."""

from __future__ import annotations

import socket
from datetime import datetime

import pytest
from escpos.printer import Dummy

from app.services import escpos_printer as escpos
from app.services.errors import ValidationError
from app.services.escpos_printer import PrinterUnavailable, ReceiptPrinterConfig, read_config
from app.services.receipt_columns import pair, printable, wrap
from app.services.receipt_text import ReceiptTexts, Words
from tests.helpers.receipt_printer import closed_port, loopback_printer

CUT = b"\x1dV"          # GS V
DRAWER = b"\x1bp\x00"   # ESC p 0: the pulse on pin 2
CODE_PAGE = b"\x1bt"    # ESC t n


@pytest.fixture
def sold(clinic, two_payments):
    return two_payments["sale"].invoice_id


# the layout
def test_r48_pair_keeps_the_amount_whole_and_right_aligned():
    lines = pair("Package: 10 Massages with a name far too long for a receipt line",
                 "$1,234,567.89", 32)
    assert lines[0].endswith(" $1,234,567.89") and len(lines[0]) == 32
    assert all(len(line) <= 32 for line in lines)
    assert " ".join(" ".join(lines).replace("$1,234,567.89", "").split()) == \
        "Package: 10 Massages with a name far too long for a receipt line"
    # an amount too wide to share a line with its label gets a line of its own, uncut
    wide = pair("Total", "1 234 567 890 123 456 789,00 $", 32)
    assert wide == ["Total", "  1 234 567 890 123 456 789,00 $"]


def test_r48_printable_makes_babel_spaces_and_typography_plain():
    assert printable("1\u202f234,50\u00a0$") == "1 234,50 $"
    assert printable("\u201cR\u00e9ception\u201d \u2014 e\u0301") == '"Réception" - é'
    assert wrap("Frédérique-Anne Bélanger-Tremblay", 12) == ["Frédérique-", "Anne",
                                                              "Bélanger-", "Tremblay"]
    assert wrap("Abcdefghijklmnop", 6, indent="  ") == ["Abcdef", "  ghij", "  klmn", "  op"]


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_r48_the_invoice_fits_the_columns_and_shows_what_the_pdf_shows(clinic, sold, columns):
    lines = ReceiptTexts(clinic).lines("invoice", sold, columns)
    assert lines and all(len(line) <= columns for line in lines), \
        [line for line in lines if len(line) > columns]
    text = "\n".join(lines)
    for fact in ("Harbour Physio", "12 Main St", "Halifax NS", "Tax no. 123456789 RT0001",
                 "INVOICE #1", "Date: Mar 2, 2026", "Maria Lopez", "Package: 10 Massages",
                 "PAYMENTS APPLIED", "Cash", "Debit"):
        assert fact in text, fact
    total = next(line for line in lines if line.startswith("TOTAL"))
    assert total.endswith(" $800.00") and len(total) == columns
    assert next(line for line in lines if "· Cash" in line).endswith(" $700.00")
    assert next(line for line in lines if line.startswith("BALANCE DUE")).endswith(" $0.00")


def test_r48_a_long_name_wraps_and_no_amount_is_cut(clinic, catalog):
    patient = clinic.patients.add("Marie-Frédérique Geneviève", "Beauchemin-Laflamme-Tremblay")
    template = clinic.catalog.add_package_template(
        "Ten Sports Massage Therapy Sessions with Frédérique (deep tissue)", price=98765432,
        uses=10, eligible={catalog["massage"]: 0}, validity=None)
    invoice_id = clinic.billing.sell_package(patient, template).invoice_id
    lines = ReceiptTexts(clinic).lines("invoice", invoice_id, 32)
    assert all(len(line) <= 32 for line in lines)
    assert any(line.endswith(" $987,654.32") for line in lines)
    assert sum("$987,654.32" in line for line in lines) >= 3  # line, total, balance
    text = " ".join(" ".join(lines).split())
    assert "Marie-Frédérique Geneviève Beauchemin-Laflamme-Tremblay" in text
    assert "Ten Sports Massage Therapy Sessions with Frédérique (deep tissue)" in text


def test_r48_in_french_the_amounts_stay_whole(clinic, sold, french):
    clinic.settings.update(locale="fr_CA", name="Clinique Hélène Côté")
    lines = ReceiptTexts(clinic).lines("invoice", sold, 32)
    assert "Clinique Hélène Côté" in lines[0]
    assert any(line.endswith(" 800,00 $") for line in lines)
    assert any(line.endswith(" 700,00 $") for line in lines)
    assert all(len(line) <= 32 for line in lines) and "\u00a0" not in "".join(lines)
    assert any(line.startswith("SOLDE DÛ") and line.endswith(" 0,00 $") for line in lines)
    assert "FACTURER À" in lines
    # the stream carries the accents in a code page the printer has
    printer = Dummy()
    escpos.send(ReceiptPrinterConfig(connection="network", host="p", columns=32), lines,
                device=printer)
    assert b"Clinique H\x82l\x8ane C\x93t\x82" in printer.output
    # code page 437 has no Û: python-escpos switches (ESC t n) to one that has it
    out = printer.output
    where = out.index(b"SOLDE D\xea")
    assert out[out.rfind(CODE_PAGE, 0, where) + 2] != 0 and b"?" not in out


def test_r48_the_refund_receipts(clinic, two_payments):
    refund = clinic.packages.refund(two_payments["sale"].package_id, 56000)
    hand_back = clinic.billing.refund_payment(
        two_payments["cash"], 46000, method="cash", package_refund_id=refund.package_refund_id)
    texts = ReceiptTexts(clinic)
    lines = texts.lines("refund", hand_back, 42)
    text = "\n".join(lines)
    assert "REFUND RECEIPT" in text and "Maria Lopez" in text
    assert next(line for line in lines if line.startswith("AMOUNT REFUNDED")).endswith(
        " $460.00")
    package = texts.lines("package_refund", refund.package_refund_id, 42)
    assert any(line.startswith("AMOUNT REFUNDED") and line.endswith(" $460.00")
               for line in package)
    assert any("10 Massages" in line and line.endswith(" $560.00") for line in package)
    assert all(len(line) <= 42 for line in lines + package)


def test_r48_columns_and_kinds_outside_the_limits_are_refused(clinic, sold):
    with pytest.raises(ValidationError, match="32, 42 or 48") as refused:
        ReceiptTexts(clinic).lines("invoice", sold, 40)
    assert refused.value.field == "columns"
    with pytest.raises(ValidationError) as refused:
        ReceiptTexts(clinic).lines("statement", sold, 42)
    assert refused.value.field == "kind"


# the byte stream (python-escpos's Dummy printer)
def test_r48_the_stream_has_the_text_the_code_page_and_the_cut(clinic, sold):
    clinic.patients.update(clinic.billing.invoice(sold).patient_id, first_name="Frédérique")
    clinic.settings.update(name="Réception Côté")
    printer = Dummy()
    config = ReceiptPrinterConfig(connection="network", host="127.0.0.1", columns=48)
    escpos.send(config, ReceiptTexts(clinic).lines("invoice", sold, 48), device=printer)
    out = printer.output
    assert CODE_PAGE in out
    # é is 0x82 in code page 437 (ESC t 0), the one python-escpos picks for it
    assert b"R\x82ception C" in out and b"Fr\x82d\x82rique Lopez" in out
    assert b"$800.00" in out and out.rstrip(b"\x00").find(CUT) > out.find(b"BALANCE DUE")
    assert out.count(CUT) == 1 and DRAWER not in out
    assert b"\x1bM\x01" in out  # Font B: 48 characters on 80 mm paper


def test_r48_the_drawer_kick_is_escape_p(clinic):
    printer = Dummy()
    escpos.kick_drawer(ReceiptPrinterConfig(connection="network", host="x"), device=printer)
    assert printer.output == DRAWER + b"22"  # on for 50 ms, off for 50 ms


def test_r48_a_logo_prints_before_the_text(clinic, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("1", (64, 32), 0).save(logo)
    printer = Dummy()
    config = read_config({"connection": "network", "host": "printer-1", "logo": str(logo)})
    escpos.send(config, ReceiptTexts(clinic).test_lines(42), device=printer)
    out = printer.output
    assert out.find(b"\x1dv0") != -1 and out.find(b"\x1dv0") < out.find(b"TEST RECEIPT")


# what the desk typed
@pytest.mark.parametrize("values, field, words", [
    ({"connection": "network", "host": "192.168.1.50", "port": "0"}, "port", "1 to 65535"),
    ({"connection": "network", "host": "192.168.1.50", "port": "70000"}, "port", "1 to 65535"),
    ({"connection": "network", "host": "192.168.1.50", "port": "91OO"}, "port", "1 to 65535"),
    ({"connection": "network", "host": "192.168.1.300"}, "host", "neither an IP address"),
    ({"connection": "network", "host": "http://printer"}, "host", "neither an IP address"),
    ({"connection": "network", "host": "front desk"}, "host", "neither an IP address"),
    ({"connection": "network", "host": ""}, "host", "Printer address is empty"),
    ({"connection": "usb", "usb_vendor": "zz12", "usb_product": "0202"}, "usb_vendor",
     "hexadecimal"),
    ({"connection": "usb", "usb_vendor": "04b8", "usb_product": "12345"}, "usb_product",
     "hexadecimal"),
    ({"connection": "serial", "serial_device": ""}, "serial_device", "Serial port is empty"),
    ({"connection": "serial", "serial_device": "/dev/ttyS0", "baud": "9601"}, "baud",
     "9600"),
    ({"connection": "network", "host": "p", "columns": "40"}, "columns", "32, 42 or 48"),
    ({"connection": "network", "host": "p", "logo": "/nowhere/logo.png"}, "logo",
     "does not exist"),
    ({"connection": "bluetooth"}, "connection", "network, USB or serial"),
])
def test_r48_bad_settings_are_refused_naming_the_field(values, field, words):
    with pytest.raises(ValidationError, match=words) as refused:
        read_config(values)
    assert refused.value.field == field


def test_r48_good_settings_are_read():
    config = read_config({"connection": "usb", "usb_vendor": "0x04B8", "usb_product": "0202",
                          "columns": "32", "cash_drawer": "true"})
    assert (config.usb_vendor, config.usb_product, config.columns, config.cash_drawer) == \
        (0x04B8, 0x0202, 32, True)
    assert read_config({"connection": "network", "host": "fe80::1"}).port == 9100
    assert not read_config({}).configured


# a network printer on port 9100 (the loopback stands in)
def test_r48_one_receipt_reaches_the_network_printer(clinic, sold):
    with loopback_printer() as printer:
        config = read_config({"connection": "network", "host": printer.host,
                              "port": str(printer.port), "columns": "42"})
        escpos.send(config, ReceiptTexts(clinic).lines("invoice", sold, 42))
        jobs = printer.jobs(1)
    assert len(jobs) == 1
    assert b"INVOICE #1" in jobs[0] and jobs[0].count(CUT) == 1 and DRAWER not in jobs[0]


def test_r48_nothing_listening_is_said_in_words(clinic, sold):
    port = closed_port()
    config = read_config({"connection": "network", "host": "127.0.0.1", "port": str(port)})
    with pytest.raises(PrinterUnavailable, match="refused the connection") as refused:
        escpos.send(config, ReceiptTexts(clinic).lines("invoice", sold, 42))
    assert f"127.0.0.1 port {port}" in str(refused.value)
    with pytest.raises(PrinterUnavailable, match="refused the connection"):
        escpos.kick_drawer(config)


def test_r48_an_absent_usb_printer_is_said_in_words():
    config = read_config({"connection": "usb", "usb_vendor": "fffe", "usb_product": "fffd"})
    with pytest.raises(PrinterUnavailable, match="fffe:fffd") as refused:
        escpos.kick_drawer(config)
    # (where libusb is missing the desk is told that instead)
    assert "is not connected: check its cable" in str(refused.value) or \
        "libusb library is not installed" in str(refused.value)


def test_r48_no_printer_set_up_is_said():
    with pytest.raises(PrinterUnavailable, match="Settings"):
        escpos.connect(read_config({"connection": "none"}))


def test_r48_words_format_as_the_pdf_does():
    words = Words("CAD", "fr_CA")
    assert words.money(123450) == "1 234,50 $"
    assert words.datetime(datetime(2026, 3, 2, 9, 5)).startswith("2 mars 2026")


def test_r48_a_silent_printer_and_an_unknown_name_are_said_in_words():
    config = read_config({"connection": "network", "host": "front-printer", "port": "9100"})
    try:
        raise socket.timeout("timed out")
    except OSError as error:
        assert escpos.why(config, error) == (
            "The receipt printer at front-printer port 9100 did not answer within 5 seconds: "
            "check that it is switched on and connected.")
    try:
        raise socket.gaierror(-2, "Name or service not known")
    except OSError as error:
        assert escpos.why(config, error) == (
            "No computer named \u201cfront-printer\u201d was found on the network: check the "
            "printer address.")
