"""The payments on an invoice as the patient follows them (R20, R27, R31): each payment received,
then what a package refund took back of it and where that went. Laid out from the billing
service's AppliedPayment; no sums here."""

from __future__ import annotations

from ...i18n import _
from .layout import Kit


def payment_rows(kit: Kit, payments, method_names: dict[str, str]) -> list[tuple[str, str, str]]:
    """(date, what, amount) per payment received, then, under it, what the package refund
    took back of it and how much of that was handed back by which method. The amounts add up
    to the invoice's amount paid."""
    rows = []
    for p in payments:
        rows.append((kit.date(p.received_at), _(method_names.get(p.method, p.method)),
                     kit.money(p.received)))
        if not p.refunded:
            continue
        back = "; ".join(_("{amount} refunded by {method} on {date}").format(
            amount=kit.money(h.amount), method=_(method_names.get(h.method, h.method)),
            date=kit.date(h.refunded_at)) for h in p.handed_back)
        rows.append(("", _("Package refund to credit") + (f" ({back})" if back else ""),
                     kit.money(-p.refunded)))
    return rows
