"""Putting a message in the outbox (R46): one row, written in the caller's transaction.

The message is built whole here (app/services/mail/message.py) and kept as bytes with its
Message-ID, so what is sent later, by whichever desk, is exactly what was queued now; and
queueing never talks to the network, so the desk never waits for a mail server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from ...i18n import N_, _
from ...models import OutboxMessage
from .account import SmtpAccount
from .message import Letter, build, new_message_id

STATES = ("queued", "sending", "sent", "failed", "withdrawn")
#: Why a reminder was withdrawn (app.domain.reminders.why_not_true): the row keeps the key,
#: and the list says it in the language of the desk that reads it.
WITHDRAWN = {
    "gone": N_("Not sent: its appointment or package is no longer in the clinic."),
    "no_consent": N_("Not sent: the patient no longer agrees to email reminders."),
    "visit_ended": N_("Not sent: the appointment was cancelled, arrived or missed."),
    "visit_past": N_("Not sent: the appointment's time had come."),
    "visit_moved": N_("Not sent: the appointment was moved (its new time gets its own "
                      "reminder)."),
    "package_ended": N_("Not sent: the package was refunded, transferred or voided."),
    "expiry_moved": N_("Not sent: the package's expiry date was changed."),
    "expired": N_("Not sent: the package expired before the reminder could go."),
    "no_uses_left": N_("Not sent: the package has no uses left."),
    "not_one_left": N_("Not sent: the package no longer has just one use left."),
}


@dataclass(frozen=True)
class MessageRow:
    id: int
    kind: str
    document_id: int | None
    patient_id: int | None
    to: str
    to_name: str
    subject: str
    state: str  # "queued" | "sending" | "sent" | "failed" | "withdrawn" (R47)
    attempts: int
    last_error: str
    message_id_header: str
    queued_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    resent_from_id: int | None


def queue_letter(session: Session, account: SmtpAccount, letter: Letter, *, kind: str,
                 now: datetime, document_id: int | None = None, patient_id: int | None = None,
                 staff_id: int | None = None, reminder_key: str | None = None,
                 resent_from_id: int | None = None) -> OutboxMessage:
    """Add the message to the outbox in `session` (not committed here); due at once."""
    message_id = new_message_id(account)
    raw = bytes(build(account, letter, message_id=message_id, when=now))
    row = OutboxMessage(kind=kind, document_id=document_id, patient_id=patient_id,
                        to_address=letter.to_address, to_name=letter.to_name,
                        subject=letter.subject, message_id_header=message_id, raw=raw,
                        state="queued", attempts=0, next_attempt_at=now, last_error="",
                        queued_at=now, queued_by=staff_id, reminder_key=reminder_key,
                        resent_from_id=resent_from_id)
    session.add(row)
    session.flush()
    return row


def row_of(message: OutboxMessage) -> MessageRow:
    said = message.last_error
    if message.state == "withdrawn" and said in WITHDRAWN:
        said = _(WITHDRAWN[said])
    return MessageRow(message.id, message.kind, message.document_id, message.patient_id,
                      message.to_address, message.to_name, message.subject, message.state,
                      message.attempts, said, message.message_id_header,
                      message.queued_at, message.next_attempt_at, message.sent_at,
                      message.resent_from_id)


def newest_first(session: Session, *, limit: int | None = None,
                 patient_id: int | None = None) -> list[MessageRow]:
    # The list never shows the bytes (each carries its PDF): the Outbox window re-reads it
    # every few seconds and the status bar's note every round.
    query = (select(OutboxMessage).options(defer(OutboxMessage.raw))
             .order_by(OutboxMessage.id.desc()))
    if patient_id is not None:
        query = query.where(OutboxMessage.patient_id == patient_id)
    if limit is not None:
        query = query.limit(limit)
    return [row_of(m) for m in session.scalars(query)]
