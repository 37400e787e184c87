"""The email outbox (R46, R47): every message the clinic sends is a row first.

The whole message (headers, bodies, the PDF) is fixed when it is queued, in the same
transaction as what it is about, with its Message-ID: a retry sends the same bytes, and a
message is claimed by one desk at a time before it goes to the server (`claimed_until`), so
two desks never both send it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Int


class OutboxMessage(Base):
    """kind: invoice, refund_receipt, package_refund_receipt, package_statement, gift_card,
    reminder_expiry, reminder_last_use, reminder_appointment, test.
    state: queued (waiting or between retries), sending (claimed by a desk), sent, failed
    (given up on, or the desk stopped while sending: it may have arrived), withdrawn (a
    reminder no longer true when its turn came, R47: never sent)."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    # the document it carries (an invoice id, a refund id, a package id, a card id…)
    document_id: Mapped[int | None] = mapped_column(Int, default=None)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), default=None)
    to_address: Mapped[str] = mapped_column(String(200))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(Text)
    message_id_header: Mapped[str] = mapped_column(String(250), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)  # the message as it goes on the wire
    state: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Int, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(100), default=None)
    queued_at: Mapped[datetime] = mapped_column(DateTime)
    queued_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # R47: "expiry:<package>", "last_use:<package>", "appointment:<id>": each reminder once
    reminder_key: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    # a Resend is a new message (a new Message-ID) pointing at the one it repeats
    resent_from_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"),
                                                       default=None)

    __table_args__ = (
        Index("ix_outbox_messages_due", "state", "next_attempt_at"),
        Index("ix_outbox_messages_document", "kind", "document_id"),
        Index("ix_outbox_messages_patient", "patient_id"),
    )
