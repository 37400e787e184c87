"""The outbox sent whenever the program runs (R46): every 30 seconds, and soon after a message
is queued, `clinic.mail.deliver_pending` runs on the desk's one worker (app/ui/tasks.py),
never on the window's thread, and never twice at once: a round still running when the next
is due is left to finish (the next one starts at the following tick). Several desks may send
at once; the service claims each message in the database, so none is sent twice.

The password: when the account has a user and this computer's credential store does not know
the password (`needs_password()`), whoever is at the desk is asked once this start, when there
is something to send, and it is kept in this process only. Cancelled, it is not asked again
until someone sends from Desk › Outbox (`send_now`).

The status bar says when messages are waiting or failing, in the desk's words; what the
server said is in its tooltip and in the Outbox.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from app.i18n import _, ngettext

from .dialogs.mail_password import ask_password
from .tasks import Running, tasks_for

EVERY_MS = 30 * 1000
SOON_MS = 1500  # after a message is queued: its transaction has committed, the dialog closes
LOOK_BACK = 50  # the newest messages read for the status note's reasons

_senders: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Round:
    """What one round did and left (plain data, from the worker)."""
    sent: int
    waiting: int
    waiting_reason: str  # the server's words on a message tried and still waiting
    failed: int          # failed and not yet retried or resent
    failed_reason: str
    needs_password: bool = False  # something waits, and no password is known to send it


def deliver(clinic, password: str | None, *, may_ask: bool = True) -> Round:
    """On the worker: send what is due, then read what is left. The credential store is read
    here too (a keyring may take its time to answer), never on the window's thread."""
    mail = clinic.mail
    if mail.can_email() is not None:
        return look(clinic)
    if password is None and mail.needs_password():
        return look(clinic, needs_password=may_ask and mail.pending_count() > 0)
    return look(clinic, mail.deliver_pending(password=password))


def look(clinic, sent: int = 0, *, needs_password: bool = False) -> Round:
    rows = clinic.mail.outbox(limit=LOOK_BACK)
    resent = {row.resent_from_id for row in rows if row.resent_from_id is not None}
    tried = [r for r in rows if r.state in ("queued", "sending") and r.attempts > 0]
    failed = [r for r in rows if r.state == "failed" and r.id not in resent]
    return Round(sent, clinic.mail.pending_count(), tried[0].last_error if tried else "",
                 len(failed), failed[0].last_error if failed else "", needs_password)


def note_of(result: Round) -> tuple[str, str]:
    """The status bar's note and its tooltip (the server's words)."""
    parts, words = [], []
    if result.waiting:
        if result.waiting_reason:
            parts.append(ngettext("{n} email waiting \u2014 the mail server does not take it "
                                  "yet", "{n} emails waiting \u2014 the mail server does not "
                                  "take them yet", result.waiting).format(n=result.waiting))
            words.append(result.waiting_reason)
        else:
            parts.append(ngettext("{n} email waiting to be sent", "{n} emails waiting to be "
                                  "sent", result.waiting).format(n=result.waiting))
    if result.failed:
        parts.append(ngettext("{n} email failed: see Desk \u203a Outbox",
                              "{n} emails failed: see Desk \u203a Outbox",
                              result.failed).format(n=result.failed))
        words.append(result.failed_reason)
    tip = "\n".join(_("The mail server said: {words}").format(words=w) for w in words if w)
    return "; ".join(parts), tip


class MailSender(QObject):
    #: A round finished (the Outbox window re-reads then).
    delivered = Signal(object)

    def __init__(self, window, clinic, *, every_ms: int = EVERY_MS, soon_ms: int = SOON_MS):
        super().__init__(window)
        self.window, self.clinic, self.soon_ms = window, clinic, soon_ms
        self.running: Running | None = None
        self.again = False  # a send was asked for while a round ran: one more right after
        self.password: str | None = None  # typed this start; memory only
        self.declined = False
        self.stopped = False
        self.note = QLabel()
        self.note.setAccessibleName(_("Email"))
        window.statusBar().addPermanentWidget(self.note)
        self.note.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        _senders[clinic] = self
        QTimer.singleShot(soon_ms, self.tick)  # what an earlier start left in the outbox

    def soon(self) -> None:
        QTimer.singleShot(self.soon_ms, self.tick)

    def send_now(self) -> None:
        """Desk › Outbox › Send Now: a password declined earlier is asked again, and what is
        due is sent."""
        if self.declined:
            self.declined, self.password = False, None
        self.tick()

    def tick(self) -> None:
        if self.stopped:  # a singleShot from before stop() (soon(), the first tick)
            return
        if self.running is not None and self.running.running:
            self.again = True
            return
        password, may_ask = self.password, not self.declined
        self.running = tasks_for(self.clinic).run(
            lambda clinic: deliver(clinic, password, may_ask=may_ask), self._done,
            self._failed)

    def _done(self, result: Round) -> None:
        if result.needs_password and not self.declined:
            # Asked here, on the window's thread, once this start; then this round again.
            self.password = ask_password(self.window, self.clinic)
            self.declined = self.password is None
            self.again = True
        if self.password is not None and result.failed_reason.startswith("535"):
            # RFC 4954's "authentication credentials invalid": the typed one was wrong.
            self.password = None
        text, tip = note_of(result)
        if self.declined and result.waiting:
            text = _("{note} (the mail password was not given; Desk \u203a Outbox \u203a Send "
                     "Now asks again)").format(note=text)
        self.note.setText(text)
        self.note.setToolTip(tip)
        self.note.setVisible(bool(text))
        self.delivered.emit(result)
        if self.again:
            self.again = False
            self.soon()

    def _failed(self, error: BaseException) -> None:
        # Not a dialog at a desk where nobody asked: the note, and the next tick tries again.
        self.note.setText(_("Email could not be sent now ({reason}); ClinicDesk tries again "
                            "shortly.").format(reason=error))
        self.note.setToolTip(getattr(error, "server_says", "") or "")
        self.note.show()

    def stop(self) -> None:
        self.stopped = True
        self.timer.stop()
        if self.running is not None:
            self.running.cancel()
        if _senders.get(self.clinic) is self:
            del _senders[self.clinic]


def sender_for(clinic) -> MailSender | None:
    return _senders.get(clinic)


def soon(clinic) -> None:
    """A message was queued: send it soon, if this program sends (a test window does not)."""
    sender = _senders.get(clinic)
    if sender is not None:
        sender.soon()


def start(window, clinic) -> MailSender:
    return MailSender(window, clinic)
