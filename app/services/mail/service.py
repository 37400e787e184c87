"""`clinic.mail` (R46, R47): the outbox as the desk sees it and acts on it.

Queueing writes the whole message, its outbox row and the audit entry in one transaction and
never talks to the network; `deliver_pending` (on the worker) is the only part that does.
"""

from __future__ import annotations

import ssl
from email import message_from_bytes
from email.policy import SMTP
from email.utils import format_datetime

from sqlalchemy import func, select

from ...domain import reminders as reminder_rule
from ...i18n import N_, _
from ...models import OutboxMessage
from .. import validation as v
from ..base import Service
from ..errors import NotAllowed, ValidationError
from . import letters, reminders, sender, transport
from .account import SmtpAccount, account_of
from .message import Letter, build, new_message_id
from .outbox import MessageRow, newest_first, queue_letter, row_of
from .passwords import PasswordStore
from .reminders import ReminderCalls

ENTITY = "outbox_message"
WHAT = "email message"  # (NotFound's words: "No email message with number 5 exists.")


class MailService(ReminderCalls, Service):
    def __init__(self, clinic) -> None:
        super().__init__(clinic)
        self.passwords = PasswordStore()  # this desk's, for this start
        # The certificates a TLS/STARTTLS server is checked against: None, the system's
        # (tests set one that trusts the certificate they made).
        self.ssl_context: ssl.SSLContext | None = None
        self.timeout = 30.0  # seconds per step of a conversation with the server

    def account(self) -> SmtpAccount:
        return account_of(self._clinic.settings.get())

    def outbox(self, *, limit: int | None = None,
               patient_id: int | None = None) -> list[MessageRow]:
        """Every message, newest first (R46: queued, sent or failed with the reason)."""
        with self._db.read() as s:
            return newest_first(s, limit=limit, patient_id=patient_id)

    def message(self, row_id: int) -> MessageRow:
        with self._db.read() as s:
            return row_of(v.get(s, OutboxMessage, row_id, WHAT))

    def can_email(self) -> str | None:
        """None when email can be queued, else why not in the desk's words."""
        if not self.account().configured:
            return _("Email is not set up: a manager fills in Settings \u203a Email.")
        return None

    def needs_password(self) -> bool:
        """Whether sending needs a password this desk does not have (the screen asks)."""
        account = self.account()
        return bool(account.user) and self.passwords.get(account.user, account.host) is None

    def pending_count(self) -> int:
        """Messages not yet sent nor given up on."""
        with self._db.read() as s:
            return s.scalar(select(func.count()).select_from(OutboxMessage)
                            .where(OutboxMessage.state.in_(("queued", "sending"))))

    # queueing (nothing here waits for the mail server)
    def queue_invoice(self, invoice_id: int, *, to: str | None = None) -> int:
        return self._queue("invoice", invoice_id, to)

    def queue_refund_receipt(self, refund_id: int, *, to: str | None = None) -> int:
        return self._queue("refund_receipt", refund_id, to)

    def queue_package_refund_receipt(self, package_refund_id: int, *,
                                     to: str | None = None) -> int:
        return self._queue("package_refund_receipt", package_refund_id, to)

    def queue_package_statement(self, package_id: int, *, to: str | None = None) -> int:
        return self._queue("package_statement", package_id, to)

    def queue_gift_card(self, card_id: int, *, to: str | None = None) -> int:
        return self._queue("gift_card", card_id, to)

    def _queue(self, kind: str, ident: int, to: str | None) -> int:
        account = self._account_or_refuse()
        doc = letters.document(self._clinic, kind, ident)
        settings = self._clinic.settings.get()
        with self._db.read() as s:
            patient = letters.addressee(s, doc.patient_id)
        address = self._address(to, patient)
        pdf = letters.pdf_bytes(doc, settings.paper)  # (before the write: it reads a lot)
        letter = letters.letter(doc, to=address, patient=patient, settings=settings, pdf=pdf)
        with self._db.write() as s:
            row = queue_letter(s, account, letter, kind=kind, now=self._now(),
                               document_id=ident, patient_id=doc.patient_id,
                               staff_id=self._actor)
            self._audit(s, "mail.queue", ENTITY, row.id, None, _facts(row))
            return row.id

    def _account_or_refuse(self) -> SmtpAccount:
        why = self.can_email()
        if why is not None:
            raise NotAllowed(why)
        return self.account()

    @staticmethod
    def _address(to: str | None, patient: letters.Addressee | None) -> str:
        if to is None or (isinstance(to, str) and not to.strip()):
            if patient is None:
                raise ValidationError("to", _("This card was sold to no patient, so no email "
                                              "address is on file; type the address to send "
                                              "it to."))
            if not patient.email:
                raise ValidationError("to", _("{name} has no email address on file; type "
                                              "the address to send it to.").format(
                                                  name=patient.full_name))
            return patient.email
        return _typed_address(to)

    # the sender (the worker calls it; safe from several desks at once)
    def deliver_pending(self, *, password: str | None = None, limit: int | None = None) -> int:
        """Send what is due now, one message at a time; how many were sent. Nothing is sent
        when email is not set up, or the account has a user and no password is known."""
        account = self.account()
        if not account.configured:
            return 0
        if account.user and password is None:
            password = self.passwords.get(account.user, account.host)
            if password is None:
                return 0
        with self._db.read() as s:
            if not sender.anything_due(s, self._now()):
                return 0
        with self._db.write() as s:
            for row_id in sender.give_up_stopped(s, self._now()):
                self._audit(s, "mail.failed", ENTITY, row_id, None,
                            {"state": "failed", "reason": "the desk stopped while sending"})
        me, sent = sender.desk_name(), 0
        while limit is None or sent < limit:
            with self._db.write() as s:  # committed before the server hears of it
                claimed = sender.claim_next(s, me, self._now())
                withdrawn = claimed is not None and self._withdrawn(s, claimed, me)
            if claimed is None:
                break
            if withdrawn:
                continue
            try:
                transport.send(account, password, claimed.raw, sender=account.sender_email,
                               recipients=[claimed.to_address], timeout=self.timeout,
                               context=self.ssl_context)
            except transport.MailError as error:
                with self._db.write() as s:
                    state = sender.mark_unsent(s, claimed, me, self._now(), error)
                    if state == "failed":
                        self._audit(s, "mail.failed", ENTITY, claimed.id, None,
                                    {"state": "failed", "server_says": error.server_says,
                                     "attempts": claimed.attempts + 1})
                if error.retry:
                    break  # the server is away or busy: the others wait for the next round
                continue
            sender.after_send()
            with self._db.write() as s:
                if sender.mark_sent(s, claimed, me, self._now()):
                    self._audit(s, "mail.sent", ENTITY, claimed.id, None,
                                {"state": "sent", "attempts": claimed.attempts + 1})
            sent += 1
        return sent

    def _withdrawn(self, s, claimed, me: str) -> bool:
        """R47: a reminder whose visit moved or was cancelled, whose package ended, or whose
        patient no longer agrees is withdrawn in the claim's own transaction."""
        if claimed.reminder_key is None:
            return False
        why = reminder_rule.why_not_true(claimed.reminder_key,
                                         reminders.as_it_stands(s, claimed.reminder_key),
                                         self._now())
        if why is None:
            return False
        sender.withdraw(s, claimed, me, why)
        self._audit(s, "mail.withdrawn", ENTITY, claimed.id, {"state": "queued"},
                    {"state": "withdrawn", "reminder": claimed.reminder_key, "why": why})
        return True

    def retry(self, row_id: int) -> None:
        """A failed message, due again now, its attempts counted from nought."""
        with self._db.write() as s:
            row = _locked(s, row_id)
            if row.state != "failed":
                raise NotAllowed(_("Only a failed email can be retried; this one is "
                                   "{state}.").format(state=_state_words(row.state)))
            before = {"state": row.state, "attempts": row.attempts,
                      "last_error": row.last_error}
            row.state, row.attempts, row.next_attempt_at = "queued", 0, self._now()
            row.claimed_by = row.claimed_until = None
            self._audit(s, "mail.retry", ENTITY, row.id, before, {"state": "queued"})

    def resend(self, row_id: int) -> int:
        """A copy of a sent or failed message with a new Message-ID and Date, queued now
        (the first stays as it was); the copy's id."""
        account = self._account_or_refuse()
        with self._db.write() as s:
            first = v.get(s, OutboxMessage, row_id, WHAT)
            if first.state not in ("sent", "failed"):
                raise NotAllowed(_("This email has not gone yet (it is {state}); it will be "
                                   "sent once, without a resend.").format(
                                       state=_state_words(first.state)))
            now = self._now()
            message = message_from_bytes(first.raw, policy=SMTP)
            message_id = new_message_id(account)
            message.replace_header("Message-ID", message_id)
            message.replace_header("Date", format_datetime(now.astimezone()))
            copy = OutboxMessage(kind=first.kind, document_id=first.document_id,
                                 patient_id=first.patient_id, to_address=first.to_address,
                                 to_name=first.to_name, subject=first.subject,
                                 message_id_header=message_id, raw=bytes(message),
                                 state="queued", attempts=0, next_attempt_at=now,
                                 last_error="", queued_at=now, queued_by=self._actor,
                                 resent_from_id=first.id)
            s.add(copy)
            s.flush()
            self._audit(s, "mail.resend", ENTITY, copy.id, None,
                        {**_facts(copy), "resent_from": first.id})
            return copy.id

    def send_test(self, to: str, *, password: str | None = None) -> None:
        """Send a short test message at once (not through the outbox); MailError with the
        server's words when it is not taken."""
        address = _typed_address(to) if isinstance(to, str) and to.strip() else None
        if not address:
            raise ValidationError("to", _("Type the address to send the test email to."))
        account = self._account_or_refuse()
        if password is None and account.user:
            password = self.passwords.get(account.user, account.host)
        settings = self._clinic.settings.get()
        letter = Letter(address, "", _("Test email from {clinic}").format(clinic=settings.name),
                        (_("This is a test from ClinicDesk: email from {clinic} works.")
                         .format(clinic=settings.name),))
        raw = bytes(build(account, letter, message_id=new_message_id(account),
                          when=self._now()))
        transport.send(account, password, raw, sender=account.sender_email,
                       recipients=[address], timeout=self.timeout, context=self.ssl_context)

    def preview(self, kind: str, document_id: int):
        """The Email dialog's To and subject, before queueing (app/services/mail/preview.py)."""
        from .preview import preview
        return preview(self._clinic, kind, document_id)


def _locked(s, row_id) -> OutboxMessage:
    """The row, held until commit (PostgreSQL; SQLite's write lock holds everything): two
    desks pressing Retry at once retry it once, the second told it is waiting already."""
    if isinstance(row_id, int) and not isinstance(row_id, bool) and -2**63 <= row_id < 2**63:
        s.execute(select(OutboxMessage.id).where(OutboxMessage.id == row_id)
                  .with_for_update())
    return v.get(s, OutboxMessage, row_id, WHAT)


def _typed_address(to: object) -> str:
    """An address typed in To: one line, at most 200 characters, name@domain.tld."""
    typed = v.text(to, "to", label=N_("email address"), max_len=200, single_line=True)
    try:
        return v.email(typed, "to")
    except ValidationError:
        raise ValidationError("to", _("The email address \u201c{value}\u201d is not one; type "
                                      "it as name@example.com.").format(value=typed)) from None


def _facts(row: OutboxMessage) -> dict:
    # What the audit trail keeps of a message: never its body, the PDF or the password.
    return {"kind": row.kind, "document_id": row.document_id, "to": row.to_address,
            "subject": row.subject, "message_id": row.message_id_header}


def _state_words(state: str) -> str:
    return {"queued": _("waiting in the outbox"), "sending": _("being sent"),
            "sent": _("sent"), "failed": _("failed"),
            "withdrawn": _("withdrawn, no longer true")}.get(state, state)
