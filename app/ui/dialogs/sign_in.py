"""Who is at the desk: pick your name, type your PIN (issue 7).

Shown when the desk starts and whenever it is locked (File › Lock, or idle). Whoever signs in
is the one the audit trail records for what is done next. The PIN is checked by the auth
service; a wrong one gets the service's sentence and nothing changes.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QWidget

from app.i18n import N_, _
from app.services import Clinic
from app.services.errors import ClinicError
from app.services.staff import StaffRow

from ..forms import FormDialog
from .manager_pin_form import secret_field
from .pin_lock_note import PinLockNote

ROLE_NAMES = {"front_desk": N_("front desk"), "manager": N_("manager")}


def role_name(role: str) -> str:
    """A role as the desk calls it, in the desk's language."""
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


class SignInDialog(FormDialog):
    """`ask(parent, clinic)` returns the StaffRow signed in, or None for Quit.

    `locked`: the desk was locked; Escape and the title bar's close do nothing then, so a
    stray key never quits the program from the lock screen (Quit is a button of its own).
    `prefill`: staff id -> PIN typed in for the desk (only the demo clinic, whose PINs are
    public, passes it).
    """

    def __init__(self, clinic: Clinic, *, locked: bool = False,
                 prefill: dict[int, str] | None = None, parent: QWidget | None = None):
        super().__init__(_("ClinicDesk is locked") if locked else _("Sign in to ClinicDesk"),
                         parent)
        self.clinic, self.locked = clinic, locked
        self._prefill = dict(prefill or {})
        self.setMinimumWidth(420)
        name = clinic.settings.get().name
        if locked:
            text = _("<b>{clinic}</b><br>The desk was locked. Sign in to continue; whoever "
                     "signs in is recorded for what is done next.").format(
                         clinic=html.escape(name))
        else:
            text = _("<b>{clinic}</b><br>Choose your name and type your PIN.").format(
                clinic=html.escape(name))
        self.intro = QLabel(text)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        self.intro.setWordWrap(True)
        self.body.insertWidget(0, self.intro)

        self.staff = QComboBox()
        self.staff.setAccessibleName(_("Staff member"))
        for member in clinic.auth.can_sign_in():
            self.staff.addItem(_("{name} ({role})").format(name=member.name,
                                                           role=role_name(member.role)),
                               member.id)
        self.secret = secret_field(_("PIN or password"))
        self.form.addRow(_("&Name:"), self.staff)
        self.form.addRow(_("&PIN:"), self.secret)
        self.fields = {"secret": self.secret}
        self.lock_note = PinLockNote(clinic)  # R50: a countdown, or Unlock…, while locked out
        self.form.addRow(self.lock_note)
        self.lock_note.locked.connect(self._locked)

        self.ok_button.setText(_("Sign In"))
        self.quit_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.quit_button.setText(_("Quit ClinicDesk"))
        self.quit_button.setAutoDefault(False)
        # Quit is its own button: reject() may be refused while locked (see reject).
        self.buttons.rejected.disconnect()
        self.quit_button.clicked.connect(self.quit)
        self.staff.currentIndexChanged.connect(self._staff_changed)
        self._staff_changed()
        self.secret.setFocus()

    def select(self, staff_id: int) -> None:
        index = self.staff.findData(staff_id)
        if index >= 0:
            self.staff.setCurrentIndex(index)

    def _staff_changed(self) -> None:
        self.secret.setText(self._prefill.get(self.staff.currentData(), ""))
        self.lock_note.watch(self.staff.currentData())
        self.secret.setFocus()

    def _locked(self, locked: bool) -> None:
        self.secret.setEnabled(not locked)
        self.ok_button.setEnabled(not locked)
        if not locked:
            self.secret.setFocus()

    def save(self) -> None:
        try:
            self.outcome: StaffRow = self.clinic.auth.sign_in(self.staff.currentData(),
                                                              self.secret.text())
        except ClinicError:
            self.secret.clear()  # typing again starts from nothing, not after a wrong PIN
            self.lock_note.refresh()  # that miss may have started a wait
            raise

    def widget_for(self, error: ClinicError) -> QWidget | None:
        return self.secret

    def refusal_title(self, error: ClinicError) -> str | None:
        # Nothing was being saved: the desk typed a PIN that does not match (issue 14).
        return _("Wrong PIN")

    def quit(self) -> None:
        self.done(self.DialogCode.Rejected)

    def reject(self) -> None:
        if not self.locked:
            super().reject()

    # QDialog's closeEvent asks reject(), so the title bar's close obeys the same rule.
