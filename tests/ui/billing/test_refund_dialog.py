"""Refund Package…: confirm with the suggested or a typed amount, then the credit (R25-R28, R31).

Patient Billing's refund-payment and print dialogs are stood in for: these tests check this
dialog's side of the contract (what it passes them and what it does with their answer).
"""

from __future__ import annotations

import importlib
from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from app.services import money
from app.services.errors import ClinicError
from app.ui.billing.refund_dialog import RefundPackageDialog

from ui.helpers import click, retype


def stand_in(monkeypatch, module: str, class_name: str, ask) -> None:
    """Replace Patient Billing's `class_name.ask` where this UI imports it from, when used."""
    monkeypatch.setattr(getattr(importlib.import_module(module), class_name), "ask",
                        staticmethod(ask))


@pytest.fixture
def sold(clinic, catalog):
    """“3 Physio” ($100.00, 3 uses) paid in cash, one use redeemed on arrival."""
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["three_physio"])
    payment = clinic.billing.receive_payment(patient, 10000, "cash", invoice_id=sale.invoice_id)
    visit = clinic.schedule.book(patient, catalog["ana"], catalog["physio"],
                                 datetime(2026, 3, 2, 10))
    clinic.schedule.arrive(visit)
    return {"package": sale.package_id, "invoice": sale.invoice_id, "payment": payment,
            "patient": patient}


def open_dialog(qtbot, clinic, package_id) -> RefundPackageDialog:
    dialog = RefundPackageDialog(clinic, package_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def confirm(qtbot, dialog, amount: str | None = None) -> None:
    if amount is not None:
        retype(qtbot, dialog.amount, amount)
    click(qtbot, dialog.refund_button)


def status(clinic, package_id) -> str:
    return clinic.packages.summary(package_id).status


def test_r26_shows_the_suggestion_and_the_limit(qtbot, clinic, sold):
    dialog = open_dialog(qtbot, clinic, sold["package"])
    texts = [label.text() for label in dialog.findChildren(type(dialog.limit_note))]
    assert "1 of 3 used, 2 remaining" in texts
    assert "$100.00" in texts  # collected
    assert "$66.67  (price × 2 remaining ÷ 3 uses)" in texts
    assert dialog.amount.text() == "66.67"
    assert dialog.limit_note.text() == "between $0.00 and $100.00"
    assert "invalid at once" in dialog.warning.text()
    assert dialog.booked.isHidden()
    assert dialog.cancel_button.isDefault() and not dialog.refund_button.isDefault()


def test_r26_r27_suggested_amount_becomes_credit_and_the_package_is_dead(
        qtbot, clinic, catalog, sold, shown, drive):
    answers = drive(RefundPackageDialog, lambda d: (confirm(qtbot, d),
                                                     click(qtbot, d.close_button)))
    assert RefundPackageDialog.ask(clinic, sold["package"]) is True
    assert answers == [1]
    assert shown.boxes == []
    assert clinic.billing.account(sold["patient"]).credit == 6667
    assert status(clinic, sold["package"]) == "refunded"
    # R28: no further use, not even one booked from now on.
    later = clinic.schedule.book(sold["patient"], catalog["ana"], catalog["physio"],
                                 datetime(2026, 3, 9, 10), package=None)
    with pytest.raises(ClinicError):
        clinic.schedule.apply_package(later, sold["package"])


def test_after_refund_it_says_where_the_money_went(qtbot, clinic, sold, shown):
    dialog = open_dialog(qtbot, clinic, sold["package"])
    confirm(qtbot, dialog)
    assert dialog.pages.currentIndex() == 1
    assert dialog.done_label.text() == ("\u201c3 Physio\u201d is refunded. $66.67 is now "
                                        "Maria Lopez's credit.")
    assert [dialog.offers.item(i).text() for i in range(dialog.offers.count())] == [
        "$66.67 back to the Cash payment of $100.00 received Mar 2, 2026"]
    assert dialog.close_button.text() == "&Later"
    assert dialog.refund_button.isHidden() and dialog.cancel_button.isHidden()
    assert dialog.print_button.isHidden(), "nothing handed back yet, so no receipt"


@pytest.mark.parametrize("typed", ["abc", "-1", "1.234", "100.01", "1,000"])
def test_r26_r30_bad_amounts_show_the_services_words_and_change_nothing(
        qtbot, clinic, sold, shown, typed):
    with pytest.raises(ClinicError) as refused:
        # what the screen does: the typed text read as cents, then the service (issue 16)
        clinic.packages.refund(sold["package"], money.parse(typed, **clinic.money_context()))
    dialog = open_dialog(qtbot, clinic, sold["package"])

    confirm(qtbot, dialog, typed)

    assert shown.texts == [str(refused.value)]
    assert dialog.pages.currentIndex() == 0 and dialog.isVisible()
    assert dialog.focusWidget() is dialog.amount and dialog.amount.selectedText() == typed
    assert status(clinic, sold["package"]) == "active"
    account = clinic.billing.account(sold["patient"])
    assert (account.credit, account.owing) == (0, 1150)  # the visit: $10.00 Patient Pays + 15%


def test_over_the_limit_names_it(qtbot, clinic, sold, shown):
    confirm(qtbot, open_dialog(qtbot, clinic, sold["package"]), "150")
    assert "$100.00" in shown.last


def test_a_refusal_then_a_good_amount(qtbot, clinic, sold, shown):
    dialog = open_dialog(qtbot, clinic, sold["package"])
    confirm(qtbot, dialog, "abc")
    confirm(qtbot, dialog, "50.00")
    assert len(shown.boxes) == 1
    assert clinic.billing.account(sold["patient"]).credit == 5000
    assert status(clinic, sold["package"]) == "refunded"


def test_r26_zero_is_allowed(qtbot, clinic, sold, shown):
    dialog = open_dialog(qtbot, clinic, sold["package"])
    confirm(qtbot, dialog, "0")
    assert shown.boxes == []
    assert status(clinic, sold["package"]) == "refunded"
    assert clinic.billing.account(sold["patient"]).credit == 0
    assert dialog.done_label.text() == ("\u201c3 Physio\u201d is refunded; no money was moved "
                                        "to credit.")
    assert dialog.offers.isHidden() and dialog.to_payment_button.isHidden()
    assert dialog.close_button.text() == "&Close"


def test_cancel_changes_nothing(qtbot, clinic, sold, drive):
    drive(RefundPackageDialog, lambda d: (retype(qtbot, d.amount, "10"),
                                          click(qtbot, d.cancel_button)))
    assert RefundPackageDialog.ask(clinic, sold["package"]) is False
    assert status(clinic, sold["package"]) == "active"
    assert clinic.billing.account(sold["patient"]).credit == 0


def test_enter_in_the_amount_never_refunds(qtbot, clinic, sold):
    dialog = open_dialog(qtbot, clinic, sold["package"])
    dialog.amount.setFocus()
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result_ is None
    assert status(clinic, sold["package"]) == "active"


def test_r28_booked_appointments_are_listed_then_released(qtbot, clinic, catalog, sold, shown):
    ids = [clinic.schedule.book(sold["patient"], staff, catalog["physio"], start)
           for staff, start in ((catalog["ana"], datetime(2026, 3, 9, 10)),
                                (catalog["ben"], datetime(2026, 3, 16, 14, 30)))]
    assert all(clinic.schedule.appointment(i).package_id == sold["package"] for i in ids)
    dialog = open_dialog(qtbot, clinic, sold["package"])
    assert not dialog.booked.isHidden()
    assert [dialog.booked.item(i).text() for i in range(dialog.booked.count())] == [
        "Mar 9, 2026 10:00\u202fa.m.  Physio follow-up with Ana Silva",
        "Mar 16, 2026 2:30\u202fp.m.  Physio follow-up with Ben Okafor"]
    # R26: remaining counts only what was redeemed, not what is booked.
    assert dialog.amount.text() == "66.67"

    confirm(qtbot, dialog)

    assert all(clinic.schedule.appointment(i).package_id is None for i in ids)
    assert not dialog.warnings_label.isHidden()
    assert "2 booked appointments lost this package" in dialog.warnings_label.text()


def test_r25_an_already_refunded_package_is_refused(qtbot, clinic, sold, shown):
    dialog = open_dialog(qtbot, clinic, sold["package"])
    clinic.packages.refund(sold["package"], 0)  # another desk got there first
    confirm(qtbot, dialog)
    assert "already refunded" in shown.last
    assert dialog.pages.currentIndex() == 0
    assert clinic.billing.account(sold["patient"]).credit == 0


def test_r27_r31_hand_the_credit_back_then_print_the_receipt(
        qtbot, clinic, sold, shown, monkeypatch):
    calls, printed = [], []

    def refund_payment(clinic_, payment_id, *, amount, package_refund_id, parent):
        calls.append((payment_id, amount, package_refund_id, parent))
        return clinic_.billing.refund_payment(payment_id, amount,
                                              package_refund_id=package_refund_id)

    stand_in(monkeypatch, "app.ui.dialogs.refund_payment_dialog", "RefundPaymentDialog",
             refund_payment)
    stand_in(monkeypatch, "app.ui.dialogs.print_dialog", "PrintDialog",
             lambda clinic_, **kwargs: printed.append(kwargs))
    dialog = open_dialog(qtbot, clinic, sold["package"])
    confirm(qtbot, dialog)

    click(qtbot, dialog.to_payment_button)

    package_refund = dialog.result_.package_refund_id
    assert calls == [(sold["payment"], 6667, package_refund, dialog)]
    assert clinic.billing.account(sold["patient"]).credit == 0
    assert dialog.handed_back.item(0).text() == "$66.67 refunded by Cash"
    assert dialog.offers.isHidden(), "all of it went back"
    assert dialog.close_button.text() == "&Close"
    assert dialog.done_label.text() == ("\u201c3 Physio\u201d is refunded. $66.67 went back "
                                        "to Maria Lopez ($66.67 by Cash).")

    click(qtbot, dialog.print_button)

    refund_id = dialog.refund_ids[0]
    assert clinic.billing.payment_refund(refund_id).amount == 6667
    # One receipt for the package refund, whatever methods it went back by.
    assert printed == [{"package_refund_id": package_refund, "parent": dialog}]


def test_r27_part_handed_back_offers_the_rest(qtbot, clinic, sold, shown, monkeypatch):
    stand_in(monkeypatch, "app.ui.dialogs.refund_payment_dialog", "RefundPaymentDialog",
             lambda c, payment_id, **kw: c.billing.refund_payment(
                 payment_id, 2000, package_refund_id=kw["package_refund_id"]))
    dialog = open_dialog(qtbot, clinic, sold["package"])
    confirm(qtbot, dialog)
    click(qtbot, dialog.to_payment_button)
    assert dialog.offers.item(0).text().startswith("$46.67 back to the Cash payment")
    assert clinic.billing.account(sold["patient"]).credit == 4667
    # The heading follows the hand-back: it no longer says all of it is credit.
    assert dialog.done_label.text() == ("\u201c3 Physio\u201d is refunded. $20.00 went back "
                                        "to Maria Lopez ($20.00 by Cash); $46.67 is still "
                                        "their credit.")


def test_r27_refund_payment_cancelled_leaves_it_as_credit(qtbot, clinic, sold, shown,
                                                          monkeypatch):
    stand_in(monkeypatch, "app.ui.dialogs.refund_payment_dialog", "RefundPaymentDialog",
             lambda *args, **kwargs: None)
    dialog = open_dialog(qtbot, clinic, sold["package"])
    confirm(qtbot, dialog)
    click(qtbot, dialog.to_payment_button)
    assert dialog.offers.count() == 1 and not dialog.offers.isHidden()
    assert dialog.handed_back.isHidden() and dialog.print_button.isHidden()
    click(qtbot, dialog.close_button)  # Later
    assert clinic.billing.account(sold["patient"]).credit == 6667
