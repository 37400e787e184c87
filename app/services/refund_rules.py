"""What a package refund suggests and what it leaves on the sale invoice (R3, R26, R28a).

The rules are in app.domain.packages; this loads their values in one open transaction.
PackageService.refund is the only writer.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..domain import packages as domain
from ..i18n import _
from ..models import Invoice, Package
from . import ledger
from . import package_rules as rules
from . import refund_policies
from .money import tax_included_in

RefundSuggestion = domain.RefundSuggestion


def charged(package: Package) -> int:
    """What the patient was charged for the package, tax included (its sale line)."""
    return domain.charged(package.price, package.tax_rate)


def suggestion(s: Session, package: Package, *, collected: int | None = None
               ) -> RefundSuggestion:
    """R26 for this package (the rule: app.domain.packages.refund_suggestion), then its
    refund policy's (R40: app.domain.refund_policy) with the calculation as `.basis`.
    `collected`: what was paid on its sale invoice, when the caller has just read it."""
    if collected is None:
        collected = ledger.paid_on_invoice(s, package.invoice_id)
    return refund_policies.applied(s, package, domain.refund_suggestion(
        charged(package), package.uses_total, rules.redeemed_count(s, package.id), collected))


def redeemed_value(s: Session, package: Package) -> int:
    """The value (R3) of the uses given, on what was charged: tax included, because the
    invoice it is compared with is."""
    return domain.value_given(charged(package), package.uses_total,
                              rules.redeemed_count(s, package.id))


def settle_invoice(s: Session, package: Package, invoice: Invoice, kept: int, *,
                   given: int | None = None) -> int | None:
    """R28a: after a refund the sale invoice asks for no more than the larger of what the
    clinic keeps and the value of the uses given; the uses that can no longer be given are
    cancelled by one credit line. Returns that line's id (None when nothing is cancelled: a
    full payment refunded for 0, or every use given). `given`: redeemed_value, when the caller
    has it already (a refund's suggestion carries it as `given_value`)."""
    target = max(kept, redeemed_value(s, package) if given is None else given)
    cancelled = invoice.total - target
    if cancelled <= 0:
        return None
    tax = tax_included_in(cancelled, package.tax_rate) if package.tax_rate else 0
    return ledger.add_line(s, invoice, kind="package_refund",
                           description=_("Unused uses cancelled: {name}")
                           .format(name=package.name),
                           unit_price=-(cancelled - tax), tax=-tax, tax_rate=package.tax_rate,
                           package_id=package.id)
