"""File › Clinic Database: which database this desk uses (issue 9).

One desk keeps the clinic in its own file. A clinic with two or three desks puts the clinic
on a PostgreSQL server and points every desk at it (a shared network folder corrupts
SQLite files). The choice belongs to this computer, so it is kept in the desk's own
settings, not in the clinic; it takes effect when ClinicDesk next starts.

Testing reaches over the network and may wait seconds for an answer, so it runs on the
worker; so does copying this desk's clinic file onto an empty server database.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QProcess, Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDialog, QDialogButtonBox,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar,
                               QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from app.i18n import _
from app.services import Clinic
from app.services import connection as server
from app.services import server_password
from app.services.errors import ClinicError

from .. import msgbox
from ..forms import focus
from ..desk_settings import desk_settings
from ..tasks import Running, explain_failure, tasks_for
from .manager_approval import MOVE_TO_SERVER, approved, carried, mark

SETTINGS_KEY = "database/server_url"


def saved_server_url() -> str | None:
    """The server this desk was pointed at, if any (None: its own clinic file), with its
    password from the credential store when the store has it."""
    value = str(desk_settings().value(SETTINGS_KEY, "") or "")
    if not value or not server.is_server(value):
        return None
    if server_password.password_in(value) and server_password.has_store():
        save_server_url(value)  # saved by an older ClinicDesk: the password moves to the store
    return server_password.filled(server_password.without_password(value))


def save_server_url(url: str | None) -> None:
    """Keep the address in the desk's settings and its password in the credential store
    (only in memory for this start where there is no store): never in QSettings."""
    settings = desk_settings()
    if url:
        bare, _kept = server_password.keep(url)
        settings.setValue(SETTINGS_KEY, bare)
    else:
        settings.remove(SETTINGS_KEY)
    settings.sync()


class ConnectionDialog(QDialog):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.setWindowTitle(_("Clinic Database"))
        self.checked: server.ServerCheck | None = None
        self.task: Running | None = None
        self.restart_requested = False

        now = QLabel(self._now_text())
        now.setWordWrap(True)
        now.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_choice = QRadioButton(_("This computer's clinic &file (one desk)"))
        self.server_choice = QRadioButton(_("The clinic on a &server (several desks)"))
        group = QButtonGroup(self)
        group.addButton(self.file_choice)
        group.addButton(self.server_choice)

        saved = saved_server_url()
        fields = server.server_fields(saved or (clinic.db.url if clinic.path is None else None))
        self.host = _line(fields.host, _("Server"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(fields.port)
        self.port.setAccessibleName(_("Port"))
        self.database = _line(fields.database, _("Database"))
        self.user = _line(fields.user, _("User name"))
        self.password = _line(fields.password, _("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_box = QGroupBox(_("PostgreSQL server"))
        form = QFormLayout(self.server_box)
        form.addRow(_("Ser&ver:"), self.host)
        form.addRow(_("P&ort:"), self.port)
        form.addRow(_("&Database:"), self.database)
        form.addRow(_("&User name:"), self.user)
        form.addRow(_("Pass&word:"), self.password)
        self.require_tls = QCheckBox(_("&Require an encrypted connection (TLS)"))
        self.require_tls.setChecked(fields.tls == "require")
        self.require_tls.setToolTip(_("Without this, the connection is encrypted whenever the "
                                      "server offers it. With it, a server without TLS is "
                                      "refused."))
        form.addRow("", self.require_tls)
        self.password_note = QLabel(_("The password is kept in this computer's credential "
                                      "store.") if server_password.has_store() else
                                    _("This computer has no credential store: the password "
                                      "is asked each time ClinicDesk starts."))
        self.password_note.setWordWrap(True)
        form.addRow("", self.password_note)

        self.test_button = QPushButton(_("&Test Connection"))
        self.test_button.clicked.connect(lambda: self.test())
        self.copy_button = QPushButton()
        # For the front desk, marked as needing a manager's PIN, which is asked first.
        mark(clinic, MOVE_TO_SERVER, self.copy_button, _("&Copy This Clinic to the Server…"),
             _("Moves this desk's clinic file into the empty server database, checked row "
               "by row. Managers only."))
        self.copy_button.clicked.connect(lambda: self.copy_clinic())
        self.copy_button.setEnabled(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName(_("Working"))
        self.busy.hide()
        self.finding = QLabel()
        self.finding.setWordWrap(True)
        self.finding.setAccessibleName(_("Connection test result"))
        actions = QHBoxLayout()
        actions.addWidget(self.test_button)
        actions.addWidget(self.copy_button)
        actions.addStretch(1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(now)
        layout.addWidget(self.file_choice)
        layout.addWidget(self.server_choice)
        layout.addWidget(self.server_box)
        layout.addLayout(actions)
        layout.addWidget(self.busy)
        layout.addWidget(self.finding)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

        for field in (self.host, self.database, self.user, self.password):
            field.textEdited.connect(self._form_changed)
        self.port.valueChanged.connect(self._form_changed)
        self.require_tls.toggled.connect(self._form_changed)
        self.server_choice.toggled.connect(self._show_choice)
        (self.server_choice if saved else self.file_choice).setChecked(True)
        self._show_choice()

    # what the desk sees ----------------------------------------------------------------

    def _now_text(self) -> str:
        if self.clinic.path is not None:
            text = _("This desk now uses the clinic file {path}.").format(path=self.clinic.path)
        else:
            text = _("This desk now uses the clinic on the server {server}.").format(
                server=server.shown(self.clinic.db.url))
        saved = saved_server_url()
        if saved and saved != self.clinic.db.url:
            text += " " + _("From the next start it will use {server}.").format(
                server=server.shown(saved))
        return text

    def _show_choice(self, *_args) -> None:
        on_server = self.server_choice.isChecked()
        self.server_box.setEnabled(on_server)
        self.test_button.setEnabled(on_server and self.task is None)
        self._update_copy()

    def _form_changed(self, *_args) -> None:
        # A test answers for the address it tested, not for what is typed now.
        self.checked = None
        self.finding.clear()
        self._update_copy()

    def _update_copy(self) -> None:
        self.copy_button.setEnabled(
            self.server_choice.isChecked() and self.task is None and self.clinic.path is not None
            and self.checked is not None and self.checked.state == server.EMPTY)

    def fields(self) -> server.ServerFields:
        return server.ServerFields(self.host.text(), self.port.value(), self.database.text(),
                                   self.user.text(), self.password.text(),
                                   "require" if self.require_tls.isChecked() else "prefer")

    def _address(self) -> str | None:
        try:
            return server.server_url(self.fields())
        except ClinicError as error:
            msgbox.refusal(self, error, _("Check the server details"))
            focus({"host": self.host, "port": self.port, "database": self.database,
                   "user": self.user}.get(getattr(error, "field", None)))
            return None

    # work on the worker -----------------------------------------------------------------

    def _run(self, work, done, message: str) -> None:
        self.finding.setText(message)
        self.busy.show()
        self.task = tasks_for(self.clinic).run(
            work, lambda outcome: self._over() or done(outcome),
            lambda error: self._over() or self._failed(error))
        self._show_choice()

    def _over(self) -> None:
        self.task = None
        self.busy.hide()
        self._show_choice()

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, ClinicError):
            explain_failure(self, error)  # (a refusal is said beside the fields instead)
            return
        self.checked = None
        self.finding.setText(str(error))
        self._update_copy()

    def test(self, then=None) -> None:
        """Test Connection: look at the server (reads only) and say what is there."""
        url = self._address()
        if url is None:
            return

        def tested(check: server.ServerCheck) -> None:
            self.checked = check
            self.finding.setText(check.summary())
            self._update_copy()
            if then is not None:
                then()

        self._run(lambda _clinic: server.check_server(url), tested,
                  _("Connecting to {server}…").format(server=server.shown(url)))

    def copy_clinic(self) -> None:
        check = self.checked
        if check is None or check.state != server.EMPTY:
            return
        approved(self, self.clinic, MOVE_TO_SERVER, lambda: self._copy(check))

    def _copy(self, check: server.ServerCheck) -> None:
        from app.services.transfer import migrate_to

        if not msgbox.confirm(self, _("Copy this clinic to the server?"), _(
                "Every record in this desk's clinic file is copied into {server} and checked "
                "against the file. The file itself is not changed. Close ClinicDesk on any "
                "other desk using this file first.").format(server=check.shown)):
            return

        def copied(report) -> None:
            self.checked = None
            self.finding.setText(_("Copied and checked: {entries} audit entries match the "
                                  "file. Save to use the server from the next start.").format(
                                      entries=report.audit_entries))
            self._update_copy()

        # The service refuses anyone but a manager (or one approved): its sentence comes back
        # by _failed, as a connection problem would.
        self._run(carried(self.clinic, lambda clinic: migrate_to(clinic, check.url)), copied,
                  _("Copying the clinic to {server}…").format(server=check.shown))

    # saving -----------------------------------------------------------------------------

    def save(self) -> None:
        if self.task is not None:
            return
        try:
            self.clinic.auth.require_manager(_("change which database this desk uses"))
        except ClinicError as error:
            msgbox.refusal(self, error)
            return
        if self.file_choice.isChecked():
            if saved_server_url() is None and self.clinic.path is not None:
                self.accept()  # nothing changed
                return
            save_server_url(None)
            self._changed(_("This desk will use its own clinic file from the next start."))
            return
        url = self._address()
        if url is None:
            return
        if self.checked is None or self.checked.url != url:
            self.test(then=self.save)  # save only what answered
            return
        if not self.checked.usable:
            msgbox.show(self, _("Not saved"), self.checked.summary(), icon=msgbox.Icon.Warning)
            return
        if url == saved_server_url() and url == self.clinic.db.url:
            self.accept()
            return
        save_server_url(url)
        self._changed(_("This desk will use the clinic on {server} from the next start.").format(
            server=self.checked.shown))

    def _changed(self, what: str) -> None:
        self.restart_requested = msgbox.confirm(
            self, _("Restart ClinicDesk?"),
            what + "\n\n" + _("Restart ClinicDesk now to use it?"))
        self.accept()

    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None
        super().reject()

    @classmethod
    def ask(cls, parent: QWidget | None, clinic: Clinic) -> bool:
        """True when the desk asked to restart now (the caller closes the window)."""
        dialog = cls(clinic, parent)
        try:
            dialog.exec()
            return dialog.restart_requested
        finally:
            dialog.deleteLater()


def restart() -> None:
    """Start ClinicDesk again the way it was started, with the desk's saved database."""
    arguments = [a for a in sys.argv[1:] if a not in ("--demo",)]
    # --db / --db-url name the old database explicitly; the restart follows the saved choice.
    cleaned, skip = [], False
    for argument in arguments:
        if skip:
            skip = False
            continue
        if argument in ("--db", "--db-url"):
            skip = True
            continue
        if argument.startswith(("--db=", "--db-url=")):
            continue
        cleaned.append(argument)
    if getattr(sys, "frozen", False):
        QProcess.startDetached(sys.executable, cleaned)
    else:
        QProcess.startDetached(sys.executable, ["-m", "app", *cleaned])


def _line(text: str, name: str) -> QLineEdit:
    line = QLineEdit(text)
    line.setAccessibleName(name)
    return line
