"""Billing Info > Add package (R12): pick one of the patient's packages that can cover this
appointment; the first is the one the service would choose. Then, if the service warns of
double compensation (R7a), the desk can unassign the visit's compensation at once."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.packages import PackageSummary
from app.services.schedule import AppointmentRow

from ..formats import Formats
from ..forms import FormDialog
from .compensation_dialog import UnassignCompensationDialog
from .fields import name_buttons
from .package_choices import PackageChoices


class AddPackageDialog(FormDialog):
    def __init__(self, clinic: Clinic, appointment: AppointmentRow,
                 packages: list[PackageSummary], parent: QWidget | None = None):
        super().__init__(_("Add Package"), parent)
        self.clinic = clinic
        self.appointment = appointment
        self.warnings: list[str] = []
        f = Formats(clinic)
        intro = QLabel(_("Cover {patient}'s {treatment} on {date} with:").format(
            patient=appointment.patient_name, treatment=appointment.treatment_name,
            date=f.date(appointment.start.date())))
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        self.choices = PackageChoices(f, optional=False)
        self.choices.set_packages(packages, {
            p.id: clinic.schedule.patient_pays(p.id, appointment.treatment_type_id)
            for p in packages})
        self.body.addWidget(self.choices)
        name_buttons(self, _("&Apply Package"))

    @classmethod
    def ask(cls, clinic: Clinic, appointment: AppointmentRow, packages: list[PackageSummary],
            parent: QWidget | None = None) -> int | None:
        """The package applied, or None when the desk cancelled."""
        return super().ask(parent, clinic, appointment, packages)

    def save(self) -> None:
        package_id = self.choices.chosen_id()
        self.warnings = self.clinic.schedule.apply_package(self.appointment.id, package_id)
        self.outcome = package_id

    def accept(self) -> None:
        super().accept()  # applies; or shows the refusal and stays open
        if self.result() == QDialog.DialogCode.Accepted:
            UnassignCompensationDialog.offer(self.clinic, self.appointment.id, self.warnings,
                                             parent=self.parentWidget())
