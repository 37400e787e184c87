"""Settings › Accounts (R35): the clinic's chart of accounts, its codes and names editable.

The journal posts to each account's role (what it is for), never to its code or name, so the
clinic may number and name its accounts as its accountant's books do: the exported files
name them so. Changing the chart is a manager's (clinic.accounting.can_update_accounts):
the front desk is told up front and offered a manager's PIN to save what was typed.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from app.domain.states import PaymentMethod, name_for
from app.i18n import N_, _
from app.services import Clinic
from app.services.accounting.service import CHANGE_ACCOUNTS
from app.services.errors import ClinicError

from .. import msgbox
from ..dialogs.manager_approval import approved

KINDS = {"asset": N_("Asset"), "liability": N_("Liability"), "equity": N_("Equity"),
         "income": N_("Income")}
#: role -> what the journal posts to the account, in the desk's words
PURPOSES = {
    "receivable": N_("What patients owe on invoices"),
    "credit": N_("Patients' credit: money received not yet applied to an invoice"),
    "deferred": N_("Packages sold whose uses are not yet redeemed"),
    "gift_cards": N_("Gift card balances not yet spent"),
    "opening": N_("The other side of the balances a period opens with"),
    "revenue:treatment": N_("Treatments at their standard price"),
    "revenue:package_use": N_("Package uses, at their per-use value, when redeemed"),
    "revenue:patient_pays": N_("What a patient pays on a covered visit"),
    "revenue:no_show_fee": N_("No-show fees"),
    "revenue:membership": N_("Membership fees"),
    "revenue:breakage": N_("Unredeemed package value at expiry"),
    "revenue:refund_adjustment": N_("A refunded package's unredeemed value less the refund"),
}
CODE, NAME, KIND, PURPOSE = range(4)


def purpose(role: str) -> str:
    """What the account of `role` is for."""
    kind, _sep, detail = role.partition(":")
    if kind == "clearing":
        return _("Payments received — {method} — until they reach the bank").format(
            method=_(name_for(PaymentMethod, detail)))
    if kind == "sales_tax":
        percent = format((Decimal(detail) * 100).normalize(), "f")
        return _("Sales tax charged at {rate}\u00a0%, owed to the government").format(
            rate=percent)
    return _(PURPOSES[role]) if role in PURPOSES else role


class AccountsPage(QWidget):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.accounts = []
        self.table = QTableWidget(0, 4, self)
        self.table.setAccessibleName(_("Chart of accounts"))
        self.table.setHorizontalHeaderLabels([_("Code"), _("Name"), _("Kind"),
                                              _("What it is for")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setTabKeyNavigation(False)  # arrows move in the table; Tab leaves it
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in (CODE, KIND):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PURPOSE, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.save_button = QPushButton(_("&Save Accounts"))
        self.save_button.clicked.connect(self.save)
        self.approval_button = QPushButton(_("Save with a &Manager's PIN…"))
        self.approval_button.clicked.connect(self.save_approved)
        self.undo_button = QPushButton(_("&Undo Changes"))
        self.undo_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.undo_button, self.approval_button, self.save_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        """The chart as the service has it now, and who may change it."""
        self.accounts = self.clinic.accounting.accounts()
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            for column, text, editable in ((CODE, account.code, True),
                                           (NAME, account.name, True),
                                           (KIND, _(KINDS.get(account.kind, account.kind)),
                                            False),
                                           (PURPOSE, purpose(account.role), False)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # the purpose may be cut on a narrow window
                if not editable:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
        # the names as wide as the longest (walk-through: "Deferred Revenue – …" was cut and
        # every name wrapped onto two lines); the purpose takes what is left
        self.table.resizeColumnToContents(NAME)
        self.table.resizeRowsToContents()
        self.show_rights()

    def show_rights(self) -> None:
        """Save for whoever may change the chart; the offer of a manager's PIN otherwise."""
        allowed = self.clinic.accounting.can_update_accounts()
        self.save_button.setEnabled(allowed)
        self.approval_button.setVisible(not allowed)
        if allowed:
            self.note.setText(_("The exported journal names the accounts by these codes "
                                "and names (Xero by the code, QuickBooks by the name): make "
                                "them those of the clinic's books. Double-click a code or a "
                                "name to change it."))
        else:
            self.note.setText(_("Only a manager can change the chart of accounts. You may "
                                "type the changes; a manager approves them with their PIN "
                                "when you save."))

    def typed(self) -> list[tuple[int, str, str]]:
        """(account id, code, name) of each account whose code or name was changed."""
        changed = []
        for row, account in enumerate(self.accounts):
            code, name = self.table.item(row, CODE).text(), self.table.item(row, NAME).text()
            if (code, name) != (account.code, account.name):
                changed.append((account.id, code, name))
        return changed

    def save(self) -> bool:
        """Save every change; at the first refusal, say it and put the cursor on it."""
        rows = {account.id: row for row, account in enumerate(self.accounts)}
        for ident, code, name in self.typed():
            try:
                self.clinic.accounting.update_account(ident, code=code, name=name)
            except ClinicError as error:
                column = NAME if getattr(error, "field", None) == "name" else CODE
                self.table.setCurrentCell(rows[ident], column)
                msgbox.refusal(self, error, _("Not saved"))
                return False
        self.refresh()
        return True

    def save_approved(self) -> None:
        """The front desk's changes, saved once a manager typed their PIN."""
        approved(self, self.clinic, CHANGE_ACCOUNTS, self.save)
        self.show_rights()  # (the approval was for that save alone)


def accounts_page(clinic: Clinic, parent: QWidget | None = None) -> AccountsPage:
    return AccountsPage(clinic, parent)
