"""Move a booked appointment to another date, time or practitioner. A package that would
have expired by then is the service's to refuse (R24)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from app.services import Clinic

from ..formats import Formats
from ..forms import FormDialog
from ..schedule.fields import TimeCombo, date_edit


class RescheduleDialog(FormDialog):
    def __init__(self, clinic: Clinic, appointment_id: int, parent: QWidget | None = None):
        super().__init__("Reschedule Appointment", parent)
        self.clinic = clinic
        self.appointment = a = clinic.schedule.appointment(appointment_id)
        f = Formats(clinic)
        self.setMinimumWidth(420)
        summary = QLabel(f"{a.patient_name}: {a.treatment_name}, now {f.date(a.start.date())} "
                         f"at {f.time(a.start)} with {a.staff_name}.")
        summary.setWordWrap(True)
        self.body.insertWidget(0, summary)
        self.date = date_edit(a.start.date())
        self.time = TimeCombo(f)
        self.time.set_time(a.start.time())
        self.practitioner = QComboBox()
        for staff in clinic.staff.list(practitioners_only=True):
            self.practitioner.addItem(staff.name, staff.id)
        if self.practitioner.findData(a.staff_id) < 0:
            self.practitioner.addItem(a.staff_name, a.staff_id)
        self.practitioner.setCurrentIndex(self.practitioner.findData(a.staff_id))
        self.form.addRow("&Date:", self.date)
        self.form.addRow("Start ti&me:", self.time)
        self.form.addRow("P&ractitioner:", self.practitioner)
        self.ok_button.setText("&Move")
        self.fields = {"start": self.time, "staff_id": self.practitioner}

    @classmethod
    def ask(cls, clinic: Clinic, appointment_id: int,
            parent: QWidget | None = None) -> datetime | None:
        """The new start once moved; None when the desk cancelled."""
        return super().ask(parent, clinic, appointment_id)

    def start(self) -> datetime:
        return datetime.combine(self.date.date().toPython(), self.time.value())

    def save(self) -> None:
        self.clinic.schedule.reschedule(self.appointment.id, self.start(),
                                        staff_id=self.practitioner.currentData())
        self.outcome = self.start()
