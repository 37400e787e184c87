"""Asking for a clinic file's recovery key (issue 23): at start on a computer that does not
have the key, and when a backup from elsewhere is restored. The key is checked against the
file before the dialog closes; a wrong one says so and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.i18n import _
from app.services import clinic_key
from app.services.credentials import has_keyring

from ..forms import FormDialog


class RecoveryKeyDialog(FormDialog):
    """`check(typed)` returns what the typed key opened (raising ValidationError or WrongKey
    otherwise); `ask` returns that, or None when cancelled."""

    def __init__(self, message: str, check: Callable[[str], object], *,
                 parent: QWidget | None = None):
        super().__init__(_("Recovery key"), parent)
        self.check = check
        self.setMinimumWidth(560)
        text = QLabel(message)
        text.setWordWrap(True)
        self.body.insertWidget(0, text)
        self.key = QLineEdit()
        self.key.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.key.setPlaceholderText(_("XXXX-XXXX-XXXX-XXXX-…"))
        self.key.setMaxLength(120)
        self.form.addRow(_("&Recovery key:"), self.key)
        self.fields = {"recovery_key": self.key}
        if not has_keyring():
            note = QLabel(_("This computer has no credential store, so ClinicDesk keeps the key "
                            "only while it runs and asks for it at each start."))
            note.setWordWrap(True)
            self.body.addWidget(note)
        self.ok_button.setText(_("Open"))

    def refusal_title(self, error) -> str:
        return _("Not opened")

    def widget_for(self, error):
        return self.key  # (a wrong key too: the cursor goes back to it, its text selected)

    def save(self) -> None:
        self.outcome = self.check(self.key.text())


def ask_for_file(parent: QWidget | None, needed: clinic_key.KeyNeeded) -> str | None:
    """The key of the clinic file `needed.path`, typed and checked, kept on this desk."""
    path = Path(needed.path)
    return RecoveryKeyDialog.ask(parent, str(needed),
                                 lambda typed: clinic_key.unlock(path, typed))
