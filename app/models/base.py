"""Declarative base, shared column types and naming conventions."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Named constraints let Alembic's batch mode alter SQLite tables reliably.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class _BigInt(TypeDecorator):
    """PostgreSQL's BIGINT, read back as int even where the server widens it to numeric
    (SUM of bigints is numeric there, and would come back as Decimal)."""

    impl = BigInteger
    cache_ok = True

    def process_result_value(self, value, dialect):
        return value if value is None or type(value) is int else int(value)


# SQLite's integers are 64-bit, PostgreSQL's INTEGER only 32: there every integer column
# (ids, foreign keys, cents, counts) is a BIGINT, so both engines take the same numbers.
Int = Integer().with_variant(_BigInt(), "postgresql")


class DecimalText(TypeDecorator):
    """An exact Decimal stored as text (tax rates: 0.13, 0.14975).

    SQLAlchemy's Numeric passes through float on SQLite, which we never allow near money.
    """

    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("tax rates are Decimals, never floats")
        return str(Decimal(value).normalize()) if Decimal(value) != 0 else "0"

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {int: Int}  # the ids and foreign keys typed only by Mapped[int]
