"""File › Import… and Export to CSV… dialogs, driven as the desk would (issue 8)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.services.csv import ERROR
from app.ui.dialogs.csv_export import ExportDialog
from app.ui.dialogs.csv_import import ImportDialog

from ui.i18n_helpers import untranslated_texts

CSV_TEXT = ("First name,Last name,Email,Phone,Favourite colour\n"
            "Maria,Lopez,maria@example.com,902-555-0101,blue\n"   # already in the clinic
            "Émilie,Côté,emilie@example.com,,green\n"
            "Jean,Tremblay,,(902) 555-0199,\n"
            "Bad,Email,not-an-email,,\n")


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "patients.csv"
    path.write_text(CSV_TEXT, encoding="utf-8-sig")
    return str(path)


def names(clinic) -> list[str]:
    return sorted(p.first_name for p in clinic.patients.search("", limit=100))


def wait_for_preview(qtbot, dialog):
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog._task is None, timeout=10000)


# -- import ---------------------------------------------------------------------------------

def test_choose_a_file_see_the_preview_and_import(qtbot, monkeypatch, clinic, catalog,
                                                  csv_file, drive, shown):
    monkeypatch.setattr(ImportDialog, "choose_file", staticmethod(lambda parent, kind: csv_file))
    seen = {}

    def desk(dialog):
        wait_for_preview(qtbot, dialog)
        seen["counts"] = dialog.counts.text()
        seen["unknown"] = dialog.unknown.text()
        seen["button"] = dialog.import_button.text()
        seen["enabled"] = dialog.import_button.isEnabled()
        bad = dialog.model.rows().index(next(r for r in dialog.model.rows()
                                             if r.status == ERROR))
        seen["background"] = dialog.model.data(dialog.model.index(bad, 0),
                                               Qt.ItemDataRole.BackgroundRole)
        seen["detail"] = dialog.detail.text()
        dialog.only_problems.setChecked(True)
        seen["filtered"] = dialog.model.rowCount()
        assert names(clinic) == ["Maria"]          # nothing written by the preview
        with qtbot.waitSignal(dialog.import_over, timeout=10000):
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    answers = drive(ImportDialog, desk)
    assert ImportDialog.ask(None, clinic, "patients") is True
    assert answers == [QDialog.DialogCode.Accepted]
    assert seen["counts"] == "2 ready, 1 with a problem, 1 already in the clinic or the file"
    assert seen["unknown"].endswith("Favourite colour")
    assert seen["button"] == "&Import 2 Patients" and seen["enabled"]
    assert seen["background"] is not None
    assert seen["detail"] == "Row 5: \u201cnot-an-email\u201d is not an email address."
    assert seen["filtered"] == 2
    assert names(clinic) == ["Jean", "Maria", "Émilie"]
    assert shown.last == "2 patients imported."


def test_cancel_after_the_preview_writes_nothing(qtbot, monkeypatch, clinic, csv_file, drive,
                                                 shown):
    monkeypatch.setattr(ImportDialog, "choose_file", staticmethod(lambda parent, kind: csv_file))

    def desk(dialog):
        wait_for_preview(qtbot, dialog)
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    answers = drive(ImportDialog, desk)
    assert ImportDialog.ask(None, clinic, "patients") is False
    assert answers == [QDialog.DialogCode.Rejected]
    assert names(clinic) == []
    assert shown.boxes == []


def test_cancel_during_the_import_rolls_it_back(qtbot, monkeypatch, clinic, csv_file, shown):
    real = clinic.csv.import_rows
    started = threading.Event()

    def slow_import(preview, *, progress=None, cancelled=None):
        started.set()
        while not cancelled():           # the desk presses Cancel while this runs
            threading.Event().wait(0.01)
        return real(preview, progress=progress, cancelled=cancelled)

    monkeypatch.setattr(clinic.csv, "import_rows", slow_import)
    dialog = ImportDialog(clinic, "patients", csv_file)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_for_preview(qtbot, dialog)
    dialog.import_button.click()
    qtbot.waitUntil(started.is_set)
    with qtbot.waitSignal(dialog.import_over, timeout=10000) as over:
        dialog.reject()
        assert dialog.status.text().startswith("Stopping")
    assert over.args[0].cancelled
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert names(clinic) == []
    assert shown.boxes == []


def test_a_file_that_cannot_be_imported_is_explained(qtbot, clinic, tmp_path, shown):
    path = tmp_path / "emails.csv"
    path.write_text("Email\na@example.com\n")
    dialog = ImportDialog(clinic, "patients", str(path))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        pass
    assert "no column for the patients' names" in shown.last
    assert not dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Import 0 Patients"


def test_a_file_with_nothing_ready_cannot_be_imported(qtbot, clinic, tmp_path, shown):
    path = tmp_path / "bad.csv"
    path.write_text("First name,Last name,Email\nA,B,nope\n")
    dialog = ImportDialog(clinic, "patients", str(path))
    qtbot.addWidget(dialog)
    wait_for_preview(qtbot, dialog)
    assert dialog.counts.text() == "0 ready, 1 with a problem, 0 already in the clinic or the file"
    assert not dialog.import_button.isEnabled()


def test_front_desk_is_told_before_choosing_a_file_of_treatment_types(monkeypatch, clinic,
                                                                    catalog, shown):
    clinic.auth.set_secret(catalog["desk"], "1111")
    clinic.auth.sign_in(catalog["desk"], "1111")
    chosen = []
    monkeypatch.setattr(ImportDialog, "choose_file",
                        staticmethod(lambda parent, kind: chosen.append(kind)))
    assert ImportDialog.ask(None, clinic, "treatment_types") is False
    assert chosen == []
    assert "Only a manager can change treatment types" in shown.last


def test_treatment_types_import_through_the_dialog(qtbot, clinic, tmp_path, shown):
    path = tmp_path / "treatments.csv"
    path.write_text("Name;Duration;Price;Tax\nMassage 60;60;90,00;15%\nCupping;30;45;\n",
                    encoding="cp1252")
    dialog = ImportDialog(clinic, "treatment_types", str(path))
    qtbot.addWidget(dialog)
    wait_for_preview(qtbot, dialog)
    assert dialog.import_button.text() == "&Import 1 Treatment Type"
    assert "Problem" in [dialog.model.display(r, 1) for r in dialog.model.rows()]  # "90,00"
    assert dialog.property("managerOnly") and not dialog.property("keepsLockAway")
    with qtbot.waitSignal(dialog.import_over, timeout=10000):
        dialog.import_button.click()
    assert [t.name for t in clinic.catalog.treatment_types()] == ["Cupping"]


def test_keyboard_and_screen_reader(qtbot, clinic, csv_file):
    dialog = ImportDialog(clinic, "patients", csv_file)
    qtbot.addWidget(dialog)
    wait_for_preview(qtbot, dialog)
    for widget in (dialog.choose_button, dialog.only_problems, dialog.import_button):
        assert "&" in widget.text()
    order, widget = [], dialog.choose_button
    for _ in range(4):
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget = widget.nextInFocusChain()
        order.append(widget)
    assert order == [dialog.only_problems, dialog.table, dialog.import_button,
                     dialog.cancel_button]
    assert dialog.table.accessibleName() and dialog.counts.accessibleName()


# -- export ---------------------------------------------------------------------------------

def test_export_a_table_with_progress(qtbot, monkeypatch, clinic, catalog, tmp_path, drive,
                                      shown):
    target = tmp_path / "patients.csv"
    monkeypatch.setattr(ExportDialog, "choose_file",
                        staticmethod(lambda parent, suggested: str(target)))
    progress = []

    def desk(dialog):
        assert dialog.table_box.currentData() == "patients"
        with qtbot.waitSignal(dialog.export_over, timeout=10000):
            qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
            assert dialog.bar.isVisible() and dialog._ticks.isActive()
        progress.append(dialog._progress.value)
        assert not dialog._ticks.isActive()

    answers = drive(ExportDialog, desk)
    assert ExportDialog.ask(None, clinic) is True
    assert answers == [QDialog.DialogCode.Accepted]
    assert progress == [(1, 1)]
    assert "Maria" in target.read_text(encoding="utf-8-sig")
    assert shown.last == f"1 row written to {target}."


def test_cancel_an_export_leaves_no_file(qtbot, monkeypatch, clinic, catalog, tmp_path, shown):
    target = tmp_path / "appointments.csv"
    monkeypatch.setattr(ExportDialog, "choose_file",
                        staticmethod(lambda parent, suggested: str(target)))
    real = clinic.csv.export_table
    started = threading.Event()

    def slow_export(table, path, *, progress=None, cancelled=None):
        started.set()
        while not cancelled():
            threading.Event().wait(0.01)
        return real(table, path, progress=progress, cancelled=cancelled)

    monkeypatch.setattr(clinic.csv, "export_table", slow_export)
    dialog = ExportDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table_box.setCurrentIndex(dialog.table_box.findData("appointments"))
    dialog.export_button.click()
    assert dialog.bar.isVisible() and not dialog.export_button.isEnabled()
    assert dialog.property("keepsLockAway")          # the idle lock waits for it
    qtbot.waitUntil(started.is_set)
    with qtbot.waitSignal(dialog.export_over, timeout=10000) as over:
        dialog.reject()
    assert over.args[0].cancelled and not dialog.property("keepsLockAway")
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert list(tmp_path.iterdir()) == [] or not any("appointments" in p.name
                                                     for p in tmp_path.iterdir())
    assert shown.boxes == []


def test_front_desk_cannot_export_patients_but_can_export_the_catalogue(
        qtbot, monkeypatch, clinic, catalog, tmp_path, shown):
    clinic.auth.set_secret(catalog["desk"], "1111")
    clinic.auth.sign_in(catalog["desk"], "1111")
    chosen = []
    monkeypatch.setattr(ExportDialog, "choose_file", staticmethod(
        lambda parent, suggested: chosen.append(suggested) or str(tmp_path / "t.csv")))
    dialog = ExportDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.export_button.click()
    assert "Only a manager can export the table \u201cPatients\u201d" in shown.last and chosen == []
    dialog.table_box.setCurrentIndex(dialog.table_box.findData("treatment_types"))
    with qtbot.waitSignal(dialog.export_over, timeout=10000):
        dialog.export_button.click()
    assert chosen[0].startswith("Treatment types ")
    assert (tmp_path / "t.csv").exists()


def test_the_bar_follows_the_worker(qtbot, clinic):
    dialog = ExportDialog(clinic)
    qtbot.addWidget(dialog)
    dialog._progress.report(3, 10)
    dialog._ticks.tick()
    assert (dialog.bar.value(), dialog.bar.maximum()) == (3, 10)


# -- in French ------------------------------------------------------------------------------

def test_both_dialogs_in_french(qtbot, french, clinic, catalog, csv_file):
    dialog = ImportDialog(clinic, "patients", csv_file)
    qtbot.addWidget(dialog)
    wait_for_preview(qtbot, dialog)
    assert dialog.windowTitle() == "Importer des patients"
    assert dialog.counts.text() == ("2 lignes prêtes, 1 avec un problème, "
                                    "1 déjà dans la clinique ou le fichier")
    assert dialog.import_button.text() == "&Importer 2 patients"
    assert untranslated_texts(dialog) == []

    export = ExportDialog(clinic)
    qtbot.addWidget(export)
    assert export.table_box.currentText() == "Patients"
    assert "Rendez-vous" in [export.table_box.itemText(i)
                             for i in range(export.table_box.count())]
    assert untranslated_texts(export) == []
