"""Gift cards (R45): the card, and every movement of its value as its own row.

The balance is kept on the card so that paying is one conditional UPDATE the database
decides (two desks can never both spend the last dollars), and it is always the sum of the
card's moves: app/services/gift_card_checks.py compares the two.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Int


class GiftCard(Base):
    __tablename__ = "gift_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # normalized, no dashes
    # who it was sold to, when the desk said (a walk-in buyer's card has none)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), default=None)
    sold_at: Mapped[datetime] = mapped_column(DateTime)
    sold_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    balance: Mapped[int] = mapped_column(Int, default=0)
    # its last day of use, fixed when money is put on it (R45); None: it never expires
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)

    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)


class GiftCardMove(Base):
    """Value put on a card or taken off it. kind: load (a sale or reload, + its invoice),
    pay (− a payment with the card), back (+ money paid with it handed back to it),
    unload (− the void of its sale or reload)."""

    __tablename__ = "gift_card_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("gift_cards.id"))
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(Int)  # signed: what it did to the balance
    at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), default=None)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), default=None)
    payment_refund_id: Mapped[int | None] = mapped_column(ForeignKey("payment_refunds.id"),
                                                          default=None)

    __table_args__ = (
        Index("ix_gift_card_moves_card", "card_id", "id"),
        Index("ix_gift_card_moves_invoice", "invoice_id"),
        Index("ix_gift_card_moves_payment", "payment_id"),
        Index("ix_gift_card_moves_at", "at"),  # Day Close (R32): a day's cards sold
    )


class GiftCardBuyer(Base):
    """The one patient record a walk-in buyer's card sale is invoiced to (an invoice always
    has a patient): made on the first such sale, inactive so the desk's searches skip it."""

    __tablename__ = "gift_card_buyer"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
