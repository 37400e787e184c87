"""The invoice and payment arithmetic, over int cents (R1, R8, R18, R27, R28a).

What "paid" counts: the sum of a payment's applications to the invoice, reversals (negative
applications, R29) included, so a voided invoice's money moved back into credit no longer
counts as paid on it. A void invoice asks for nothing more (R18).

The services load these numbers in one transaction and call the rules here, so each rule is
written once; app/services/ledger.py writes what they decide.
"""

from __future__ import annotations

from collections.abc import Iterable

from .states import InvoiceStatus


def invoice_status(total: int, paid: int, voided: bool) -> InvoiceStatus:
    if voided:
        return InvoiceStatus.VOID
    if paid >= total:
        return InvoiceStatus.PAID
    if paid > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.UNPAID


def invoice_balance(total: int, paid: int, voided: bool) -> int:
    """What the invoice still asks for: nothing once void, even if it was never paid."""
    return 0 if voided else total - paid


def can_pay(total: int, paid: int, voided: bool) -> bool:
    """A payment (or credit) can go on it: it is not void and something is left to pay."""
    return invoice_balance(total, paid, voided) > 0


def can_void(voided: bool) -> bool:
    """Voiding is offered on an invoice not yet void; the service may still refuse it for
    reasons beyond the ledger (an open visit, a used package) with its own sentence."""
    return not voided


def unapplied(amount: int, applied: int, refunded: int) -> int:
    """The part of a payment neither applied to invoices nor handed back (R27)."""
    return amount - applied - refunded


def credit(unapplied_parts: Iterable[int]) -> int:
    """A patient's credit: the sum of what their payments have left unapplied. A payment
    with nothing left adds nothing (the ledger never lets a part go below zero)."""
    return sum(part for part in unapplied_parts if part > 0)


def payable(balance: int, available: int) -> int:
    """How much of `available` money (what is left of a payment, or of the credit, or of a
    limit) may go on an invoice with this balance: never past the balance (R28a)."""
    return max(0, min(balance, available))


def refundable(unapplied_part: int, patient_credit: int) -> int:
    """How much of one payment may be handed back: its unapplied part, within the credit."""
    return min(unapplied_part, patient_credit)
