"""Membership plans and memberships (R43, R44): a fee every period for a number of visits.

Terms are copied from the plan when a patient enrols, as a package copies its template's:
changing a plan later never changes what a member already signed up for. Nothing here is
deleted (R29): a membership is cancelled from a date, a pause keeps its row, an invoiced
period keeps its row for good.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, String,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, DecimalText, Int


class MembershipPlan(Base):
    """A membership the clinic offers ("Monthly massage: $90 a month, 2 visits")."""

    __tablename__ = "membership_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    fee: Mapped[int] = mapped_column(Int)  # cents, before tax, each period
    period: Mapped[str] = mapped_column(String(6))  # "1m" | "<N>w" | "1y"
    uses_per_period: Mapped[int | None] = mapped_column(Int, default=None)  # None: unlimited
    rollover_cap: Mapped[int] = mapped_column(Int, default=0)  # unused uses carried, at most
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal("0"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    eligible: Mapped[list[MembershipPlanItem]] = relationship(
        cascade="all, delete-orphan", order_by="MembershipPlanItem.id")

    __table_args__ = (
        CheckConstraint("fee > 0", name="fee_positive"),
        CheckConstraint("uses_per_period IS NULL OR uses_per_period >= 1",
                        name="uses_positive"),
        CheckConstraint("rollover_cap >= 0", name="rollover_not_negative"),
    )


class MembershipPlanItem(Base):
    """A treatment type a plan covers, and what the member still pays per visit."""

    __tablename__ = "membership_plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("membership_plans.id"), index=True)
    treatment_type_id: Mapped[int] = mapped_column(ForeignKey("treatment_types.id"))
    patient_pays: Mapped[int] = mapped_column(Int, default=0)


class Membership(Base):
    """One patient enrolled in one plan from `starts_on`; cancelled from `cancelled_on`
    (the first day it no longer runs: no period starting then or later is invoiced)."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("membership_plans.id"))
    name: Mapped[str] = mapped_column(String(100))
    fee: Mapped[int] = mapped_column(Int)
    period: Mapped[str] = mapped_column(String(6))
    uses_per_period: Mapped[int | None] = mapped_column(Int, default=None)
    rollover_cap: Mapped[int] = mapped_column(Int, default=0)
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal("0"))
    starts_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | cancelled
    cancelled_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)

    coverage: Mapped[list[MembershipCoverage]] = relationship(order_by="MembershipCoverage.id")

    __table_args__ = (
        Index("ix_memberships_patient", "patient_id", "status"),
        Index("ix_memberships_status", "status"),
    )


class MembershipCoverage(Base):
    """A treatment type this membership covers and its Patient Pays (copied at enrolment)."""

    __tablename__ = "membership_coverage"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    treatment_type_id: Mapped[int] = mapped_column(ForeignKey("treatment_types.id"))
    patient_pays: Mapped[int] = mapped_column(Int, default=0)


class MembershipPause(Base):
    """Paused from `starts_on` to the day before `ends_on` (the day it runs again); no
    `ends_on`: until resumed. No period starts, and nothing is covered, while paused."""

    __tablename__ = "membership_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    paused_at: Mapped[datetime] = mapped_column(DateTime)
    paused_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    resumed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class MembershipPeriod(Base):
    """One invoiced period, `starts_on` to `ends_on` inclusive. The unique key is what makes
    "never invoiced twice" the database's decision, whichever desk or process gets there
    second: its insert is refused, and its transaction (invoice and all) is not written."""

    __tablename__ = "membership_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        UniqueConstraint("membership_id", "starts_on", name="uq_membership_periods_start"),
        Index("ix_membership_periods_starts_on", "starts_on"),
    )


class MembershipUse(Base):
    """One visit a membership covered (arrived, or a no-show it covered), as a Redemption is
    a package's; voided, never deleted. Written by coverage (R43 with R10-R18)."""

    __tablename__ = "membership_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), index=True)
    used_on: Mapped[date] = mapped_column(Date)
    patient_pays: Mapped[int] = mapped_column(Int, default=0)
    reason: Mapped[str] = mapped_column(String(10), default="arrived")  # arrived | no_show
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)

    __table_args__ = (Index("ix_membership_uses_live", "membership_id", "used_on"),)
