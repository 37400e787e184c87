"""Patients of the clinic."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

# Byte order ("C") on PostgreSQL too, so prefix ranges on the keys match SQLite's.
_KEY = String(200).with_variant(String(200, collation="C"), "postgresql")
_DIGITS = String(50).with_variant(String(50, collation="C"), "postgresql")


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50), default=None)
    # Digits only, so "(416) 555-0101" is found by typing 416555.
    phone_digits: Mapped[str | None] = mapped_column(_DIGITS, default=None)
    email: Mapped[str | None] = mapped_column(String(200), default=None)
    # Search keys: casefolded without accents, so "emilie" finds "Émilie" on any engine, and
    # prefix ranges on them use plain indexes.
    first_key: Mapped[str] = mapped_column(_KEY, default="")
    last_key: Mapped[str] = mapped_column(_KEY, default="")
    email_key: Mapped[str | None] = mapped_column(_KEY, default=None)
    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # R47: the patient agreed to reminders by email, and the day the box was ticked
    email_reminders: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=false())
    email_reminders_since: Mapped[date | None] = mapped_column(Date, default=None)
    # the language their messages are written in; None: the clinic's (R46)
    language: Mapped[str | None] = mapped_column(String(10), default=None)

    __table_args__ = (
        Index("ix_patients_last_first", "last_name", "first_name"),
        Index("ix_patients_first_name", "first_name"),
        Index("ix_patients_phone_digits", "phone_digits"),
        Index("ix_patients_email", "email"),
        Index("ix_patients_last_key", "last_key", "first_key"),
        Index("ix_patients_first_key", "first_key"),
        Index("ix_patients_email_key", "email_key"),
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
