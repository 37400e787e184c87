"""Print at the desk (R48), through a real spooler (the private CUPS of tests/helpers/cups.py):
the print dialog's Print sends an invoice on Letter to the desk's document printer and an
80 mm receipt to its receipt printer; Print… asks for the printer; a failed print says why
and keeps the PDF to save; Settings › This Desk remembers the two printers."""

from __future__ import annotations


import pytest

from tests.helpers.pdf_pages import page_size, text_of

from app.ui import msgbox
from app.ui.billing.statement_dialog import StatementDialog
from app.ui.dialogs.gift_card_dialogs import GiftCardPrintDialog
from app.ui.dialogs.print_dialog import PrintDialog
from app.ui.printing import desk_printers
from app.ui.settings.dialog import SettingsDialog
from app.ui.settings.this_desk import ThisDeskSettings
from tests.helpers.cups import cups  # noqa: F401 - the session's private CUPS

from ui.helpers import click

MM = 72 / 25.4


@pytest.fixture
def invoice(clinic, catalog):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clinic.billing.receive_payment(catalog["patient"], 30000, "debit",
                                   invoice_id=sale.invoice_id)
    return sale


def opened(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose_paper(dialog, name: str) -> None:
    dialog.paper.setCurrentIndex(dialog.paper.findText(name))


def printed_by(qtbot, dialog, button):
    with qtbot.waitSignal(dialog.printed, timeout=30000) as sent:
        click(qtbot, button)
    return sent.args[0]


def test_print_sends_the_invoice_on_letter_to_the_desks_document_printer(
        qtbot, cups, clinic, invoice, shown):
    desk_printers.remember(desk_printers.DOCUMENT_KEY, "ClinicPDF")
    desk_printers.remember(desk_printers.RECEIPT_KEY, "NoSuchRoll")
    dialog = opened(qtbot, PrintDialog(clinic, invoice_id=invoice.invoice_id))
    assert dialog.print_button.isDefault() and dialog.paper.currentText() == "Letter"
    done = printed_by(qtbot, dialog, dialog.print_button)
    assert (done.printer, done.how) == ("ClinicPDF", "cups")
    assert dialog.status.text() == f"Sent to ClinicPDF (job {done.job})."
    pdf = cups.printed(done.job)
    assert tuple(map(round, page_size(pdf))) == (612, 792)
    words = text_of(pdf)
    assert "Invoice" in words and "Maria Lopez" in words and "$800.00" in words
    assert shown.boxes == [] and dialog.print_button.isEnabled()


def test_print_on_the_roll_goes_to_the_receipt_printer_80mm_wide(
        qtbot, cups, clinic, invoice, shown):
    desk_printers.remember(desk_printers.DOCUMENT_KEY, "NoSuchLaser")
    desk_printers.remember(desk_printers.RECEIPT_KEY, "ClinicPDF")
    dialog = opened(qtbot, PrintDialog(clinic, invoice_id=invoice.invoice_id))
    choose_paper(dialog, "80 mm roll")
    done = printed_by(qtbot, dialog, dialog.print_button)
    width, height = page_size(cups.printed(done.job))
    assert abs(width - 80 * MM) < 1.5 and height > 80 * MM
    assert "Maria Lopez" in text_of(cups.printed(done.job))


def test_print_with_the_dialog_prints_on_the_printer_chosen_there(
        qtbot, cups, clinic, invoice, monkeypatch, shown):
    asked = []
    monkeypatch.setattr(PrintDialog, "ask_printer", staticmethod(
        lambda parent, printer: asked.append(printer) or ("ClinicPDF", 2)))
    desk_printers.remember(desk_printers.DOCUMENT_KEY, "Upstairs")
    dialog = opened(qtbot, PrintDialog(clinic, invoice_id=invoice.invoice_id))
    done = printed_by(qtbot, dialog, dialog.print_as_button)
    assert asked == ["Upstairs"], "Qt's dialog opens on the desk's printer for the paper"
    assert done.printer == "ClinicPDF" and "Maria Lopez" in text_of(cups.printed(done.job))


def test_print_with_the_dialog_cancelled_prints_nothing(qtbot, clinic, invoice, monkeypatch,
                                                        shown):
    monkeypatch.setattr(PrintDialog, "ask_printer", staticmethod(lambda parent, printer: None))
    dialog = opened(qtbot, PrintDialog(clinic, invoice_id=invoice.invoice_id))
    click(qtbot, dialog.print_as_button)
    assert dialog._task is None and dialog.status.text() == "" and shown.boxes == []


def test_a_failed_print_says_why_and_saves_the_pdf_it_kept(
        qtbot, cups, clinic, invoice, shown, monkeypatch, tmp_path):
    desk_printers.remember(desk_printers.DOCUMENT_KEY, "Upstairs")
    target = tmp_path / "kept.pdf"
    monkeypatch.setattr(PrintDialog, "choose_file", staticmethod(lambda *_: str(target)))
    shown.answer = msgbox.Button.Save
    dialog = opened(qtbot, PrintDialog(clinic, invoice_id=invoice.invoice_id))
    with qtbot.waitSignal(dialog.print_failed, timeout=30000) as failed:
        click(qtbot, dialog.print_button)
    assert failed.args[0].startswith("There is no printer called \u201cUpstairs\u201d")
    title, text = shown.boxes[0]
    assert title == "Not printed" and "The PDF is kept." in text
    kept = dialog.kept[0]
    qtbot.waitUntil(lambda: dialog.saved_path == str(target), timeout=20000)
    assert target.read_bytes() == open(kept, "rb").read(), "the very PDF that did not print"
    assert "Maria Lopez" in text_of(target)


def test_a_stopped_receipt_printer_says_why(qtbot, cups, clinic, invoice, shown):
    cups.add_queue("FrontRoll")
    assert cups.run("cupsdisable", "-r", "Paper jam", "FrontRoll").returncode == 0
    desk_printers.remember(desk_printers.RECEIPT_KEY, "FrontRoll")
    shown.answer = msgbox.Button.Close
    dialog = opened(qtbot, PrintDialog(clinic, invoice_id=invoice.invoice_id))
    choose_paper(dialog, "80 mm roll")
    with qtbot.waitSignal(dialog.print_failed, timeout=30000):
        click(qtbot, dialog.print_button)
    assert "The printer \u201cFrontRoll\u201d is stopped: Paper jam." in dialog.status.text()
    assert dialog.kept is not None and dialog.saved_path is None


def test_the_statement_and_the_gift_card_are_print_dialogs_and_print(
        qtbot, cups, clinic, catalog, invoice, shown):
    desk_printers.remember(desk_printers.DOCUMENT_KEY, "ClinicPDF")
    statement = opened(qtbot, StatementDialog(clinic, invoice.package_id))
    done = printed_by(qtbot, statement, statement.print_button)
    assert "10 Massages" in text_of(cups.printed(done.job))
    card = clinic.gift_cards.sell(5000)
    gift = opened(qtbot, GiftCardPrintDialog(clinic, card.code, card.invoice_id))
    assert isinstance(gift, PrintDialog) and gift.source == ("gift-card", card.code)
    done = printed_by(qtbot, gift, gift.print_button)
    assert card.code.replace("-", "")[:4] in text_of(cups.printed(done.job)).replace("-", "")


def test_preview_shows_the_pdf_on_the_desks_printer_for_the_paper(
        qtbot, clinic, invoice, monkeypatch, shown):
    previews = []
    monkeypatch.setattr(PrintDialog, "show_preview", staticmethod(
        lambda parent, pdf, printer: previews.append((pdf, printer))))
    desk_printers.remember(desk_printers.RECEIPT_KEY, "FrontRoll")
    dialog = opened(qtbot, PrintDialog(clinic, invoice_id=invoice.invoice_id))
    choose_paper(dialog, "80 mm roll")
    click(qtbot, dialog.preview_button)
    qtbot.waitUntil(lambda: bool(previews), timeout=20000)
    pdf, printer = previews[0]
    assert printer == "FrontRoll" and abs(page_size(pdf)[0] - 80 * MM) < 1.5


def test_this_desk_remembers_its_two_printers(qtbot, clinic, drive):
    desk_printers.remember(desk_printers.RECEIPT_KEY, "OldRoll")
    page = ThisDeskSettings(printers=["ClinicPDF", "Laser"])
    qtbot.addWidget(page)
    assert page.receipt_printer.currentText() == "OldRoll (not found on this computer)"
    assert page.document_printer.currentText() == "The computer's default printer"
    page.document_printer.setCurrentIndex(page.document_printer.findText("Laser"))
    page.receipt_printer.setCurrentIndex(page.receipt_printer.findText("ClinicPDF"))
    page.save()
    assert desk_printers.chosen("printers/document") == "Laser"
    assert desk_printers.chosen("printers/receipt") == "ClinicPDF"
    assert desk_printers.for_paper("roll80") == "ClinicPDF"
    assert desk_printers.for_paper("a4") == desk_printers.for_paper("letter") == "Laser"


def test_settings_has_this_desk_and_ok_saves_it(qtbot, clinic, cups, drive):
    def choose(dialog: SettingsDialog) -> None:
        dialog.tabs.setCurrentWidget(dialog.this_desk)
        assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "This Desk"
        box = dialog.this_desk.receipt_printer
        assert box.findText("ClinicPDF") >= 0, "the computer's printers are offered"
        box.setCurrentIndex(box.findText("ClinicPDF"))
        click(qtbot, dialog.ok_button)

    drive(SettingsDialog, choose)
    SettingsDialog.ask(None, clinic)
    assert desk_printers.chosen(desk_printers.RECEIPT_KEY) == "ClinicPDF"


def test_the_preview_paints_the_pages_in_qts_preview(qtbot, clinic, invoice, monkeypatch,
                                                     tmp_path):
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    from app.ui.printing import qt_dialogs

    pdf = clinic.printing.invoice_pdf(invoice.invoice_id, tmp_path / "i.pdf", paper="roll80")
    painted = []
    real_paint = qt_dialogs.raster.paint
    monkeypatch.setattr(qt_dialogs.raster, "paint", lambda *a, **kw: painted.append(
        real_paint(*a, **kw)))

    def look(preview):
        qtbot.addWidget(preview)
        preview.show()  # Qt's preview asks for the pages when it is shown
        qtbot.waitUntil(lambda: bool(painted), timeout=20000)
        preview.reject()
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", look)
    qt_dialogs.show_preview(None, pdf, "")
    assert len(painted) >= 1


def test_a_report_prints_from_the_reports_tab(qtbot, cups, clinic, catalog, shown, drive):
    from datetime import datetime

    from app.ui.reports import ReportsView

    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    clinic.schedule.arrive(clinic.schedule.book(catalog["patient"], catalog["ana"],
                                                catalog["physio"], datetime(2026, 3, 3, 10)))
    desk_printers.remember(desk_printers.DOCUMENT_KEY, "ClinicPDF")
    view = ReportsView(clinic)
    qtbot.addWidget(view)
    view.show()
    assert not view.print_button.isEnabled(), "nothing to print before a report is run"
    view.controls.kind.setCurrentIndex(view.controls.kind.findText("Package Usage"))
    with qtbot.waitSignal(view.report_shown, timeout=20000):
        click(qtbot, view.controls.run_button)
    jobs = []

    def print_it(dialog: PrintDialog) -> None:
        assert [dialog.paper.itemText(i) for i in range(dialog.paper.count())] == ["Letter"]
        jobs.append(printed_by(qtbot, dialog, dialog.print_button).job)
        dialog.reject()

    drive(PrintDialog, print_it)
    click(qtbot, view.print_button)
    words = text_of(cups.printed(jobs[0]))
    assert "Package Usage" in words and "Maria Lopez" in words
