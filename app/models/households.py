"""Households and the packages shared inside them (R37)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

_CURRENT = text("left_at IS NULL")
_LIVE = text("ended_at IS NULL")


class Household(Base):
    """Patients living together (a family) who may share packages. Only its members name it."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)


class HouseholdMember(Base):
    """A patient's time in a household. Leaving ends the row (left_at), never deletes it, so
    who shared with whom, and when, stays on record (R29)."""

    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    joined_at: Mapped[datetime] = mapped_column(DateTime)
    joined_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    left_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    left_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)

    __table_args__ = (
        # One household at a time: the database refuses a second current membership even
        # when two desks link the same patient at once.
        Index("ux_household_members_current", "patient_id", unique=True,
              sqlite_where=_CURRENT, postgresql_where=_CURRENT),
        Index("ix_household_members_household", "household_id", "left_at"),
    )


class PackageShare(Base):
    """A household member allowed to book and redeem with someone else's package (R37).
    Ending a share keeps the row (ended_at) and the uses already redeemed."""

    __tablename__ = "package_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    shared_at: Mapped[datetime] = mapped_column(DateTime)
    shared_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)

    __table_args__ = (
        Index("ux_package_shares_live", "package_id", "patient_id", unique=True,
              sqlite_where=_LIVE, postgresql_where=_LIVE),
        # Booking looks up the packages shared with the patient being booked.
        Index("ix_package_shares_patient", "patient_id", "ended_at"),
    )
