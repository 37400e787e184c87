"""Sold packages, what they cover, their redemptions and refunds."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, DecimalText, Int

#: a package sold already expired (imported, or back-dated): walked by the books, not summed
SOLD_EXPIRED = text("expires_on < purchased_on")
#: a package sold before ClinicDesk (R42): walked by the books, as an opening balance
IMPORTED = text("imported_on IS NOT NULL")


class Package(Base):
    """One template sold to one patient on one invoice. Terms are copied at sale, so editing
    the template later never changes what a patient already bought."""

    __tablename__ = "packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    template_id: Mapped[int] = mapped_column(ForeignKey("package_templates.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[int] = mapped_column(Int)  # cents, before tax
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal("0"))
    uses_total: Mapped[int] = mapped_column(Int)
    purchased_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | refunded | void
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # R40: the template's refund policy as sold; a later template change does not reach it
    refund_policy: Mapped[str] = mapped_column(String(40), default="pro_rata",
                                               server_default="pro_rata")
    # Sold before ClinicDesk (R42): the desk's day it was brought in, and the uses already
    # had then (they count as its first uses: the next is uses_before + 1).
    imported_on: Mapped[date | None] = mapped_column(Date, default=None)
    uses_before: Mapped[int] = mapped_column(Int, default=0, server_default="0")

    coverage: Mapped[list[PackageCoverage]] = relationship(order_by="PackageCoverage.id")

    __table_args__ = (
        Index("ix_packages_patient", "patient_id", "status"),
        Index("ix_packages_purchased_on", "purchased_on"),
        Index("ix_packages_invoice", "invoice_id"),
        # Outstanding report: packages still valid on a date, and those expiring soon.
        Index("ix_packages_expires_on", "expires_on"),
        # Day Close (R32): packages sold on a day, by when the sale was made.
        Index("ix_packages_created_at", "created_at"),
        # The books (R33-R35): the few packages walked day by day, not every package tested.
        Index("ix_packages_status", "status"),
        Index("ix_packages_sold_expired", "id", sqlite_where=SOLD_EXPIRED,
              postgresql_where=SOLD_EXPIRED),
        Index("ix_packages_imported", "id", sqlite_where=IMPORTED, postgresql_where=IMPORTED),
    )


class PackageCoverage(Base):
    """A treatment type this sold package covers and its Patient Pays (copied from template)."""

    __tablename__ = "package_coverage"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    treatment_type_id: Mapped[int] = mapped_column(ForeignKey("treatment_types.id"))
    patient_pays: Mapped[int] = mapped_column(Int, default=0)


class Redemption(Base):
    """One use consumed by one appointment (arrived, or a no-show covered by the package)."""

    __tablename__ = "redemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"))
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"))
    redeemed_on: Mapped[date] = mapped_column(Date)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    patient_pays: Mapped[int] = mapped_column(Int, default=0)
    reason: Mapped[str] = mapped_column(String(10), default="arrived")  # arrived | no_show
    # "Use n of N" (R3): this use's place among the package's live uses, by date then id;
    # None once voided. Kept by package_rules.renumber_uses on every redemption and void, so
    # reports over a year of uses read it instead of counting 50,000 index ranges.
    use_number: Mapped[int | None] = mapped_column(Int, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    # Who redeemed it: the appointment's patient, the purchaser or a household member the
    # package is shared with (R37). A plain column: added to a table that can hold years of
    # uses without copying it (SQLite adds no foreign key in place); always the appointment's.
    patient_id: Mapped[int | None] = mapped_column(Int, default=None)

    __table_args__ = (
        Index("ix_redemptions_package", "package_id", "voided_at"),
        Index("ix_redemptions_redeemed_on", "redeemed_on"),
        Index("ix_redemptions_appointment", "appointment_id"),
        # Live (not voided) uses of a package in date order, as one covering index: "use n
        # of N" (R3) counts a short range of it, and redeemed counts never touch the table.
        Index("ix_redemptions_live", "package_id", "redeemed_on",
              sqlite_where=text("voided_at IS NULL"),
              postgresql_where=text("voided_at IS NULL")),
        # Day Close (R32): uses redeemed on a day, and uses undone on a day (few: partial).
        Index("ix_redemptions_created_at", "created_at"),
        Index("ix_redemptions_voided_at", "voided_at",
              sqlite_where=text("voided_at IS NOT NULL"),
              postgresql_where=text("voided_at IS NOT NULL")),
    )


class PackageRefund(Base):
    """Refunding a package (R25-R28): the amount un-applied from its invoice into credit."""

    __tablename__ = "package_refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    amount: Mapped[int] = mapped_column(Int)
    suggested: Mapped[int] = mapped_column(Int)
    uses_remaining: Mapped[int] = mapped_column(Int)
    invoice_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_lines.id"),
                                                        default=None)
    refunded_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    # R40: the suggestion's calculation as JSON (domain.refund_policy.RefundBasis), so the
    # receipt printed later words it as the dialog did; None for refunds made before it
    basis: Mapped[str | None] = mapped_column(Text, default=None)

    package: Mapped[Package] = relationship()


class PackageExpiryChange(Base):
    """An expiry date changed or cleared (R23), kept so the liability can tell when uses
    expired and when an extension brought them back (R33 "reinstated")."""

    __tablename__ = "package_expiry_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    changed_on: Mapped[date] = mapped_column(Date)  # the desk's day of the change
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    old_expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    new_expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
