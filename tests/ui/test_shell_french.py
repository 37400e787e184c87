"""The shell in French (Canada) (issue 8): the main window's menus, tabs and status bar, and
each of the shell's dialogs, with nothing left in English; Qt's own buttons too. And the
language changed in Settings reaches the open window, both ways."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from app import i18n
from app.ui.dialogs.audit_browser import AuditTrailDialog
from app.ui.dialogs.backups import BackupsDialog
from app.ui.dialogs.bug_report import BugReportDialog
from app.ui.dialogs.first_manager import FirstManagerDialog
from app.ui.dialogs.first_run import FirstRunDialog
from app.ui.dialogs.keyboard_shortcuts import KeyboardShortcutsDialog
from app.ui.dialogs.sign_in import SignInDialog
from app.ui.idle_lock import LockCover
from app.ui.main_window import MainWindow
from app.ui.qt_language import apply_language
from app.ui.settings import SettingsDialog

from ui.i18n_helpers import untranslated_texts, visible_texts


@pytest.fixture
def french():
    apply_language(i18n.FRENCH)
    yield
    apply_language(i18n.ENGLISH)


@pytest.fixture
def english_afterwards():
    yield
    apply_language(i18n.ENGLISH)


def menus(window: MainWindow) -> dict[str, list[str]]:
    return {action.text().replace("&", ""): [a.text().replace("&", "")
                                             for a in action.menu().actions() if a.text()]
            for action in window.menuBar().actions()}


def on_screen(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_the_main_window_in_french(qtbot, clinic, catalog, french):
    window = on_screen(qtbot, MainWindow(clinic))
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Horaire", "Facturation des patients", "Forfaits"]
    assert list(menus(window)) == ["Fichier", "Réception", "Aide"]
    assert menus(window)["Réception"][:3] == ["Rechercher un patient", "Nouvel achat…",
                                             "Recevoir un paiement…"]
    assert window.signed_in_label.text() == "Aucune session ouverte"
    shell = [window.menuBar(), window.statusBar(), window.tabs.tabBar()]
    assert [text for part in shell for text in untranslated_texts(part)] == []


def test_the_whole_main_window_has_no_english_left(qtbot, clinic, catalog, french):
    """Menus, status bar and every tab (the tabs are other parts' words, shown here)."""
    window = on_screen(qtbot, MainWindow(clinic))
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
    assert untranslated_texts(window) == []


def test_who_is_signed_in_in_french(qtbot, clinic, catalog, french):
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.sign_in(catalog["ana"], "2468")
    window = on_screen(qtbot, MainWindow(clinic))
    assert window.signed_in_label.text() == "Session ouverte\u00a0: Ana Silva (gestionnaire)"


def test_each_shell_dialog_in_french(qtbot, clinic, catalog, french):
    clinic.auth.set_secret(catalog["desk"], "1111")
    dialogs = [
        SignInDialog(clinic), SignInDialog(clinic, locked=True), FirstManagerDialog(clinic),
        FirstRunDialog(clinic), BackupsDialog(clinic), AuditTrailDialog(clinic, []),
        BugReportDialog("Traceback: details"), KeyboardShortcutsDialog(),
    ]
    for dialog in dialogs:
        on_screen(qtbot, dialog)
        assert untranslated_texts(dialog) == [], type(dialog).__name__
    sign_in = dialogs[1]
    assert sign_in.windowTitle() == "ClinicDesk est verrouillé"
    assert sign_in.ok_button.text() == "Ouvrir une session"
    assert "Réception" not in visible_texts(sign_in)  # roles are lower case in a name
    assert any("Chloe" in text and "(réception)" in text for text in visible_texts(sign_in))


def test_qt_standard_buttons_speak_french(qtbot, clinic, french):
    dialog = on_screen(qtbot, FirstManagerDialog(clinic))
    assert dialog.ok_button.text() == "Créer et ouvrir une session"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Close)
    assert {b.text() for b in box.buttons()} == {"Annuler", "Fermer"}
    question = QMessageBox(QMessageBox.Icon.Question, "?", "?",
                           QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    assert {b.text().replace("&", "") for b in question.buttons()} == {"Oui", "Non"}


def test_back_in_english_qt_speaks_english_again(qtbot, english_afterwards):
    apply_language(i18n.FRENCH)
    apply_language(i18n.ENGLISH)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.buttons()[0].text() == "Cancel"


def test_the_lock_cover_in_french(qtbot, clinic, french):
    window = on_screen(qtbot, MainWindow(clinic))
    cover = LockCover(window, "Harbour Physio")
    assert untranslated_texts(cover) == []
    assert "Verrouillé" in visible_texts(cover)


def test_language_chosen_in_settings_reaches_the_open_window_and_back(
        qtbot, clinic, catalog, drive, shown, english_afterwards):
    def choose(code: str):
        def act(dialog: SettingsDialog) -> None:
            box = dialog.details.fields["language"]
            box.setCurrentIndex(box.findData(code))
            dialog.ok_button.click()
        return act

    window = on_screen(qtbot, MainWindow(clinic))
    window.tabs.setCurrentWidget(window.packages)
    drive(SettingsDialog, choose(i18n.FRENCH))
    window.settings_action.trigger()
    assert clinic.settings.get().language == i18n.FRENCH
    assert [window.tabs.tabText(i) for i in range(3)] == [
        "Horaire", "Facturation des patients", "Forfaits"]
    assert list(menus(window)) == ["Fichier", "Réception", "Aide"]
    assert window.tabs.currentWidget() is window.packages, "the same tab, rebuilt"
    assert window.settings_action.text() == "&Paramètres…"

    drive(SettingsDialog, choose(i18n.ENGLISH))
    window.settings_action.trigger()
    assert [window.tabs.tabText(i) for i in range(3)] == [
        "Schedule", "Patient Billing", "Packages"]
    assert list(menus(window)) == ["File", "Desk", "Help"]
    assert window.tabs.currentIndex() == 2
