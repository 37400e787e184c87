"""Staff members: who sees patients (practitioners) and who works the desk."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from app.services import Clinic
from app.services.staff import StaffRow

from ..forms import FormDialog
from ..models.catalog import ROLE_NAMES, StaffModel
from .record_list import RecordListPage


class StaffDialog(FormDialog):
    def __init__(self, clinic: Clinic, member: StaffRow | None = None,
                 parent: QWidget | None = None):
        super().__init__("Edit Staff Member" if member else "New Staff Member", parent)
        self.clinic, self.member = clinic, member
        self.name = QLineEdit(member.name if member else "")
        self.practitioner = QCheckBox("Sees patients (can be booked)")
        self.practitioner.setChecked(member.practitioner if member else True)
        self.role = QComboBox()
        for code, label in ROLE_NAMES.items():
            self.role.addItem(label, code)
        self.role.setCurrentIndex(max(0, self.role.findData(member.role if member
                                                             else "front_desk")))
        self.form.addRow("&Name:", self.name)
        self.form.addRow("Practitioner:", self.practitioner)
        self.form.addRow("&Role:", self.role)
        self.fields = {"name": self.name, "role": self.role}

    def save(self) -> None:
        values = dict(practitioner=self.practitioner.isChecked(), role=self.role.currentData())
        if self.member is None:
            self.outcome = self.clinic.staff.add(self.name.text(), **values)
        else:
            self.clinic.staff.update(self.member.id, name=self.name.text(), **values)
            self.outcome = self.member.id


def staff_page(clinic: Clinic, parent: QWidget | None = None) -> RecordListPage:
    return RecordListPage(
        StaffModel(),
        load=lambda: clinic.staff.list(include_inactive=True),
        edit=lambda owner, row: StaffDialog.ask(owner, clinic, row),
        set_active=lambda ident, active: clinic.staff.update(ident, active=active),
        noun="Staff Member", parent=parent)
