"""The patient form's reminder consent and letter language (R47).

The box is only what the patient said: the service records the day it was ticked, clears it
when unticked, and refuses it when there is no address ("Add an email address before
turning reminders on."); the form shows the refusal and puts the cursor on the box.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QVBoxLayout, QWidget

from app.i18n import ENGLISH, FRENCH, LANGUAGES, _
from app.services.patients import PatientRow
from app.services.reminder_consent import TICK_LABEL
from app.ui.formats import Formats


class ReminderFields:
    """The box with the day it was agreed under it, and the language of the patient's mail."""

    def __init__(self, clinic, patient: PatientRow | None):
        self.clinic, self.patient = clinic, patient
        self.formats = Formats(clinic)
        self.agreed = QCheckBox(_(TICK_LABEL))
        self.agreed.setAccessibleName(_(TICK_LABEL))
        self.agreed.setChecked(bool(patient and patient.email_reminders))
        self.since = QLabel()
        self.since.setObjectName("note")
        self.agreed.toggled.connect(self._show_since)
        self.box = QWidget()
        column = QVBoxLayout(self.box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.agreed)
        column.addWidget(self.since)
        self.language = QComboBox()
        self.language.setAccessibleName(_("Language of the patient's email"))
        self.language.addItem(_("The clinic's language"), None)
        for code in (ENGLISH, FRENCH):
            self.language.addItem(LANGUAGES[code], code)
        current = patient.language if patient else None
        self.language.setCurrentIndex(max(self.language.findData(current), 0))
        self._show_since(self.agreed.isChecked())

    def _show_since(self, ticked: bool) -> None:
        since = self.patient.email_reminders_since if self.patient else None
        if ticked and since is not None and self.patient.email_reminders:
            self.since.setText(_("Agreed on {date}").format(date=self.formats.date(since)))
        elif ticked:
            self.since.setText(_("Agreed today, {date}, once saved").format(
                date=self.formats.date(self.clinic.today())))
        self.since.setVisible(ticked)

    def values(self) -> dict:
        return {"email_reminders": self.agreed.isChecked(),
                "language": self.language.currentData()}
