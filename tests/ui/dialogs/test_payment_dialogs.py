"""Receive Payment (R8) and Refund Payment (R27): amounts as typed, the service decides."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.ui.dialogs.payment_dialog import ReceivePaymentDialog
from app.ui.dialogs.refund_payment_dialog import RefundPaymentDialog

from ui.helpers import click, retype


@pytest.fixture
def sold(clinic, catalog):
    """Maria bought 10 Massages ($800.00), unpaid."""
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])


def pay(qtbot, amount: str, method: str = "Cash", reference: str = ""):
    def fill(d: ReceivePaymentDialog) -> None:
        retype(qtbot, d.amount, amount)
        d.method.setCurrentIndex(d.method.findText(method))
        retype(qtbot, d.reference, reference)
        click(qtbot, d.ok_button)
    return fill


def test_r8_pay_part_then_the_rest(qtbot, clinic, catalog, sold, shown, drive):
    patient = catalog["patient"]
    seen = []

    def first(d: ReceivePaymentDialog) -> None:
        seen.append(d.amount.text())
        retype(qtbot, d.amount, "300")
        assert d.preview.text() == ("Applied to invoices: #1: $300.00.\nLeft as credit: $0.00. "
                                    "The patient's credit after this payment: $0.00.")
        d.method.setCurrentIndex(d.method.findText("Cheque"))
        retype(qtbot, d.reference, "Cheque 0042")
        click(qtbot, d.ok_button)

    drive(ReceivePaymentDialog, first)
    payment = ReceivePaymentDialog.ask(clinic, patient, invoice_id=sold.invoice_id)
    row = clinic.billing.payment(payment)
    assert (row.amount, row.method, row.reference) == (30000, "cheque", "Cheque 0042")
    assert clinic.billing.invoice(sold.invoice_id).status == "partially paid"

    drive(ReceivePaymentDialog, lambda d: (seen.append(d.amount.text()),
                                           click(qtbot, d.ok_button)))
    ReceivePaymentDialog.ask(clinic, patient, invoice_id=sold.invoice_id)
    assert seen == ["800.00", "500.00"], "prefilled with what is left to pay"
    assert clinic.billing.invoice(sold.invoice_id).status == "paid"
    assert shown.boxes == []


def test_paying_more_than_owed_leaves_credit(qtbot, clinic, catalog, sold, drive):
    def overpay(d: ReceivePaymentDialog) -> None:
        retype(qtbot, d.amount, "900")
        assert "Left as credit: $100.00. The patient's credit after this payment: $100.00." \
            in d.preview.text()
        click(qtbot, d.ok_button)

    drive(ReceivePaymentDialog, overpay)
    ReceivePaymentDialog.ask(clinic, catalog["patient"], invoice_id=sold.invoice_id)
    account = clinic.billing.account(catalog["patient"])
    assert (account.owing, account.credit) == (0, 10000)


@pytest.mark.parametrize("typed, words", [
    ("", "Please enter the amount"),
    ("abc", "is not an amount"),
    ("-5", "cannot be negative"),
    ("1.234", "at most 2 digits after the decimal point"),
    ("0", "must be more than zero"),
])
def test_r30_bad_amounts_are_refused_and_nothing_is_received(qtbot, clinic, catalog, sold,
                                                             shown, drive, typed, words):
    def fill(d: ReceivePaymentDialog) -> None:
        retype(qtbot, d.amount, typed)
        click(qtbot, d.ok_button)
        assert d.isVisible() and d.focusWidget() is d.amount
        d.reject()

    answers = drive(ReceivePaymentDialog, fill)
    assert ReceivePaymentDialog.ask(clinic, catalog["patient"],
                                    invoice_id=sold.invoice_id) is None
    assert answers == [0]
    assert words in shown.last
    assert clinic.billing.account(catalog["patient"]).payments == ()


def test_the_preview_says_what_is_wrong_as_the_desk_types(qtbot, clinic, catalog, sold,
                                                          drive):
    def fill(d: ReceivePaymentDialog) -> None:
        retype(qtbot, d.amount, "12,5")
        assert "is not an amount" in d.preview.text()
        d.reject()

    drive(ReceivePaymentDialog, fill)
    ReceivePaymentDialog.ask(clinic, catalog["patient"], invoice_id=sold.invoice_id)


@pytest.fixture
def two_invoices(clinic, catalog, sold, clock):
    clock.advance(days=1)
    later = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    return sold.invoice_id, later.invoice_id


def test_a_payment_goes_to_the_oldest_invoices_first(qtbot, clinic, catalog, two_invoices,
                                                     drive):
    first, second = two_invoices

    def fill(d: ReceivePaymentDialog) -> None:
        assert d.about.text() == "Maria Lopez owes $900.00 and has $0.00 of credit."
        assert d.amount.text() == "900.00"
        assert [d.table.item(r, 0).text() for r in range(2)] == ["#1", "#2"]
        retype(qtbot, d.amount, "850")
        assert [f.text() for f in d.table.apply] == ["800.00", "50.00"]
        assert all(f.isReadOnly() for f in d.table.apply)
        click(qtbot, d.ok_button)

    drive(ReceivePaymentDialog, fill)
    ReceivePaymentDialog.ask(clinic, catalog["patient"])
    assert clinic.billing.invoice(first).status == "paid"
    assert clinic.billing.invoice(second).balance == 5000


def test_the_desk_can_say_which_invoices_a_payment_pays(qtbot, clinic, catalog, two_invoices,
                                                        shown, drive):
    first, second = two_invoices

    def fill(d: ReceivePaymentDialog) -> None:
        retype(qtbot, d.amount, "150")
        qtbot.keyClick(d.oldest_first, Qt.Key.Key_Space)
        assert not any(f.isReadOnly() for f in d.table.apply)
        retype(qtbot, d.table.apply[0], "100")
        retype(qtbot, d.table.apply[1], "100")
        click(qtbot, d.ok_button)
        assert "add up to more than the payment" in shown.last
        assert d.focusWidget() is d.table.apply[0]
        retype(qtbot, d.table.apply[1], "120")
        click(qtbot, d.ok_button)
        assert "Invoice #2 has only $100.00 left to pay." in shown.last
        retype(qtbot, d.table.apply[0], "")
        retype(qtbot, d.table.apply[1], "100")
        assert "Applied to invoices: #2: $100.00.\nLeft as credit: $50.00." \
            in d.preview.text()
        click(qtbot, d.ok_button)

    answers = drive(ReceivePaymentDialog, fill)
    ReceivePaymentDialog.ask(clinic, catalog["patient"])
    assert answers == [1]
    assert clinic.billing.invoice(first).paid == 0
    assert clinic.billing.invoice(second).paid == 10000
    assert clinic.billing.account(catalog["patient"]).credit == 5000


def test_a_payment_with_nothing_owed_is_all_credit(qtbot, clinic, catalog, drive):
    def fill(d: ReceivePaymentDialog) -> None:
        assert d.table is None and d.amount.text() == ""
        retype(qtbot, d.amount, "50")
        assert d.preview.text().startswith("Nothing is applied to invoices.")
        click(qtbot, d.ok_button)

    drive(ReceivePaymentDialog, fill)
    ReceivePaymentDialog.ask(clinic, catalog["patient"])
    assert clinic.billing.account(catalog["patient"]).credit == 5000


@pytest.fixture
def overpaid(clinic, catalog, sold):
    """$900.00 by debit on the $800.00 invoice: $100.00 of credit on that payment."""
    return clinic.billing.receive_payment(catalog["patient"], 90000, "debit",
                                          invoice_id=sold.invoice_id)


def test_r27_refund_payment_too_much_is_refused_then_refunded(qtbot, clinic, catalog,
                                                              overpaid, shown, drive):
    def refund(d: RefundPaymentDialog) -> None:
        assert "Not applied to invoices and not yet refunded: $100.00." in d.about.text()
        assert d.amount.text() == "100.00"
        assert d.method.currentText() == "Debit", "back the way it came"
        retype(qtbot, d.amount, "150")
        click(qtbot, d.ok_button)
        assert "You can refund at most $100.00 from this $900.00 payment" in shown.last
        assert clinic.billing.refunds(catalog["patient"]) == [], "nothing changed"
        assert d.focusWidget() is d.amount
        retype(qtbot, d.amount, "60")
        d.method.setCurrentIndex(d.method.findText("Cash"))
        retype(qtbot, d.note, "Handed back at the desk")
        click(qtbot, d.ok_button)

    drive(RefundPaymentDialog, refund)
    refund_id = RefundPaymentDialog.ask(clinic, overpaid)
    view = clinic.billing.payment_refund(refund_id)
    assert (view.amount, view.method, view.note) == (6000, "cash", "Handed back at the desk")
    assert clinic.billing.account(catalog["patient"]).credit == 4000


@pytest.mark.parametrize("typed, words", [
    ("abc", "is not an amount"), ("-5", "cannot be negative"), ("0", "more than zero")])
def test_r30_bad_refund_amounts(qtbot, clinic, catalog, overpaid, shown, drive, typed, words):
    def fill(d: RefundPaymentDialog) -> None:
        retype(qtbot, d.amount, typed)
        click(qtbot, d.ok_button)
        d.reject()

    drive(RefundPaymentDialog, fill)
    assert RefundPaymentDialog.ask(clinic, overpaid) is None
    assert words in shown.last
    assert clinic.billing.refunds(catalog["patient"]) == []


def test_r27_after_a_package_refund_with_the_suggested_amount(qtbot, clinic, catalog, sold,
                                                              drive):
    paid = clinic.billing.receive_payment(catalog["patient"], 80000, "credit_card",
                                          invoice_id=sold.invoice_id)
    package_refund = clinic.packages.refund(sold.package_id, 25000).package_refund_id

    def fill(d: RefundPaymentDialog) -> None:
        assert d.amount.text() == "250.00"
        assert d.method.currentText() == "Credit card"
        click(qtbot, d.ok_button)

    drive(RefundPaymentDialog, fill)
    refund_id = RefundPaymentDialog.ask(clinic, paid, amount=25000,
                                        package_refund_id=package_refund)
    view = clinic.billing.payment_refund(refund_id)
    assert (view.amount, view.package_name) == (25000, "10 Massages")
