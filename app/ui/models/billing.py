"""A patient's account as the desk reads it: invoices, payments, refund payments."""

from __future__ import annotations

from app.services.billing import InvoiceSummary, PaymentRow, RefundView

from ..formats import Formats
from .base import RowsModel

STATUS_NAMES = {"unpaid": "Unpaid", "partially paid": "Partially paid", "paid": "Paid",
                "void": "Void"}


class InvoicesModel(RowsModel):
    NUMBER, DATE, DESCRIPTION, TOTAL, PAID, BALANCE, STATUS = range(7)
    COLUMNS = ("Invoice", "Date", "Description", "Total", "Paid", "Balance", "Status")
    RIGHT = frozenset({TOTAL, PAID, BALANCE})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats

    def display(self, i: InvoiceSummary, column: int) -> str:
        if column == self.NUMBER:
            return f"#{i.number}"
        if column == self.DATE:
            return self._f.date(i.issued_on)
        if column == self.DESCRIPTION:
            return i.description
        if column == self.TOTAL:
            return self._f.money(i.total)
        if column == self.PAID:
            return self._f.money(i.paid)
        if column == self.BALANCE:
            return self._f.money(i.balance)
        return STATUS_NAMES.get(i.status, i.status)

    def sort_key(self, i: InvoiceSummary, column: int):
        if column == self.NUMBER:
            return i.number
        if column == self.DATE:
            return i.issued_on.isoformat()
        if column in (self.TOTAL, self.PAID, self.BALANCE):
            return (i.total, i.paid, i.balance)[column - self.TOTAL]
        return super().sort_key(i, column)

    def dimmed(self, i: InvoiceSummary) -> bool:
        return i.status == "void"


class PaymentsModel(RowsModel):
    DATE, METHOD, AMOUNT, APPLIED, REFUNDED, UNAPPLIED, REFERENCE = range(7)
    COLUMNS = ("Received", "Method", "Amount", "Applied", "Refunded", "Unapplied",
               "Reference")
    RIGHT = frozenset({AMOUNT, APPLIED, REFUNDED, UNAPPLIED})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats

    def display(self, p: PaymentRow, column: int) -> str:
        if column == self.DATE:
            return f"{self._f.date(p.received_at)}, {self._f.time(p.received_at)}"
        if column == self.METHOD:
            return p.method_name
        if column == self.REFERENCE:
            return p.reference
        return self._f.money((p.amount, p.applied, p.refunded, p.unapplied)[column - self.AMOUNT])

    def sort_key(self, p: PaymentRow, column: int):
        if column == self.DATE:
            return p.received_at.isoformat()
        if column in (self.AMOUNT, self.APPLIED, self.REFUNDED, self.UNAPPLIED):
            return (p.amount, p.applied, p.refunded, p.unapplied)[column - self.AMOUNT]
        return super().sort_key(p, column)


class RefundsModel(RowsModel):
    DATE, AMOUNT, METHOD, PAYMENT, PACKAGE, NOTE = range(6)
    COLUMNS = ("Refunded", "Amount", "Method", "From payment", "Package", "Note")
    RIGHT = frozenset({AMOUNT})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats

    def display(self, r: RefundView, column: int) -> str:
        if column == self.DATE:
            return f"{self._f.date(r.refunded_at)}, {self._f.time(r.refunded_at)}"
        if column == self.AMOUNT:
            return self._f.money(r.amount)
        if column == self.METHOD:
            return r.method_name
        if column == self.PAYMENT:
            return (f"{self._f.money(r.payment_amount)} of "
                    f"{self._f.date(r.payment_received_at)}")
        if column == self.PACKAGE:
            return r.package_name or ""
        return r.note

    def sort_key(self, r: RefundView, column: int):
        if column == self.DATE:
            return r.refunded_at.isoformat()
        if column == self.AMOUNT:
            return r.amount
        if column == self.PAYMENT:
            return r.payment_received_at.isoformat()
        return super().sort_key(r, column)
