"""New / edit patient."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QPlainTextEdit, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.patients import PatientRow

from ..forms import FormDialog
from .keys import buttons_in_order, tab_order
from .reminder_fields import ReminderFields


class PatientDialog(FormDialog):
    def __init__(self, clinic: Clinic, patient: PatientRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(_("Edit Patient") if patient else _("New Patient"), parent)
        self.clinic, self.patient = clinic, patient
        self.setMinimumWidth(420)
        self.first_name = QLineEdit(patient.first_name if patient else "")
        self.last_name = QLineEdit(patient.last_name if patient else "")
        self.phone = QLineEdit((patient.phone or "") if patient else "")
        self.email = QLineEdit((patient.email or "") if patient else "")
        # Typed as text: a birth date is often unknown, and the service checks the date.
        self.birth_date = QLineEdit(patient.birth_date.isoformat()
                                    if patient and patient.birth_date else "")
        self.birth_date.setPlaceholderText(_("YYYY-MM-DD, or leave empty"))
        self.notes = QPlainTextEdit(patient.notes if patient else "")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(80)
        self.reminders = ReminderFields(clinic, patient)  # R47
        for label, field, name in (
                (_("&First name:"), self.first_name, _("First name")),
                (_("&Last name:"), self.last_name, _("Last name")),
                (_("&Phone:"), self.phone, _("Phone")),
                (_("&Email:"), self.email, _("Email")),
                (_("&Birth date:"), self.birth_date, _("Birth date")),
                (_("&Notes:"), self.notes, _("Notes"))):
            field.setAccessibleName(name)
            self.form.addRow(label, field)
        self.form.addRow(_("Reminders:"), self.reminders.box)
        self.form.addRow(_("Lan&guage of emails:"), self.reminders.language)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        tab_order(self.first_name, self.last_name, self.phone, self.email, self.birth_date,
                  self.notes, self.reminders.agreed, self.reminders.language,
                  *buttons_in_order(self.buttons))
        self.first_name.setFocus()
        self.fields = {"first_name": self.first_name, "last_name": self.last_name,
                       "phone": self.phone, "email": self.email,
                       "birth_date": self.birth_date, "notes": self.notes,
                       "email_reminders": self.reminders.agreed,
                       "language": self.reminders.language}

    def save(self) -> None:
        details = dict(phone=self.phone.text(), email=self.email.text(),
                       birth_date=self.birth_date.text(), notes=self.notes.toPlainText(),
                       **self.reminders.values())
        patients = self.clinic.patients
        if self.patient is None:
            self.outcome = patients.add(self.first_name.text(), self.last_name.text(),
                                        **details)
        else:
            patients.update(self.patient.id, first_name=self.first_name.text(),
                            last_name=self.last_name.text(), **details)
            self.outcome = self.patient.id
