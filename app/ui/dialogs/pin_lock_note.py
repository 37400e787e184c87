"""R50 where a PIN is typed: who is locked out, a live "Try again in 0:27", and Unlock…

`PinLockNote` sits in a PIN dialog (sign-in, idle lock, manager approval) under the PIN
field. `watch(staff_id)` asks the auth service where that person stands; while they are
locked it shows why, and `locked` tells the dialog to disable the PIN field and its button.
A one-second QTimer asks again while a wait runs (so the countdown follows the services'
clock, and an unlock at another desk shows here), and stops when there is nothing to count.
After ten misses the note offers Unlock…: a manager types their PIN (UnlockDialog).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError
from app.services.pin_lockout import Lockout, countdown, locked_words

from .unlock_staff import UnlockDialog, unlockers


class PinLockNote(QWidget):
    #: Whether a PIN may be typed for the one watched (False while they are locked out).
    locked = Signal(bool)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.staff_id: int | None = None
        self.lock: Lockout | None = None
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setObjectName("pinLockNote")
        self.text.setStyleSheet("color: #b42318;")  # the desk's refusal red
        self.unlock_button = QPushButton(_("&Unlock…"))
        self.unlock_button.setAutoDefault(False)
        self.unlock_button.setToolTip(_("A manager types their PIN to let them try again"))
        self.unlock_button.clicked.connect(self.unlock)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.unlock_button)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.refresh)
        self.hide()

    def watch(self, staff_id: int | None) -> None:
        self.staff_id = staff_id
        self.refresh()

    def refresh(self) -> None:
        try:
            self.lock = (self.clinic.auth.lockout(self.staff_id)
                         if self.staff_id is not None else None)
        except ClinicError:
            self.lock = None  # (gone since the list was made: the PIN's refusal says so)
        lock = self.lock
        if lock is None or not lock.locked:
            self.timer.stop()
            self.hide()
            self.locked.emit(False)
            return
        if lock.needs_manager:
            self.timer.stop()
            self.text.setText(locked_words(lock))
        else:
            self.text.setText(_("{why} Try again in {clock}.").format(
                why=_("{name} is locked out after {misses} wrong PINs in a row.").format(
                    name=lock.name, misses=lock.misses), clock=countdown(lock.seconds_left)))
            if not self.timer.isActive():
                self.timer.start()
        # Any manager may end a wait early too; after ten it is the only way.
        self.unlock_button.setVisible(bool(unlockers(self.clinic, lock.staff_id)))
        self.show()
        self.locked.emit(True)

    def unlock(self) -> None:
        if self.lock is not None and UnlockDialog.ask(self.window(), self.clinic,
                                                      self.lock) is not None:
            self.refresh()
