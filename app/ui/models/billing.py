"""A patient's account as the desk reads it: invoices, payments, refund payments."""

from __future__ import annotations

from app.domain.states import InvoiceStatus, name_for, name_of
from app.i18n import N_, _
from app.services.billing_views import InvoiceSummary, PaymentRow, RefundView

from ..formats import Formats
from .base import RowsModel

#: code -> name, read from the one table (app/domain/states.py) for the schedule's panel,
#: which still looks names up by code.
STATUS_NAMES = {status.value: name_of(status) for status in InvoiceStatus}


def status_name(status: str) -> str:
    """An invoice's status in the desk's language."""
    return _(name_for(InvoiceStatus, status))


class _Translated(RowsModel):
    """Column headings marked N_() on the class, shown in the language in force when the
    model is built."""

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats
        self.COLUMNS = tuple(_(heading) for heading in type(self).COLUMNS)


class InvoicesModel(_Translated):
    NUMBER, DATE, DESCRIPTION, TOTAL, PAID, BALANCE, STATUS = range(7)
    COLUMNS = (N_("Invoice"), N_("Date"), N_("Description"), N_("Total"), N_("Paid"),
               N_("Balance"), N_("Status"))
    RIGHT = frozenset({TOTAL, PAID, BALANCE})

    def display(self, i: InvoiceSummary, column: int) -> str:
        if column == self.NUMBER:
            return f"#{i.number}"
        if column == self.DATE:
            return self._f.date(i.issued_on)
        if column == self.DESCRIPTION:  # a visit's use under it (R41)
            return f"{i.description}\n{i.uses}" if i.uses else i.description
        if column == self.TOTAL:
            return self._f.money(i.total)
        if column == self.PAID:
            return self._f.money(i.paid)
        if column == self.BALANCE:
            return self._f.money(i.balance)
        return status_name(i.status)

    def sort_key(self, i: InvoiceSummary, column: int):
        if column == self.NUMBER:
            return i.number
        if column == self.DATE:
            return i.issued_on.isoformat()
        if column in (self.TOTAL, self.PAID, self.BALANCE):
            return (i.total, i.paid, i.balance)[column - self.TOTAL]
        return super().sort_key(i, column)

    def dimmed(self, i: InvoiceSummary) -> bool:
        return i.status is InvoiceStatus.VOID


class PaymentsModel(_Translated):
    DATE, METHOD, AMOUNT, APPLIED, REFUNDED, UNAPPLIED, REFERENCE = range(7)
    COLUMNS = (N_("Received"), N_("Method"), N_("Amount"), N_("Applied"), N_("Refunded"),
               N_("Unapplied"), N_("Reference"))
    RIGHT = frozenset({AMOUNT, APPLIED, REFUNDED, UNAPPLIED})

    def display(self, p: PaymentRow, column: int) -> str:
        if column == self.DATE:
            return f"{self._f.date(p.received_at)}, {self._f.time(p.received_at)}"
        if column == self.METHOD:
            return _(p.method_name)  # the services mark their method names for translation
        if column == self.REFERENCE:
            return p.reference
        return self._f.money((p.amount, p.applied, p.refunded, p.unapplied)[column - self.AMOUNT])

    def sort_key(self, p: PaymentRow, column: int):
        if column == self.DATE:
            return p.received_at.isoformat()
        if column in (self.AMOUNT, self.APPLIED, self.REFUNDED, self.UNAPPLIED):
            return (p.amount, p.applied, p.refunded, p.unapplied)[column - self.AMOUNT]
        return super().sort_key(p, column)


class RefundsModel(_Translated):
    DATE, AMOUNT, METHOD, PAYMENT, PACKAGE, NOTE = range(6)
    COLUMNS = (N_("Refunded"), N_("Amount"), N_("Method"), N_("From payment"), N_("Package"),
               N_("Note"))
    RIGHT = frozenset({AMOUNT})

    def display(self, r: RefundView, column: int) -> str:
        if column == self.DATE:
            return f"{self._f.date(r.refunded_at)}, {self._f.time(r.refunded_at)}"
        if column == self.AMOUNT:
            return self._f.money(r.amount)
        if column == self.METHOD:
            return _(r.method_name)
        if column == self.PAYMENT:
            return _("{amount} of {date}").format(amount=self._f.money(r.payment_amount),
                                                  date=self._f.date(r.payment_received_at))
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
