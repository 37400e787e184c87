"""A package's remaining uses moved to another patient (R38)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Int


class PackageTransfer(Base):
    """The link from a transferred package to the recipient's new one, with the reason.

    The new package is the same liability continued (R38: reports do not move), so the
    books follow this link from the original to its successor (app/services/transfer_chains).
    """

    __tablename__ = "package_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), unique=True)
    to_package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), unique=True)
    from_patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    to_patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    # the recipient's zero-total invoice: a document of what they received, no money
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    uses: Mapped[int] = mapped_column(Int)  # the uses moved
    value: Mapped[int] = mapped_column(Int)  # their value (R3), before tax
    reason: Mapped[str] = mapped_column(Text)
    transferred_on: Mapped[date] = mapped_column(Date)
    transferred_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)

    __table_args__ = (Index("ix_package_transfers_invoice", "invoice_id"),)
