"""A package's freezes (R39): kept for good; an unfreeze writes the day it ended."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class PackageFreeze(Base):
    """Frozen from `starts_on` to the day before `ends_on` (the day it can be used again);
    no `ends_on`: until unfrozen. `expires_before` is the expiry when it was frozen, the
    date an open freeze moves on by its days when it is unfrozen."""

    __tablename__ = "package_freezes"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    reason: Mapped[str] = mapped_column(Text)
    expires_before: Mapped[date | None] = mapped_column(Date, default=None)
    frozen_at: Mapped[datetime] = mapped_column(DateTime)
    frozen_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    unfrozen_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    unfrozen_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
