"""Staff members: who sees patients (practitioners) and who works the desk."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError
from app.services.staff import StaffRow

from .. import msgbox
from ..forms import FormDialog
from ..models.catalog import ROLE_NAMES, StaffModel
from .record_list import RecordListPage
from .staff_lockouts import StaffLockouts
from .rows import add_row


class StaffDialog(FormDialog):
    def __init__(self, clinic: Clinic, member: StaffRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(_("Edit Staff Member") if member else _("New Staff Member"), parent)
        self.clinic, self.member = clinic, member
        self.name = QLineEdit(member.name if member else "")
        self.practitioner = QCheckBox(_("&Sees patients (can be booked)"))
        self.practitioner.setChecked(member.practitioner if member else True)
        self.role = QComboBox()
        for code, label in ROLE_NAMES.items():
            self.role.addItem(_(label), code)
        self.role.setCurrentIndex(max(0, self.role.findData(member.role if member
                                                             else "front_desk")))
        add_row(self.form, _("&Name:"), self.name)
        add_row(self.form, _("Practitioner:"), self.practitioner)
        add_row(self.form, _("&Role:"), self.role)
        self.fields = {"name": self.name, "role": self.role}

    def save(self) -> None:
        values = dict(practitioner=self.practitioner.isChecked(), role=self.role.currentData())
        if self.member is None:
            self.outcome = self.clinic.staff.add(self.name.text(), **values)
        else:
            self.clinic.staff.update(self.member.id, name=self.name.text(), **values)
            self.outcome = self.member.id


class SetPinDialog(FormDialog):
    """A staff member's PIN, typed twice. The auth service decides who may set whose."""

    def __init__(self, clinic: Clinic, member: StaffRow, parent: QWidget | None = None):
        super().__init__(_("Set PIN for {name}").format(name=member.name), parent)
        self.clinic, self.member = clinic, member
        note = QLabel(_("{name} will sign in with this PIN (or password). It is stored "
                        "scrambled: no one can read it back, so tell them in person.")
                      .format(name=member.name))
        note.setWordWrap(True)
        self.body.insertWidget(0, note)
        self.secret = QLineEdit()
        self.confirmation = QLineEdit()
        for field, label in ((self.secret, _("New PIN")),
                             (self.confirmation, _("New PIN again"))):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(label)
        self.secret.setPlaceholderText(_("at least 4 characters"))
        add_row(self.form, _("New &PIN:"), self.secret)
        add_row(self.form, _("PIN &again:"), self.confirmation)
        self.fields = {"secret": self.secret, "confirmation": self.confirmation}
        self.ok_button.setText(_("&Set PIN"))

    def save(self) -> None:
        self.clinic.auth.set_secret(self.member.id, self.secret.text(),
                                    confirmation=self.confirmation.text())
        self.outcome = self.member.id


class StaffPage(RecordListPage):
    """The staff list, plus Set PIN… for the one selected."""

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        self.clinic = clinic
        self.pin_button = QPushButton(_("Set &PIN…"))
        self.lockouts = StaffLockouts(clinic, self)  # R50
        super().__init__(
            StaffModel(),
            load=lambda: clinic.staff.list(include_inactive=True),
            edit=lambda owner, row: StaffDialog.ask(owner, clinic, row),
            set_active=lambda ident, active: clinic.staff.update(ident, active=active),
            add_text=_("&Add Staff Member…"), name=_("Staff"), parent=parent)
        self.pin_button.clicked.connect(self.set_pin)
        buttons = self.layout().itemAt(1).layout()  # the row of buttons under the table
        buttons.insertWidget(buttons.indexOf(self.active_button), self.pin_button)
        buttons.insertWidget(buttons.indexOf(self.active_button), self.lockouts.unlock_button)
        self.layout().insertWidget(1, self.lockouts.text)
        # Tab follows the row as it reads: ... Edit…, Set PIN…, Unlock…, Deactivate.
        QWidget.setTabOrder(self.edit_button, self.pin_button)
        QWidget.setTabOrder(self.pin_button, self.lockouts.unlock_button)
        QWidget.setTabOrder(self.lockouts.unlock_button, self.active_button)

    def set_pin(self) -> None:
        member = self.selected()
        if member is None:
            return
        try:  # asked first, so a front desk is told before typing a PIN twice
            self.clinic.auth.check_can_set_secret(member.id)
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not allowed"))
            return
        if SetPinDialog.ask(self, self.clinic, member) is not None:
            msgbox.information(self, _("PIN set"), _("{name} can now sign in with the new "
                                                      "PIN.").format(name=member.name))

    def _update_buttons(self) -> None:
        super()._update_buttons()
        self.pin_button.setEnabled(self.selected() is not None)
        self.lockouts.show_for(self.selected())


def staff_page(clinic: Clinic, parent: QWidget | None = None) -> RecordListPage:
    return StaffPage(clinic, parent)
