"""Every file chooser starts in the user's Documents, then where this desk last saved or opened
a file (issue 14, item 16). The system chooser itself is modal: it is replaced by one that
records the folder it was opened in and answers with a file the test picks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

from app.ui.dialogs.backups import choose_restore_file
from app.ui.dialogs.csv_export import choose_export_file
from app.ui.dialogs.csv_import import choose_import_file
from app.ui.dialogs.print_dialog import PrintDialog
from app.ui.reports.view import choose_file as choose_report_file

from ui.helpers import click


@pytest.fixture
def documents(tmp_path, monkeypatch) -> Path:
    """The user's Documents folder, as the desktop declares it (XDG user-dirs)."""
    folder = tmp_path / "My Documents"
    folder.mkdir()
    config = tmp_path / "config"
    config.mkdir()
    (config / "user-dirs.dirs").write_text(f'XDG_DOCUMENTS_DIR="{folder}"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return folder


@pytest.fixture
def system_chooser(monkeypatch):
    """Answers `answer` (None: the desk cancels); `opened_in` records each start folder."""
    class Chooser:
        answer: Path | None = None
        opened_in: list[Path] = []

        def save(self, parent, title, start, filters):
            self.opened_in.append(Path(start).parent)
            return (str(self.answer) if self.answer else "", filters)

        def open(self, parent, title, start, filters):
            self.opened_in.append(Path(start))
            return (str(self.answer) if self.answer else "", filters)

    chooser = Chooser()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(chooser.save))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(chooser.open))
    return chooser


@pytest.fixture
def invoice(clinic, catalog):
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).invoice_id


def test_the_first_save_as_pdf_starts_in_documents_and_the_next_where_the_last_went(
        qtbot, clinic, invoice, documents, system_chooser, tmp_path, shown):
    elsewhere = tmp_path / "usb key"
    elsewhere.mkdir()
    dialog = PrintDialog(clinic, invoice_id=invoice)
    qtbot.addWidget(dialog)
    dialog.show()
    system_chooser.answer = elsewhere / "invoice.pdf"
    with qtbot.waitSignal(dialog.pdf_ready, timeout=20000):
        click(qtbot, dialog.save_button)
    assert system_chooser.opened_in == [documents]
    assert (elsewhere / "invoice.pdf").exists()

    system_chooser.answer = None
    click(qtbot, dialog.save_button)
    assert system_chooser.opened_in[-1] == elsewhere


def test_every_chooser_shares_the_desks_last_folder(documents, system_chooser, tmp_path):
    exports, imports = tmp_path / "exports", tmp_path / "imports"
    exports.mkdir()
    imports.mkdir()
    system_chooser.answer = exports / "report.csv"
    assert choose_report_file(None, "Usage.csv", "csv") == str(exports / "report.csv")
    system_chooser.answer = imports / "patients.csv"
    assert choose_import_file(None, "patients") == str(imports / "patients.csv")
    system_chooser.answer = None
    assert choose_export_file(None, "patients.csv") is None
    assert choose_restore_file(None) is None
    assert system_chooser.opened_in == [documents, exports, imports, imports]


def test_the_last_folder_is_this_desks_and_a_vanished_one_falls_back_to_documents(
        documents, system_chooser, tmp_path):
    gone = tmp_path / "unplugged"
    gone.mkdir()
    system_chooser.answer = gone / "backup.db"
    choose_export_file(None, "backup.db")
    desk = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                     "ClinicDesk", "ClinicDesk")
    assert Path(desk.value("files/last_folder")) == gone, "kept in the desk's own settings"
    gone.rmdir()
    system_chooser.answer = None
    choose_restore_file(None)
    assert system_chooser.opened_in[-1] == documents
