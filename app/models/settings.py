"""The clinic's own details and configured no-show fees."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, String, Text, false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, DecimalText, Int


class ClinicSettings(Base):
    """A single row (id 1): who the clinic is and how it formats money and prints."""

    __tablename__ = "clinic_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    tax_number: Mapped[str] = mapped_column(String(50), default="")
    tax_name: Mapped[str] = mapped_column(String(30), default="Tax")
    currency: Mapped[str] = mapped_column(String(3), default="CAD")
    locale: Mapped[str] = mapped_column(String(10), default="en_CA")
    # The language the desk reads (app.i18n), apart from the locale money and dates follow.
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    paper: Mapped[str] = mapped_column(String(10), default="letter")
    default_tax_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal("0"))
    # Gapless invoice numbering: taken and incremented inside the sale's own transaction.
    next_invoice_number: Mapped[int] = mapped_column(Int, default=1)
    setup_complete: Mapped[bool] = mapped_column(Boolean, default=False)
    # R45: gift cards expire this many months after they are loaded; None: never
    gift_card_expiry_months: Mapped[int | None] = mapped_column(Int, default=None)
    # R46: the clinic's SMTP account; its password is in the desk's credential store, never here
    smtp_host: Mapped[str] = mapped_column(String(200), default="", server_default="")
    smtp_port: Mapped[int] = mapped_column(Int, default=587, server_default="587")
    smtp_security: Mapped[str] = mapped_column(String(10), default="starttls",
                                               server_default="starttls")
    smtp_user: Mapped[str] = mapped_column(String(200), default="", server_default="")
    sender_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    sender_email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # R47: off until the clinic turns them on
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=sa_false())
    reminder_days_before_expiry: Mapped[int] = mapped_column(Int, default=30,
                                                             server_default="30")
    # R50: the fewest characters a manager's PIN may have: 6 for a new clinic; a file from
    # before R50 gets 4 from its migration, so no one's PIN stops being allowed by an upgrade.
    manager_pin_min_digits: Mapped[int] = mapped_column(Int, default=6, server_default="4")


class NoShowFee(Base):
    __tablename__ = "no_show_fees"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    amount: Mapped[int] = mapped_column(Int)  # cents
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal("0"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
