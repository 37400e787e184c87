"""Manager approval: a manager types their PIN at the front desk's screen, before the form of
a manager-only action opens, and approves that one action (issue 14, item 10).

`approved(parent, clinic, actions, open_form)` is what an entry point calls: when the one
signed in is a manager (or no one is), it opens the form at once; otherwise it asks for a
manager's PIN first, and opens the form only once approved, with the approval in force for
that form alone. Cancel opens nothing. `mark` tells the front desk which actions these are.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.i18n import _
from app.services import Clinic
from app.services.auth import Approval
from app.services.errors import ClinicError

from ..forms import FormDialog
from .manager_pin_form import add_manager_pin
from .pin_lock_note import PinLockNote

T = TypeVar("T")

# The services' words for the manager-only actions the desk reaches from Patient Billing and
# the package page (app.services.auth.MANAGER_ACTIONS); the first of a tuple names it.
EXPIRY = "change a package's expiry date"
#: One approval covers the refund and handing its credit back in the same dialog.
REFUND_PACKAGE = ("refund a package", "refund a payment")
VOID = "void an invoice"
REFUND_PAYMENT = "refund a payment"
# ...and from the File menu: the whole clinic copied out (issue 15, item 4). These run on the
# worker, so their approval goes along with `carried`.
BACKUP_TO_FOLDER = "back up the clinic to a folder of your choice"
MOVE_TO_SERVER = "copy the clinic to a server"
#: ...and the books' journal (R35), which names patients beside every amount.
EXPORT_JOURNAL = "export the clinic's journal"


class ManagerApprovalDialog(FormDialog):
    """`ask(parent, clinic, actions)`: the Approval, or None when cancelled."""

    def __init__(self, clinic: Clinic, actions: str | tuple[str, ...],
                 parent: QWidget | None = None):
        super().__init__(_("Manager approval"), parent)
        self.clinic = clinic
        self.actions = (actions,) if isinstance(actions, str) else tuple(actions)
        self.setMinimumWidth(420)
        managers = clinic.auth.can_approve()
        if managers:
            text = _("Only a manager can {action}. A manager can approve it now with their "
                     "PIN; then the form opens.").format(action=_(self.actions[0]))
        else:
            text = _("Only a manager can {action}, and no manager has a PIN at this desk yet. "
                     "Ask a manager to sign in and do it.").format(action=_(self.actions[0]))
        add_manager_pin(self, text, managers, _("&Approve"))
        # R50: the chosen manager's lockout, as at the sign-in (their misses are theirs)
        self.lock_note = PinLockNote(clinic)
        self.form.addRow(self.lock_note)
        self.lock_note.locked.connect(self._locked)
        self.manager.currentIndexChanged.connect(self._manager_changed)
        self._manager_changed()

    def _manager_changed(self, _index: int = 0) -> None:
        self.lock_note.watch(self.manager.currentData())
        self.secret.setFocus()

    def _locked(self, locked: bool) -> None:
        self.secret.setEnabled(not locked)
        self.ok_button.setEnabled(not locked and self.manager.count() > 0)
        if not locked:
            self.secret.setFocus()

    def select(self, staff_id: int) -> None:
        index = self.manager.findData(staff_id)
        if index >= 0:
            self.manager.setCurrentIndex(index)

    def save(self) -> None:
        try:
            self.outcome: Approval = self.clinic.auth.approve(
                self.manager.currentData(), self.secret.text(), self.actions)
        except ClinicError:
            self.secret.clear()  # typing again starts from nothing
            self.lock_note.refresh()  # that miss may have started the manager's wait
            raise

    def widget_for(self, error: ClinicError) -> QWidget | None:
        return self.secret

    def refusal_title(self, error: ClinicError) -> str | None:
        return _("Not approved")


def approved(parent: QWidget | None, clinic: Clinic, actions: str | tuple[str, ...],
             open_form: Callable[[], T]) -> T | None:
    """Open the form of a manager-only action, asking a manager's PIN first if needed.
    `actions`: the services' words for it (the first names it), English as in
    MANAGER_ACTIONS. None when the approval was cancelled: nothing opened, nothing changed."""
    first = actions if isinstance(actions, str) else actions[0]
    if not clinic.auth.needs_approval(first):
        return open_form()
    approval = ManagerApprovalDialog.ask(parent, clinic, actions)
    if approval is None:
        return None
    with clinic.auth.approved(approval):
        return open_form()


def carried(clinic: Clinic, job: Callable[[Clinic], T]) -> Callable[[Clinic], T]:
    """`job` for the worker thread, with the approval in force here (on the GUI thread,
    inside `approved`) in force there too: an approval is per thread, so that no other job
    borrows it, and this job is the approved action itself."""
    approval = clinic.auth.approval_in_force()
    if approval is None:
        return job

    def run(on: Clinic) -> T:
        with on.auth.approved(approval):
            return job(on)
    return run


def mark(clinic: Clinic, actions: str | tuple[str, ...], control: QWidget | QAction,
         text: str, tooltip: str = "") -> str:
    """Show the front desk that `control` (text `text`, usual tooltip `tooltip`) needs a
    manager's PIN; a manager sees it plain. Returns the tooltip set, for a caller that
    shows a refusal instead while the action cannot be done."""
    first = actions if isinstance(actions, str) else actions[0]
    if clinic.auth.needs_approval(first):
        control.setText(_("{action} (manager)").format(action=text))
        need = _("Needs a manager's PIN")
        tooltip = f"{tooltip}\n{need}" if tooltip else need
    else:
        control.setText(text)
    control.setToolTip(tooltip)
    return tooltip
