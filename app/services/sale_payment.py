"""Selling a package and taking its payment as one action (R8, R29).

The sale screen's Receive Payment asks for the payment before anything is sold; then the
sale and the payment are saved in one transaction, so a cancelled or refused payment never
leaves a half-done sale (an unpaid invoice to void). Plain Sell stays billing.sell_package:
a package may still be sold unpaid, or paid in part (R8).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import ledger
from . import validation as v
from .base import Service
from .billing_views import SaleResult
from .money import cents as money_cents
from ..i18n import _
from ..models import Appointment, PackageTemplate, Patient, Staff
from .errors import NotAllowed


@dataclass(frozen=True)
class PendingSale:
    """What the sale screen chose, not sold yet."""
    package_template_id: int
    staff_id: int | None = None
    appointment_id: int | None = None


@dataclass(frozen=True)
class SalePaymentPreview:
    """Where a payment taken with the sale would go (read-only; for the payment screen)."""
    amount: int
    invoice_total: int  # the new invoice's total, tax included
    applied: int        # the part that pays the new invoice
    unapplied: int      # the part that would become credit
    credit_after: int   # the patient's credit once both are saved


@dataclass(frozen=True)
class PaidSale:
    sale: SaleResult
    payment_id: int


class SalePaymentService(Service):
    def payment_preview(self, patient_id: int, sale: PendingSale, amount
                        ) -> SalePaymentPreview:
        """As sell_and_pay would apply `amount`: to the new invoice up to its total (as
        receive_payment applies a payment to one invoice), the rest to credit."""
        _require_pending(sale)
        cents = money_cents(amount, field="amount", **self._clinic.money_context())
        total = self._clinic.billing.sale_preview(sale.package_template_id).total
        with self._db.read() as s:
            v.get(s, Patient, patient_id, "patient")
            _sellable(s, sale)
            credit = ledger.credit_of(s, patient_id)
        applied = max(0, min(cents, total))
        return SalePaymentPreview(cents, total, applied, cents - applied,
                                  credit + cents - applied)

    def sell_and_pay(self, patient_id: int, sale: PendingSale, amount, method: str, *,
                     reference: str = "", gift_card_code: str | None = None) -> PaidSale:
        """Sell the package and receive the payment for its invoice, both or neither: any
        refusal (a bad amount, an archived package) rolls back the sale with it."""
        _require_pending(sale)
        with self._db.write():  # the two calls below join this one transaction
            sold = self._clinic.billing.sell_package(
                patient_id, sale.package_template_id, staff_id=sale.staff_id,
                appointment_id=sale.appointment_id)
            payment_id = self._clinic.billing.receive_payment(
                patient_id, amount, method, invoice_id=sold.invoice_id, reference=reference,
                gift_card_code=gift_card_code)  # (R45: a card pays the new invoice too)
        return PaidSale(sold, payment_id)


def _require_pending(sale: object) -> None:
    # The sale dialog builds the PendingSale; anything else is a bug in code, not a desk's
    # input, so it is a TypeError rather than a sentence for the receptionist.
    if not isinstance(sale, PendingSale):
        raise TypeError("sale must be a PendingSale")  # i18n: not shown


def _sellable(s, sale: PendingSale) -> None:
    """The preview refuses what sell_and_pay would (an archived package, no such staff
    member or visit), so the payment screen never opens for a sale that cannot be made."""
    template = v.get(s, PackageTemplate, sale.package_template_id, "package template")
    if template.archived:
        raise NotAllowed(_("The package \u201c{name}\u201d is archived and no longer "
                           "for sale; unarchive it in the Packages tab first.")
                         .format(name=template.name))
    v.optional_row(s, Staff, sale.staff_id, "staff member")
    v.optional_row(s, Appointment, sale.appointment_id, "appointment")
