"""Gift cards (R45): selling one, reloading it, its balance and history by code.

A card's sale (or reload) is an invoice with one "gift_card" line and no sales tax (the tax
is on what the card later pays for), paid like any invoice; the journal credits it to Gift
Card Liability, never to revenue. Paying with a card, and money paid with one handed back
to it, are in gift_card_payments.py. Every change of a card's value is a GiftCardMove row
in the same transaction as the conditional UPDATE of its balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update

from ..domain import gift_cards as rules
from ..i18n import _
from ..models import GiftCard, GiftCardBuyer, GiftCardMove, Invoice, Patient
from . import gift_card_expiry as expiry
from . import ledger, locks
from . import validation as v
from .base import Service
from .errors import NotAllowed, ValidationError
from .money import cents as money_cents

FIELD = "gift_card_code"


@dataclass(frozen=True)
class GiftCardSale:
    card_id: int
    code: str  # as printed: "K7QD-9XTF-M3WA-HR2P"
    invoice_id: int


@dataclass(frozen=True)
class GiftCardMoveRow:
    at: datetime
    kind: str  # load | pay | back | unload
    amount: int  # signed
    invoice_number: int | None


@dataclass(frozen=True)
class GiftCardView:
    card_id: int
    code: str
    balance: int
    patient_id: int | None
    patient_name: str | None
    moves: list[GiftCardMoveRow]
    expires_on: date | None = None  # its last day of use (R45); None: never expires


def no_card() -> ValidationError:
    """The one refusal for a code that is mistyped or that no card has: it never tells
    which codes exist."""
    return ValidationError(FIELD, _("No card with this code. Check the code on the card and "
                                    "type it again."))


def find(s, typed) -> GiftCard:
    """The card with the typed or scanned code (by the unique index), or no_card()."""
    code = rules.normalized(typed)
    card = None if code is None else s.scalar(select(GiftCard).where(GiftCard.code == code))
    if card is None:
        raise no_card()
    return card


def lock(s, card: GiftCard) -> None:
    """On PostgreSQL, hold the card's row until commit (SQLite's writers take turns)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(select(GiftCard.id).where(GiftCard.id == card.id).with_for_update(
            key_share=False))
    s.refresh(card)


def change_balance(s, card: GiftCard, amount: int, *, at, actor, kind: str,
                   invoice_id=None, payment_id=None, payment_refund_id=None) -> bool:
    """Move a card's value by `amount` (signed), decided by the database: the UPDATE takes
    effect only while the balance stays within 0 … rules.MAXIMUM, so two desks paying with
    one card at once can never take it below zero. False (nothing written) otherwise."""
    done = s.execute(update(GiftCard).where(
        GiftCard.id == card.id, GiftCard.balance + amount >= 0,
        GiftCard.balance + amount <= rules.MAXIMUM)
        .values(balance=GiftCard.balance + amount)
        .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        return False
    s.add(GiftCardMove(card_id=card.id, kind=kind, amount=amount, at=at, created_by=actor,
                       invoice_id=invoice_id, payment_id=payment_id,
                       payment_refund_id=payment_refund_id))
    s.flush()
    s.refresh(card)
    return True


def line_words(code: str) -> str:
    # the invoice says which card, not its whole code: a receipt left on the counter must
    # not be enough to spend the card
    return _("Gift card ending {last}").format(last=code[-4:])


class GiftCardService(Service):
    def _amount(self, amount, field: str = "amount") -> int:
        cents = money_cents(amount, field=field, **self._clinic.money_context())
        if cents <= 0 or cents > rules.MAXIMUM:
            raise ValidationError(field, _(
                "The gift card amount must be more than zero and at most {most}.").format(
                    most=self._clinic.format_money(rules.MAXIMUM)))
        return cents

    def _buyer(self, s, patient_id) -> int:
        if patient_id is not None:
            locks.patient(s, patient_id)
            return v.get(s, Patient, patient_id, "patient").id
        # two desks selling a walk-in's card at once make one buyer: the invoice counter's
        # lock (taken next anyway, for the invoice) is held first
        locks.invoice_counter(s)
        buyer = s.scalar(select(GiftCardBuyer).order_by(GiftCardBuyer.id).limit(1))
        if buyer is None:
            walk_in = Patient(first_name=_("Gift card"), last_name=_("buyer"), active=False,
                              first_key="gift card", last_key="buyer", created_at=self._now(),
                              notes=_("Invoices of gift cards sold to walk-in buyers."))
            s.add(walk_in)
            s.flush()
            buyer = GiftCardBuyer(patient_id=walk_in.id)
            s.add(buyer)
            s.flush()
        return buyer.patient_id

    def _load_invoice(self, s, card: GiftCard, patient_id: int, cents: int) -> Invoice:
        now = self._now()
        invoice = ledger.new_invoice(s, patient_id, issued_on=now.date(), now=now,
                                     actor=self._actor)
        ledger.add_line(s, invoice, kind="gift_card", description=line_words(card.code),
                        unit_price=cents)  # no tax: R45
        s.flush()
        return invoice

    def sell(self, amount, *, patient_id: int | None = None) -> GiftCardSale:
        """A new card holding `amount`, and the invoice of its sale (to pay as any)."""
        cents = self._amount(amount)
        with self._db.write() as s:
            buyer = self._buyer(s, patient_id)
            code = rules.new_code()
            while s.scalar(select(GiftCard.id).where(GiftCard.code == code)) is not None:
                code = rules.new_code()  # (75 random bits: never in practice)
            now = self._now()
            card = GiftCard(code=code, patient_id=patient_id, sold_at=now,
                            sold_by=self._actor, balance=0)
            expiry.fix_last_day(s, card, now.date(), first_load=True)
            s.add(card)
            s.flush()
            invoice = self._load_invoice(s, card, buyer, cents)
            change_balance(s, card, cents, at=now, actor=self._actor, kind="load",
                           invoice_id=invoice.id)
            self._audit(s, "gift_card.sell", "gift_card", card.id, None,
                        {"amount": cents, "invoice_id": invoice.id, "patient_id": patient_id,
                         "ending": code[-4:]})
            return GiftCardSale(card.id, rules.shown(code), invoice.id)

    def reload(self, code: str, amount) -> int:
        """Add `amount` to a card; returns the invoice of the reload."""
        cents = self._amount(amount)
        with self._db.write() as s:
            card = find(s, code)
            buyer = self._buyer(s, card.patient_id)
            lock(s, card)
            if card.balance + cents > rules.MAXIMUM:
                raise ValidationError("amount", _(
                    "This card holds {balance}; a card holds at most {most}, so you can add "
                    "at most {left}.").format(
                        balance=self._clinic.format_money(card.balance),
                        most=self._clinic.format_money(rules.MAXIMUM),
                        left=self._clinic.format_money(rules.MAXIMUM - card.balance)))
            invoice = self._load_invoice(s, card, buyer, cents)
            expiry.fix_last_day(s, card, self._now().date(), first_load=False)
            s.flush()
            if not change_balance(s, card, cents, at=self._now(), actor=self._actor,
                                  kind="load", invoice_id=invoice.id):
                raise NotAllowed(_("Another desk changed this card just now; try again."))
            self._audit(s, "gift_card.reload", "gift_card", card.id, None,
                        {"amount": cents, "invoice_id": invoice.id})
            return invoice.id

    def balance(self, code: str) -> int:
        """What the card with this code can still pay, in cents."""
        with self._db.read() as s:
            return find(s, code).balance

    def card(self, code: str) -> GiftCardView:
        """A card by its code: its balance and every move of its value, oldest first."""
        with self._db.read() as s:
            card = find(s, code)
            patient = s.get(Patient, card.patient_id) if card.patient_id else None
            rows = s.execute(select(GiftCardMove.at, GiftCardMove.kind, GiftCardMove.amount,
                                    Invoice.number)
                             .outerjoin(Invoice, Invoice.id == GiftCardMove.invoice_id)
                             .where(GiftCardMove.card_id == card.id)
                             .order_by(GiftCardMove.id)).all()
            return GiftCardView(card.id, rules.shown(card.code), card.balance,
                                card.patient_id, patient.full_name if patient else None,
                                [GiftCardMoveRow(*row) for row in rows], card.expires_on)

    def code_of(self, card_id: int) -> str:
        """A card's code as printed (for its printable card)."""
        with self._db.read() as s:
            return rules.shown(v.get(s, GiftCard, card_id, "gift card").code)

    def total_balances(self) -> int:
        """Σ of every card's balance: the program's Gift Card Liability (R33, R35)."""
        from .reports.formulas import whole_sum
        with self._db.read() as s:
            return s.scalar(select(whole_sum(GiftCard.balance)))
