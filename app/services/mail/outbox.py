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

from ...models import OutboxMessage
from .account import SmtpAccount
from .message import Letter, build, new_message_id

STATES = ("queued", "sending", "sent", "failed")


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
    return MessageRow(message.id, message.kind, message.document_id, message.patient_id,
                      message.to_address, message.to_name, message.subject, message.state,
                      message.attempts, message.last_error, message.message_id_header,
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
