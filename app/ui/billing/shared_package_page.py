"""The package page as a member it is shared with sees it (R37): the package is the
purchaser's, so its changes (expiry, freeze, refund, sharing, transfer) and its sale invoice
are left to the purchaser's account; the member reads it and prints its statement."""

from __future__ import annotations

from app.i18n import _


def purchaser_only(page) -> None:
    for button in (page.expiry_button, page.freeze_button, page.unfreeze_button,
                   page.refund_button, page.share_button, page.transfer_button,
                   page.print_button):
        button.setVisible(False)
    d = page.detail
    page.heading.setText(_("{name} — {purchaser}'s, shared with this patient").format(
        name=d.summary.name, purchaser=d.patient_name))
