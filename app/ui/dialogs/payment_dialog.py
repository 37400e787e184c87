"""Receive Payment (R8): an amount, how it was paid, and which invoices it pays.

The dialog passes what the desk typed to the service and shows the service's preview of
where the money goes; it never adds or subtracts amounts itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialogButtonBox, QHeaderView, QLabel,
                               QLineEdit, QTableWidget, QTableWidgetItem, QWidget)

from app.i18n import N_, _
from app.services import Clinic
from app.domain.states import PaymentMethod, name_of
from app.services.billing_views import InvoiceSummary
from app.services.errors import ClinicError
from app.services.sale_payment import PendingSale

from ..formats import Formats, typed_money
from ..billing.keys import buttons_in_order, tab_order
from ..forms import FormDialog, beside
from .gift_card_code import GIFT_CARD, GiftCardCode
from .gift_card_preview import card_preview_text


class AllocationTable(QTableWidget):
    """The patient's owing invoices, each with the amount of this payment to apply to it."""

    INVOICE, DATE, DESCRIPTION, BALANCE, APPLY = range(5)
    COLUMNS = (N_("Invoice"), N_("Date"), N_("Description"), N_("Balance"), N_("Apply"))

    def __init__(self, formats: Formats, invoices: list[InvoiceSummary],
                 parent: QWidget | None = None):
        super().__init__(len(invoices), 5, parent)
        self.setHorizontalHeaderLabels([_(heading) for heading in self.COLUMNS])
        self.setAccessibleName(_("Invoices to pay"))
        # Nothing to pick in the table itself: Tab goes from one Apply field to the next.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setTabKeyNavigation(False)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(False)
        self.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.APPLY, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(self.APPLY, 110)
        self.verticalHeader().setDefaultSectionSize(30)
        self.invoice_ids = [i.id for i in invoices]
        self.numbers = {i.id: i.number for i in invoices}
        self.apply: list[QLineEdit] = []
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        for column in range(self.columnCount()):
            self.horizontalHeaderItem(column).setTextAlignment(
                right if column in (self.BALANCE, self.APPLY) else left)
        for row, invoice in enumerate(invoices):
            texts = (f"#{invoice.number}", formats.date(invoice.issued_on),
                     invoice.description, formats.money(invoice.balance))
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.setTextAlignment(right if column == self.BALANCE else left)
                self.setItem(row, column, item)
            field = QLineEdit()
            field.setAlignment(Qt.AlignmentFlag.AlignRight)
            field.setAccessibleName(_("Apply to invoice {number}").format(number=invoice.number))
            self.setCellWidget(row, self.APPLY, field)
            self.apply.append(field)

    def typed(self) -> dict[int, str]:
        """Amounts as typed, for the dialog to read; an empty field applies nothing."""
        return {invoice_id: field.text() for invoice_id, field
                in zip(self.invoice_ids, self.apply) if field.text().strip()}

    def show_plan(self, plan: dict[int, str]) -> None:
        for invoice_id, field in zip(self.invoice_ids, self.apply):
            field.setText(plan.get(invoice_id, ""))

    def set_editable(self, editable: bool) -> None:
        for field in self.apply:
            field.setReadOnly(not editable)


class ReceivePaymentDialog(FormDialog):
    """`sale`: the sale screen's package, not sold yet; the payment then sells it too, in
    one transaction (Cancel sells nothing), and `ask` returns the PaidSale."""

    def __init__(self, clinic: Clinic, patient_id: int, *, invoice_id: int | None = None,
                 sale: PendingSale | None = None, parent: QWidget | None = None):
        super().__init__(_("Receive Payment"), parent)
        self.clinic, self.patient_id, self.invoice_id = clinic, patient_id, invoice_id
        self.sale = sale
        self._f = Formats(clinic)
        self.ok_button.setText(_("&Receive Payment"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.setMinimumWidth(520)
        amount_text = clinic.settings.amount_text
        account = clinic.billing.account(patient_id)
        patient = clinic.patients.get(patient_id)
        self.numbers = {i.id: i.number for i in account.invoices}

        if sale is not None:
            new = clinic.billing.sale_preview(sale.package_template_id)
            owed = new.total
            about = _("New invoice for {patient}: {package}, total {total}. Nothing is sold "
                      "until the payment is received; Cancel sells nothing.").format(
                patient=patient.full_name, package=new.name, total=self._f.money(new.total))
        elif invoice_id is not None:
            invoice = clinic.billing.invoice(invoice_id)
            owed = invoice.balance
            about = _("Invoice #{number} for {patient}: total {total}, balance {balance}.").format(
                number=invoice.number, patient=patient.full_name,
                total=self._f.money(invoice.total), balance=self._f.money(invoice.balance))
        else:
            owed = account.owing
            about = _("{patient} owes {owing} and has {credit} of credit.").format(
                patient=patient.full_name, owing=self._f.money(account.owing),
                credit=self._f.money(account.credit))
        self.about = QLabel(about)
        self.about.setWordWrap(True)
        self.body.insertWidget(0, self.about)

        self.amount = QLineEdit(amount_text(owed) if owed > 0 else "")
        self.amount.setPlaceholderText(amount_text(0))
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setAccessibleName(_("Amount"))
        self.method = QComboBox()
        for method in PaymentMethod:
            if method is not PaymentMethod.IMPORTED:  # (R42: only ever brought in)
                self.method.addItem(_(name_of(method)), method.value)
        self.method.setAccessibleName(_("Method"))
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(
            _("Cheque number, card slip, e-transfer id (optional)"))
        self.reference.setAccessibleName(_("Reference"))
        self.form.addRow(_("&Amount:"), beside(self.amount))
        self.form.addRow(_("Paid &by:"), beside(self.method))
        self.form.addRow(_("Re&ference:"), self.reference)
        self.gift_card = GiftCardCode(clinic)  # R45: shown while the method is Gift card
        self.form.addRow(_("Gift card &code:"), self.gift_card)
        self.method.currentIndexChanged.connect(self._method_changed)
        self._method_changed()

        self.table: AllocationTable | None = None
        self.oldest_first: QCheckBox | None = None
        owing = [i for i in account.invoices if i.balance > 0]
        self.oldest_owing = owing[-1].id if owing else None  # (account: newest first)
        if invoice_id is None and sale is None and owing:
            # Oldest first is what the service does with no allocations; the desk can untick
            # it to say which invoices this payment is for.
            self.oldest_first = QCheckBox(_("Apply to the &oldest invoices first"))
            self.oldest_first.setChecked(True)
            self.table = AllocationTable(self._f, list(reversed(owing)))
            self.table.set_editable(False)
            self.body.addWidget(self.oldest_first)
            self.body.addWidget(self.table, 1)
            self.setMinimumWidth(680)
            self.oldest_first.toggled.connect(self._oldest_first_toggled)
            for field in self.table.apply:
                field.textEdited.connect(self._update_preview)

        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setObjectName("note")
        self.preview.setAccessibleName(_("Where the payment goes"))
        self.body.addWidget(self.preview)
        self.amount.textChanged.connect(self._update_preview)
        self.gift_card.code.textChanged.connect(self._update_preview)

        self.fields = {"amount": self.amount, "method": self.method,
                       "reference": self.reference, "gift_card_code": self.gift_card.code}
        if self.table is not None and self.table.apply:
            self.fields["allocation"] = self.fields["allocations"] = self.table.apply[0]
        tab_order(self.amount, self.method, self.reference, self.gift_card.code,
                  self.oldest_first,
                  *(self.table.apply if self.table is not None else ()),
                  *buttons_in_order(self.buttons))
        self.amount.setFocus()
        self.amount.selectAll()  # the amount owed, suggested: typing replaces it
        self._update_preview()

    @classmethod
    def ask(cls, clinic: Clinic, patient_id: int, *, invoice_id: int | None = None,
            sale: PendingSale | None = None, parent: QWidget | None = None):
        """The new payment's id (with `sale`: the PaidSale), or None if the desk cancelled."""
        return super().ask(parent, clinic, patient_id, invoice_id=invoice_id, sale=sale)

    def allocations(self) -> dict[int, int] | None:
        if self.table is None or self.oldest_first.isChecked():
            return None
        return {invoice_id: typed_money(self.clinic, text, "allocation")
                for invoice_id, text in self.table.typed().items()}

    def _method_changed(self) -> None:
        self.form.setRowVisible(self.gift_card, self.method.currentData() == GIFT_CARD)
        if hasattr(self, "preview"):
            self._update_preview()

    def card_invoice_id(self) -> int | None:
        """The one invoice a gift card pays (R45: a card pays an invoice, never credit): the
        dialog's own; else the one invoice given an amount; else, oldest first, the oldest
        owing. None when several are given amounts (the service then says to choose)."""
        if self.invoice_id is not None:
            return self.invoice_id
        allocations = self.allocations()
        if allocations is None:
            return self.oldest_owing
        paid = [i for i, cents in allocations.items() if cents > 0]
        return paid[0] if len(paid) == 1 else None

    def _card(self) -> dict:
        return ({"gift_card_code": self.gift_card.text()}
                if self.method.currentData() == GIFT_CARD else {})

    def typed_amount(self) -> int:
        return typed_money(self.clinic, self.amount.text())

    def _oldest_first_toggled(self, oldest_first: bool) -> None:
        self.table.set_editable(not oldest_first)
        self._update_preview()

    def _update_preview(self) -> None:
        if not self.amount.text().strip():  # nothing typed yet is not a mistake to point out
            self.preview.setText("")
            if self.table is not None and self.oldest_first.isChecked():
                self.table.show_plan({})
            return
        if self.sale is not None:
            self._update_sale_preview()
            return
        if self.method.currentData() == GIFT_CARD and self.gift_card.text().strip():
            self.preview.setText(card_preview_text(self))
            return
        try:
            preview = self.clinic.billing.payment_preview(
                self.patient_id, self.typed_amount(), invoice_id=self.invoice_id,
                allocations=self.allocations())
        except ClinicError as error:
            self.preview.setText(str(error))
            return
        amount_text = self.clinic.settings.amount_text
        if self.allocations() is None and self.table is not None:
            self.table.show_plan({i: amount_text(a) for i, a in preview.applied})
        applied = "; ".join(_("#{number}: {amount}").format(number=self.numbers.get(i, i),
                                                            amount=self._f.money(a))
                            for i, a in preview.applied)
        lines = [_("Applied to invoices: {applied}.").format(applied=applied) if applied else
                 _("Nothing is applied to invoices.")]
        lines.append(_("Left as credit: {unapplied}. The patient's credit after this payment: "
                       "{credit}.").format(unapplied=self._f.money(preview.unapplied),
                                           credit=self._f.money(preview.credit_after)))
        self.preview.setText("\n".join(lines))

    def _update_sale_preview(self) -> None:
        try:
            preview = self.clinic.sale_payment.payment_preview(self.patient_id, self.sale,
                                                               self.typed_amount())
        except ClinicError as error:
            self.preview.setText(str(error))
            return
        money = self._f.money
        self.preview.setText("\n".join((
            _("Applied to the new invoice: {applied}.").format(applied=money(preview.applied)),
            _("Left as credit: {unapplied}. The patient's credit after this payment: "
              "{credit}.").format(unapplied=money(preview.unapplied),
                                  credit=money(preview.credit_after)))))

    def save(self) -> None:
        if self.sale is not None:
            self.outcome = self.clinic.sale_payment.sell_and_pay(
                self.patient_id, self.sale, self.typed_amount(), self.method.currentData(),
                reference=self.reference.text(), **self._card())
            return
        if self.method.currentData() == GIFT_CARD:
            self.outcome = self.clinic.billing.receive_payment(
                self.patient_id, self.typed_amount(), GIFT_CARD,
                invoice_id=self.card_invoice_id(), reference=self.reference.text(),
                **self._card())
            return
        self.outcome = self.clinic.billing.receive_payment(
            self.patient_id, self.typed_amount(), self.method.currentData(),
            invoice_id=self.invoice_id, allocations=self.allocations(),
            reference=self.reference.text(), **self._card())

    def widget_for(self, error: ClinicError):
        if getattr(error, "field", None) in ("allocation", "allocations") and \
                self.oldest_first is not None and self.oldest_first.isChecked():
            return self.oldest_first
        return super().widget_for(error)

    def accept(self) -> None:
        super().accept()
        if self.result() == self.DialogCode.Accepted:  # R48: after the payment, never before
            from ..receipt_printing import cash_taken
            cash_taken(self.clinic, self.method.currentData(), parent=self.parentWidget())
