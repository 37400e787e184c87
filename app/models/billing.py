"""The money ledger: invoices and lines, payments, applications, refund payments.

Append-only by design (R29): an invoice is voided, never deleted; an application is reversed by
a negative application that points back at it; a refund payment is its own row.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Index, String,
                        Text, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, DecimalText, Int


class Invoice(Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Int, unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    issued_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    # Totals are kept with the lines, in the same transaction, so lists never re-add lines.
    subtotal: Mapped[int] = mapped_column(Int, default=0)
    tax: Mapped[int] = mapped_column(Int, default=0)
    total: Mapped[int] = mapped_column(Int, default=0)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    void_reason: Mapped[str] = mapped_column(Text, default="")

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.line_no")

    __table_args__ = (
        Index("ix_invoices_patient", "patient_id", "issued_on"),
        # (with the sums the journal's opening balances add up, R35: read from the index)
        Index("ix_invoices_issued_on", "issued_on", "total", "tax"),
        # Day Close (R32): invoices made on a day, and voided on a day (few: partial).
        Index("ix_invoices_created_at", "created_at"),
        Index("ix_invoices_voided_at", "voided_at",
              sqlite_where=text("voided_at IS NOT NULL"),
              postgresql_where=text("voided_at IS NOT NULL")),
    )


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    line_no: Mapped[int] = mapped_column(Int)
    # package | treatment | patient_pays | no_show_fee | package_refund | item
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    quantity: Mapped[int] = mapped_column(Int, default=1)
    unit_price: Mapped[int] = mapped_column(Int)  # cents, before tax
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal("0"))
    tax: Mapped[int] = mapped_column(Int, default=0)
    total: Mapped[int] = mapped_column(Int)  # quantity × unit_price + tax
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"), default=None)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"),
                                                       default=None)
    treatment_type_id: Mapped[int | None] = mapped_column(ForeignKey("treatment_types.id"),
                                                          default=None)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")

    __table_args__ = (
        Index("ix_invoice_lines_invoice", "invoice_id", "line_no", unique=True),
        Index("ix_invoice_lines_package", "package_id"),
        # The journal's opening balances (R35): the few "Unused uses cancelled" lines.
        Index("ix_invoice_lines_cancelled", "invoice_id",
              sqlite_where=text("kind = 'package_refund'"),
              postgresql_where=text("kind = 'package_refund'")),
        # The rates ever charged (the chart's Sales Tax accounts), skipped through (0010).
        Index("ix_invoice_lines_tax_rate", "tax_rate"),
    )


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    method: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Int)
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_payments_patient", "patient_id", "received_at"),
        Index("ix_payments_received_at", "received_at"),
        # The journal's opening balances (R35): received per method, read from the index.
        Index("ix_payments_method_received", "method", "received_at", "amount"),
    )


class PaymentApplication(Base):
    """Part of a payment applied to an invoice. Negative rows reverse earlier ones."""

    __tablename__ = "payment_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    amount: Mapped[int] = mapped_column(Int)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    reason: Mapped[str] = mapped_column(String(30), default="payment")
    # payment | credit | void | package_refund

    __table_args__ = (
        Index("ix_applications_invoice", "invoice_id"),
        Index("ix_applications_payment", "payment_id"),
        # Day Close (R32): a day's; with the amounts the journal's opening sums (R35)
        Index("ix_applications_created_at", "created_at", "amount"),
    )


class PaymentRefund(Base):
    """Money handed back to the patient out of their credit, against one payment (R27)."""

    __tablename__ = "payment_refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    amount: Mapped[int] = mapped_column(Int)
    method: Mapped[str] = mapped_column(String(20))
    refunded_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    package_refund_id: Mapped[int | None] = mapped_column(ForeignKey("package_refunds.id"),
                                                          default=None)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_payment_refunds_payment", "payment_id"),
        Index("ix_payment_refunds_patient", "patient_id"),
        Index("ix_payment_refunds_refunded_at", "refunded_at"),  # Day Close (R32)
    )
