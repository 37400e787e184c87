"""Another desk changed something: refresh what this desk shows (issue 9).

Several desks share one clinic on a server. Every change anywhere moves the clinic's change
marker (`clinic.changes_since`, one primary-key lookup), so the window polls it every couple
of seconds and refreshes the tab on screen when it moved.

Not while the desk is in the middle of something: with a dialog open (a sale half typed,
a payment being taken) the refresh waits until it closes, and the dialog's own service
call refuses anything the other desk made impossible (R30). Not while the window is
minimised or locked either; it catches up when the desk comes back.

A server that stops answering is said once in the status bar and polled again; the desk is
told when it is back.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget
from sqlalchemy.exc import DBAPIError

from app.i18n import _
from app.services import Clinic

POLL_MS = 2000


class LiveRefresh(QObject):
    def __init__(self, window: QMainWindow, clinic: Clinic, tabs: Callable[[], QTabWidget],
                 *, interval_ms: int = POLL_MS):
        super().__init__(window)
        self.window = window
        self.clinic = clinic
        self.tabs = tabs  # (a callable: the window may rebuild its tabs, e.g. a new language)
        self.token: int | None = None
        self.pending = False
        self.lost = False
        self.refreshes = 0
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        try:
            self.token = clinic.changes_since(None)[1]
        except DBAPIError:
            self.token = None

    def poll(self) -> None:
        if not self.window.isVisible():
            # Closed (or never shown): nothing on screen to keep current, and its clinic may
            # be closed already; refreshing tabs on their way out crashed the program.
            return
        try:
            changed, self.token = self.clinic.changes_since(self.token)
        except DBAPIError:
            if not self.lost:
                self.lost = True
                self.window.statusBar().showMessage(_(
                    "The clinic database is not answering; ClinicDesk keeps trying. Work "
                    "typed now may be refused until it is back."))
            return
        if self.lost:
            self.lost = False
            self.window.statusBar().showMessage(_("The clinic database is answering again."),
                                                8000)
            changed = True
        if changed:
            self.pending = True
        if self.pending and self._desk_is_free():
            self.refresh_now()

    def refresh_now(self) -> None:
        self.pending = False
        self.refreshes += 1
        current = self.tabs().currentWidget()
        if current is not None:
            current.refresh()

    def caught_up(self) -> None:
        """This desk has just shown everything (after its own write): the marker moved by
        that write is no reason to refresh again."""
        try:
            self.token = self.clinic.changes_since(self.token)[1]
        except DBAPIError:
            return  # the next poll says so
        self.pending = False

    def _desk_is_free(self) -> bool:
        if QApplication.activeModalWidget() is not None or QApplication.activePopupWidget():
            return False
        return self.window.isVisible() and not self.window.isMinimized()

    def stop(self) -> None:
        self.timer.stop()
