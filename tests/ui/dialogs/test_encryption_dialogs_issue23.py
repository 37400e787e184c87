"""Issue 23 at the desk: the recovery sheet printed or saved before going on, the recovery
key asked for and checked, a manager offered encryption at start, and a restore of a backup
from elsewhere asking for its key."""

from __future__ import annotations

import keyring
import pypdfium2
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QDialogButtonBox

from app.services import Clinic, clinic_key
from app.ui import encryption_offer, msgbox
from app.ui.dialogs import backups, recovery_sheet
from app.ui.dialogs.print_dialog import PrintDialog
from app.ui.dialogs.recovery_key import RecoveryKeyDialog, ask_for_file
from app.ui.dialogs.recovery_sheet import RecoverySheetDialog

from ui.helpers import click

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(autouse=True)
def no_keys(monkeypatch):
    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    monkeypatch.setattr(clinic_key, "_known", {})
    monkeypatch.setattr(clinic_key._store, "_memory", {})


@pytest.fixture
def shown(monkeypatch):
    """Message boxes answered Yes, their titles and texts kept."""
    seen = []

    def show(parent, title, text, **kwargs):
        seen.append((title, text))
        return msgbox.Button.Yes

    monkeypatch.setattr(msgbox, "show", show)
    return seen


@pytest.fixture
def types(qtbot, monkeypatch):
    """The recovery key dialog, answered by typing each of `answers` and clicking Open
    until it closes."""
    def answering(answers):
        answers = iter(answers)

        def typing(self):
            self.show()
            while self.isVisible():
                self.key.setText(next(answers))
                click(qtbot, self.ok_button)
            return self.result()

        monkeypatch.setattr(RecoveryKeyDialog, "exec", typing)
    return answering


def test_the_sheet_must_be_printed_or_saved_before_going_on(qtbot, clinic, tmp_path,
                                                            monkeypatch):
    key = clinic_key.new_key()
    saved = tmp_path / "recovery.pdf"
    monkeypatch.setattr(PrintDialog, "choose_file", staticmethod(lambda parent, s: str(saved)))

    def save_it(self):  # the manager clicks Save as PDF… in the print dialog
        self.show()
        with qtbot.waitSignal(self.pdf_ready, timeout=20000):
            click(qtbot, self.save_button)
        return 1

    monkeypatch.setattr(PrintDialog, "exec", save_it)
    dialog = RecoverySheetDialog(clinic, key, can_cancel=False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel) is None
    assert not dialog.ok.isEnabled() and not dialog.kept.isEnabled()
    dialog.reject()  # Escape: a new clinic's sheet can't be skipped
    assert dialog.isVisible()
    click(qtbot, dialog.print_button)
    assert dialog.kept.isEnabled() and not dialog.ok.isEnabled()
    click(qtbot, dialog.kept)
    assert dialog.ok.isEnabled()
    document = pypdfium2.PdfDocument(saved)
    words = " ".join(document[0].get_textpage().get_text_range().split())
    document[0].close()
    document.close()
    assert clinic_key.recovery_text(key).split("-")[0] in words and "Harbour Physio" in words


def test_the_recovery_key_is_checked_before_the_dialog_closes(qtbot, tmp_path, monkeypatch,
                                                             shown, types):
    path = tmp_path / "clinic.db"
    made = Clinic.open(path, encrypt=True)
    key = made.new_recovery_key
    made.close()
    monkeypatch.setattr(clinic_key, "_known", {})
    monkeypatch.setattr(clinic_key._store, "_memory", {})
    with pytest.raises(clinic_key.KeyNeeded) as needed:
        Clinic.open(path)
    types(["3F2A", "ab" * 32, clinic_key.recovery_text(key).lower()])
    assert ask_for_file(None, needed.value) == key
    assert [title for title, _text in shown] == ["Not opened", "Not opened"]
    assert "this one has 4" in shown[0][1] and "does not open" in shown[1][1]
    with Clinic.open(path) as again:  # kept for this start: no second question
        assert again.db.key == key


def test_a_manager_is_offered_encryption_at_start(qtbot, clinic, catalog, shown,
                                                  monkeypatch):
    monkeypatch.setattr(RecoverySheetDialog, "ask", classmethod(
        lambda cls, parent, c, key, can_cancel: can_cancel))  # (its own test above)
    clinic.current_staff_id = catalog["desk"]
    encryption_offer.at_start(None, clinic, demo=False)
    assert shown == [] and not clinic.encryption.is_encrypted()  # not a manager: not asked
    clinic.current_staff_id = catalog["ana"]
    encryption_offer.at_start(None, clinic, demo=True)
    assert shown == []
    encryption_offer.at_start(None, clinic, demo=False)
    assert [title for title, _text in shown] == ["Encrypt the clinic file?",
                                                 "Remove the unencrypted copy?"]
    assert clinic.encryption.is_encrypted() and clinic_key.is_encrypted(clinic.path)
    assert clinic.encryption.plain_copy() is None
    assert [p.name for p in clinic.path.parent.iterdir() if "unencrypted" in p.name] == []
    names = [p.full_name for p in clinic.patients.search("Lop")]
    assert names == ["Maria Lopez"]  # the clinic goes on, under its key


def test_restoring_a_backup_from_elsewhere_asks_for_its_key(qtbot, clinic, catalog, tmp_path,
                                                          monkeypatch, shown, types):
    other = Clinic.open(tmp_path / "elsewhere" / "clinic.db", encrypt=True)
    other.settings.update(name="Elsewhere Physio", setup_complete=True)
    key = other.new_recovery_key
    backup = other.backup.create()
    other.close()
    monkeypatch.setattr(clinic_key, "_known", {})
    monkeypatch.setattr(clinic_key._store, "_memory", {})
    types(["12" * 32, clinic_key.recovery_text(key)])
    dialog = backups.BackupsDialog(clinic)
    qtbot.addWidget(dialog)
    assert dialog.restore(backup, backup.name)
    assert clinic.settings.get().name == "Elsewhere Physio"
    assert any("does not open" in text for _title, text in shown)
    assert not clinic_key.is_encrypted(clinic.path)  # (this clinic was plain: it stays so)
