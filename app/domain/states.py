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
    FROZEN = "frozen"  # R39: today is inside a freeze
    TRANSFERRED = "transferred"  # R38: its remaining uses moved to another patient


class PaymentMethod(StrEnum):
    CASH = "cash"
    DEBIT = "debit"
    CREDIT_CARD = "credit_card"
    CHEQUE = "cheque"
    E_TRANSFER = "e_transfer"
    OTHER = "other"
    # collected by the old system before the clinic used ClinicDesk (R42): never offered at
    # the desk, never in a till; the books post it to Opening Balances
    IMPORTED = "imported"
    # a gift card's balance (R45): taken with the card's code; its "till" is Gift Card
    # Liability, and money paid with it goes back to the card, never out as cash
    GIFT_CARD = "gift_card"


# The one table of what the desk reads for each state: (name, lowercase name or None).
# The lowercase name is the word inside the English report file ("used up"); where a state
# never appears there it has none and `lower=True` gives its name. "No-show" is the desk's
# word for a missed visit everywhere (the schedule said "No show", the package's uses
# "No-show"; both msgids translate as "Absence").
_NAMES: dict[tuple[type, str], tuple[str, str | None]] = {
    (AppointmentStatus, AppointmentStatus.BOOKED): (N_("Booked"), None),
    (AppointmentStatus, AppointmentStatus.ARRIVED): (N_("Arrived"), None),
    (AppointmentStatus, AppointmentStatus.NO_SHOW): (N_("No-show"), None),
    (AppointmentStatus, AppointmentStatus.CANCELLED): (N_("Cancelled"), None),
    (InvoiceStatus, InvoiceStatus.UNPAID): (N_("Unpaid"), None),
    (InvoiceStatus, InvoiceStatus.PARTIALLY_PAID): (N_("Partially paid"), None),
    (InvoiceStatus, InvoiceStatus.PAID): (N_("Paid"), None),
    (InvoiceStatus, InvoiceStatus.VOID): (N_("Void"), None),
    (PackageStatus, PackageStatus.ACTIVE): (N_("Active"), N_("active")),
    (PackageStatus, PackageStatus.EXPIRED): (N_("Expired"), N_("expired")),
    (PackageStatus, PackageStatus.REFUNDED): (N_("Refunded"), N_("refunded")),
    (PackageStatus, PackageStatus.USED_UP): (N_("Used up"), N_("used up")),
    (PackageStatus, PackageStatus.VOID): (N_("Void"), N_("void")),
    (PackageStatus, PackageStatus.FROZEN): (N_("Frozen"), N_("frozen")),
    (PackageStatus, PackageStatus.TRANSFERRED): (N_("Transferred"), N_("transferred")),
    (PaymentMethod, PaymentMethod.CASH): (N_("Cash"), None),
    (PaymentMethod, PaymentMethod.DEBIT): (N_("Debit"), None),
    (PaymentMethod, PaymentMethod.CREDIT_CARD): (N_("Credit card"), None),
    (PaymentMethod, PaymentMethod.CHEQUE): (N_("Cheque"), None),
    (PaymentMethod, PaymentMethod.E_TRANSFER): (N_("E-transfer"), None),
    (PaymentMethod, PaymentMethod.OTHER): (N_("Other"), None),
    (PaymentMethod, PaymentMethod.IMPORTED): (N_("Collected before ClinicDesk"), None),
    (PaymentMethod, PaymentMethod.GIFT_CARD): (N_("Gift card"), None),
}


def name_of(state: StrEnum, *, lower: bool = False) -> str:
    """A state's name at the desk, marked but not translated: callers show `_(name_of(x))`.
    Keyed by the enum as well as the code, since an invoice's and a package's "void" are
    equal strings. A code no enum knows (an old row) is shown as it is."""
    names = _NAMES.get((type(state), state))
    if names is None:
        return str(state)
    name, lowercase = names
    return (lowercase or name) if lower else name


def as_state(kind: type[StrEnum], code: str) -> StrEnum | str:
    """The enum member for a code read from the database; an unknown code stays a string
    (shown as is) rather than failing a whole screen."""
    try:
        return kind(code)
    except ValueError:
        return code


def name_for(kind: type[StrEnum], code: str, *, lower: bool = False) -> str:
    """`name_of` for a code as the database keeps it ("e_transfer" -> "E-transfer")."""
    return name_of(as_state(kind, code), lower=lower)
