"""What a gift card payment would do, before the desk saves it (R45): Receive Payment's
preview line. The card pays at most the smaller of what it holds and what the invoice
owes (rules.payable); the refusals are the payment's own (gift_card_payments.checked)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import gift_cards as rules
from ..i18n import _
from . import gift_card_payments
from .errors import ValidationError
from .money import cents as money_cents


@dataclass(frozen=True)
class GiftCardPaymentPreview:
    invoice_number: int
    card_balance: int
    invoice_balance: int
    most: int  # the most this card can pay on this invoice
    amount: int | None  # the amount typed (None: only asked for the most)
    card_after: int | None
    invoice_after: int | None


def preview(billing, patient_id: int, amount, invoice_id, code) -> GiftCardPaymentPreview:
    """Refused as the payment would be; `amount` None asks only what the card can pay."""
    context = billing._clinic.money_context()
    cents = None if amount is None else money_cents(amount, field="amount", **context)
    with billing._db.read() as s:
        invoice, card, balance = gift_card_payments.checked(s, billing, patient_id,
                                                             invoice_id, code, lock=False)
        most = rules.payable(card.balance, balance)
        if cents is not None and cents > most:
            money = billing._clinic.format_money
            raise ValidationError("amount", _(
                "This gift card holds {card} and invoice #{number} owes {owing}: the card "
                "can pay at most {most}.").format(card=money(card.balance),
                                                   number=invoice.number,
                                                   owing=money(max(balance, 0)),
                                                   most=money(most)))
        return GiftCardPaymentPreview(
            invoice.number, card.balance, balance, most, cents,
            None if cents is None else card.balance - cents,
            None if cents is None else balance - cents)
