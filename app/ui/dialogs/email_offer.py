"""Email… beside Open and Save as PDF in every print dialog (R46): invoices, refund receipts,
package refund receipts, package statements and gift cards (a day close is the clinic's own
paper: it has none). Kept out of print_dialog.py but for the one line that adds it, so the
print dialog can change without this, and this without it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from app.i18n import _

from .email_dialog import EmailDialog, Emailed


# what Print calls each document (PrintDialog.source) -> what the outbox calls it
KINDS = {"invoice": "invoice", "refund-receipt": "refund_receipt",
         "package-refund-receipt": "package_refund_receipt",
         "statement": "package_statement", "gift-card": "gift_card"}


def add_to(dialog, buttons: QDialogButtonBox) -> QPushButton | None:
    """Add Email… to a print dialog's buttons; disabled, with the reason as its tooltip, when
    the clinic's email is not set up. None for a document no patient receives (a day close,
    a report)."""
    if (dialog.source or ("", None))[0] not in KINDS:
        return None
    button = buttons.addButton(_("&Email…"), QDialogButtonBox.ButtonRole.ActionRole)
    why_not = dialog.clinic.mail.can_email()
    button.setEnabled(why_not is None)
    button.setToolTip(why_not or _("Send this document to the patient as a PDF"))
    button.clicked.connect(lambda: EmailDialog.ask(dialog.clinic, emailed_from(dialog),
                                                   parent=dialog))
    return button


def emailed_from(dialog) -> Emailed:
    """The document the print dialog shows, as the outbox names it (from its `source`)."""
    kind, ident = dialog.source
    if kind == "gift-card":  # (printed by its code; the outbox keeps the card's id)
        ident = dialog.clinic.gift_cards.card(ident).card_id
    return Emailed(KINDS[kind], ident, dialog.document)
