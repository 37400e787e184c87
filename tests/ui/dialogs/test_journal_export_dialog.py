"""R35 File › Export Journal…: the desk types From and To, picks a format, saves, and the file
is written on the task runner with a progress bar; a refusal (the dates, the folder) is shown
in the service's words and nothing is written."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.ui.dialogs.journal_export import JournalExportDialog
from app.ui.main_window import MainWindow

from ui.helpers import click
from ui.test_date_fields import type_over


@pytest.fixture
def sale(clinic, catalog, clock):
    """Maria buys "3 Physio" ($100.00) on March 2 and pays it in cash."""
    clock.set(datetime(2026, 3, 2, 9))
    sold = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    clinic.billing.receive_payment(catalog["patient"], 10000, "cash",
                                   invoice_id=sold.invoice_id)
    return sold


def window_for(qtbot, clinic) -> MainWindow:
    window = MainWindow(clinic)
    qtbot.addWidget(window)
    window.show()
    return window


def test_r35_export_journal_from_the_file_menu_to_xero(qtbot, monkeypatch, clinic, sale,
                                                       tmp_path, drive, shown):
    target = tmp_path / "exports" / "march"
    target.parent.mkdir()
    asked = []
    monkeypatch.setattr(JournalExportDialog, "choose_file", staticmethod(
        lambda parent, suggested, kind: asked.append((suggested, kind)) or str(target)))

    def desk(dialog):
        type_over(qtbot, dialog.start_field, "2026-03-01")
        type_over(qtbot, dialog.end_field, "Mar 31, 2026")
        dialog.format_box.setFocus()
        dialog.format_box.setCurrentIndex(dialog.format_box.findData("xero"))
        assert "300 lines" in dialog.note.text()
        with qtbot.waitSignal(dialog.export_over, timeout=20000):
            click(qtbot, dialog.export_button)
            assert dialog.bar.isVisible() and not dialog.export_button.isEnabled()

    window = window_for(qtbot, clinic)
    answers = drive(JournalExportDialog, desk)
    assert window.export_journal_action.text() == "Export &Journal…"
    window.export_journal_action.trigger()
    assert answers == [QDialog.DialogCode.Accepted]
    assert asked == [("Journal 2026-03-01 to 2026-03-31.csv", "xero")]
    written = target.with_suffix(".csv")
    with open(written, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Narration", "Date", "Description", "AccountCode", "TaxRate", "Amount"]
    assert {row[1] for row in rows[1:]} == {"02/03/2026"}
    entries = len(clinic.accounting.journal(datetime(2026, 3, 1).date(),
                                            datetime(2026, 3, 31).date()))
    assert shown.last == f"{entries} entries written to {written}."


def test_r35_end_before_start_is_refused_before_the_file_is_asked(qtbot, monkeypatch, clinic,
                                                                   sale, tmp_path, shown):
    monkeypatch.setattr(JournalExportDialog, "choose_file", staticmethod(
        lambda *args: pytest.fail("no file is asked for a refused period")))
    dialog = JournalExportDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    type_over(qtbot, dialog.start_field, "2026-03-31")
    type_over(qtbot, dialog.end_field, "2026-03-01")
    click(qtbot, dialog.export_button)
    assert shown.last.startswith("The end date (Mar 1, 2026) must be on or after the start")
    assert dialog.isVisible() and dialog._task is None


def test_r35_a_missing_folder_is_refused_in_words_and_nothing_is_written(
        qtbot, monkeypatch, clinic, sale, tmp_path, shown):
    nowhere = tmp_path / "gone" / "journal.beancount"
    monkeypatch.setattr(JournalExportDialog, "choose_file",
                        staticmethod(lambda parent, suggested, kind: str(nowhere)))
    dialog = JournalExportDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.kind == "beancount"
    with qtbot.waitSignal(dialog.export_over, timeout=20000) as over:
        click(qtbot, dialog.export_button)
    assert "does not exist" in str(over.args[0])
    assert shown.last == str(over.args[0])
    assert dialog.status.text() == "Nothing was written." and dialog.export_button.isEnabled()
    assert not nowhere.parent.exists()


def test_r35_beancount_export_from_the_dialog_loads_without_error(qtbot, monkeypatch, clinic,
                                                                  sale, tmp_path, shown):
    from beancount import loader
    target = tmp_path / "out" / "feb-mar.beancount"
    target.parent.mkdir()
    monkeypatch.setattr(JournalExportDialog, "choose_file",
                        staticmethod(lambda parent, suggested, kind: str(target)))
    dialog = JournalExportDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    type_over(qtbot, dialog.end_field, "2026-03-31")  # From stays on February 1
    qtbot.keyClick(dialog.end_field, Qt.Key.Key_Tab)
    with qtbot.waitSignal(dialog.export_over, timeout=20000):
        click(qtbot, dialog.export_button)
    _entries, errors, _options = loader.load_file(str(target))
    assert errors == [] and "2026-02-01 open Assets:" in target.read_text(encoding="utf-8")


def test_r35_the_dialog_in_french_and_its_mnemonics(qtbot, clinic, french):
    from ui.i18n_helpers import untranslated_texts
    from ui.packages.test_packages_french import clashing_mnemonics
    dialog = JournalExportDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Exporter le journal comptable"
    for index in range(dialog.format_box.count()):
        dialog.format_box.setCurrentIndex(index)
        assert untranslated_texts(dialog) == [], dialog.format_box.currentText()
    assert clashing_mnemonics(dialog) == []


def test_r35_cancel_stops_the_export_and_keeps_no_file(qtbot, monkeypatch, clinic, sale,
                                                       tmp_path, shown):
    import threading
    target = tmp_path / "out" / "j.beancount"
    target.parent.mkdir()
    monkeypatch.setattr(JournalExportDialog, "choose_file",
                        staticmethod(lambda parent, suggested, kind: str(target)))
    real, started = clinic.accounting.export_journal, threading.Event()

    def slow(*args, cancelled=None, **kwargs):
        started.set()
        while not cancelled():
            threading.Event().wait(0.01)
        return real(*args, cancelled=cancelled, **kwargs)
    monkeypatch.setattr(clinic.accounting, "export_journal", slow)
    dialog = JournalExportDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.export_button)
    assert dialog.property("keepsLockAway")  # the idle lock waits for it
    qtbot.waitUntil(started.is_set)
    with qtbot.waitSignal(dialog.export_over, timeout=20000) as over:
        click(qtbot, dialog.cancel_button)
    assert over.args[0].cancelled and dialog.result() == QDialog.DialogCode.Rejected
    assert list(target.parent.iterdir()) == [] and shown.boxes == []


def test_r35_the_front_desk_exports_the_journal_only_with_a_managers_pin(
        qtbot, monkeypatch, clinic, desk, sale, tmp_path, drive, shown):
    """The journal names patients beside every amount: the menu says "(manager)" to Chloe,
    a manager's PIN opens the form, and the approval goes with the export to the worker."""
    from app.ui.dialogs.manager_approval import ManagerApprovalDialog

    target = tmp_path / "march.beancount"
    monkeypatch.setattr(JournalExportDialog, "choose_file",
                        staticmethod(lambda parent, suggested, kind: str(target)))
    window = window_for(qtbot, clinic)
    assert window.export_journal_action.text() == "Export &Journal… (manager)"

    drive(ManagerApprovalDialog, lambda dialog: dialog.reject())
    window.export_journal_action.trigger()  # cancelled: no form, no file
    assert not target.exists()

    def approve(dialog: ManagerApprovalDialog) -> None:
        qtbot.keyClicks(dialog.secret, "2468")
        click(qtbot, dialog.ok_button)

    def export(dialog):
        type_over(qtbot, dialog.start_field, "2026-03-01")
        type_over(qtbot, dialog.end_field, "2026-03-31")
        dialog.format_box.setCurrentIndex(dialog.format_box.findData("beancount"))
        with qtbot.waitSignal(dialog.export_over, timeout=20000) as over:
            click(qtbot, dialog.export_button)
        assert not isinstance(over.args[0], Exception), over.args[0]

    drive(ManagerApprovalDialog, approve)
    drive(JournalExportDialog, export)
    window.export_journal_action.trigger()
    assert target.exists() and "Accounts-Receivable  -100.00 CAD" in target.read_text()
    # the approval was for that export: the desk is the front desk's again
    assert clinic.auth.needs_approval("export the clinic's journal")


def test_r35_a_xero_journal_in_many_files_names_the_first_and_the_last_further_file(
        qtbot, monkeypatch, clinic, catalog, sale, tmp_path, drive, shown):
    """A year for Xero is a thousand files: the message names the range, not each one."""
    from app.services.accounting import exporting

    for amount in (1000, 2000, 3000, 4000):  # credit: an entry each, beside the sale's two
        clinic.billing.receive_payment(catalog["patient"], amount, "cash")
    monkeypatch.setattr(exporting, "XERO_LINES", 2)  # an entry a file (its header, one line)
    target = tmp_path / "xero.csv"
    monkeypatch.setattr(JournalExportDialog, "choose_file",
                        staticmethod(lambda parent, suggested, kind: str(target)))

    def desk(dialog):
        type_over(qtbot, dialog.start_field, "2026-03-01")
        type_over(qtbot, dialog.end_field, "2026-03-31")
        dialog.format_box.setCurrentIndex(dialog.format_box.findData("xero"))
        with qtbot.waitSignal(dialog.export_over, timeout=20000) as over:
            click(qtbot, dialog.export_button)
        files = over.args[0].files
        assert len(files) == over.args[0].entries == 6
        assert all(path.is_file() for path in files)

    window = window_for(qtbot, clinic)
    answers = drive(JournalExportDialog, desk)
    window.export_journal_action.trigger()
    assert answers == [QDialog.DialogCode.Accepted]
    assert shown.last == (f"6 entries written to {target}. Xero takes 300 lines a file: the "
                          "journal continues in xero-2.csv to xero-6.csv, 5 more files in all.")


def test_r35_a_few_further_xero_files_are_each_named():
    from pathlib import Path

    from app.ui.dialogs.journal_export import continued_in

    assert continued_in(()) == ""
    assert continued_in((Path("/x/j-2.csv"), Path("/x/j-3.csv"))) == (
        " Xero takes 300 lines a file: the journal continues in j-2.csv, j-3.csv.")
