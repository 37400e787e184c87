"""One package's show page: terms, sale invoice, every use, and what can still be done (R20).

Change Expiry (R23, R24), Refund Package (R25-R28) and printing the sale invoice (R31).
"""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QPushButton, QVBoxLayout, QWidget)

from app.i18n import _
from app.services import Clinic
from app.services.package_text import uses_phrase
from app.services.refund_words import policy_name

from ..dialogs.manager_approval import EXPIRY, REFUND_PACKAGE, approved, mark
from ..formats import Formats
from ..models.billing import status_name as invoice_status_name
from ..models.packages import HeldAppointmentsModel, RedemptionsModel, SalePaymentsModel
from ..models.packages import status_name as package_status_name
from ..tables import make_table, wrap_long_text
from . import freeze_dialog
from .expiry_dialog import ExpiryDialog
from .keys import leave_with_tab, tab_order
from .refund_dialog import RefundPackageDialog
from .transfer_dialog import TransferDialog, show_transfer_done, transfer_text
from .share_dialog import ShareDialog, shared_with_text
from . import shared_package_page as member_view

class PackagePage(QDialog):
    def __init__(self, clinic: Clinic, package_id: int, parent: QWidget | None = None, *,
                 member: bool = False):
        super().__init__(parent)
        self.clinic = clinic
        self.package_id = package_id
        #: Opened from the list of a member it is shared with (R37): what changes the package
        #: is its purchaser's, so only reading and printing its statement are offered.
        self.member = member
        self._f = Formats(clinic)
        #: Whether anything here changed the package, so the list behind refreshes.
        self.changed = False
        # Wide enough for the redemptions' ten columns under French headings (R37 added
        # who redeemed each use).
        self.resize(1260, 720)

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 17px; font-weight: 600;")
        self.values: dict[str, QLabel] = {}
        summary = self._group(_("Package"), (
            ("status", _("Status:")), ("uses", _("Uses:")), ("expires", _("Expires:")),
            ("purchased", _("Purchased:")), ("price", _("Price:")),
            ("collected", _("Collected:")), ("staff", _("Staff:")),
            ("coverage", _("Covers:")), ("refund", _("Refunded:")),
            ("frozen", _("Frozen:")), ("refund_policy", _("Refund policy:")),
            ("transfer", _("Transfer:")), ("shared", _("Shared with:"))))
        invoice = self._group(_("Sale invoice"), (
            ("invoice", _("Invoice:")), ("lines", _("Lines:")), ("total", _("Total:")),
            ("paid", _("Paid:")), ("balance", _("Balance:")),
            ("invoice_status", _("Status:"))))
        self.payments = SalePaymentsModel(self._f, self)
        self.payments_table = make_table(self.payments, self, sortable=False,
                                         stretch=SalePaymentsModel.REFUNDED)
        self.payments_table.setAccessibleName(_("Payments on the sale invoice"))
        self.payments_table.setMaximumHeight(120)
        wrap_long_text(self.payments_table)  # a refund's story, method by method
        invoice.layout().addRow(self.payments_table)

        self.redemptions = RedemptionsModel(self._f, self)
        self.redemptions_table = make_table(self.redemptions, self, sortable=False,
                                            stretch=RedemptionsModel.TREATMENT)
        self.redemptions_table.setAccessibleName(_("Redemptions"))
        wrap_long_text(self.redemptions_table)  # a long treatment name
        self.redemptions_box = _boxed(_("Redemptions"), self.redemptions_table)
        self.held = HeldAppointmentsModel(self._f, self)
        self.held_table = make_table(self.held, self, sortable=False,
                                     stretch=HeldAppointmentsModel.TREATMENT)
        self.held_table.setAccessibleName(_("Booked appointments holding a use"))
        wrap_long_text(self.held_table)
        self.held_box = _boxed(_("Booked appointments holding a use"), self.held_table)

        self.expiry_button = QPushButton(_("Change &Expiry…"))
        self.expiry_button.clicked.connect(self.change_expiry)
        self.refund_button = QPushButton(_("&Refund Package…"))
        self.refund_button.clicked.connect(self.refund)
        self.freeze_button, self.unfreeze_button = freeze_dialog.buttons(self)  # R39
        self.transfer_button = QPushButton(_("Trans&fer…"))  # R38
        self.transfer_button.clicked.connect(self.transfer)
        self.share_button = QPushButton(_("&Share…"))  # R37: household members
        self.share_button.clicked.connect(self.share)
        self.print_button = QPushButton(_("&Print Invoice…"))
        self.print_button.clicked.connect(self.print_invoice)
        self.statement_button = QPushButton(_("Print &Statement…"))  # R41
        self.statement_button.clicked.connect(self.print_statement)
        self.close_button = QPushButton(_("&Close"))
        self.close_button.clicked.connect(self.accept)
        self.close_button.setDefault(True)

        top = QGridLayout()
        top.addWidget(summary, 0, 0)
        top.addWidget(invoice, 0, 1)
        # even halves: the sale invoice's payments carry what a refund gave back of each
        top.setColumnStretch(0, 1)
        top.setColumnStretch(1, 1)
        bar = QHBoxLayout()
        for button in (self.expiry_button, self.freeze_button, self.unfreeze_button,
                       self.refund_button, self.share_button, self.transfer_button,
                       self.print_button, self.statement_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.redemptions_box, 3)
        layout.addWidget(self.held_box, 2)
        layout.addLayout(bar)
        leave_with_tab(self.payments_table, self.redemptions_table, self.held_table)
        tab_order(self.payments_table, self.redemptions_table, self.held_table,
                  self.expiry_button, self.freeze_button, self.unfreeze_button,
                  self.refund_button, self.share_button, self.transfer_button,
                  self.print_button, self.statement_button, self.close_button)
        self.reload()

    def _group(self, title: str, rows) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        for key, label in rows:
            value = QLabel()
            value.setWordWrap(True)
            value.setAccessibleName(label.rstrip(" :\u00a0"))
            self.values[key] = value
            form.addRow(label, value)
        return box

    def reload(self) -> None:
        d = self.clinic.packages.detail(self.package_id)
        self.detail = d
        s, f, inv = d.summary, self._f, d.invoice
        self.setWindowTitle(_("Package: {name} — {patient}").format(name=s.name,
                                                                    patient=d.patient_name))
        self.heading.setText(f"{s.name} — {d.patient_name}")
        self._set("status", package_status_name(s.status))
        self._set("uses", uses_phrase(s, f.locale))
        self._set("expires", _("No expiry") if s.expires_on is None else f.date(s.expires_on))
        self._set("purchased", f.date(s.purchased_on) if s.imported_on is None else
                  _("{date}, before ClinicDesk (imported {imported})").format(  # R42
                      date=f.date(s.purchased_on), imported=f.date(s.imported_on)))
        self._set("price", _("{price} before tax").format(price=f.money(s.price)) if inv.tax
                  else f.money(s.price))
        self._set("collected", f.money(d.collected))
        self._set("staff", d.staff_name)
        self._set("coverage", "\n".join(
            _("{treatment} — Patient Pays {amount}").format(
                treatment=c.treatment_name, amount=f.money(c.patient_pays))
            for c in d.coverage))
        self._set("refund", "\n".join(
            _("{amount} on {date} (suggested {suggested})").format(
                amount=f.money(r.amount), date=f.date(r.refunded_at.date()),
                suggested=f.money(r.suggested))
            for r in d.refunds))
        self._set("refund_policy", policy_name(d.refund_policy, f.money))  # R40, as sold
        self._set("transfer", transfer_text(self.clinic.packages.transfer_links(self.package_id),
                                            f))
        self._set("invoice", _("#{number}, {date}").format(number=inv.number,
                                                           date=f.date(inv.issued_on)))
        # A refund is a negative line: without it a refunded sale's $0.00 total puzzles.
        self._set("lines", "\n".join(
            _("{description}: {amount}").format(description=line.description,
                                                amount=f.money(line.total))
            for line in inv.lines))
        self._set("total", f.money(inv.total))
        self._set("paid", f.money(inv.paid))
        self._set("balance", f.money(inv.balance))
        self._set("invoice_status", invoice_status_name(inv.status))
        self.payments.set_rows(inv.payments)
        self.redemptions.set_rows(d.redemptions)
        self.redemptions_box.setTitle(_("Redemptions ({n})").format(n=len(d.redemptions)))
        self.held.set_rows(d.booked)
        self.held_box.setTitle(_("Booked appointments holding a use ({n})").format(
            n=len(d.booked)))
        # Offered only when the services would do it; else their sentence says why. For the
        # front desk, marked as needing a manager's PIN (asked before the form opens).
        for button, text, action, refusal in (
                (self.expiry_button, _("Change &Expiry…"), EXPIRY,
                 self.clinic.why_not.change_expiry(self.package_id)),
                (self.refund_button, _("&Refund Package…"), REFUND_PACKAGE,
                 self.clinic.why_not.refund_package(self.package_id)),
                (self.transfer_button, _("Trans&fer…"), TransferDialog.ACTION,
                 self.clinic.packages.can_transfer(self.package_id))):
            mark(self.clinic, action, button, text)
            button.setEnabled(refusal is None)
            if refusal:
                button.setToolTip(refusal)
        freeze_dialog.show_on(self)  # R39
        self._set("shared", shared_with_text(self.clinic, self.package_id))
        refusal = self.clinic.packages.why_not_share(self.package_id)
        self.share_button.setEnabled(refusal is None)
        self.share_button.setToolTip(refusal or _("Choose the household members who may use "
                                                  "this package"))
        if self.member:
            member_view.purchaser_only(self)

    def _set(self, key: str, text: str) -> None:
        label = self.values[key]
        label.setText(text)
        # An empty row (no refund, no coverage) is hidden rather than shown blank.
        form = label.parentWidget().layout()
        form.setRowVisible(label, bool(text))

    def _changed(self) -> None:
        self.changed = True
        self.reload()

    def change_expiry(self) -> None:
        if approved(self, self.clinic, EXPIRY, lambda: ExpiryDialog.ask(
                self, self.clinic, self.detail.summary)) is not None:
            self._changed()

    def refund(self) -> None:
        if approved(self, self.clinic, REFUND_PACKAGE, lambda: RefundPackageDialog.ask(
                self.clinic, self.package_id, parent=self)):
            self._changed()

    def transfer(self) -> None:
        result = approved(self, self.clinic, TransferDialog.ACTION, lambda: TransferDialog.ask(
            self, self.clinic, self.detail.summary))
        if result is not None:
            self._changed()
            show_transfer_done(self, result)

    def share(self) -> None:
        if ShareDialog.ask(self, self.clinic, self.package_id) is not None:
            self._changed()

    def print_invoice(self) -> None:
        from ..dialogs.print_dialog import PrintDialog  # Patient Billing's, loaded when used
        PrintDialog.ask(self.clinic, invoice_id=self.detail.invoice.id, parent=self)

    def print_statement(self) -> None:
        from .statement_dialog import StatementDialog  # loaded when used
        StatementDialog.ask(self.clinic, self.package_id, parent=self)

    @classmethod
    def ask(cls, clinic: Clinic, package_id: int, parent: QWidget | None = None, *,
            member: bool = False) -> bool:
        """Show the package; True if anything on it was changed."""
        page = cls(clinic, package_id, parent=parent, member=member)
        try:
            page.exec()
            return page.changed
        finally:
            page.deleteLater()


def _boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(widget)
    return box
