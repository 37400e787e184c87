"""The clinic's books: closed days (R32) and the chart of accounts the journal posts to (R35)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Int


class DayClose(Base):
    """One close of one day's figures (R32). The figures are kept as they were at the close,
    so nothing done later changes them; a reopened close stays, marked, and the day can be
    closed again. At most one close of a day is open at a time: the database decides."""

    __tablename__ = "day_closes"

    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[date] = mapped_column(Date)
    expected_cash: Mapped[int] = mapped_column(Int)
    counted_cash: Mapped[int] = mapped_column(Int)
    over_short: Mapped[int] = mapped_column(Int)  # counted - expected
    figures: Mapped[str] = mapped_column(Text, default="")  # JSON: the day's figures, in cents
    note: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime] = mapped_column(DateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    reopened_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    reopen_reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_day_closes_open", "on", unique=True,
              sqlite_where=text("reopened_at IS NULL"),
              postgresql_where=text("reopened_at IS NULL")),
    )


class Account(Base):
    """One account of the clinic's chart (R35). `role` is what the journal posts to it
    ("clearing:cash", "receivable", "sales_tax:0.13", ...); code and name are the clinic's."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # asset | liability | income | equity
    code: Mapped[str] = mapped_column(String(20), default="")
    name: Mapped[str] = mapped_column(String(100))
