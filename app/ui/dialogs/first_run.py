"""First-run setup: a brand-new clinic file learns who the clinic is before anything else."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.i18n import _
from app.services import Clinic

from ..forms import FormDialog
from ..qt_language import apply_language
from ..settings.clinic_details import ClinicDetailsForm

FIELDS = ("name", "address", "currency", "locale", "language")


class FirstRunDialog(FormDialog):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(_("Welcome to ClinicDesk"), parent)
        self.clinic = clinic
        self.setMinimumWidth(480)
        intro = QLabel(_("Before you start, tell ClinicDesk about your clinic. Its name and "
                         "address appear on invoices; the currency and region decide how "
                         "amounts are written. You can change all of this later in "
                         "File › Settings."))
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        self.details = ClinicDetailsForm(clinic.settings.get(), FIELDS)
        self.body.addWidget(self.details)
        self.fields = self.details.fields
        self.ok_button.setText(_("Start"))

    def save(self) -> None:
        self.clinic.settings.update(**self.details.values(), setup_complete=True)
        # The language chosen is the desk's from now on (the main window is built next).
        apply_language(self.clinic.settings.get().language)
