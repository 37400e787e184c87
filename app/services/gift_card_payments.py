"""Paying with a gift card, and what happens to a card when its money comes back (R45).

- A payment with a card pays one named invoice, up to the card's balance and the invoice's
  balance (never turned into credit: a card's value is not the patient's money until it
  pays for something). The card's balance falls by the conditional UPDATE of
  gift_cards.change_balance, so the database decides between two desks.
- Money paid with a card and handed back goes back to the card, never out as cash: the
  card was bought (perhaps by someone else) to be spent at the clinic, and giving cash for
  it would turn a gift card into a cash refund the buyer never asked for.
- Voiding a card's sale or reload takes that value off the card; refused once the card has
  spent it (then the money it paid is what should be given back first).
"""

from __future__ import annotations

from sqlalchemy import select

from ..domain import gift_cards as rules
from ..i18n import _
from ..models import GiftCard, GiftCardMove, Invoice, InvoiceLine, Patient, Payment
from . import gift_card_expiry, gift_cards, ledger, locks
from . import validation as v
from . import why_not
from .audit import snapshot
from .errors import NotAllowed, ValidationError

METHOD = "gift_card"


def _sells_a_card(s, invoice_id: int) -> bool:
    return s.scalar(select(InvoiceLine.id).where(InvoiceLine.invoice_id == invoice_id,
                                                 InvoiceLine.kind == "gift_card")
                    .limit(1)) is not None


def checked(s, billing, patient_id, invoice_id, code, *, lock: bool):
    """The invoice, the card and the invoice's balance, or the refusal of a card payment
    (the same for the payment and its preview)."""
    if invoice_id is None:
        raise ValidationError("invoice_id", _("Choose the invoice the gift card pays: a card "
                                              "pays invoices, it does not become credit."))
    v.get(s, Patient, patient_id, "patient")
    invoice = billing._open_invoice(s, invoice_id, patient_id)
    card = gift_cards.find(s, code)
    if lock:
        gift_cards.lock(s, card)
    gift_card_expiry.refuse_if_expired(card, billing._now().date(),
                                       billing._clinic.money_context()["locale"])
    balance = ledger.balance_of(s, invoice)
    if refusal := why_not.pay_invoice(s, invoice, balance=balance):
        raise NotAllowed(refusal)
    if _sells_a_card(s, invoice.id):
        raise NotAllowed(_("Invoice #{number} sells a gift card; pay it another way "
                           "than with a gift card.").format(number=invoice.number))
    return invoice, card, balance


def receive(billing, patient_id, cents: int, invoice_id, code, reference: str) -> int:
    """billing.receive_payment(..., "gift_card", invoice_id=, gift_card_code=)."""
    money = billing._clinic.format_money
    if invoice_id is None:  # (before the patient's lock: nothing to wait for)
        checked(None, billing, patient_id, invoice_id, code, lock=False)
    with billing._db.write() as s:
        locks.patient(s, patient_id)
        invoice, card, balance = checked(s, billing, patient_id, invoice_id, code, lock=True)
        if cents > balance:
            raise ValidationError("amount", _("Invoice #{number} has only {amount} left to "
                                              "pay.").format(number=invoice.number,
                                                             amount=money(max(balance, 0))))
        if cents > card.balance:
            raise ValidationError("amount", _("This gift card holds {balance}; you can take "
                                              "at most {most} with it.").format(
                balance=money(card.balance),
                most=money(rules.payable(card.balance, balance))))
        now = billing._now()
        payment = Payment(patient_id=patient_id, received_at=now, method=METHOD, amount=cents,
                          reference=reference or f"\u2026{card.code[-4:]}",
                          created_by=billing._actor)
        s.add(payment)
        s.flush()
        if not gift_cards.change_balance(s, card, -cents, at=now, actor=billing._actor,
                                         kind="pay", invoice_id=invoice.id,
                                         payment_id=payment.id):
            # another desk spent it between our read and our write (PostgreSQL without the
            # row lock never gets here; kept as the database's last word)
            raise ValidationError("amount", _("This gift card holds {balance}; you can take "
                                              "at most {most} with it.").format(
                balance=money(0), most=money(0)))
        ledger.apply(s, payment.id, invoice.id, cents, now=now, actor=billing._actor)
        billing._audit(s, "payment.receive", "payment", payment.id, None,
                       {**snapshot(payment, "patient_id", "method", "amount"),
                        "applied": {str(invoice.id): cents}, "gift_card_id": card.id})
        return payment.id


def refund_method(payment: Payment, method: str | None) -> str | None:
    """The refusal when a refund would send a card's money anywhere but back to the card,
    or put other money on a card; None when the method is fine."""
    if payment.method == METHOD and method not in (None, METHOD):
        return _("This payment was made with a gift card: its refund goes back to the card, "
                 "never as {method}.").format(
                     method=_(ledger.METHODS.get(method, _("Other"))).lower())
    if payment.method != METHOD and method == METHOD:
        return _("Only money paid with a gift card goes back to one; refund this payment "
                 "another way.")
    return None


def back_to_card(s, payment: Payment, refund_id: int, cents: int, *, at, actor,
                 money) -> None:
    """Money paid with a card, handed back: onto the card it came from."""
    if payment.method != METHOD:
        return
    card_id = s.scalar(select(GiftCardMove.card_id).where(GiftCardMove.payment_id == payment.id,
                                                          GiftCardMove.kind == "pay"))
    card = s.get(GiftCard, card_id)
    gift_cards.lock(s, card)
    if not gift_cards.change_balance(s, card, cents, at=at, actor=actor, kind="back",
                                     payment_refund_id=refund_id):
        raise NotAllowed(_("The card would hold more than {most}; refund less.").format(
            most=money(rules.MAXIMUM)))


def unload_on_void(s, invoice: Invoice, *, at, actor, money) -> None:
    """A voided sale or reload of a card takes its value off the card (refused once spent)."""
    for move in s.scalars(select(GiftCardMove).where(GiftCardMove.invoice_id == invoice.id,
                                                     GiftCardMove.kind == "load")).all():
        card = s.get(GiftCard, move.card_id)
        gift_cards.lock(s, card)
        if not gift_cards.change_balance(s, card, -move.amount, at=at, actor=actor,
                                         kind="unload", invoice_id=invoice.id):
            raise NotAllowed(_("The gift card on invoice #{number} holds only {balance} of "
                               "the {amount} it was loaded with: it has been used. Refund "
                               "what it paid back to the card first.").format(
                number=invoice.number, balance=money(card.balance), amount=money(move.amount)))


def mismatched_cards(s) -> list[int]:
    """Cards whose kept balance is not the sum of their moves (none, ever: a check)."""
    from sqlalchemy import func
    sums = (select(GiftCardMove.card_id, func.sum(GiftCardMove.amount).label("total"))
            .group_by(GiftCardMove.card_id).subquery())
    return list(s.scalars(select(GiftCard.id).outerjoin(sums, sums.c.card_id == GiftCard.id)
                          .where(func.coalesce(sums.c.total, 0) != GiftCard.balance)))

