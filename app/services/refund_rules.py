"""What a package refund suggests and what it leaves on the sale invoice (R3, R26, R28a).

Pure rules over one open transaction; PackageService.refund is the only writer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..i18n import _
from ..models import Invoice, InvoiceLine, Package
from . import ledger
from . import package_rules as rules
from .money import prorate, split_evenly, tax_included_in, tax_on


@dataclass(frozen=True)
class RefundSuggestion:
    """R26's suggestion with its pieces, so the dialog can say it in words (R40)."""
    amount: int      # what the desk is offered: by_rule, never above the cap
    by_rule: int     # price × remaining ÷ uses total, rounded once (R2)
    collected: int   # paid on the sale invoice: the most that may be refunded (R26)
    capped: bool     # by_rule was more than the cap
    remaining: int   # uses total − redeemed
    uses_total: int
    given_value: int = 0  # the value (R3) of the uses already given

    @property
    def cap(self) -> int:
        """What was collected beyond the uses given: refunding more would leave the patient
        owing for those uses again (R28a), so the suggestion stops there. With nothing given
        yet this is simply what was collected, as R26 says."""
        return max(0, self.collected - self.given_value)


def charged(package: Package) -> int:
    """What the patient was charged for the package, tax included (its sale line)."""
    return package.price + tax_on(package.price, package.tax_rate)


def suggestion(s: Session, package: Package) -> RefundSuggestion:
    used = rules.redeemed_count(s, package.id)
    remaining = package.uses_total - used
    by_rule = prorate(charged(package), remaining, package.uses_total)
    collected = ledger.paid_on_invoice(s, package.invoice_id)
    given = _value_of(package, used)
    cap = max(0, collected - given)
    return RefundSuggestion(min(by_rule, cap), by_rule, collected, by_rule > cap,
                            remaining, package.uses_total, given)


def redeemed_value(s: Session, package: Package) -> int:
    """The value (R3) of the uses given, on what was charged: tax included, because the
    invoice it is compared with is."""
    return _value_of(package, rules.redeemed_count(s, package.id))


def _value_of(package: Package, used: int) -> int:
    return sum(split_evenly(charged(package), package.uses_total)[:used])


def settle_invoice(s: Session, package: Package, invoice: Invoice,
                   kept: int) -> InvoiceLine | None:
    """R28a: after a refund the sale invoice asks for no more than the larger of what the
    clinic keeps and the value of the uses given; the uses that can no longer be given are
    cancelled by one credit line. Returns that line (None when nothing is cancelled: a full
    payment refunded for 0, or every use given)."""
    target = max(kept, redeemed_value(s, package))
    cancelled = invoice.total - target
    if cancelled <= 0:
        return None
    tax = tax_included_in(cancelled, package.tax_rate) if package.tax_rate else 0
    return ledger.add_line(s, invoice, kind="package_refund",
                           description=_("Unused uses cancelled: {name}")
                           .format(name=package.name),
                           unit_price=-(cancelled - tax), tax=-tax, tax_rate=package.tax_rate,
                           package_id=package.id)
