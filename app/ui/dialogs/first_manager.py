"""The clinic's first manager: name and PIN (typed twice), then they are signed in.

Shown at start while the clinic has no manager who can sign in (a new file, or one made
before sign-in existed). The auth service checks everything before saving anything, so a
refusal adds no staff member.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.staff import StaffRow

from ..forms import FormDialog


class FirstManagerDialog(FormDialog):
    """`ask(parent, clinic)` returns the new manager's StaffRow (signed in), or None."""

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(_("Who manages this clinic?"), parent)
        self.clinic = clinic
        self.setMinimumWidth(460)
        intro = QLabel(_("Everyone at the desk signs in with their own PIN, so the clinic "
                         "knows who did what. First, the clinic's manager: the manager adds "
                         "the other staff and sets their PINs in File › Settings › Staff."))
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Your name"))
        self.name.setPlaceholderText(_("e.g. Sarah MacLeod"))
        self.secret = QLineEdit()
        self.confirmation = QLineEdit()
        for field, label in ((self.secret, _("PIN")), (self.confirmation, _("PIN again"))):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(label)
        self.secret.setPlaceholderText(_("at least {least} characters").format(  # R50
            least=clinic.settings.get().manager_pin_min_digits))
        self.practitioner = QCheckBox(_("Also sees patients (can be booked)"))
        self.form.addRow(_("Your &name:"), self.name)
        self.form.addRow(_("&PIN:"), self.secret)
        self.form.addRow(_("PIN &again:"), self.confirmation)
        self.form.addRow("", self.practitioner)
        self.fields = {"name": self.name, "secret": self.secret,
                       "confirmation": self.confirmation}
        self.ok_button.setText(_("Create and Sign In"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Quit ClinicDesk"))
        self.name.setFocus()

    def save(self) -> None:
        secret = self.secret.text()
        staff_id = self.clinic.auth.create_first_manager(
            self.name.text(), secret, practitioner=self.practitioner.isChecked(),
            confirmation=self.confirmation.text())
        self.outcome: StaffRow = self.clinic.auth.sign_in(staff_id, secret)
