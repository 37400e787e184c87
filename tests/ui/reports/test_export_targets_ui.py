"""R30 (issue 15, item 1) at the desk: one wrong click in a Save dialog cannot destroy the
clinic. The real chooser (app/ui/file_chooser.py) answers with the clinic's own file or a
backup; the service refuses, the desk shows the sentence and nothing is written."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from PySide6.QtWidgets import QFileDialog

from app.ui.dialogs.print_dialog import PrintDialog
from app.ui.reports import ReportsView
from app.ui.tasks import worker_idle

from ui.helpers import click

pytestmark = pytest.mark.sqlite_only(reason="the clinic's own file and its backups")


@pytest.fixture(autouse=True)
def idle_worker():
    yield
    assert worker_idle(20)


@pytest.fixture
def save_dialog(monkeypatch):
    """Qt's Save dialog, answered with `answer` (what the desk clicked)."""
    class Answer:
        answer = ""

    chosen = Answer()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (chosen.answer, "")))
    return chosen


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("button", ["csv_button", "xlsx_button", "pdf_button"])
def test_a_report_saved_over_the_clinic_file_is_refused_and_writes_nothing(
        qtbot, clinic, catalog, save_dialog, shown, button):
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    clinic.schedule.arrive(clinic.schedule.book(catalog["patient"], catalog["ana"],
                                                catalog["physio"], datetime(2026, 3, 3, 10)))
    view = ReportsView(clinic)
    qtbot.addWidget(view)
    view.show()
    view.controls.kind.setCurrentIndex(view.controls.kind.findText("Package Usage"))
    with qtbot.waitSignal(view.report_shown, timeout=20000):
        click(qtbot, view.controls.run_button)
    before = digest(clinic.path)
    save_dialog.answer = str(clinic.path)

    with qtbot.waitSignal(view.export_failed, timeout=30000):
        click(qtbot, getattr(view, button))

    ((_title, text),) = shown.boxes
    assert text.startswith(f"\u201c{clinic.path}\u201d is the clinic's own database file")
    assert view.status.text() == "Nothing was written."
    assert digest(clinic.path) == before
    assert clinic.patients.search("maria")[0].last_name == "Lopez"


def test_an_invoice_pdf_saved_over_a_backup_is_refused_and_writes_nothing(
        qtbot, clinic, catalog, save_dialog, shown):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    backup = clinic.backup.create()
    before = digest(backup)
    save_dialog.answer = str(backup)
    dialog = PrintDialog(clinic, invoice_id=sale.invoice_id)
    qtbot.addWidget(dialog)
    dialog.show()

    with qtbot.waitSignal(dialog.pdf_failed, timeout=20000):
        click(qtbot, dialog.save_button)

    assert "is in the clinic's backups folder" in shown.last
    assert dialog.saved_path is None and dialog.save_button.isEnabled()
    assert digest(backup) == before
