"""Unlock…: a manager ends a staff member's PIN lockout with their own PIN (R50).

Offered by the sign-in (and the idle lock and manager approval, which show the same note)
when someone is locked out, and by Settings › Staff. The manager's PIN is asked even of a
manager signed in at this desk, and a wrong one counts against that manager, as anywhere a
PIN is typed; the auth service decides all of it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError
from app.services.pin_lockout import Lockout, locked_words
from app.services.staff import StaffRow

from ..forms import FormDialog
from .manager_pin_form import add_manager_pin


def unlockers(clinic: Clinic, staff_id: int) -> list[StaffRow]:
    """The managers who could unlock `staff_id` here: anyone with a PIN but themselves."""
    return [m for m in clinic.auth.can_approve() if m.id != staff_id]


class UnlockDialog(FormDialog):
    """`ask(parent, clinic, lockout)`: the Lockout after the unlock, or None."""

    def __init__(self, clinic: Clinic, lockout: Lockout, parent: QWidget | None = None):
        super().__init__(_("Unlock {name}").format(name=lockout.name), parent)
        self.clinic, self.lockout = clinic, lockout
        self.setMinimumWidth(420)
        managers = unlockers(clinic, lockout.staff_id)
        if managers:
            text = _("{why}\n\nA manager types their PIN to let {name} try again.").format(
                why=locked_words(lockout), name=lockout.name)
        else:
            text = _("{why}\n\nNo other manager has a PIN at this desk.").format(
                why=locked_words(lockout))
        add_manager_pin(self, text, managers, _("&Unlock"))
        me = self.manager.findData(clinic.current_staff_id)
        if me >= 0:
            self.manager.setCurrentIndex(me)
        self.secret.setFocus()

    def save(self) -> None:
        try:
            self.outcome: Lockout = self.clinic.auth.unlock(
                self.lockout.staff_id, manager_id=self.manager.currentData(),
                manager_pin=self.secret.text())
        except ClinicError:
            self.secret.clear()  # typing again starts from nothing
            raise

    def widget_for(self, error: ClinicError) -> QWidget | None:
        return self.secret

    def refusal_title(self, error: ClinicError) -> str | None:
        return _("Not unlocked")
