"""Staff members: practitioners who treat, and desk staff who sell."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Int


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    practitioner: Mapped[bool] = mapped_column(Boolean, default=True)
    role: Mapped[str] = mapped_column(String(20), default="front_desk")  # front_desk | manager
    secret_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    colour: Mapped[str] = mapped_column(String(9), default="#4a90d9")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # R50: wrong PINs in a row and the time before which a PIN is refused unchecked, kept on
    # the row so every desk reads the same count (written in the check's own transaction).
    pin_misses: Mapped[int] = mapped_column(Int, default=0, server_default="0")
    pin_locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # How many characters the PIN has (None: set before R50 counted), so that making someone
    # a manager can be refused when their PIN is shorter than managers' PINs must be.
    pin_length: Mapped[int | None] = mapped_column(Int, default=None)
