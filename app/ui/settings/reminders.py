"""Settings › Reminders (R47): whether the clinic sends reminders by email, and how many days
before a package expires. Saved with the clinic details when the desk presses OK."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.i18n import _
from app.services.settings import SettingsView

MOST_DAYS = 365  # the limit settings.update checks (app/services/mail/account.py)


class ReminderSettings(QWidget):
    def __init__(self, settings: SettingsView, parent: QWidget | None = None):
        super().__init__(parent)
        self.enabled = QCheckBox(_("&Send reminders by email"))
        self.enabled.setChecked(settings.reminders_enabled)
        self.days = QSpinBox()
        self.days.setRange(1, MOST_DAYS)
        self.days.setValue(settings.reminder_days_before_expiry)
        self.days.setSuffix(_(" days"))
        self.days.setAccessibleName(_("Remind before a package expires"))
        note = QLabel(_("Reminders are off until they are turned on here, and they only go to "
                        "patients who agreed (the box on the patient's form) and have an "
                        "email address, once each, in the patient's language: a package "
                        "expiring with uses left, a package down to its last use, and an "
                        "appointment, the day before. They go out through Settings › Email "
                        "when the desk starts and each day after."))
        note.setWordWrap(True)
        note.setObjectName("note")
        form = QFormLayout()
        form.addRow("", self.enabled)
        form.addRow(_("Remind &before a package expires:"), self.days)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        self.fields = {"reminders_enabled": self.enabled,
                       "reminder_days_before_expiry": self.days}

    def values(self) -> dict:
        return {"reminders_enabled": self.enabled.isChecked(),
                "reminder_days_before_expiry": self.days.value()}
