"""Appointments on the schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Int


class Appointment(Base):
    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    treatment_type_id: Mapped[int] = mapped_column(ForeignKey("treatment_types.id"))
    start: Mapped[datetime] = mapped_column(DateTime)
    end: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(10), default="booked")
    # booked | arrived | no_show | cancelled
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"), default=None)
    # Kept while a no-show released the package, so undo can put it back (R18).
    released_package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"),
                                                            default=None)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), default=None)
    # The membership covering it (R43), as package_id is a package's. A plain column: added
    # in place to a table of years of visits (SQLite adds no foreign key without a copy).
    membership_id: Mapped[int | None] = mapped_column(Int, default=None)
    # False when a package sale was compensated up front (R7): no compensation on redemption.
    compensate_staff: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Counted by SQLAlchemy on every change (version_id_col): an UPDATE made from a stale
    # read of the row matches nothing and is refused (db.Database.write, R30).
    version: Mapped[int] = mapped_column(Int, default=1)

    __table_args__ = (
        Index("ix_appointments_start", "start"),
        Index("ix_appointments_patient", "patient_id", "start"),
        Index("ix_appointments_package", "package_id", "status"),
    )
    __mapper_args__ = {"version_id_col": version}
