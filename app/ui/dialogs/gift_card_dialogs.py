"""Gift cards at the desk (R45): Sell Gift Card…, Gift Card Balance…, Reload…, and the
printable card. The dialogs pass what the desk typed to clinic.gift_cards and show its
answers; a card's sale or reload is then paid as any invoice, in Receive Payment.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout,
                               QHeaderView, QLabel,
                               QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from app.i18n import N_, _
from app.services import Clinic
from app.services.errors import ClinicError

from ..billing.keys import buttons_in_order, tab_order
from ..formats import Formats, typed_money
from ..forms import FormDialog, beside
from .gift_card_code import code_field, expiry_words
from .payment_dialog import ReceivePaymentDialog
from .print_dialog import PrintDialog

#: a move's kind -> how the card's history names it
MOVE_WORDS = {"load": N_("Loaded"), "pay": N_("Paid with"), "back": N_("Refunded to the card"),
              "unload": N_("Sale voided")}


class SellGiftCardDialog(FormDialog):
    """Amount, and the patient it is for when there is one (else a walk-in buyer)."""

    def __init__(self, clinic: Clinic, patient_id: int | None = None, *,
                 for_patient: bool = True, parent: QWidget | None = None):
        super().__init__(_("Sell Gift Card"), parent)
        self.clinic, self.patient_id = clinic, patient_id
        self.ok_button.setText(_("&Sell"))
        self.amount = QLineEdit()
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setPlaceholderText(clinic.settings.amount_text(0))
        self.amount.setAccessibleName(_("Amount"))
        self.form.addRow(_("&Amount:"), beside(self.amount))
        self.for_patient = QCheckBox()
        if patient_id is not None:
            name = clinic.patients.get(patient_id).full_name
            self.for_patient.setText(_("Sold to {patient}").format(patient=name))
            self.for_patient.setChecked(for_patient)
            self.form.addRow("", self.for_patient)
        note = QLabel(_("No sales tax on a gift card: the tax is on what it pays for. The "
                        "card's invoice is paid next, then the card is printed."))
        note.setWordWrap(True)
        note.setObjectName("note")
        self.body.addWidget(note)
        self.fields = {"amount": self.amount}
        self.amount.setFocus()

    def save(self) -> None:
        chosen = self.patient_id if self.for_patient.isChecked() else None
        self.outcome = self.clinic.gift_cards.sell(typed_money(self.clinic, self.amount.text()),
                                                   patient_id=chosen)


class ReloadGiftCardDialog(FormDialog):
    def __init__(self, clinic: Clinic, code: str = "", parent: QWidget | None = None):
        super().__init__(_("Reload Gift Card"), parent)
        self.clinic = clinic
        self.ok_button.setText(_("&Reload"))
        self.code = code_field()
        self.code.setText(code)
        self.amount = QLineEdit()
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setAccessibleName(_("Amount"))
        self.form.addRow(_("&Code:"), self.code)
        self.form.addRow(_("&Amount to add:"), beside(self.amount))
        self.fields = {"gift_card_code": self.code, "amount": self.amount}
        (self.amount if code else self.code).setFocus()

    def save(self) -> None:
        self.outcome = self.clinic.gift_cards.reload(
            self.code.text(), typed_money(self.clinic, self.amount.text()))


class GiftCardPrintDialog(PrintDialog):
    """View / Print the card: the print dialog of invoices (paper, Print, Open, Save as PDF,
    the worker), writing the card. (`invoice_id`, the card's sale, is not needed to print
    it; it stays for the callers.)"""

    def __init__(self, clinic: Clinic, code: str, invoice_id: int | None = None,
                 parent: QWidget | None = None):
        card = clinic.gift_cards.card(code)
        document = _("Gift card {code}").format(code=card.code)
        summary = _("<b>{document}</b> · holds {balance}").format(
            document=html.escape(document),
            balance=html.escape(Formats(clinic).money(card.balance)))
        super().__init__(
            clinic, writer=lambda c, path, paper: c.printing.gift_card_pdf(card.code, path,
                                                                           paper=paper),
            document=document, patient_name=card.patient_name or "", summary=summary,
            source=("gift-card", card.code), parent=parent)
        self.code = card.code


class GiftCardBalanceDialog(QDialog):
    """Type or scan a code; see what the card holds and every move of its value."""

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic, self._f = clinic, Formats(clinic)
        self.setWindowTitle(_("Gift Card Balance"))
        self.setMinimumWidth(520)
        self.code = code_field()
        self.look_up = QPushButton(_("&Look Up"))
        self.look_up.setDefault(True)
        self.balance = QLabel()
        self.balance.setWordWrap(True)
        self.balance.setAccessibleName(_("Balance"))
        self.history = QTableWidget(0, 3)
        self.history.setHorizontalHeaderLabels([_("Date"), _("What"), _("Amount")])
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # what happened
        self.history.verticalHeader().setVisible(False)
        self.history.setAccessibleName(_("The card's history"))
        self.reload_button = QPushButton(_("&Reload…"))
        self.reload_button.setEnabled(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("&Code:")))
        row.itemAt(0).widget().setBuddy(self.code)
        row.addWidget(self.code, 1)
        row.addWidget(self.look_up)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.balance)
        layout.addWidget(self.history, 1)
        layout.addWidget(self.buttons)
        self.look_up.clicked.connect(self.show_card)
        self.code.returnPressed.connect(self.show_card)
        self.reload_button.clicked.connect(self.reload)
        tab_order(self.code, self.look_up, self.history, *buttons_in_order(self.buttons))
        self.code.setFocus()

    def show_card(self) -> None:
        self.history.setRowCount(0)
        try:
            card = self.clinic.gift_cards.card(self.code.text())
        except ClinicError as error:
            self.balance.setText(str(error))
            self.reload_button.setEnabled(False)
            return
        self.code.setText(card.code)
        whose = _(" \u00b7 {patient}").format(patient=card.patient_name) \
            if card.patient_name else ""
        self.balance.setText(_("Card {code}{whose}: holds {balance}.").format(
            code=card.code, whose=whose, balance=self._f.money(card.balance))
            + (" " + expiry_words(self._f, card.expires_on, self.clinic.today())).rstrip())
        for move in card.moves:
            i = self.history.rowCount()
            self.history.insertRow(i)
            what = _(MOVE_WORDS.get(move.kind, move.kind))
            if move.invoice_number is not None:
                what = _("{what} (invoice #{number})").format(what=what,
                                                              number=move.invoice_number)
            for column, text in enumerate((self._f.date(move.at.date()), what,
                                           self._f.money(move.amount))):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.history.setItem(i, column, item)
        self.reload_button.setEnabled(True)

    def reload(self) -> None:
        if reload_gift_card(self.clinic, self.code.text(), self) is not None:
            self.show_card()

    @classmethod
    def ask(cls, clinic: Clinic, parent: QWidget | None = None) -> None:
        dialog = cls(clinic, parent=parent)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()


def _pay(clinic: Clinic, invoice_id: int, parent) -> None:
    buyer = clinic.billing.invoice(invoice_id).patient_id
    ReceivePaymentDialog.ask(clinic, buyer, invoice_id=invoice_id, parent=parent)


def sell_gift_card(clinic: Clinic, patient_id: int | None, parent=None, *,
                   for_patient: bool = True):
    """Sell Gift Card…: the amount (and patient), then its payment, then the card to print.
    Returns the GiftCardSale, or None when the desk cancelled the sale."""
    sale = SellGiftCardDialog.ask(parent, clinic, patient_id, for_patient=for_patient)
    if sale is None:
        return None
    _pay(clinic, sale.invoice_id, parent)
    GiftCardPrintDialog.ask(clinic, sale.code, sale.invoice_id, parent=parent)
    return sale


def reload_gift_card(clinic: Clinic, code: str = "", parent=None) -> int | None:
    """Reload…: the code and the amount to add, then the reload's payment."""
    invoice_id = ReloadGiftCardDialog.ask(parent, clinic, code)
    if invoice_id is not None:
        _pay(clinic, invoice_id, parent)
    return invoice_id


# the Desk menu's three actions (app/ui/menus.py): the patient selected in Patient Billing,
# if any, is offered to the sale, unticked (a card at the desk is most often a walk-in's)
def desk_sell(window) -> None:
    patient = window.billing.selected()
    if sell_gift_card(window.clinic, patient.id if patient is not None else None, window,
                      for_patient=False) is not None:
        window.billing.refresh(select=patient.id if patient is not None else None)


def desk_balance(window) -> None:
    GiftCardBalanceDialog.ask(window.clinic, window)


def desk_reload(window) -> None:
    reload_gift_card(window.clinic, "", window)
