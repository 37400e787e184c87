"""Gift card expiry at the desk (R45): the clinic's setting, a card's last day fixed when
money is put on it, and the refusal to pay with a card past it.

The books: an expired card's balance stays on the card and so in Gift Card Liability
(R33, R35) — nothing is moved to revenue ("breakage" is not booked for cards). The desk
simply cannot spend it; whether the clinic honours it anyway, or a province's law makes
it, is the clinic's decision, and its value is still there to honour.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from ..domain import gift_card_expiry as rules
from ..i18n import _
from ..models import GiftCard
from .errors import NotAllowed, ValidationError
from .settings import load_settings

FIELD = "gift_card_expiry_months"


def clean_months(value) -> int | None:
    """The setting as typed: None or 0 for never, else whole months 1 … MOST_MONTHS."""
    if value is None or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or \
            not 1 <= value <= rules.MOST_MONTHS:
        raise ValidationError(FIELD, _(
            "Gift cards expire after a whole number of months from 1 to {most}, or never."
        ).format(most=rules.MOST_MONTHS))
    return value


def fix_last_day(s, card: GiftCard, loaded_on: date, *, first_load: bool) -> None:
    """Set the card's last day for money loaded on `loaded_on` (a sale or a reload)."""
    months = load_settings(s).gift_card_expiry_months
    card.expires_on = rules.renewed(card.expires_on, rules.last_day(loaded_on, months),
                                    first_load=first_load)


def refuse_if_expired(card: GiftCard, today: date, locale: str) -> None:
    if rules.expired(card.expires_on, today):
        raise NotAllowed(_(
            "This gift card expired on {date}: it can no longer pay. What it holds stays "
            "on the card, and reloading the card renews it.").format(
                date=format_date(card.expires_on, "long", locale=locale)))
