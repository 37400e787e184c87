"""One package's show page: terms, sale invoice, every use, and what can still be done (R20).

Change Expiry (R23, R24), Refund Package (R25-R28) and printing the sale invoice (R31).
"""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QPushButton, QVBoxLayout, QWidget)

from app.services import Clinic

from ..formats import Formats
from ..models.packages import (STATUS_NAMES, HeldAppointmentsModel, RedemptionsModel,
                               SalePaymentsModel)
from ..tables import make_table
from .expiry_dialog import ExpiryDialog
from .refund_dialog import RefundPackageDialog

#: A package in these states takes no more changes; the service refuses them anyway.
_CLOSED = ("refunded", "void")


class PackagePage(QDialog):
    def __init__(self, clinic: Clinic, package_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.package_id = package_id
        self._f = Formats(clinic)
        #: Whether anything here changed the package, so the list behind refreshes.
        self.changed = False
        self.resize(1060, 720)

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 17px; font-weight: 600;")
        self.values: dict[str, QLabel] = {}
        summary = self._group("Package", (
            ("status", "Status:"), ("uses", "Used:"), ("booked", "Booked:"),
            ("remaining", "Remaining:"), ("expires", "Expires:"), ("purchased", "Purchased:"),
            ("price", "Price:"), ("collected", "Collected:"), ("staff", "Staff:"),
            ("coverage", "Covers:"), ("refund", "Refunded:")))
        invoice = self._group("Sale invoice", (
            ("invoice", "Invoice:"), ("lines", "Lines:"), ("total", "Total:"), ("paid", "Paid:"),
            ("balance", "Balance:"), ("invoice_status", "Status:")))
        self.payments = SalePaymentsModel(self._f, self)
        self.payments_table = make_table(self.payments, self, sortable=False)
        self.payments_table.setAccessibleName("Payments on the sale invoice")
        self.payments_table.setMaximumHeight(120)
        invoice.layout().addRow(self.payments_table)

        self.redemptions = RedemptionsModel(self._f, self)
        self.redemptions_table = make_table(self.redemptions, self, sortable=False,
                                            stretch=RedemptionsModel.TREATMENT)
        self.redemptions_table.setAccessibleName("Redemptions")
        self.redemptions_box = _boxed("Redemptions", self.redemptions_table)
        self.held = HeldAppointmentsModel(self._f, self)
        self.held_table = make_table(self.held, self, sortable=False,
                                     stretch=HeldAppointmentsModel.TREATMENT)
        self.held_table.setAccessibleName("Booked appointments holding a use")
        self.held_box = _boxed("Booked appointments holding a use", self.held_table)

        self.expiry_button = QPushButton("Change &Expiry…")
        self.expiry_button.clicked.connect(self.change_expiry)
        self.refund_button = QPushButton("&Refund Package…")
        self.refund_button.clicked.connect(self.refund)
        self.print_button = QPushButton("&Print Invoice…")
        self.print_button.clicked.connect(self.print_invoice)
        self.close_button = QPushButton("&Close")
        self.close_button.clicked.connect(self.accept)
        self.close_button.setDefault(True)

        top = QGridLayout()
        top.addWidget(summary, 0, 0)
        top.addWidget(invoice, 0, 1)
        top.setColumnStretch(0, 3)
        top.setColumnStretch(1, 2)
        bar = QHBoxLayout()
        for button in (self.expiry_button, self.refund_button, self.print_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.redemptions_box, 3)
        layout.addWidget(self.held_box, 2)
        layout.addLayout(bar)
        self.reload()

    def _group(self, title: str, rows) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        for key, label in rows:
            value = QLabel()
            value.setWordWrap(True)
            value.setAccessibleName(label.rstrip(":"))
            self.values[key] = value
            form.addRow(label, value)
        return box

    def reload(self) -> None:
        d = self.clinic.packages.detail(self.package_id)
        self.detail = d
        s, f, inv = d.summary, self._f, d.invoice
        self.setWindowTitle(f"Package: {s.name} — {d.patient_name}")
        self.heading.setText(f"{s.name} — {d.patient_name}")
        status = STATUS_NAMES.get(s.status, s.status)
        self._set("status", status)
        self._set("uses", f"{s.uses_redeemed} of {s.uses_total}")
        self._set("booked", str(s.uses_booked))
        self._set("remaining", f"{s.uses_remaining} ({s.uses_available} free to book)"
                  if s.status == "active" else str(s.uses_remaining))
        self._set("expires", "No expiry" if s.expires_on is None else f.date(s.expires_on))
        self._set("purchased", f.date(s.purchased_on))
        self._set("price", f.money(s.price) + ("  before tax" if inv.tax else ""))
        self._set("collected", f.money(d.collected))
        self._set("staff", d.staff_name)
        self._set("coverage", "\n".join(f"{c.treatment_name} — Patient Pays "
                                        f"{f.money(c.patient_pays)}" for c in d.coverage))
        self._set("refund", "\n".join(f"{f.money(r.amount)} on {f.date(r.refunded_at.date())} "
                                      f"(suggested {f.money(r.suggested)})"
                                      for r in d.refunds))
        self._set("invoice", f"#{inv.number}, {f.date(inv.issued_on)}")
        # A refund is a negative line: without it a refunded sale's $0.00 total puzzles.
        self._set("lines", "\n".join(f"{line.description}: {f.money(line.total)}"
                                     for line in inv.lines))
        self._set("total", f.money(inv.total))
        self._set("paid", f.money(inv.paid))
        self._set("balance", f.money(inv.balance))
        self._set("invoice_status", inv.status.capitalize())
        self.payments.set_rows(inv.payments)
        self.redemptions.set_rows(d.redemptions)
        self.redemptions_box.setTitle(f"Redemptions ({len(d.redemptions)})")
        self.held.set_rows(d.booked)
        self.held_box.setTitle(f"Booked appointments holding a use ({len(d.booked)})")
        closed = s.status in _CLOSED
        for button in (self.expiry_button, self.refund_button):
            button.setEnabled(not closed)
            button.setToolTip(f"This package was {s.status}." if closed else "")

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
        if ExpiryDialog.ask(self, self.clinic, self.detail.summary) is not None:
            self._changed()

    def refund(self) -> None:
        if RefundPackageDialog.ask(self.clinic, self.package_id, parent=self):
            self._changed()

    def print_invoice(self) -> None:
        from ..dialogs.print_dialog import PrintDialog  # Patient Billing's, loaded when used
        PrintDialog.ask(self.clinic, invoice_id=self.detail.invoice.id, parent=self)

    @classmethod
    def ask(cls, clinic: Clinic, package_id: int, parent: QWidget | None = None) -> bool:
        """Show the package; True if anything on it was changed."""
        page = cls(clinic, package_id, parent=parent)
        try:
            page.exec()
            return page.changed
        finally:
            page.deleteLater()


def _boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(widget)
    return box
