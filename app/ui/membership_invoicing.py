"""Membership periods invoiced whenever the program runs (R43): at start-up, then once a day
while the desk stays open, on the desk's one worker (app/ui/tasks.py), never on the window's
thread. Several desks may do it at once: the service invoices each period exactly once.

The timer only looks at the date now and then (cheap); the invoicing runs when the day has
changed since it last ran. What it made is said in the status bar, as a write that refreshes
the views; a failure is said there too and tried again at the next look, not in a dialog at
a desk where nobody asked for anything.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, QTimer

from app.i18n import _, ngettext

from .tasks import tasks_for

LOOK_MS = 10 * 60 * 1000  # ten minutes: a new day is noticed soon after midnight


class MembershipInvoicing(QObject):
    def __init__(self, window, clinic, *, interval_ms: int = LOOK_MS):
        super().__init__(window)
        self.window = window
        self.clinic = clinic
        self.last_day: date | None = None
        self.running = None
        self.made: list[int] = []
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.look)
        self.timer.start()
        self.look()

    def look(self) -> None:
        """Invoice what is due if the day changed since the last run (and none is running)."""
        today = self.clinic.today()
        if self.last_day == today or (self.running is not None and self.running.running):
            return
        self.last_day = today
        self.running = tasks_for(self.clinic).run(self.job, self._done, self._failed,
                                                  write=True)

    @staticmethod
    def job(clinic):
        """What runs on the worker once a day (the reminders run the same way, R47)."""
        return clinic.memberships.invoice_due()

    def stop(self) -> None:
        self.timer.stop()
        if self.running is not None:
            self.running.cancel()

    def _done(self, made: list[int]) -> None:
        self.made += made
        if made:
            self.window.statusBar().showMessage(ngettext(
                "{n} membership period was invoiced.", "{n} membership periods were "
                "invoiced.", len(made)).format(n=len(made)), 10000)

    def _failed(self, error: BaseException) -> None:
        self.last_day = None  # try again at the next look
        self.window.statusBar().showMessage(_(
            "Membership invoices could not be made now ({reason}); ClinicDesk tries again "
            "shortly.").format(reason=error), 10000)


def start(window, clinic) -> MembershipInvoicing:
    return MembershipInvoicing(window, clinic)
