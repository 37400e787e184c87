"""Email… a document to the patient (R46): To (the patient's address, editable), the subject,
and Queue. Queueing never talks to the mail server: the message goes to the outbox, the PDF
is written on the desk's one worker, and the background sender delivers it
(app/ui/mail_sender.py). The desk is told so, and can close the dialog at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError

from .. import mail_sender, msgbox
from ..forms import focus
from ..tasks import Running, explain_failure, tasks_for

#: What each kind of document is queued with (engineer A's calls, `clinic.mail.queue_…`).
QUEUE_CALLS = {"invoice": "queue_invoice", "refund_receipt": "queue_refund_receipt",
               "package_refund_receipt": "queue_package_refund_receipt",
               "package_statement": "queue_package_statement", "gift_card": "queue_gift_card"}


@dataclass(frozen=True)
class Emailed:
    """One document the desk may email: its kind, its id (a gift card's: the card's), and
    how the desk names it ("Invoice 12")."""
    kind: str
    document_id: int
    title: str


def queue(clinic: Clinic, document: Emailed, to: str) -> int:
    """On the worker: put the document in the outbox for `to`; the outbox row's id."""
    return getattr(clinic.mail, QUEUE_CALLS[document.kind])(document.document_id, to=to)


class EmailDialog(QDialog):
    def __init__(self, clinic: Clinic, document: Emailed, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic, self.document = clinic, document
        self.queued_id: int | None = None
        self._task: Running | None = None
        self.setWindowTitle(_("Email {document}").format(document=document.title))
        self.setMinimumWidth(520)
        preview = clinic.mail.preview(document.kind, document.document_id)
        self.to = QLineEdit(preview.to)
        self.to.setPlaceholderText(_("the patient's email address"))
        self.to.setAccessibleName(_("To"))
        self.subject = QLabel(preview.subject)
        self.subject.setTextFormat(Qt.TextFormat.PlainText)  # "&" in a clinic's name
        self.subject.setAccessibleName(_("Subject"))
        attached = QLabel(_("{document} is attached as a PDF.").format(
            document=document.title))
        attached.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("note")
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText(_("Close"))
        self.queue_button = self.buttons.addButton(_("&Queue"),
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.queue_button.setToolTip(_("Put the message in the outbox; ClinicDesk sends it "
                                       "in the background"))
        self.queue_button.setDefault(True)
        self.queue_button.clicked.connect(self.queue)
        self.buttons.rejected.connect(self.reject)
        why_not = clinic.mail.can_email()
        if why_not is not None:
            self.queue_button.setEnabled(False)
            self.queue_button.setToolTip(why_not)
            self.status.setText(why_not)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        to_label = QLabel(_("&To:"))
        to_label.setBuddy(self.to)
        form.addRow(to_label, self.to)
        form.addRow(_("Subject:"), self.subject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(attached)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.to.setFocus()

    @classmethod
    def ask(cls, clinic: Clinic, document: Emailed, parent: QWidget | None = None) -> int | None:
        """Run modally; the outbox row's id when the message was queued."""
        dialog = cls(clinic, document, parent=parent)
        try:
            dialog.exec()
            return dialog.queued_id
        finally:
            dialog.deleteLater()

    def queue(self) -> None:
        if self._task is not None or self.queued_id is not None:
            return
        to, document = self.to.text().strip(), self.document
        self._task = tasks_for(self.clinic).run(
            lambda clinic: queue(clinic, document, to), self._queued, self._refused,
            write=True)
        self._set_busy(True)
        self.status.setText(_("Writing {document} and putting it in the outbox…").format(
            document=document.title))

    def _queued(self, row_id: int) -> None:
        self._task, self.queued_id = None, row_id
        self._set_busy(False)
        self.queue_button.setEnabled(False)  # queued once; the outbox can resend it
        self.status.setText(_("Queued; it will be sent in the background."))
        self.close_button.setFocus()
        mail_sender.soon(self.clinic)

    def _refused(self, error: BaseException) -> None:
        self._task = None
        self._set_busy(False)
        self.status.setText(_("Not queued."))
        if isinstance(error, ClinicError):
            msgbox.refusal(self, error, _("Not queued"))
            if getattr(error, "field", None) == "to":
                focus(self.to)
        else:
            explain_failure(self, error, _("Not queued"))

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.to, self.queue_button, self.close_button):
            widget.setEnabled(not busy)

    def reject(self) -> None:
        if self._task is None:  # closing mid-queue would leave the desk not knowing
            super().reject()
