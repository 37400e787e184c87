"""One day of the schedule, as the desk reads it."""

from __future__ import annotations

from app.domain.states import AppointmentStatus
from app.i18n import N_, _
from app.services.schedule import STATUS_NAMES, AppointmentRow

from ..formats import Formats
from .base import RowsModel


class AppointmentsModel(RowsModel):
    TIME, PATIENT, PRACTITIONER, TREATMENT, STATUS, PACKAGE, BILLING = range(7)
    #: PACKAGE says what covers the visit: a package, or a membership (R43), as the grid's
    #: P and M badges do.
    COLUMNS = (N_("Time"), N_("Patient"), N_("Practitioner"), N_("Treatment"), N_("Status"),
               N_("Covered by"), N_("Billing"))

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats

    def display(self, a: AppointmentRow, column: int) -> str:
        if column == self.TIME:
            return f"{self._f.time(a.start)} – {self._f.time(a.end)}"
        if column == self.PATIENT:
            return a.patient_name
        if column == self.PRACTITIONER:
            return a.staff_name
        if column == self.TREATMENT:
            return a.treatment_name
        if column == self.STATUS:
            return status_name(a.status)
        if column == self.PACKAGE:
            if a.membership_name is not None:
                return _("Membership: {plan}").format(plan=a.membership_name)
            return a.package_name or ""
        # The invoice's own number is not on the row; the richer schedule view will show it.
        return _("Invoiced") if a.invoice_id is not None else ""

    def sort_key(self, a: AppointmentRow, column: int):
        if column == self.TIME:
            return a.start.isoformat()
        return super().sort_key(a, column)

    def dimmed(self, a: AppointmentRow) -> bool:
        return a.status == AppointmentStatus.CANCELLED


def status_name(status: str) -> str:
    """An appointment's state in the desk's language ("booked" -> "Booked" / "Réservé")."""
    return _(STATUS_NAMES.get(status, status))
