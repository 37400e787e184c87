"""Move a booked appointment to another date, time or practitioner. A package that would
have expired by then is the service's to refuse (R24)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from app.i18n import _
from app.services import Clinic

from ..formats import Formats
from ..forms import FormDialog
from ..schedule.fields import TimeCombo, date_edit, name_buttons


class RescheduleDialog(FormDialog):
    def __init__(self, clinic: Clinic, appointment_id: int, parent: QWidget | None = None):
        super().__init__(_("Reschedule Appointment"), parent)
        self.clinic = clinic
        self.appointment = a = clinic.schedule.appointment(appointment_id)
        f = Formats(clinic)
        self.setMinimumWidth(420)
        summary = QLabel(_("{patient}: {treatment}, now {date} at {time} with "
                           "{practitioner}.").format(
            patient=a.patient_name, treatment=a.treatment_name, date=f.date(a.start.date()),
            time=f.time(a.start), practitioner=a.staff_name))
        summary.setWordWrap(True)
        self.body.insertWidget(0, summary)
        self.date = date_edit(a.start.date(), f)
        self.time = TimeCombo(f)
        self.time.set_time(a.start.time())
        self.practitioner = QComboBox()
        for staff in clinic.staff.list(practitioners_only=True):
            self.practitioner.addItem(staff.name, staff.id)
        if self.practitioner.findData(a.staff_id) < 0:
            self.practitioner.addItem(a.staff_name, a.staff_id)
        self.practitioner.setCurrentIndex(self.practitioner.findData(a.staff_id))
        self.form.addRow(_("&Date:"), self.date)
        self.form.addRow(_("Start ti&me:"), self.time)
        self.form.addRow(_("P&ractitioner:"), self.practitioner)
        name_buttons(self, _("&Move"))
        self.fields = {"start": self.time, "staff_id": self.practitioner}

    @classmethod
    def ask(cls, clinic: Clinic, appointment_id: int,
            parent: QWidget | None = None) -> datetime | None:
        """The new start once moved; None when the desk cancelled."""
        return super().ask(parent, clinic, appointment_id)

    def start(self) -> datetime:
        return datetime.combine(self.date.value(), self.time.value())

    def save(self) -> None:
        self.clinic.schedule.reschedule(self.appointment.id, self.start(),
                                        staff_id=self.practitioner.currentData())
        self.outcome = self.start()
