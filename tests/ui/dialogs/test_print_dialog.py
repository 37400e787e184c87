"""View / Print (R31): the PDF is written on a worker thread, on the paper chosen."""

from __future__ import annotations

import re
import threading

import pytest

from app.ui.dialogs.print_dialog import PrintDialog

from ui.helpers import click

MEDIA = re.compile(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]")


def page_size(path) -> tuple[int, int]:
    """The first page's width and height in points, rounded."""
    data = open(path, "rb").read()
    assert data.startswith(b"%PDF")
    width, height = MEDIA.search(data).groups()
    return round(float(width)), round(float(height))


@pytest.fixture
def invoice(clinic, catalog):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clinic.billing.receive_payment(catalog["patient"], 30000, "debit",
                                   invoice_id=sale.invoice_id)
    return sale.invoice_id


@pytest.fixture
def opened(monkeypatch):
    """The system viewer, replaced: the paths it was asked to show."""
    paths = []
    monkeypatch.setattr(PrintDialog, "open_file",
                        staticmethod(lambda path: paths.append(path) or True))
    return paths


@pytest.fixture
def chooser(monkeypatch, tmp_path):
    """The file chooser, replaced: answers with `answer`, records what it suggested."""
    class Chooser:
        answer: str | None = str(tmp_path / "invoice.pdf")
        suggested: list[str] = []

        def __call__(self, parent, suggested):
            self.suggested.append(suggested)
            return self.answer

    fake = Chooser()
    monkeypatch.setattr(PrintDialog, "choose_file", staticmethod(fake))
    return fake


def make_dialog(qtbot, clinic, **ids) -> PrintDialog:
    dialog = PrintDialog(clinic, **ids)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_r31_save_as_pdf_on_a4(qtbot, clinic, invoice, chooser, shown):
    dialog = make_dialog(qtbot, clinic, invoice_id=invoice)
    assert dialog.windowTitle() == "View / Print Invoice 1"
    assert "Package: 10 Massages" in dialog.summary.text()
    assert dialog.paper.currentText() == "Letter", "the clinic's paper"
    dialog.paper.setCurrentIndex(dialog.paper.findText("A4"))
    with qtbot.waitSignal(dialog.pdf_ready, timeout=20000) as written:
        click(qtbot, dialog.save_button)
    assert written.args == [chooser.answer]
    assert chooser.suggested == ["Invoice 1 - Maria Lopez.pdf"]
    assert page_size(chooser.answer) == (595, 842)
    assert dialog.status.text() == f"Saved: {chooser.answer}"
    assert dialog.open_button.isEnabled() and shown.boxes == []


def test_r31_open_shows_it_in_the_viewer_on_the_clinics_roll(qtbot, clinic, invoice, opened):
    clinic.settings.update(paper="roll80")
    dialog = make_dialog(qtbot, clinic, invoice_id=invoice)
    assert dialog.paper.currentText() == "80 mm roll"
    with qtbot.waitSignal(dialog.pdf_ready, timeout=20000):
        click(qtbot, dialog.open_button)
    [path] = opened
    assert path.endswith("Invoice 1.pdf")
    assert page_size(path)[0] == 227  # 80 mm


def test_a_cancelled_file_chooser_writes_nothing(qtbot, clinic, invoice, chooser, tmp_path):
    chooser.answer = None
    dialog = make_dialog(qtbot, clinic, invoice_id=invoice)
    click(qtbot, dialog.save_button)
    assert dialog._task is None and dialog.save_button.isEnabled()
    assert list(tmp_path.glob("*.pdf")) == []


def test_a_name_without_pdf_gets_it(qtbot, clinic, invoice, chooser, tmp_path):
    chooser.answer = str(tmp_path / "for the insurer")
    dialog = make_dialog(qtbot, clinic, invoice_id=invoice)
    with qtbot.waitSignal(dialog.pdf_ready, timeout=20000):
        click(qtbot, dialog.save_button)
    assert (tmp_path / "for the insurer.pdf").stat().st_size > 0


def test_the_pdf_is_written_off_the_gui_thread_while_the_dialog_shows_it_is_busy(
        qtbot, clinic, invoice, chooser, monkeypatch):
    release = threading.Event()
    threads = []
    real = clinic.printing.invoice_pdf

    def slow(*args, **kwargs):
        threads.append(threading.current_thread())
        assert release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(clinic.printing, "invoice_pdf", slow)
    dialog = make_dialog(qtbot, clinic, invoice_id=invoice)
    with qtbot.waitSignal(dialog.pdf_ready, timeout=20000):
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda: bool(threads), timeout=5000)
        assert dialog.busy.isVisible()
        assert not dialog.save_button.isEnabled() and not dialog.paper.isEnabled()
        dialog.reject()
        assert dialog.isVisible(), "not closed while the PDF is being written"
        release.set()
    assert threads[0] is not threading.main_thread()
    assert not dialog.busy.isVisible() and dialog.save_button.isEnabled()


def test_a_refused_pdf_is_explained_and_nothing_is_written(qtbot, clinic, invoice, chooser,
                                                           tmp_path, shown):
    chooser.answer = str(tmp_path / "no such folder" / "invoice.pdf")
    dialog = make_dialog(qtbot, clinic, invoice_id=invoice)
    with qtbot.waitSignal(dialog.pdf_failed, timeout=20000):
        click(qtbot, dialog.save_button)
    assert "does not exist; choose another place" in shown.last
    assert dialog.save_button.isEnabled() and dialog.saved_path is None
    assert not (tmp_path / "no such folder").exists()


def test_r31_refund_receipt(qtbot, clinic, catalog, chooser):
    payment = clinic.billing.receive_payment(catalog["patient"], 10000, "cash")
    refund = clinic.billing.refund_payment(payment, 4000)
    dialog = make_dialog(qtbot, clinic, refund_id=refund)
    assert dialog.windowTitle() == f"View / Print Refund receipt {refund}"
    assert "Refund of $40.00" in dialog.summary.text()
    with qtbot.waitSignal(dialog.pdf_ready, timeout=20000):
        click(qtbot, dialog.save_button)
    assert page_size(chooser.answer) == (612, 792)  # Letter


def test_ask_returns_the_saved_path(qtbot, clinic, invoice, chooser, drive):
    def save(d: PrintDialog) -> None:
        with qtbot.waitSignal(d.pdf_ready, timeout=20000):
            click(qtbot, d.save_button)
        d.reject()

    drive(PrintDialog, save)
    assert PrintDialog.ask(clinic, invoice_id=invoice) == chooser.answer
