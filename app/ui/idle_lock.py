"""The desk locks itself after a few idle minutes, or at once with File › Lock (issue 7).

Idle means no key, click, wheel or mouse movement anywhere in the program: an application
event filter restarts a single-shot timer on each. When it fires, whoever was signed in is
signed out, every window of the program is covered (so no patient's details stay on screen),
and the sign-in dialog asks who continues. Any staff member may sign in; what is done next is
recorded as theirs.

How long "idle" is lives in the desk computer's own settings (QSettings, not the clinic
file: each desk may sit somewhere different), key `security/idle_lock_minutes`, default 5;
0 turns the idle lock off (File › Lock still works).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.staff import StaffRow

from .desk_settings import desk_settings
from .dialogs.first_manager import FirstManagerDialog
from .dialogs.sign_in import SignInDialog

SETTINGS_KEY = "security/idle_lock_minutes"
DEFAULT_MINUTES = 5
MAX_MINUTES = 24 * 60

#: What counts as someone at the desk.
ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                      QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
                      QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate})


def idle_minutes() -> int:
    """Minutes of no activity before the desk locks; 0 = never. A bad value means the
    default, never "no lock"."""
    value = desk_settings().value(SETTINGS_KEY, DEFAULT_MINUTES)
    try:
        minutes = int(str(value).strip())
    except ValueError:
        return DEFAULT_MINUTES
    return minutes if 0 <= minutes <= MAX_MINUTES else DEFAULT_MINUTES


def who_continues(parent: QWidget | None, clinic: Clinic, *, locked: bool,
                  prefill: dict[int, str] | None = None) -> StaffRow | None:
    """Sign someone in, or create the clinic's first manager if there is no manager who can
    sign in yet. None when the desk chose Quit."""
    if clinic.auth.needs_first_manager():
        return FirstManagerDialog.ask(parent, clinic)
    return SignInDialog.ask(parent, clinic, locked=locked, prefill=prefill)


class LockCover(QWidget):
    """Covers one window entirely while the desk is locked, following its size."""

    def __init__(self, window: QWidget, clinic_name: str):
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, False)
        title = QLabel(_("Locked"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        title.setFont(font)
        text = QLabel(clinic_name + "\n" + _("Sign in to continue."))
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        for label in (title, text):
            label.setStyleSheet("color: #e5e7eb; background: transparent;")
        layout = QVBoxLayout(self)
        # In the upper part: the sign-in dialog sits in the middle, over the window.
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addStretch(4)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()

    def paintEvent(self, _event) -> None:
        QPainter(self).fillRect(self.rect(), QColor("#2b3440"))  # dark: the dialog stands out

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        elif watched is self.parent() and event.type() == QEvent.Type.ChildAdded:
            QTimer.singleShot(0, self.raise_)  # stay on top of anything added meanwhile
        return False


def cover_windows(clinic_name: str) -> list[LockCover]:
    """A cover over every window the program shows (the main window and any dialog)."""
    covers = []
    for window in QApplication.topLevelWidgets():
        if not window.isVisible() or window.windowType() in (Qt.WindowType.Popup,
                                                              Qt.WindowType.ToolTip):
            continue
        covers.append(LockCover(window, clinic_name))
    return covers


class IdleLock(QObject):
    """Owned by the main window. `lock()` locks now; the timer calls it when idle."""

    #: Someone signed in at the lock (their StaffRow).
    signed_in = Signal(object)
    #: The desk chose Quit at the lock.
    quit_requested = Signal()

    def __init__(self, window: QWidget, clinic: Clinic, minutes: int | None = None):
        super().__init__(window)
        self.window, self.clinic = window, clinic
        self.locked = False
        self.covers: list[LockCover] = []
        #: Staff id -> PIN typed in at the lock (the demo clinic only; see __main__).
        self.prefill: dict[int, str] = {}
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)  # restarts show in remainingTime
        self.timer.timeout.connect(self._idle)
        self.minutes = 0
        self.set_minutes(idle_minutes() if minutes is None else minutes)
        QApplication.instance().installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.timer.setInterval(max(1, minutes) * 60_000)
        self.rearm()

    def rearm(self) -> None:
        """Count idle time from now, if someone is signed in to protect."""
        if self.minutes > 0 and not self.locked and self.clinic.current_staff_id is not None:
            self.timer.start()
        else:
            self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.timer.isActive() and event.type() in ACTIVITY:
            self.timer.start()  # someone is here: count from now
        return False

    def _idle(self) -> None:
        if not self.window.isVisible():
            return  # the desk is closing (or not open yet): nothing to cover
        if any(w.isVisible() and w.property("keepsLockAway")
               for w in QApplication.topLevelWidgets()):
            self.timer.start()  # a backup or restore is running: lock once it is over
            return
        self.lock()

    def lock(self) -> bool:
        """Sign out, cover every window, ask who continues. False when the desk chose Quit."""
        if self.locked:
            return True
        self.locked = True
        self.timer.stop()
        before = self.clinic.current_staff_id
        try:
            self.clinic.auth.sign_out()
        finally:
            self.clinic.current_staff_id = None  # even if the sign-out could not be recorded
        self.covers = cover_windows(self.clinic.settings.get().name)
        try:
            who = who_continues(self.window, self.clinic, locked=True, prefill=self.prefill)
        finally:
            for cover in self.covers:
                cover.hide()
                cover.deleteLater()
            self.covers = []
            self.locked = False
        if who is None:
            self.quit_requested.emit()
            return False
        if who.id != before:
            close_manager_dialogs()
        self.signed_in.emit(who)
        self.rearm()
        return True


def close_manager_dialogs() -> None:
    """Someone else now sits at the desk: what only the last person could see is closed."""
    for window in QApplication.topLevelWidgets():
        if window.isVisible() and window.property("managerOnly") and hasattr(window, "reject"):
            window.reject()


__all__ = ["IdleLock", "LockCover", "desk_settings", "idle_minutes", "who_continues"]
