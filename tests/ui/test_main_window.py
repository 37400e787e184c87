"""The main window: three tabs named as the clinic says them, menus, the clinic's name."""

from __future__ import annotations

from app.ui.main_window import MainWindow
from app.ui.settings import SettingsDialog

from ui.helpers import retype


def make_window(qtbot, clinic) -> MainWindow:
    window = MainWindow(clinic)
    qtbot.addWidget(window)
    window.show()
    return window


def test_three_tabs_with_the_exact_names(qtbot, clinic):
    window = make_window(qtbot, clinic)
    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert names == ["Schedule", "Patient Billing", "Packages"]


def test_title_and_status_bar_show_the_clinic(qtbot, clinic):
    window = make_window(qtbot, clinic)
    assert window.windowTitle() == "ClinicDesk — Harbour Physio"
    assert window.clinic_label.text() == "Harbour Physio"


def test_menus(qtbot, clinic):
    window = make_window(qtbot, clinic)
    menus = {action.text().replace("&", ""): [a.text().replace("&", "")
                                              for a in action.menu().actions() if a.text()]
             for action in window.menuBar().actions()}
    assert menus == {"File": ["Settings…", "Import Patients from CSV…",
                              "Import Treatment Types from CSV…",
                              "Import Packages Sold Before ClinicDesk from CSV…",  # R42
                              "Import Opening Balances from CSV…",
                              "Import Upcoming Appointments from CSV…",
                              "Export a Table to CSV…",
                              "Export Journal…",
                              "Backup Now…", "Restore from Backup…", "Audit Trail…",
                              "Clinic Database…", "Lock", "Quit"],
                     "Desk": ["Search Patient", "New Purchase…", "Receive Payment…",
                              "Day Close…", "Sell Gift Card…", "Gift Card Balance…",  # R45
                              "Reload Gift Card…", "Outbox",  # R46
                              "Book Appointment…", "Previous Day", "Next Day",
                              "Show Schedule", "Show Patient Billing", "Show Packages"],
                     "Help": ["Keyboard Shortcuts", "About ClinicDesk"]}


def test_settings_change_reaches_the_title_and_the_tabs(qtbot, clinic, catalog, shown, drive):
    def rename(dialog: SettingsDialog) -> None:
        retype(qtbot, dialog.details.fields["name"], "Harbour Wellness")
        dialog.details.fields["currency"].setCurrentText("EUR")
        dialog.details.fields["locale"].setCurrentText("de_DE")
        dialog.ok_button.click()

    drive(SettingsDialog, rename)
    window = make_window(qtbot, clinic)
    window.settings_action.trigger()

    assert window.windowTitle() == "ClinicDesk — Harbour Wellness"
    assert window.clinic_label.text() == "Harbour Wellness"
    price = window.packages.proxy.index(0, 1).data()
    assert price == "800,00\u00a0€"


def test_switching_tabs_shows_fresh_data(qtbot, clinic, catalog):
    window = make_window(qtbot, clinic)
    clinic.patients.add("Zoe", "Young")
    window.tabs.setCurrentWidget(window.billing)
    assert window.billing.model.rowCount() == 2


def test_about_names_the_clinic_and_its_file(qtbot, clinic, shown):
    window = make_window(qtbot, clinic)
    window.about()
    assert "Harbour Physio" in shown.last and str(clinic.path) in shown.last


def test_file_menu_opens_the_csv_imports_and_refreshes_after(qtbot, clinic, catalog,
                                                             monkeypatch):
    from app.ui.dialogs.csv_export import ExportDialog
    from app.ui.dialogs.csv_import import ImportDialog

    asked = []

    def imported(parent, the_clinic, kind):  # the import is a write on the desk's worker
        from app.ui.tasks import tasks_for

        asked.append(kind)
        if kind == "patients":
            tasks_for(the_clinic).run(lambda on: on.patients.add("Zoe", "Young"), write=True)
        return True

    monkeypatch.setattr(ImportDialog, "ask", staticmethod(imported))
    monkeypatch.setattr(ExportDialog, "ask",
                        staticmethod(lambda parent, the_clinic: asked.append("export")))
    window = make_window(qtbot, clinic)
    window.tabs.setCurrentWidget(window.billing)
    before = window.billing.model.rowCount()
    window.import_patients_action.trigger()
    qtbot.waitUntil(lambda: window.billing.model.rowCount() == before + 1, timeout=5000)
    window.import_treatments_action.trigger()
    window.export_action.trigger()
    assert asked == ["patients", "treatment_types", "export"]
