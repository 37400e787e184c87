"""The part of a dialog where a manager picks their name and types their PIN: manager
approval (R30) and Unlock… (R50) ask it the same way, and the auth service decides."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit

from app.i18n import _
from app.services.staff import StaffRow


def secret_field(words: str) -> QLineEdit:
    """A field that hides what is typed, named `words` for the eye and the screen reader."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(words)
    field.setAccessibleName(words)
    return field


def add_manager_pin(dialog, intro: str, managers: list[StaffRow], ok_text: str) -> None:
    """Give the FormDialog `dialog` its intro, `.manager` (a choice of `managers`) and
    `.secret`; its OK button says `ok_text` and is enabled only when someone can answer."""
    dialog.intro = QLabel(intro)
    dialog.intro.setWordWrap(True)
    dialog.body.insertWidget(0, dialog.intro)
    dialog.manager = QComboBox()
    dialog.manager.setAccessibleName(_("Manager"))
    for member in managers:
        dialog.manager.addItem(member.name, member.id)
    dialog.secret = secret_field(_("Manager's PIN"))
    dialog.form.addRow(_("&Manager:"), dialog.manager)
    dialog.form.addRow(_("&PIN:"), dialog.secret)
    dialog.fields = {"secret": dialog.secret}
    dialog.ok_button.setText(ok_text)
    dialog.ok_button.setEnabled(bool(managers))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
