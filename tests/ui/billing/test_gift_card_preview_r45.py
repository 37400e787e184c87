"""R45 Receive Payment with Gift card: the preview line says what the card will pay — at
most the smaller of what it holds and what the invoice owes — before anything is saved; the
suggested amount follows it, an amount the desk typed is kept and refused if too much."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.ui.dialogs.payment_dialog import ReceivePaymentDialog

from scenarios.support import dump
from ui.helpers import click, retype


@pytest.fixture
def visit(clinic, catalog):
    """Maria's $90.00 massage, arrived and invoiced."""
    appointment = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                       datetime(2026, 3, 2, 11))
    clinic.schedule.arrive(appointment)
    return {**catalog, "invoice": clinic.schedule.appointment(appointment).invoice_id}


def open_card_payment(qtbot, clinic, visit):
    dialog = ReceivePaymentDialog(clinic, visit["patient"], invoice_id=visit["invoice"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.method.setCurrentIndex(dialog.method.findData("gift_card"))
    return dialog


def test_r45_the_preview_takes_the_smaller_of_the_card_and_the_invoice(qtbot, clinic, visit,
                                                                       shown):
    small = clinic.gift_cards.sell(5000)
    dialog = open_card_payment(qtbot, clinic, visit)
    assert dialog.amount.text() == "90.00"  # the invoice's balance, suggested
    before = dump(clinic)
    qtbot.keyClicks(dialog.gift_card.code, small.code)
    assert dialog.amount.text() == "50.00"  # the card holds less: the suggestion follows
    assert dialog.preview.text().startswith("The card pays $50.00 on invoice #")
    assert "at most $50.00" in dialog.preview.text()
    assert "the card holds $0.00 and the invoice owes $40.00" in dialog.preview.text()
    assert dump(clinic) == before  # a preview writes nothing
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert clinic.gift_cards.balance(small.code) == 0
    assert clinic.billing.invoice(visit["invoice"]).balance == 4000


def test_r45_a_big_card_pays_only_what_the_invoice_owes(qtbot, clinic, visit, shown):
    big = clinic.gift_cards.sell(20000)
    dialog = open_card_payment(qtbot, clinic, visit)
    qtbot.keyClicks(dialog.gift_card.code, big.code)
    assert dialog.amount.text() == "90.00"
    assert "the card holds $110.00 and the invoice owes $0.00" in dialog.preview.text()


def test_r45_a_typed_amount_is_kept_and_too_much_is_said_before_saving(qtbot, clinic, visit,
                                                                      shown):
    card = clinic.gift_cards.sell(3000)
    dialog = open_card_payment(qtbot, clinic, visit)
    retype(qtbot, dialog.amount, "45")
    qtbot.keyClicks(dialog.gift_card.code, card.code)
    assert dialog.amount.text() == "45"
    assert dialog.preview.text() == ("This gift card holds $30.00 and invoice #{n} owes "
                                     "$90.00: the card can pay at most $30.00.").format(
        n=clinic.billing.invoice(visit["invoice"]).number)
    retype(qtbot, dialog.amount, "20")
    assert "Afterwards the card holds $10.00 and the invoice owes $70.00" in \
        dialog.preview.text()


def test_r45_an_expired_card_is_said_in_the_preview(qtbot, clinic, catalog, visit, clock,
                                                     shown):
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.sign_in(catalog["ana"], "2468")
    clinic.settings.update(gift_card_expiry_months=1)
    card = clinic.gift_cards.sell(3000)
    clock.set(datetime(2026, 4, 3, 9))
    dialog = open_card_payment(qtbot, clinic, visit)
    qtbot.keyClicks(dialog.gift_card.code, card.code)
    assert "expired on April 2, 2026" in dialog.preview.text()
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "expired on April 2, 2026" in shown.last
    assert clinic.gift_cards.balance(card.code) == 3000


def test_r45_the_preview_goes_back_to_the_usual_line_for_other_methods(qtbot, clinic, visit):
    card = clinic.gift_cards.sell(3000)
    dialog = open_card_payment(qtbot, clinic, visit)
    qtbot.keyClicks(dialog.gift_card.code, card.code)
    dialog.method.setCurrentIndex(dialog.method.findData("cash"))
    assert dialog.preview.text().startswith("Applied to invoices:")


def test_r45_from_the_account_a_card_pays_the_oldest_owing_invoice(qtbot, clinic, visit,
                                                                  shown):
    """Receive Payment from the patient's account (no invoice chosen), oldest first: the
    card pays the oldest invoice that owes, up to what it holds; a later visit still owes."""
    later = clinic.schedule.book(visit["patient"], visit["ana"], visit["massage"],
                                 datetime(2026, 3, 3, 11))
    clinic.schedule.arrive(later)
    card = clinic.gift_cards.sell(5000)
    dialog = ReceivePaymentDialog(clinic, visit["patient"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.oldest_first.isChecked()
    dialog.method.setCurrentIndex(dialog.method.findData("gift_card"))
    qtbot.keyClicks(dialog.gift_card.code, card.code)
    assert dialog.amount.text() == "50.00"
    assert dialog.preview.text().startswith("The card pays $50.00 on invoice #")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert clinic.gift_cards.balance(card.code) == 0
    assert clinic.billing.invoice(visit["invoice"]).balance == 4000
    assert clinic.billing.invoice(clinic.schedule.appointment(later).invoice_id).balance == 9000


def test_r45_from_the_account_a_card_pays_the_one_invoice_given_an_amount(qtbot, clinic,
                                                                         visit, shown):
    later = clinic.schedule.book(visit["patient"], visit["ana"], visit["massage"],
                                 datetime(2026, 3, 3, 11))
    clinic.schedule.arrive(later)
    later_invoice = clinic.schedule.appointment(later).invoice_id
    card = clinic.gift_cards.sell(10000)
    dialog = ReceivePaymentDialog(clinic, visit["patient"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.oldest_first.click()  # the desk says which invoice
    assert not dialog.oldest_first.isChecked()
    dialog.method.setCurrentIndex(dialog.method.findData("gift_card"))
    for invoice_id, field in zip(dialog.table.invoice_ids, dialog.table.apply):
        retype(qtbot, field, "90.00" if invoice_id == later_invoice else "0.00")
    assert dialog.card_invoice_id() == later_invoice
    qtbot.keyClicks(dialog.gift_card.code, card.code)
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert clinic.billing.invoice(later_invoice).balance == 0
    assert clinic.billing.invoice(visit["invoice"]).balance == 9000
    assert clinic.gift_cards.balance(card.code) == 1000
