"""Settings › Email (R46): the clinic's mail server, its password, and Send Test Email.

The server's fields are saved with the clinic details when the manager presses OK (the
settings service checks every one and names the field it refuses). The password is not a
setting: it goes to this computer's credential store through `clinic.mail.passwords`, never
to the clinic file. The test is sent on the desk's one worker, so the window never waits for
a mail server that does not answer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from app.i18n import N_, _
from app.services import Clinic
from app.services.errors import ClinicError
from app.services.mail.account import DEFAULT_PORTS

from .. import msgbox
from ..forms import focus
from ..tasks import Running, explain_failure, tasks_for
from .rows import add_row

#: (what the desk reads, English N_(); the setting's code)
SECURITIES = ((N_("STARTTLS (usually port 587)"), "starttls"),
              (N_("TLS (usually port 465)"), "tls"),
              (N_("None (not encrypted)"), "none"))
KEYS = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "sender_name", "sender_email")


def password_note(kept_in_store: bool) -> str:
    if kept_in_store:
        return _("Kept in this computer's credential store.")
    return _("No credential store on this computer: asked once each time ClinicDesk starts.")


class EmailSettings(QWidget):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        current = clinic.settings.get()
        self.host = QLineEdit(current.smtp_host)
        self.host.setPlaceholderText(_("e.g. smtp.example.com"))
        self.security = QComboBox()
        for label, code in SECURITIES:
            self.security.addItem(_(label), code)
        self.security.setCurrentIndex(max(0, self.security.findData(current.smtp_security)))
        self.port = QLineEdit(str(current.smtp_port))
        self.port.setMaximumWidth(90)
        # A port the manager typed stays; the usual one follows the security chosen.
        self.port_typed = current.smtp_port != DEFAULT_PORTS.get(current.smtp_security)
        self.port.textEdited.connect(self._port_edited)
        self.security.activated.connect(self._security_chosen)
        self.user = QLineEdit(current.smtp_user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        store = clinic.mail.passwords
        if current.smtp_user and store.get(current.smtp_user, current.smtp_host):
            self.password.setPlaceholderText(_("(kept; type a new one to change it)"))
        self.password_note = QLabel(password_note(store.has_keyring()))
        self.password_note.setObjectName("note")
        self.password_note.setWordWrap(True)
        self.sender_name = QLineEdit(current.sender_name)
        self.sender_name.setPlaceholderText(current.name)
        self.sender_email = QLineEdit(current.sender_email)
        self.sender_email.setPlaceholderText(_("e.g. desk@example.com"))

        self.test_to = QLineEdit(current.email)
        self.test_to.setAccessibleName(_("Send a test to"))
        self.test_to.setMinimumWidth(300)
        self.test_button = QPushButton(_("Send Test &Email"))
        self.test_button.setToolTip(_("Saves these email settings, then sends a short "
                                      "message to the address beside it"))
        self.test_button.clicked.connect(self.send_test)
        self.test_status = QLabel()
        self.test_status.setObjectName("note")
        self.test_status.setWordWrap(True)
        self.test_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.testing: Running | None = None

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        add_row(form, _("Mail &server:"), self.host)
        add_row(form, _("Se&curity:"), self.security, packed=True)
        add_row(form, _("P&ort:"), self.port, packed=True)
        add_row(form, _("&User name:"), self.user)
        add_row(form, _("Pass&word:"), self.password)
        form.addRow("", self.password_note)
        add_row(form, _("Sender na&me:"), self.sender_name)
        add_row(form, _("Sender &address:"), self.sender_email)
        add_row(form, _("Send a test &to:"), self.test_to, self.test_button)
        form.addRow(self.test_status)  # the whole width: the server's words can be long
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self.fields = {"smtp_host": self.host, "smtp_port": self.port,
                       "smtp_security": self.security, "smtp_user": self.user,
                       "sender_name": self.sender_name, "sender_email": self.sender_email,
                       "to": self.test_to}

    def _port_edited(self, text: str) -> None:
        self.port_typed = bool(text.strip())  # emptied: the usual port may fill it again

    def _security_chosen(self) -> None:
        if not self.port_typed:
            self.port.setText(str(DEFAULT_PORTS[self.security.currentData()]))

    def values(self) -> dict:
        """Exactly what was typed or chosen; the settings service checks every value."""
        return {"smtp_host": self.host.text(), "smtp_port": self.port.text(),
                "smtp_security": self.security.currentData(), "smtp_user": self.user.text(),
                "sender_name": self.sender_name.text(),
                "sender_email": self.sender_email.text()}

    def keep_password(self) -> None:
        """After the settings are saved: a password typed goes to the credential store (or,
        with none on this computer, to this start's memory)."""
        typed = self.password.text()
        if typed and self.user.text().strip():
            kept = self.clinic.mail.passwords.put(self.user.text().strip(),
                                                  self.host.text().strip(), typed)
            self.password_note.setText(password_note(kept))

    # Send Test Email ------------------------------------------------------------------------

    def send_test(self) -> None:
        if self.testing is not None and self.testing.running:
            return
        try:
            self.clinic.settings.update(**self.values())  # the test uses what is on screen
        except ClinicError as error:
            self.refused(error)
            return
        self.keep_password()
        to = self.test_to.text().strip()
        password = self.password.text() or None
        self.test_button.setEnabled(False)
        self.test_status.setText(_("Sending a test to {address}…").format(address=to))
        self.testing = tasks_for(self.clinic).run(
            lambda clinic: clinic.mail.send_test(to, password=password),
            lambda _result: self._test_sent(to), self._test_failed)

    def _test_sent(self, to: str) -> None:
        self.test_button.setEnabled(True)
        self.test_status.setText(_("Sent to {address}. Check that it arrived.").format(
            address=to))

    def _test_failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        if not isinstance(error, ClinicError):
            explain_failure(self, error)  # a bug: the desk's crash report, not a sentence
            self.test_status.setText("")
            return
        words = getattr(error, "server_says", "")
        reason = str(error)
        if getattr(error, "retry", False) and words:
            # The transport's sentence says the message waits in the outbox; a test does not.
            reason = _("the mail server {host}:{port} did not take it (no answer, or “try "
                       "later”).").format(host=self.host.text().strip(),
                                               port=self.port.text().strip())
        text = _("Not sent: {reason}").format(reason=reason)
        if words:
            text += "\n" + _("The mail server said: {words}").format(words=words)
        self.test_status.setText(text)
        if getattr(error, "field", None) in self.fields:
            focus(self.fields[error.field])

    def refused(self, error: ClinicError) -> None:
        msgbox.refusal(self, error)
        focus(self.fields.get(getattr(error, "field", None)))
