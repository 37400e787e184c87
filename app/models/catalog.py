"""What the clinic offers: treatment types and package templates (with eligible items)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, DecimalText, Int


class TreatmentType(Base):
    __tablename__ = "treatment_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    duration_min: Mapped[int] = mapped_column(Int)
    price: Mapped[int] = mapped_column(Int)  # cents, the standard price (R15)
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal("0"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (CheckConstraint("price >= 0", name="price_not_negative"),)


class PackageTemplate(Base):
    """A package the clinic offers for sale ("10 massages for $800")."""

    __tablename__ = "package_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[int] = mapped_column(Int)  # cents, before tax
    uses: Mapped[int] = mapped_column(Int)
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal("0"))
    validity: Mapped[str | None] = mapped_column(String(10), default=None)  # "6m", "90d", "1y"
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # R40: "pro_rata" | "standard_price" | "pro_rata_fee:P:CAP" (app.domain.refund_policy)
    refund_policy: Mapped[str] = mapped_column(String(40), default="pro_rata",
                                               server_default="pro_rata")

    eligible: Mapped[list[EligibleItem]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="EligibleItem.id")

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("uses >= 1", name="uses_positive"),
    )


class EligibleItem(Base):
    """A treatment type a template covers, and what the patient still pays per use."""

    __tablename__ = "package_template_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("package_templates.id"), index=True)
    treatment_type_id: Mapped[int] = mapped_column(ForeignKey("treatment_types.id"))
    patient_pays: Mapped[int] = mapped_column(Int, default=0)  # cents

    template: Mapped[PackageTemplate] = relationship(back_populates="eligible")
