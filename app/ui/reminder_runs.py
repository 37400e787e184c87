"""Reminders queued whenever the program runs (R47): at start-up, then once a day while the
desk stays open, on the desk's one worker (app/ui/tasks.py), the way membership periods are
invoiced (app/ui/membership_invoicing.py, whose day-watching this reuses). Several desks may
do it at once: the service queues each reminder exactly once. Sending is the outbox's own
work; this only puts the day's letters in it."""

from __future__ import annotations

from app.i18n import _, ngettext

from .membership_invoicing import LOOK_MS, MembershipInvoicing


class ReminderRuns(MembershipInvoicing):
    def __init__(self, window, clinic, *, interval_ms: int = LOOK_MS):
        self.queued = 0
        super().__init__(window, clinic, interval_ms=interval_ms)

    @staticmethod
    def job(clinic) -> int:
        return clinic.mail.queue_reminders()

    def _done(self, queued: int) -> None:
        self.queued += queued
        if queued:
            self.window.statusBar().showMessage(ngettext(
                "{n} reminder was put in the outbox.", "{n} reminders were put in the "
                "outbox.", queued).format(n=queued), 10000)

    def _failed(self, error: BaseException) -> None:
        self.last_day = None  # try again at the next look
        self.window.statusBar().showMessage(_(
            "Reminders could not be queued now ({reason}); ClinicDesk tries again "
            "shortly.").format(reason=error), 10000)


def start(window, clinic) -> ReminderRuns:
    return ReminderRuns(window, clinic)
