"""R42 from File › Import …: the three kinds of switching in through the one import dialog,
the preview with its problem rows, Import N Rows, and Cancel writing nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.ui.dialogs.csv_import import ImportDialog

from ui.dialogs.test_csv_dialogs import wait_for_preview

FILES = {
    "packages_before": ("Patient,Package,Used,Collected,Purchased\n"
                        "Maria Lopez,10 Massages,3,500.00,2025-11-20\n"
                        "Maria Lopez,10 Massages,11,0,2025-11-21\n"),
    "opening_balances": ("Patient,Owing,Credit\n"
                         "Maria Lopez,120.00,\n"
                         "Maria Lopez,-1,\n"),
    "upcoming_appointments": ("Patient,Practitioner,Treatment,Date,Time\n"
                              "Maria Lopez,Ana Silva,Massage 60 min,2026-03-10,14:30\n"
                              "Maria Lopez,Nobody,Massage 60 min,2026-03-10,14:30\n"),
}
TITLES = {"packages_before": "Import Packages Sold Before ClinicDesk",
          "opening_balances": "Import Opening Balances",
          "upcoming_appointments": "Import Upcoming Appointments"}


def written(clinic, patient_id) -> tuple:
    account = clinic.billing.account(patient_id)
    return (len(clinic.packages.for_patient(patient_id)), account.invoiced,
            len(clinic.schedule.upcoming(patient_id)))


@pytest.mark.parametrize("kind", sorted(FILES))
def test_r42_preview_problems_then_import_one_row(qtbot, monkeypatch, clinic, catalog, drive,
                                                  shown, tmp_path, kind):
    path = tmp_path / f"{kind}.csv"
    path.write_text(FILES[kind], encoding="utf-8")
    monkeypatch.setattr(ImportDialog, "choose_file", staticmethod(lambda parent, k: str(path)))
    seen = {}

    def desk(dialog):
        wait_for_preview(qtbot, dialog)
        seen["title"] = dialog.windowTitle()
        seen["counts"] = dialog.counts.text()
        seen["button"] = dialog.import_button.text()
        seen["untouched"] = written(clinic, catalog["patient"])
        with qtbot.waitSignal(dialog.import_over, timeout=10000):
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    answers = drive(ImportDialog, desk)
    assert ImportDialog.ask(None, clinic, kind) is True
    assert answers == [QDialog.DialogCode.Accepted]
    assert seen["title"] == TITLES[kind]
    assert seen["counts"] == "1 ready, 1 with a problem, 0 already in the clinic or the file"
    assert seen["button"] == "&Import 1 Row"
    assert seen["untouched"] == (0, 0, 0)
    assert shown.last == "1 row imported."
    packages, invoiced, upcoming = written(clinic, catalog["patient"])
    assert {"packages_before": packages == 1 and invoiced == 80000,
            "opening_balances": invoiced == 12000,
            "upcoming_appointments": upcoming == 1}[kind]


def test_r42_cancel_after_the_preview_writes_nothing(qtbot, monkeypatch, clinic, catalog, drive,
                                                     tmp_path):
    path = tmp_path / "packages.csv"
    path.write_text(FILES["packages_before"], encoding="utf-8")
    monkeypatch.setattr(ImportDialog, "choose_file", staticmethod(lambda parent, k: str(path)))

    def desk(dialog):
        wait_for_preview(qtbot, dialog)
        dialog.reject()

    drive(ImportDialog, desk)
    assert ImportDialog.ask(None, clinic, "packages_before") is False
    assert written(clinic, catalog["patient"]) == (0, 0, 0)


def test_r42_the_file_menu_offers_the_three_kinds(qtbot, clinic, catalog, monkeypatch):
    from app.ui.main_window import MainWindow
    asked = []
    monkeypatch.setattr(MainWindow, "_import", lambda self, kind: asked.append(kind))
    window = MainWindow(clinic)
    qtbot.addWidget(window)
    for action in (window.import_packages_action, window.import_balances_action,
                   window.import_appointments_action):
        action.trigger()
    assert asked == ["packages_before", "opening_balances", "upcoming_appointments"]
    assert window.import_packages_action.text() == \
        "Import &Packages Sold Before ClinicDesk from CSV…"
