"""R45 at the desk: Sell Gift Card… (amount, optional patient, then its payment, then the
card to print), Gift card as a method in Receive Payment with the code typed or scanned
(Enter looks the card up, it does not pay), Gift Card Balance… with the card's history, and
Reload…; refusals keep the dialog open, point at the field and write nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from app.ui.dialogs.gift_card_dialogs import (GiftCardBalanceDialog, GiftCardPrintDialog,
                                              ReloadGiftCardDialog, SellGiftCardDialog,
                                              sell_gift_card)
from app.ui.dialogs.payment_dialog import ReceivePaymentDialog

from scenarios.support import dump
from ui.helpers import click, retype
from unit.test_printing import pdf_text


@pytest.fixture
def visit(clinic, catalog):
    """Maria's $90.00 massage, arrived and invoiced."""
    appointment = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                       datetime(2026, 3, 2, 11))
    clinic.schedule.arrive(appointment)
    return {**catalog, "invoice": clinic.schedule.appointment(appointment).invoice_id}


def choose_method(dialog, code: str) -> None:
    dialog.method.setCurrentIndex(dialog.method.findData(code))


def test_r45_sell_pay_and_print_a_card(qtbot, clinic, catalog, drive, monkeypatch, tmp_path):
    target = tmp_path / "card.pdf"
    seen = {}

    def sell(d: SellGiftCardDialog) -> None:
        seen["sold_to"] = d.for_patient.text()
        qtbot.keyClicks(d.amount, "75")
        click(qtbot, d.ok_button)

    def pay(d: ReceivePaymentDialog) -> None:
        seen["amount"] = d.amount.text()
        seen["code_shown"] = d.gift_card.isVisible()
        choose_method(d, "debit")
        click(qtbot, d.ok_button)

    def print_card(d: GiftCardPrintDialog) -> None:
        seen["summary"] = d.summary.text()
        d.paper.setCurrentIndex(d.paper.findData("roll80"))
        with qtbot.waitSignal(d.pdf_ready, timeout=20000):
            click(qtbot, d.save_button)
        d.reject()

    monkeypatch.setattr(GiftCardPrintDialog, "choose_file",
                        staticmethod(lambda *_: str(target)))
    drive(SellGiftCardDialog, sell)
    drive(ReceivePaymentDialog, pay)
    drive(GiftCardPrintDialog, print_card)
    sale = sell_gift_card(clinic, catalog["patient"])
    assert seen["sold_to"] == "Sold to Maria Lopez"
    assert seen["amount"] == "75.00" and seen["code_shown"] is False
    assert clinic.billing.invoice(sale.invoice_id).balance == 0
    assert clinic.gift_cards.balance(sale.code) == 7500
    assert "holds $75.00" in seen["summary"]
    text = pdf_text(target)
    assert sale.code in text and "$75.00" in text and "Harbour Physio" in text


def test_r45_a_bad_amount_keeps_the_sale_open_and_sells_nothing(qtbot, clinic, catalog, shown):
    dialog = SellGiftCardDialog(clinic, catalog["patient"])
    qtbot.addWidget(dialog)
    dialog.show()
    before = dump(clinic)
    for typed in ("0", "6000"):
        retype(qtbot, dialog.amount, typed)
        click(qtbot, dialog.ok_button)
        assert "at most $5,000.00" in shown.last and dialog.isVisible()
        assert dialog.focusWidget() is dialog.amount
    assert dump(clinic) == before


def test_r45_pay_with_a_card_scanned_into_receive_payment(qtbot, clinic, visit, shown):
    sale = clinic.gift_cards.sell(5000)
    dialog = ReceivePaymentDialog(clinic, visit["patient"], invoice_id=visit["invoice"])
    qtbot.addWidget(dialog)
    dialog.show()
    choose_method(dialog, "gift_card")
    assert dialog.gift_card.isVisible()
    retype(qtbot, dialog.amount, "60")
    # a scanner: the code's characters, then Enter, which shows the balance and pays nothing
    code = sale.code.replace("-", "")
    qtbot.keyClicks(dialog.gift_card.code, code[:-1] + ("2" if code[-1] != "2" else "3"))
    assert dialog.gift_card.balance.text().startswith("No card with this code")
    dialog.gift_card.code.clear()
    qtbot.keyClicks(dialog.gift_card.code, code)
    qtbot.keyClick(dialog.gift_card.code, Qt.Key.Key_Return)
    assert dialog.isVisible() and clinic.gift_cards.balance(sale.code) == 5000
    assert dialog.gift_card.balance.text() == "This card holds $50.00."
    click(qtbot, dialog.ok_button)  # $60 from a $50 card
    assert "holds $50.00" in shown.last and dialog.isVisible()
    assert dialog.focusWidget() is dialog.amount
    retype(qtbot, dialog.amount, "50")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert clinic.gift_cards.balance(sale.code) == 0
    assert clinic.billing.invoice(visit["invoice"]).balance == 4000


def test_r45_balance_shows_the_history_and_reloads(qtbot, clinic, visit, drive, shown):
    sale = clinic.gift_cards.sell(5000)
    clinic.billing.receive_payment(visit["patient"], 2000, "gift_card",
                                   invoice_id=visit["invoice"], gift_card_code=sale.code)
    dialog = GiftCardBalanceDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.code, "ABCD-EFGH")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.balance.text().startswith("No card with this code")
    assert not dialog.reload_button.isEnabled() and dialog.history.rowCount() == 0
    retype(qtbot, dialog.code, sale.code.lower())
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.balance.text() == f"Card {sale.code}: holds $30.00."
    rows = [[dialog.history.item(r, c).text() for c in range(3)]
            for r in range(dialog.history.rowCount())]
    assert [r[1:] for r in rows] == [["Loaded (invoice #2)", "$50.00"],
                                     ["Paid with (invoice #1)", "-$20.00"]]

    def reload(d: ReloadGiftCardDialog) -> None:
        assert d.code.text() == sale.code
        retype(qtbot, d.amount, "0")
        click(qtbot, d.ok_button)
        assert "more than zero" in shown.last and d.isVisible()
        retype(qtbot, d.amount, "25")
        click(qtbot, d.ok_button)

    drive(ReloadGiftCardDialog, reload)
    drive(ReceivePaymentDialog, lambda d: click(qtbot, d.ok_button))
    click(qtbot, dialog.reload_button)
    assert dialog.balance.text() == f"Card {sale.code}: holds $55.00."
    assert dialog.history.rowCount() == 3


def test_r45_refund_payment_sends_a_cards_money_back_to_the_card(qtbot, clinic, catalog,
                                                                 shown):
    from app.ui.dialogs.refund_payment_dialog import RefundPaymentDialog
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.sign_in(catalog["ana"], "2468")
    sale = clinic.gift_cards.sell(5000)
    package = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    payment = clinic.billing.receive_payment(catalog["patient"], 5000, "gift_card",
                                             invoice_id=package.invoice_id,
                                             gift_card_code=sale.code)
    clinic.billing.void_invoice(package.invoice_id, "Sold by mistake")
    dialog = RefundPaymentDialog(clinic, payment)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.method.currentData() == "gift_card"  # back the way it came
    choose_method(dialog, "cash")
    click(qtbot, dialog.ok_button)
    assert "goes back to the card" in shown.last and dialog.isVisible()
    assert dialog.focusWidget() is dialog.method
    choose_method(dialog, "gift_card")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible() and clinic.gift_cards.balance(sale.code) == 5000
