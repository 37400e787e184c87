"""Receive Payment's preview line while Gift card is the method and a code is typed (R45):
what the card will pay, from the service's answer (the smaller of the card's balance and
the invoice's). While the amount is still the one suggested, it becomes what the card can
pay, so the desk sees the real figure before saving; an amount the desk typed is kept."""

from __future__ import annotations

from app.i18n import _
from app.services.errors import ClinicError


def card_preview_text(dialog) -> str:
    clinic, money = dialog.clinic, dialog._f.money
    ask = dialog.clinic.billing.gift_card_preview
    try:
        if not dialog.amount.isModified():  # the suggestion, not what the desk typed
            most = ask(dialog.patient_id, None, invoice_id=dialog.card_invoice_id(),
                       gift_card_code=dialog.gift_card.text()).most
            if most != dialog.typed_amount():
                dialog.amount.setText(clinic.settings.amount_text(most))  # (comes back here)
                return dialog.preview.text()
        seen = ask(dialog.patient_id, dialog.typed_amount(), invoice_id=dialog.card_invoice_id(),
                   gift_card_code=dialog.gift_card.text())
    except ClinicError as error:
        return str(error)
    return _("The card pays {amount} on invoice #{number} (it can pay at most {most}: the "
             "smaller of what it holds and what the invoice owes). Afterwards the card holds "
             "{card} and the invoice owes {owing}.").format(
                 amount=money(seen.amount), number=seen.invoice_number, most=money(seen.most),
                 card=money(seen.card_after), owing=money(max(seen.invoice_after, 0)))
