"""R48 at the desk: the cash drawer opens when Receive Payment takes cash (and the desk says
so), never fails the payment; Settings › Receipt Printer refuses what is not a printer by the
field's name and prints a test receipt; Print Receipt sends one receipt. A TCP server on the
loopback stands in for the network receipt printer."""

from __future__ import annotations

import pytest

from app.ui import receipt_printing
from app.ui.dialogs.payment_dialog import ReceivePaymentDialog
from app.ui.settings.dialog import SettingsDialog
from app.ui.settings.receipt_printer import ReceiptPrinterPage
from app.ui.tasks import worker_idle
from tests.helpers.receipt_printer import closed_port, loopback_printer
from ui.helpers import click, retype

DRAWER = b"\x1bp\x0022"  # ESC p 0, on 50 ms, off 50 ms
CUT = b"\x1dV"


@pytest.fixture
def sold(clinic, catalog):
    """Maria bought 10 Massages ($800.00), unpaid."""
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])


@pytest.fixture
def printer():
    with loopback_printer() as stand_in:
        yield stand_in


def desk_has(host: str, port: int, *, drawer: bool = True) -> None:
    receipt_printing.save({"connection": "network", "host": host, "port": str(port),
                           "columns": "42", "cash_drawer": drawer})


def pay(qtbot, amount: str, method: str):
    def fill(d: ReceivePaymentDialog) -> None:
        retype(qtbot, d.amount, amount)
        d.method.setCurrentIndex(d.method.findText(method))
        click(qtbot, d.ok_button)
    return fill


def settle(qtbot) -> None:
    """The printer's job has run and its outcome reached the desk."""
    assert worker_idle(20)
    qtbot.wait(50)


def test_r48_a_cash_payment_opens_the_drawer_once(qtbot, clinic, catalog, sold, printer,
                                                  shown, drive):
    desk_has(printer.host, printer.port)
    drive(ReceivePaymentDialog, pay(qtbot, "800", "Cash"))
    payment = ReceivePaymentDialog.ask(clinic, catalog["patient"], invoice_id=sold.invoice_id)
    settle(qtbot)
    assert clinic.billing.payment(payment).method == "cash"
    assert printer.jobs(1) == [DRAWER]  # the kick, and no receipt nor cut with it
    assert shown.boxes == []


def test_r48_other_methods_and_a_desk_without_the_setting_leave_the_drawer_shut(
        qtbot, clinic, catalog, sold, printer, shown, drive):
    desk_has(printer.host, printer.port)
    drive(ReceivePaymentDialog, pay(qtbot, "300", "Debit"))
    ReceivePaymentDialog.ask(clinic, catalog["patient"], invoice_id=sold.invoice_id)
    desk_has(printer.host, printer.port, drawer=False)
    drive(ReceivePaymentDialog, pay(qtbot, "100", "Cash"))
    ReceivePaymentDialog.ask(clinic, catalog["patient"], invoice_id=sold.invoice_id)
    settle(qtbot)
    assert printer.jobs(1, timeout_s=0.5) == []
    assert clinic.billing.invoice(sold.invoice_id).paid == 40000 and shown.boxes == []


def test_r48_a_refused_drawer_is_said_and_the_payment_stands(qtbot, clinic, catalog, sold,
                                                             shown, drive):
    port = closed_port()
    desk_has("127.0.0.1", port)
    drive(ReceivePaymentDialog, pay(qtbot, "800", "Cash"))
    payment = ReceivePaymentDialog.ask(clinic, catalog["patient"], invoice_id=sold.invoice_id)
    assert payment is not None  # the dialog closed on the payment, before the printer answered
    settle(qtbot)
    assert clinic.billing.invoice(sold.invoice_id).status == "paid"
    title, text = shown.boxes[-1]
    assert title == "Cash drawer did not open"
    assert text.startswith("The payment is recorded. The receipt printer at 127.0.0.1 port "
                           f"{port} refused the connection")
    assert text.endswith("Open the drawer with its key.")


def test_r48_a_refused_payment_opens_no_drawer(qtbot, clinic, catalog, sold, printer, shown,
                                               drive):
    desk_has(printer.host, printer.port)
    drive(ReceivePaymentDialog, pay(qtbot, "abc", "Cash"))
    assert ReceivePaymentDialog.ask(clinic, catalog["patient"], invoice_id=sold.invoice_id) \
        is None
    settle(qtbot)
    assert printer.jobs(1, timeout_s=0.5) == [] and len(shown.boxes) == 1  # the refusal


# Settings › Receipt Printer
def page_of(qtbot, clinic) -> ReceiptPrinterPage:
    page = ReceiptPrinterPage(clinic)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()  # (the cursor goes to a refused field only in the active window)
    qtbot.waitUntil(page.isActiveWindow)
    return page


def choose(page: ReceiptPrinterPage, connection: str) -> None:
    page.connection.setCurrentIndex(page.connection.findData(connection))


def test_r48_the_page_shows_the_chosen_connection_only(qtbot, clinic):
    page = page_of(qtbot, clinic)
    assert not page.host.isVisible() and not page.test.isEnabled()
    choose(page, "usb")
    assert page.usb_vendor.isVisible() and not page.host.isVisible()
    choose(page, "serial")
    assert page.serial_device.isVisible() and page.baud.isVisible()
    assert not page.usb_vendor.isVisible() and page.cash_drawer.isVisible()


def test_r48_what_is_not_a_printer_is_refused_by_its_field(qtbot, clinic, shown):
    page = page_of(qtbot, clinic)
    choose(page, "network")
    retype(qtbot, page.host, "192.168.1.50")
    page.host.editingFinished.emit()
    assert page.note.text() == ("Kept for this desk: the receipt printer at 192.168.1.50 "
                                "port 9100.")
    retype(qtbot, page.port, "70000")
    page.port.editingFinished.emit()
    assert page.note.text() == ("Not kept: Port must be a whole number from 1 to 65535, not "
                                "\u201c70000\u201d.")
    assert receipt_printing.desk_printer().port == 9100  # the last good one stays
    retype(qtbot, page.port, "9100")
    retype(qtbot, page.host, "printer..desk")
    click(qtbot, page.test)
    assert "Printer address \u201cprinter..desk\u201d is neither an IP address" in shown.last
    assert page.host.hasFocus()
    choose(page, "usb")
    retype(qtbot, page.usb_vendor, "EPSON")
    retype(qtbot, page.usb_product, "0202")
    click(qtbot, page.test)
    assert shown.last.startswith("Vendor id must be four hexadecimal digits")
    assert page.usb_vendor.hasFocus()


def test_r48_print_test_receipt_reaches_the_printer(qtbot, clinic, printer, shown):
    page = page_of(qtbot, clinic)
    choose(page, "network")
    retype(qtbot, page.host, printer.host)
    retype(qtbot, page.port, str(printer.port))
    page.columns.setCurrentIndex(page.columns.findData("32"))
    page.cash_drawer.setChecked(True)
    click(qtbot, page.test)
    settle(qtbot)
    jobs = printer.jobs(1)
    assert len(jobs) == 1 and b"TEST RECEIPT" in jobs[0] and jobs[0].count(CUT) == 1
    assert b"R\x82ception" in jobs[0] and DRAWER not in jobs[0]
    assert page.note.text() == (f"Test receipt sent to the receipt printer at {printer.host} "
                                f"port {printer.port}.")
    kept = receipt_printing.desk_printer()
    assert (kept.columns, kept.cash_drawer, kept.port) == (32, True, printer.port)
    assert shown.boxes == []


def test_r48_the_settings_dialog_has_the_receipt_printer_tab(qtbot, clinic):
    dialog = SettingsDialog(clinic)
    qtbot.addWidget(dialog)
    names = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "Receipt printer" in names


# Print Receipt
def test_r48_print_receipt_sends_one_receipt(qtbot, clinic, sold, printer, shown):
    desk_has(printer.host, printer.port)
    assert receipt_printing.receipt_printer_ready()
    receipt_printing.print_receipt(clinic, "invoice", sold.invoice_id)
    settle(qtbot)
    jobs = printer.jobs(1)
    assert len(jobs) == 1 and b"INVOICE #1" in jobs[0] and b"$800.00" in jobs[0]
    assert jobs[0].count(CUT) == 1 and DRAWER not in jobs[0] and shown.boxes == []


def test_r48_print_receipt_with_nothing_listening_says_why(qtbot, clinic, sold, shown):
    desk_has("127.0.0.1", closed_port())
    receipt_printing.print_receipt(clinic, "invoice", sold.invoice_id)
    settle(qtbot)
    title, text = shown.boxes[-1]
    assert title == "Receipt not printed" and "refused the connection" in text


def test_r48_no_receipt_printer_is_not_offered(qtbot, clinic):
    assert not receipt_printing.receipt_printer_ready()


def test_r48_print_on_the_roll_goes_to_the_esc_pos_printer_as_text(qtbot, clinic, sold,
                                                                    printer, shown):
    """Print in an invoice's print dialog on the 80 mm roll, on a desk with an ESC/POS
    printer: the receipt laid out for its columns arrives there (one, cut), not the PDF."""
    from app.ui.dialogs.print_dialog import PrintDialog
    desk_has(printer.host, printer.port)
    dialog = PrintDialog(clinic, invoice_id=sold.invoice_id)
    qtbot.addWidget(dialog)
    dialog.paper.setCurrentIndex(dialog.paper.findData("roll80"))
    click(qtbot, dialog.print_button)
    settle(qtbot)
    qtbot.waitUntil(lambda: dialog._task is None, timeout=10000)
    jobs = printer.jobs(1)
    assert len(jobs) == 1 and b"INVOICE #1" in jobs[0] and b"%PDF" not in jobs[0]
    assert jobs[0].count(CUT) == 1
