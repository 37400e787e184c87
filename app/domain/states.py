"""The states a visit, an invoice and a package can be in, and their names at the desk.

StrEnums, so a state is still its code in the database, the audit trail and the exports
("used up", "no_show"), and compares equal to that code. `name_of` is the one table of
what the desk reads; callers translate it with `_()` (a module constant is read before the
desk's language is known, so the names are only marked here).
"""

from __future__ import annotations

from enum import StrEnum


def N_(text: str) -> str:
    """Mark a name for translation without translating it (xgettext keyword N_)."""
    return text


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    ARRIVED = "arrived"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class InvoiceStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially paid"
    PAID = "paid"
    VOID = "void"


class PackageStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    USED_UP = "used up"
    VOID = "void"


class PaymentMethod(StrEnum):
    CASH = "cash"
    DEBIT = "debit"
    CREDIT_CARD = "credit_card"
    CHEQUE = "cheque"
    E_TRANSFER = "e_transfer"
    OTHER = "other"
