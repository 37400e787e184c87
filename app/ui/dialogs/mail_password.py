"""The mail password, asked once this start (R46) when this computer has no credential store
that knows it: kept in this process only, never written anywhere."""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from app.i18n import _


class MailPasswordDialog(QDialog):
    def __init__(self, user: str, host: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Mail password"))
        why = QLabel(_("ClinicDesk has emails to send through {host}. Type the password of "
                       "{user}: it is kept only until ClinicDesk closes, because this "
                       "computer has no credential store that keeps it.").format(
                           host=host, user=user))
        why.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Mail password"))
        label = QLabel(_("&Password:"))
        label.setBuddy(self.password)
        form = QFormLayout()
        form.addRow(label, self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Send"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Not Now"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(why)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.password.setFocus()


def ask_password(parent: QWidget | None, clinic) -> str | None:
    """The password typed, or None when the desk chose Not Now (or typed nothing)."""
    account = clinic.mail.account()
    dialog = MailPasswordDialog(account.user, account.host, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.password.text() or None
    finally:
        dialog.deleteLater()
