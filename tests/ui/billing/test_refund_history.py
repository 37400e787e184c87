"""A package refund the patient can follow (R26-R28a, R31): the suggestion says when it was
capped; the money goes back through two payment methods, the heading follows each hand-back,
one receipt lists both, and the sale invoice keeps both payments with what went back."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from app.ui.billing.package_page import PackagePage
from app.ui.billing.refund_dialog import RefundPackageDialog
from app.ui.dialogs.refund_payment_dialog import RefundPaymentDialog
from app.ui.models.packages import SalePaymentsModel

from ui.helpers import click, retype


def open_dialog(qtbot, clinic, package_id) -> RefundPackageDialog:
    dialog = RefundPackageDialog(clinic, package_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_r28a_a_suggestion_capped_by_what_was_collected_says_so(qtbot, clinic, catalog):
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["ten_massages"])
    clinic.billing.receive_payment(patient, 30000, "cash", invoice_id=sale.invoice_id)
    clinic.schedule.arrive(clinic.schedule.book(patient, catalog["ana"], catalog["massage"],
                                                datetime(2026, 3, 3, 10)))
    clinic.schedule.arrive(clinic.schedule.book(patient, catalog["ana"], catalog["massage"],
                                                datetime(2026, 3, 4, 10)))
    suggestion = clinic.packages.refund_suggestion(sale.package_id)
    assert (suggestion.amount, suggestion.by_rule, suggestion.collected, suggestion.capped) == \
        (14000, 64000, 30000, True)
    dialog = open_dialog(qtbot, clinic, sale.package_id)
    assert dialog.suggestion.text() == ("$640.00 by the rule (price × 8 ÷ 10), capped at "
                                        "$140.00: the $300.00 collected less the $160.00 of "
                                        "the uses given")
    assert dialog.amount.text() == "140.00"


def test_r28a_with_no_use_given_the_cap_is_what_was_collected(qtbot, clinic, catalog):
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["ten_massages"])
    clinic.billing.receive_payment(patient, 30000, "cash", invoice_id=sale.invoice_id)
    dialog = open_dialog(qtbot, clinic, sale.package_id)
    assert dialog.suggestion.text() == ("$800.00 by the rule (price × 10 ÷ 10), capped at the "
                                        "$300.00 collected")
    assert dialog.amount.text() == "300.00"


def test_r26_an_uncapped_suggestion_keeps_its_plain_words(qtbot, clinic, two_payments):
    dialog = open_dialog(qtbot, clinic, two_payments["sale"].package_id)
    assert dialog.suggestion.text() == "$640.00  (price × 8 remaining ÷ 10 uses)"


def test_r27_r31_back_through_two_methods_one_receipt_and_the_invoice_keeps_both(
        qtbot, clinic, two_payments, drive, monkeypatch, tmp_path):
    sale = two_payments["sale"]
    printed = []
    monkeypatch.setattr("app.ui.dialogs.print_dialog.PrintDialog.ask",
                        staticmethod(lambda clinic_, **kwargs: printed.append(kwargs)))

    def hand_back(amount: str | None):
        def action(d: RefundPaymentDialog):
            if amount is not None:
                retype(qtbot, d.amount, amount)
            click(qtbot, d.ok_button)
        return action

    dialog = open_dialog(qtbot, clinic, sale.package_id)
    click(qtbot, dialog.refund_button)  # the suggested $640.00
    assert dialog.done_label.text() == ("\u201c10 Massages\u201d is refunded. $640.00 is now "
                                        "Maria Lopez's credit.")
    drive(RefundPaymentDialog, hand_back(None))
    click(qtbot, dialog.to_payment_button)
    assert dialog.done_label.text() == (
        "\u201c10 Massages\u201d is refunded. $540.00 went back to Maria Lopez ($540.00 by "
        "Cash); $100.00 is still their credit.")
    drive(RefundPaymentDialog, hand_back(None))
    click(qtbot, dialog.to_payment_button)
    assert dialog.done_label.text() == (
        "\u201c10 Massages\u201d is refunded. $640.00 went back to Maria Lopez ($540.00 by "
        "Cash; $100.00 by Debit).")
    click(qtbot, dialog.print_button)
    (package_refund_id,) = {kw["package_refund_id"] for kw in printed}

    receipt = clinic.packages.refund_receipt(package_refund_id)
    assert [(h.method, h.amount) for h in receipt.handed_back] == [("cash", 54000),
                                                                    ("debit", 10000)]
    assert (receipt.amount, receipt.total_handed_back, receipt.still_credit) == (64000, 64000, 0)

    # The sale invoice still lists the $700.00 cash payment, with what went back of it.
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert [(p.method, p.received, p.refunded, p.amount) for p in invoice.payments] == [
        ("cash", 70000, 54000, 16000), ("debit", 10000, 10000, 0)]
    page = PackagePage(clinic, sale.package_id)
    qtbot.addWidget(page)
    model = page.payments
    rows = [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]
    assert rows == [["Mar 2, 2026", "Cash", "$700.00", "$540.00 ($540.00 by Cash)", "$160.00"],
                    ["Mar 2, 2026", "Debit", "$100.00", "$100.00 ($100.00 by Debit)", "$0.00"]]
    assert [model.headerData(c, Qt.Orientation.Horizontal)
            for c in range(model.columnCount())] == \
        ["Received", "Method", "Paid", "Refunded", "Applied"]
    assert isinstance(model, SalePaymentsModel)
