"""Settings › Staff, R50: who cannot sign in now for wrong PINs, and Unlock… for the one
selected (a manager types their PIN in UnlockDialog; the auth service decides)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.pin_lockout import Lockout, wait_words
from app.services.staff import StaffRow

from .. import msgbox
from ..dialogs.unlock_staff import UnlockDialog, unlockers


def lock_words(lock: Lockout) -> str:
    if lock.needs_manager:
        return _("{name}: {misses} wrong PINs, a manager must unlock").format(
            name=lock.name, misses=lock.misses)
    return _("{name}: {misses} wrong PINs, {wait} left").format(
        name=lock.name, misses=lock.misses, wait=wait_words(lock.seconds_left))


class StaffLockouts:
    """The note (`text`, above the page's buttons) and `unlock_button` (among them)."""

    def __init__(self, clinic: Clinic, owner: QWidget):
        self.clinic, self.owner = clinic, owner
        self.member: StaffRow | None = None
        self.lock: Lockout | None = None
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setObjectName("staffLockouts")
        self.unlock_button = QPushButton(_("&Unlock…"))
        self.unlock_button.setToolTip(_("Needs a manager's PIN"))
        self.unlock_button.clicked.connect(self.unlock)

    def show_for(self, member: StaffRow | None) -> None:
        """Everyone locked out now; Unlock… for `member` when they are one of them."""
        self.member = member
        locks = self.clinic.auth.lockouts()
        self.text.setText(_("Locked out: {who}.").format(
            who="; ".join(lock_words(lock) for lock in locks)) if locks else "")
        self.text.setVisible(bool(locks))
        self.lock = next((lock for lock in locks
                          if member is not None and lock.staff_id == member.id), None)
        self.unlock_button.setEnabled(self.lock is not None
                                      and bool(unlockers(self.clinic, self.lock.staff_id)))

    def unlock(self) -> None:
        if self.lock is None:
            return
        if UnlockDialog.ask(self.owner, self.clinic, self.lock) is not None:
            msgbox.information(self.owner, _("Unlocked"), _("{name} can sign in again with "
                                                            "their PIN.").format(
                                                                name=self.lock.name))
        self.show_for(self.member)
