"""R7a: this visit would compensate its practitioner for a use whose sale already paid a staff
member up front. Unassign its compensation there and then, or keep it as is."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QWidget

from app.i18n import _
from app.services import Clinic

from ..forms import FormDialog


class UnassignCompensationDialog(FormDialog):
    def __init__(self, clinic: Clinic, appointment_id: int, warnings: list[str],
                 parent: QWidget | None = None):
        super().__init__(_("Double Compensation"), parent)
        self.clinic, self.appointment_id = clinic, appointment_id
        self.setMinimumWidth(480)
        self.ok_button.setText(_("&Unassign Compensation"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("&Keep as Is"))
        self.warning = QLabel("\n\n".join(warnings))
        self.warning.setWordWrap(True)
        self.body.addWidget(self.warning)
        self.ok_button.setFocus()

    @classmethod
    def ask(cls, clinic: Clinic, appointment_id: int, warnings: list[str],
            parent: QWidget | None = None) -> bool:
        """True if the desk unassigned the visit's compensation."""
        return super().ask(parent, clinic, appointment_id, warnings) is not None

    @classmethod
    def offer(cls, clinic: Clinic, appointment_id: int, warnings: list[str] | None = None,
              parent: QWidget | None = None) -> bool:
        """Ask only when the service warns about this visit (after booking or Add Package)."""
        if warnings is None:
            warnings = clinic.schedule.warnings(appointment_id)
        return bool(warnings) and cls.ask(clinic, appointment_id, warnings, parent=parent)

    def save(self) -> None:
        self.clinic.billing.unassign_compensation([self.appointment_id])
