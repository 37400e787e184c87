"""Patient Billing > Payments: money received, refund payments made from credit (R27), and
their receipts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.billing_views import PaymentRow, RefundView

from ..dialogs.manager_approval import REFUND_PAYMENT, approved, mark
from ..dialogs.payment_dialog import ReceivePaymentDialog
from ..dialogs.print_dialog import PrintDialog
from ..dialogs.refund_payment_dialog import RefundPaymentDialog
from ..formats import Formats
from ..models.billing import PaymentsModel, RefundsModel
from ..shortcuts import RECEIVE_PAYMENT
from ..tables import make_proxy, make_table, reload, selected_row
from .keys import key_text, leave_with_tab


class PaymentsView(QWidget):
    #: A payment was received or refunded: the whole account must be re-read.
    changed = Signal()

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.patient_id: int | None = None
        self._select: tuple[int | None, int | None] = (None, None)
        formats = Formats(clinic)

        self.model = PaymentsModel(formats, self)
        # No parents yet: Tab follows the order widgets join this view (the layouts', below).
        self.table = make_table(make_proxy(self.model, self), stretch=PaymentsModel.REFERENCE)
        self.table.sortByColumn(PaymentsModel.DATE, Qt.SortOrder.DescendingOrder)
        self.table.setAccessibleName(_("Payments"))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.pay_button = QPushButton(_("&Receive Payment…"))
        self.pay_button.setToolTip(
            _("Take a payment and apply it to the owing invoices ({key})").format(
                key=key_text(RECEIVE_PAYMENT)))
        self.pay_button.clicked.connect(self.receive_payment)
        self.refund_button = QPushButton(_("Re&fund Payment…"))
        self.refund_button.clicked.connect(self.refund_payment)

        self.refunds_model = RefundsModel(formats, self)
        self.refunds_table = make_table(make_proxy(self.refunds_model, self),
                                        stretch=RefundsModel.NOTE)
        self.refunds_table.sortByColumn(RefundsModel.DATE, Qt.SortOrder.DescendingOrder)
        self.refunds_table.setAccessibleName(_("Refund payments"))
        self.refunds_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.receipt_button = QPushButton(_("Print Refund Re&ceipt…"))
        self.receipt_button.clicked.connect(self.print_receipt)
        self.refunds_table.doubleClicked.connect(self.print_receipt)

        bar = QHBoxLayout()
        bar.addWidget(self.pay_button)
        bar.addWidget(self.refund_button)
        bar.addStretch(1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(bar)
        top_layout.addWidget(self.table)

        refunds_bar = QHBoxLayout()
        title = QLabel(_("Refund payments made"))
        title.setStyleSheet("font-weight: 600;")
        refunds_bar.addWidget(title)
        refunds_bar.addStretch(1)
        refunds_bar.addWidget(self.receipt_button)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addLayout(refunds_bar)
        bottom_layout.addWidget(self.refunds_table)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        leave_with_tab(self.table, self.refunds_table)
        self._update_buttons()

    def show_account(self, patient_id: int | None, payments: list[PaymentRow],
                     refunds: list[RefundView]) -> None:
        self.patient_id = patient_id
        payment, refund = self._select
        reload(self.table, self.model, payments, payment)
        reload(self.refunds_table, self.refunds_model, refunds, refund)
        self._select = (None, None)
        self._update_buttons()

    def selected(self) -> PaymentRow | None:
        return selected_row(self.table)

    def selected_refund(self) -> RefundView | None:
        return selected_row(self.refunds_table)

    def _update_buttons(self) -> None:
        self.pay_button.setEnabled(self.patient_id is not None)
        # Enabled even with nothing refundable: the service says why and what to do.
        self.refund_button.setEnabled(self.selected() is not None)
        # For the front desk: marked as needing a manager's PIN, asked before the form.
        mark(self.clinic, REFUND_PAYMENT, self.refund_button, _("Re&fund Payment…"),
             _("Hand back credit against the selected payment"))
        self.receipt_button.setEnabled(self.selected_refund() is not None)

    def receive_payment(self) -> None:
        if self.patient_id is None:
            return
        paid = ReceivePaymentDialog.ask(self.clinic, self.patient_id, parent=self)
        if paid is not None:
            self._select = (paid, None)
            self.changed.emit()

    def refund_payment(self) -> None:
        payment = self.selected()
        if payment is None:
            return
        refund = approved(self, self.clinic, REFUND_PAYMENT, lambda: RefundPaymentDialog.ask(
            self.clinic, payment.id, parent=self))
        if refund is not None:
            self._select = (payment.id, refund)
            self.changed.emit()

    def print_receipt(self) -> None:
        refund = self.selected_refund()
        if refund is not None:
            PrintDialog.ask(self.clinic, refund_id=refund.id, parent=self)
