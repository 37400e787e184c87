"""Desk › Outbox (R46): every email, newest first — when, to whom, the subject, its state in
words, the attempts and the server's own words on the last one — with Retry on a failed one
and Resend… on a sent or failed one. It stays open beside the desk and follows the outbox
live: re-read on the worker every few seconds and after every round of the sender.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QVBoxLayout, QWidget)

from app.i18n import N_, _
from app.services import Clinic
from app.services.errors import ClinicError
from app.services.mail.outbox import MessageRow

from .. import mail_sender, msgbox
from ..formats import Formats
from ..models.base import RowsModel
from ..tables import make_proxy, make_table, reload, selected_row
from ..tasks import Running, tasks_for

EVERY_MS = 3000
SHOWN = 500  # the newest; older ones stay in the clinic's file (R29)

STATE_WORDS = {"queued": N_("Waiting to be sent"), "sending": N_("Sending"),
               "sent": N_("Sent"), "failed": N_("Failed"),
               "withdrawn": N_("Withdrawn: no longer true")}


class OutboxModel(RowsModel):
    WHEN, TO, SUBJECT, STATE, ATTEMPTS, ERROR = range(6)
    COLUMNS = (N_("Queued"), N_("To"), N_("Subject"), N_("State"), N_("Attempts"),
               N_("Why not sent"))
    RIGHT = frozenset({ATTEMPTS})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats

    def display(self, r: MessageRow, column: int) -> str:
        if column == self.WHEN:
            return f"{self._f.date(r.queued_at)}, {self._f.time(r.queued_at)}"
        if column == self.TO:
            return f"{r.to_name} <{r.to}>" if r.to_name else r.to
        if column == self.SUBJECT:
            return r.subject
        if column == self.STATE:
            return state_words(r, self._f)
        if column == self.ATTEMPTS:
            return str(r.attempts)
        return r.last_error

    def tooltip(self, r: MessageRow, column: int) -> str | None:
        if column in (self.SUBJECT, self.ERROR):
            return self.display(r, column) or None
        return None

    def dimmed(self, r: MessageRow) -> bool:
        return r.state == "withdrawn"  # R47: never sent, kept for the record

    def sort_key(self, r: MessageRow, column: int):
        if column == self.WHEN:
            return r.queued_at.isoformat()
        if column == self.ATTEMPTS:
            return r.attempts
        return super().sort_key(r, column)


def state_words(r: MessageRow, f: Formats) -> str:
    words = _(STATE_WORDS.get(r.state, r.state))
    if r.state == "sent" and r.sent_at is not None:
        return _("Sent {date}, {time}").format(date=f.date(r.sent_at), time=f.time(r.sent_at))
    if r.state == "queued" and r.attempts:
        return _("Waiting; next try {time}").format(time=f.time(r.next_attempt_at))
    return words


class OutboxWindow(QDialog):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.setWindowTitle(_("Outbox"))
        self.resize(1300, 480)
        self.model = OutboxModel(Formats(clinic), self)
        self.table = make_table(make_proxy(self.model, self), stretch=OutboxModel.ERROR)
        self.table.sortByColumn(OutboxModel.WHEN, Qt.SortOrder.DescendingOrder)
        self.table.setAccessibleName(_("Emails"))
        # A long subject is cut, not the server's words beside it (the last, stretching).
        self.table.horizontalHeader().setSectionResizeMode(
            OutboxModel.SUBJECT, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(OutboxModel.SUBJECT, 360)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.retry_button = QPushButton(_("&Retry"))
        self.retry_button.setToolTip(_("Try a failed email again now"))
        self.retry_button.clicked.connect(self.retry)
        self.resend_button = QPushButton(_("Re&send…"))
        self.resend_button.setToolTip(_("Send a new copy of this email"))
        self.resend_button.clicked.connect(self.resend)
        self.send_now_button = QPushButton(_("Send &Now"))
        self.send_now_button.setToolTip(_("Send what is due now without waiting for the next "
                                          "round (asks the mail password if it is needed)"))
        self.send_now_button.clicked.connect(self.send_now)
        self.summary = QLabel()
        self.summary.setObjectName("note")
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        bar = QHBoxLayout()
        for button in (self.retry_button, self.resend_button, self.send_now_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.reading: Running | None = None
        self.select_next: int | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(EVERY_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        sender = mail_sender.sender_for(clinic)
        if sender is not None:
            sender.delivered.connect(self.refresh)
        tasks_for(clinic).changed.connect(self.refresh)
        self.show_rows(clinic.mail.outbox(limit=SHOWN))  # at once: the window opens filled
        self.table.setFocus()

    @classmethod
    def ask(cls, clinic: Clinic, parent: QWidget | None = None) -> None:
        dialog = cls(clinic, parent=parent)
        try:
            dialog.exec()
        finally:
            dialog.timer.stop()
            dialog.deleteLater()

    def closeEvent(self, event) -> None:
        self.timer.stop()  # a closed window reads nothing
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.timer.stop()
        super().done(result)

    def showEvent(self, event) -> None:
        self.timer.start()
        super().showEvent(event)

    def refresh(self, *_args) -> None:
        """Re-read on the worker; a read still running is not queued behind again."""
        if self.reading is not None and self.reading.running:
            return
        self.reading = tasks_for(self.clinic).run(
            lambda clinic: clinic.mail.outbox(limit=SHOWN), self.show_rows, lambda _e: None)

    def show_rows(self, rows: list[MessageRow]) -> None:
        reload(self.table, self.model, rows, self.select_next)
        self.select_next = None
        waiting = sum(r.state in ("queued", "sending") for r in rows)
        failed = sum(r.state == "failed" for r in rows)
        self.summary.setText(_("{waiting} waiting, {failed} failed, {all} in all (the "
                               "newest {shown} are shown).").format(
            waiting=waiting, failed=failed, all=len(rows), shown=SHOWN)
            if len(rows) >= SHOWN else
            _("{waiting} waiting, {failed} failed, {all} in all.").format(
                waiting=waiting, failed=failed, all=len(rows)))
        self._update_buttons()

    def selected(self) -> MessageRow | None:
        return selected_row(self.table)

    def _update_buttons(self) -> None:
        row = self.selected()
        self.retry_button.setEnabled(row is not None and row.state == "failed")
        self.resend_button.setEnabled(row is not None and row.state in ("sent", "failed"))

    def retry(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            self.clinic.mail.retry(row.id)
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not retried"))
            return
        self.select_next = row.id
        self._wrote()

    def resend(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not msgbox.confirm(self, _("Resend"), _(
                "Send a new copy of \u201c{subject}\u201d to {to}? The patient may then have "
                "it twice.").format(subject=row.subject, to=row.to)):
            return
        try:
            self.select_next = self.clinic.mail.resend(row.id)
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not resent"))
            return
        self._wrote()

    def send_now(self) -> None:
        sender = mail_sender.sender_for(self.clinic)
        if sender is not None:
            sender.send_now()  # (it asks the password first when it must)
        else:  # a window without the program's sender (a test): one round, here
            tasks_for(self.clinic).run(lambda clinic: mail_sender.deliver(clinic, None),
                                       self.refresh, parent=self, title=_("Not sent"))

    def _wrote(self) -> None:
        self.refresh()
        mail_sender.soon(self.clinic)


def open_outbox(window) -> OutboxWindow:
    """Desk › Outbox: one window beside the desk (not modal), raised if already open."""
    outbox = getattr(window, "outbox_window", None)
    if outbox is None:
        outbox = window.outbox_window = OutboxWindow(window.clinic, parent=window)
    else:
        outbox.refresh()
    outbox.show()
    outbox.raise_()
    outbox.activateWindow()
    return outbox
