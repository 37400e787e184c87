"""Void Invoice: a sale made by mistake stays on file, marked void, with the reason (R29)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.billing_views import InvoiceSummary

from ..formats import Formats
from ..forms import FormDialog
from .keys import buttons_in_order, tab_order


class VoidInvoiceDialog(FormDialog):
    def __init__(self, clinic: Clinic, invoice: InvoiceSummary, parent: QWidget | None = None):
        super().__init__(_("Void Invoice #{number}").format(number=invoice.number), parent)
        self.clinic, self.invoice = clinic, invoice
        self.setMinimumWidth(460)
        self.ok_button.setText(_("&Void Invoice"))
        f = Formats(clinic)
        about = QLabel(_("Invoice #{number}: {description}, total {total}, paid {paid}.\n"
                         "It stays on file marked void; whatever was paid on it becomes the "
                         "patient's credit.").format(
                             number=invoice.number, description=invoice.description,
                             total=f.money(invoice.total), paid=f.money(invoice.paid)))
        about.setWordWrap(True)
        self.body.insertWidget(0, about)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. Sold the wrong package"))
        self.reason.setAccessibleName(_("Reason for voiding"))
        self.form.addRow(_("&Reason:"), self.reason)
        self.fields = {"reason": self.reason}
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        tab_order(self.reason, *buttons_in_order(self.buttons))
        self.reason.setFocus()

    def save(self) -> None:
        # What was paid on it and is now credit, for the desk to be told.
        self.outcome = self.clinic.billing.void_invoice(self.invoice.id, self.reason.text())
