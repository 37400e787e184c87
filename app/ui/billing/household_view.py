"""Patient Billing > Household (R37): the patient's household members, Add… (a patient found
by typing, as when booking) and Remove (which ends that member's shares, with R28's warning)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QStackedLayout, QVBoxLayout,
                               QWidget)

from app.i18n import N_, _
from app.services import Clinic
from app.services.errors import ClinicError, ValidationError
from app.services.households import HouseholdMemberRow

from .. import msgbox
from ..forms import FormDialog
from ..models.base import RowsModel
from ..models.catalog import TranslatedColumns
from ..schedule.fields import PatientPicker, name_buttons
from ..tables import make_table, reload, selected_row
from .keys import leave_with_tab


class HouseholdModel(TranslatedColumns, RowsModel):
    NAME, PHONE = range(2)
    COLUMNS = (N_("Household member"), N_("Phone"))

    def __init__(self, parent=None):
        super().__init__(parent)
        self._translate_columns()

    def display(self, m: HouseholdMemberRow, column: int) -> str:
        return m.patient_name if column == self.NAME else (m.phone or "")


class HouseholdView(QWidget):
    #: A member was added or removed (a removal may release booked visits).
    changed = Signal()

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.patient_id: int | None = None
        self.model = HouseholdModel(self)
        self.table = make_table(self.model, self, stretch=HouseholdModel.NAME, sortable=False)
        self.table.setAccessibleName(_("Household members"))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.empty = QLabel()
        self.empty.setObjectName("emptyNote")
        self.empty.setWordWrap(True)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.add_button = QPushButton(_("&Add Member…"))
        self.add_button.setToolTip(_("Link another patient to this household, so packages "
                                     "can be shared between them"))
        self.add_button.clicked.connect(self.add_member)
        self.remove_button = QPushButton(_("Re&move from Household"))
        self.remove_button.clicked.connect(self.remove_member)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.stack)
        layout.addLayout(bar)
        leave_with_tab(self.table)
        self.refresh()

    def set_patient(self, patient_id: int | None) -> None:
        self.patient_id = patient_id
        self.model.set_rows([])
        self.refresh()

    def refresh(self) -> None:
        rows = ([] if self.patient_id is None
                else self.clinic.patients.household_members(self.patient_id))
        reload(self.table, self.model, rows)
        self.empty.setText(_("Not in a household. Add Member… links another patient, so "
                             "packages can be shared between them."))
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        self._update_buttons()

    def add_member(self) -> None:
        if self.patient_id is None:
            return
        if AddMemberDialog.ask(self, self.clinic, self.patient_id) is not None:
            self.refresh()
            self.changed.emit()

    def remove_member(self) -> None:
        member = selected_row(self.table)
        if member is None:
            return
        if not msgbox.confirm(self, _("Remove from Household"), _(
                "Remove {member} from the household? Packages shared with {member}, and "
                "{member}'s packages shared with others, stop being shared; uses already "
                "redeemed stay.").format(member=member.patient_name)):
            return
        try:
            released = self.clinic.patients.leave_household(member.patient_id)
        except ClinicError as error:  # (another desk got there first): nothing changed
            msgbox.refusal(self, error)
            self.refresh()
            return
        for warning in released.warnings:
            msgbox.information(self, _("Booked appointments released"), warning)
        self.refresh()
        self.changed.emit()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.patient_id is not None)
        self.remove_button.setEnabled(selected_row(self.table) is not None)


class AddMemberDialog(FormDialog):
    """Find the patient to link, by name, phone or email."""

    def __init__(self, clinic: Clinic, patient_id: int, parent: QWidget | None = None):
        super().__init__(_("Add Household Member"), parent)
        self.clinic, self.patient_id = clinic, patient_id
        self.setMinimumWidth(460)
        self.picker = PatientPicker(clinic, self)
        self.form.addRow(_("&Patient:"), self.picker)
        name_buttons(self, _("&Add"))
        self.fields = {"other_patient_id": self.picker}
        self.picker.setFocus()

    def save(self) -> None:
        other = self.picker.patient_id
        if other is None:
            raise ValidationError("other_patient_id", _("Choose the patient to add: type part "
                                                        "of a name, phone number or email."))
        self.clinic.patients.link_household(self.patient_id, other)
        self.outcome = other
