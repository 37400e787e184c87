"""Refund Payment (R27): hand credit back to the patient against one payment they made."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.i18n import _
from app.services import Clinic
from app.domain.states import PaymentMethod, name_of

from ..formats import Formats, typed_money
from ..billing.keys import buttons_in_order, tab_order
from ..forms import FormDialog, beside


class RefundPaymentDialog(FormDialog):
    def __init__(self, clinic: Clinic, payment_id: int, *, amount: int | str | None = None,
                 package_refund_id: int | None = None, parent: QWidget | None = None):
        super().__init__(_("Refund Payment"), parent)
        self.clinic, self.payment_id = clinic, payment_id
        self.package_refund_id = package_refund_id
        self.ok_button.setText(_("&Refund"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.setMinimumWidth(460)
        f = Formats(clinic)
        payment = clinic.billing.payment(payment_id)
        self.about = QLabel(
            _("Payment of {amount} by {method} received {date}. Not applied to invoices and "
              "not yet refunded: {unapplied}.").format(
                amount=f.money(payment.amount), method=_(payment.method_name),
                date=f.date(payment.received_at), unapplied=f.money(payment.unapplied)))
        self.about.setWordWrap(True)
        self.body.insertWidget(0, self.about)

        # A suggestion in cents (the package refund's), or what the desk already typed.
        if isinstance(amount, int):
            suggested = clinic.settings.amount_text(amount)
        elif amount is not None:
            suggested = amount
        else:
            suggested = (clinic.settings.amount_text(payment.unapplied)
                         if payment.unapplied > 0 else "")
        self.amount = QLineEdit(suggested)
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setAccessibleName(_("Amount to refund"))
        self.method = QComboBox()
        for method in PaymentMethod:
            if method is not PaymentMethod.IMPORTED:  # (R42: only ever brought in)
                self.method.addItem(_(name_of(method)), method.value)
        # The money goes back the way it came unless the desk says otherwise.
        self.method.setCurrentIndex(max(0, self.method.findData(payment.method)))
        self.method.setAccessibleName(_("Refund method"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("Why, or how it was handed back (optional)"))
        self.note.setAccessibleName(_("Note"))
        self.form.addRow(_("&Amount:"), beside(self.amount))
        self.form.addRow(_("Refund &to:"), beside(self.method))
        self.form.addRow(_("&Note:"), self.note)
        if package_refund_id is not None:
            note = QLabel(_("This hands back the credit the package refund created."))
            note.setObjectName("note")
            note.setWordWrap(True)
            self.body.addWidget(note)
        self.fields = {"amount": self.amount, "method": self.method, "note": self.note}
        tab_order(self.amount, self.method, self.note, *buttons_in_order(self.buttons))
        self.amount.setFocus()
        self.amount.selectAll()

    @classmethod
    def ask(cls, clinic: Clinic, payment_id: int, *, amount: int | str | None = None,
            package_refund_id: int | None = None,
            parent: QWidget | None = None) -> int | None:
        """The refund payment's id, or None if the desk cancelled.

        `amount` is a suggestion: cents (e.g. what a package refund made available) or text.
        """
        return super().ask(parent, clinic, payment_id, amount=amount,
                           package_refund_id=package_refund_id)

    def save(self) -> None:
        self.outcome = self.clinic.billing.refund_payment(
            self.payment_id, typed_money(self.clinic, self.amount.text()),
            method=self.method.currentData(), note=self.note.text(),
            package_refund_id=self.package_refund_id)
