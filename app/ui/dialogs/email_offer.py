"""Email… beside Open and Save as PDF in every print dialog (R46): invoices, refund receipts,
package refund receipts, package statements and gift cards (a day close is the clinic's own
paper: it has none). Kept out of print_dialog.py but for the one line that adds it, so the
print dialog can change without this, and this without it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from app.i18n import _

from .email_dialog import EmailDialog, Emailed


def add_to(dialog, buttons: QDialogButtonBox) -> QPushButton | None:
    """Add Email… to a print dialog's buttons; disabled, with the reason as its tooltip, when
    the clinic's email is not set up. None for a document no patient receives."""
    if getattr(dialog, "day", None) is not None:
        return None
    button = buttons.addButton(_("&Email…"), QDialogButtonBox.ButtonRole.ActionRole)
    why_not = dialog.clinic.mail.can_email()
    button.setEnabled(why_not is None)
    button.setToolTip(why_not or _("Send this document to the patient as a PDF"))
    button.clicked.connect(lambda: EmailDialog.ask(dialog.clinic, emailed_from(dialog),
                                                   parent=dialog))
    return button


def emailed_from(dialog) -> Emailed:
    """What the print dialog shows, as the outbox names it. Read when Email… is pressed: the
    statement and gift card dialogs say what they print after the print dialog is built."""
    title = dialog.document
    if getattr(dialog, "package_id", None) is not None:  # Print Statement… (R41)
        return Emailed("package_statement", dialog.package_id, title)
    if getattr(dialog, "code", None):  # a gift card (R45)
        return Emailed("gift_card", dialog.clinic.gift_cards.card(dialog.code).card_id, title)
    if dialog.refund_id is not None:
        return Emailed("refund_receipt", dialog.refund_id, title)
    if dialog.package_refund_id is not None:
        return Emailed("package_refund_receipt", dialog.package_refund_id, title)
    return Emailed("invoice", dialog.invoice_id, title)
