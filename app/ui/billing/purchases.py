"""Patient Billing > Purchases: the patient's invoices, New Purchase, and each invoice's menu
(View / Print, Receive Payment, Apply Credit, Void Invoice, Refund Package: R5, R8, R25)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.billing_views import Account, InvoiceSummary
from app.services.errors import ClinicError

from .. import msgbox
from ..dialogs.manager_approval import REFUND_PACKAGE, VOID, approved, mark
from ..dialogs.payment_dialog import ReceivePaymentDialog
from ..dialogs.print_dialog import PrintDialog
from ..dialogs.sale_dialog import SaleDialog
from ..formats import Formats
from ..models.billing import InvoicesModel
from ..shortcuts import NEW_PURCHASE, RECEIVE_PAYMENT
from ..tables import make_proxy, make_table, reload, selected_row, wrap_long_text
from .keys import key_text, leave_with_tab
from .void_dialog import VoidInvoiceDialog


class PurchasesView(QWidget):
    #: This view sold, took money or voided something: the whole account must be re-read.
    changed = Signal()

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self._f = Formats(clinic)
        self.patient_id: int | None = None
        self.account: Account | None = None
        self._select: int | None = None
        self.model = InvoicesModel(self._f, self)
        self.proxy = make_proxy(self.model, self)
        # No parent yet: Tab follows the order widgets join this view (the layout's, below).
        self.table = make_table(self.proxy, stretch=InvoicesModel.DESCRIPTION)
        self.table.sortByColumn(InvoicesModel.NUMBER, Qt.SortOrder.DescendingOrder)
        wrap_long_text(self.table)  # a covered visit's description is longer than the pane
        self.table.setAccessibleName(_("Invoices"))
        self.table.doubleClicked.connect(self.view_print)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.new_button = QPushButton(_("&New Purchase…"))
        self.new_button.setToolTip(_("Sell a package to this patient ({key})").format(
            key=key_text(NEW_PURCHASE)))
        self.new_button.clicked.connect(self.new_purchase)
        self.pay_button = QPushButton(_("&Receive Payment…"))
        self.pay_button.setToolTip(
            _("Take a payment and apply it to the owing invoices ({key})").format(
                key=key_text(RECEIVE_PAYMENT)))
        self.pay_button.clicked.connect(self.receive_payment)

        self.menu = QMenu(self)
        self.menu.setToolTipsVisible(True)  # a disabled action's tooltip says why
        self.view_action = self._action(_("&View / Print…"), self.view_print)
        self.pay_action = self._action(_("&Receive Payment…"), self.pay_invoice)
        self.credit_action = self._action(_("Apply &Credit"), self.apply_credit)
        self.menu.addSeparator()
        self.void_action = self._action(_("&Void Invoice…"), self.void_invoice)
        self.refund_action = self._action(_("Refund &Package…"), self.refund_package)
        # A push button with a menu draws its own ▾ and matches the buttons beside it.
        self.actions_button = QPushButton(_("&Actions"))
        self.actions_button.setAccessibleName(_("Invoice actions"))
        self.actions_button.setToolTip(_("What to do with the selected invoice (also on "
                                         "right-click)"))
        self.actions_button.setMenu(self.menu)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)

        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(self.pay_button)
        # R45: a gift card for this patient (its invoice lands here, paid next)
        self.gift_card_button = QPushButton(_("Sell &Gift Card…"))
        self.gift_card_button.clicked.connect(self.sell_gift_card)
        bar.addWidget(self.gift_card_button)
        bar.addStretch(1)
        bar.addWidget(self.actions_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        leave_with_tab(self.table)
        self._update_actions()

    def _action(self, text: str, slot) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        return action

    def show_account(self, patient_id: int | None, account: Account | None) -> None:
        self.patient_id, self.account = patient_id, account
        reload(self.table, self.model, account.invoices if account else [], self._select)
        self._select = None
        self._update_actions()

    def selected(self) -> InvoiceSummary | None:
        return selected_row(self.table)

    def _update_actions(self) -> None:
        invoice, account = self.selected(), self.account
        self.new_button.setEnabled(self.patient_id is not None)
        self.pay_button.setEnabled(self.patient_id is not None)
        self.gift_card_button.setEnabled(self.patient_id is not None)
        self.actions_button.setEnabled(invoice is not None)
        self.view_action.setEnabled(invoice is not None)
        self.pay_action.setEnabled(invoice is not None and invoice.can_pay)
        # For the front desk: marked as needing a manager's PIN, asked before the form.
        mark(self.clinic, VOID, self.void_action, _("&Void Invoice…"))
        self.void_action.setEnabled(invoice is not None and invoice.can_void)
        # The services' own rules: what they would refuse is disabled, with their sentence.
        self._offer(self.credit_action, invoice is not None and account is not None and (
            self.clinic.why_not.apply_credit(invoice.id)))
        self._offer(self.refund_action, invoice is not None and invoice.package_id is not None
                    and self.clinic.why_not.refund_package(invoice.package_id),
                    mark(self.clinic, REFUND_PACKAGE, self.refund_action, _("Refund &Package…")))

    @staticmethod
    def _offer(action: QAction, refusal: str | bool | None, tooltip: str = "") -> None:
        """`refusal`: False when the action does not apply, the service's sentence when it
        cannot be done now, None when it can (then `tooltip` is shown)."""
        action.setEnabled(refusal is None)
        action.setToolTip(refusal or tooltip)

    def _context_menu(self, position) -> None:
        if self.table.indexAt(position).isValid():
            self.menu.popup(self.table.viewport().mapToGlobal(position))

    def _changed(self, select: int | None = None) -> None:
        self._select = select
        self.changed.emit()

    # the buttons
    def new_purchase(self) -> None:
        if self.patient_id is None:
            return
        sold = SaleDialog.ask(self.clinic, self.patient_id, parent=self)
        if sold is not None:
            self._changed(select=sold.invoice_id)

    def receive_payment(self) -> None:
        if self.patient_id is None:
            return
        if ReceivePaymentDialog.ask(self.clinic, self.patient_id, parent=self) is not None:
            self._changed()

    def sell_gift_card(self) -> None:
        from ..dialogs.gift_card_dialogs import sell_gift_card
        if self.patient_id is None:
            return
        sale = sell_gift_card(self.clinic, self.patient_id, self)
        if sale is not None:
            self._changed(select=sale.invoice_id)

    # the invoice's menu
    def view_print(self) -> None:
        invoice = self.selected()
        if invoice is not None:
            PrintDialog.ask(self.clinic, invoice_id=invoice.id, parent=self)

    def pay_invoice(self) -> None:
        invoice = self.selected()
        if invoice is None:
            return
        if ReceivePaymentDialog.ask(self.clinic, self.patient_id, invoice_id=invoice.id,
                                    parent=self) is not None:
            self._changed(select=invoice.id)

    def apply_credit(self) -> None:
        invoice, account = self.selected(), self.account
        if invoice is None or account is None:
            return
        money = self._f.money
        if not msgbox.confirm(self, _("Apply Credit"),
                              _("Use the patient's credit ({credit}) to pay invoice #{number} "
                                "(balance {balance})?").format(
                                  credit=money(account.credit), number=invoice.number,
                                  balance=money(invoice.balance))):
            return
        try:
            self.clinic.billing.apply_credit(self.patient_id, invoice.id)
        except ClinicError as error:
            msgbox.refusal(self, error)
            return
        self._changed(select=invoice.id)

    def void_invoice(self) -> None:
        invoice = self.selected()
        if invoice is None:
            return
        credit = approved(self, self.clinic, VOID,
                          lambda: VoidInvoiceDialog.ask(self, self.clinic, invoice))
        if credit is None:
            return
        if credit > 0:
            msgbox.information(self, _("Invoice void"),
                               _("Invoice #{number} is void. {credit} paid on it is now the "
                                 "patient's credit.").format(number=invoice.number,
                                                             credit=self._f.money(credit)))
        self._changed(select=invoice.id)

    def refund_package(self) -> None:
        invoice = self.selected()
        if invoice is None or invoice.package_id is None:
            return
        # Imported here: the package-refund dialog belongs to the packages screens.
        from .refund_dialog import RefundPackageDialog
        if approved(self, self.clinic, REFUND_PACKAGE, lambda: RefundPackageDialog.ask(
                self.clinic, invoice.package_id, self)) is None:
            return  # the manager's approval was cancelled: nothing opened
        # Refunded or not, the package page may have changed expiry or state: re-read.
        self._changed(select=invoice.id)
