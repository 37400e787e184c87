"""Gift cards (SPEC R45), end to end: Tom buys Maria a $100.00 card at the desk (cash, no
tax); Maria pays a taxed physio visit with part of it and a package with the rest and some
debit; the package is refunded and what the card paid goes back onto the card, never as
cash; Tom reloads it. Every day the books owe exactly what the cards hold, the Revenue
report never counts the card's sale, Day Close shows the card money apart from the cash,
and the refusals change nothing (R30)."""

from __future__ import annotations

from datetime import date

from app.services import ValidationError

from scenarios.support import at, refused


def books_owe_the_cards(clinic, on: date) -> None:
    balances = clinic.accounting.balances(on)
    assert -balances.get("gift_cards", 0) == clinic.gift_cards.total_balances()
    assert sum(balances.values()) == 0


def test_r45_a_card_given_spent_refunded_back_and_reloaded(clinic, shop, clock):
    maria, tom = shop["patient"], shop["other_patient"]
    sale = clinic.gift_cards.sell(10000, patient_id=tom)
    assert clinic.billing.invoice(sale.invoice_id).tax == 0
    clinic.billing.receive_payment(tom, 10000, "cash", invoice_id=sale.invoice_id)
    books_owe_the_cards(clinic, date(2026, 3, 2))

    clock.set(at(date(2026, 3, 3), 11))
    visit = clinic.schedule.book(maria, shop["ana"], shop["physio"], at(date(2026, 3, 3)))
    clinic.schedule.arrive(visit)
    physio = clinic.schedule.appointment(visit).invoice_id
    assert clinic.billing.invoice(physio).total == 9775  # $85.00 + 15 % tax
    refused(clinic, ValidationError, clinic.billing.receive_payment, maria, 9776,
            "gift_card", invoice_id=physio, gift_card_code=sale.code, match="only $97.75",
            patients=(maria, tom))
    clinic.billing.receive_payment(maria, 9775, "gift_card", invoice_id=physio,
                                   gift_card_code=sale.code)
    assert clinic.gift_cards.balance(sale.code) == 225

    package = clinic.billing.sell_package(maria, shop["three_massages"])
    refused(clinic, ValidationError, clinic.billing.receive_payment, maria, 300,
            "gift_card", invoice_id=package.invoice_id, gift_card_code=sale.code,
            match="holds $2.25", patients=(maria, tom))
    card_payment = clinic.billing.receive_payment(
        maria, 225, "gift_card", invoice_id=package.invoice_id, gift_card_code=sale.code)
    clinic.billing.receive_payment(maria, 9775, "debit", invoice_id=package.invoice_id)
    assert clinic.gift_cards.balance(sale.code) == 0
    books_owe_the_cards(clinic, date(2026, 3, 3))
    day = clinic.reports.day_close(date(2026, 3, 3))
    methods = {row.method: row.received for row in day.sections[0].rows}
    assert methods["gift_card"] == 10000 and methods["cash"] == 0
    revenue = clinic.reports.revenue(date(2026, 3, 2), date(2026, 3, 3)).totals
    assert revenue["total"] == 8500  # the physio visit before tax; not the card

    clock.set(at(date(2026, 3, 4), 15))
    clinic.auth.set_secret(shop["ana"], "2468")
    clinic.auth.sign_in(shop["ana"], "2468")
    clinic.packages.refund(package.package_id, 10000)  # unused: all of it is credit
    refused(clinic, ValidationError, clinic.billing.refund_payment, card_payment, 225,
            method="cash", match="goes back to the card", patients=(maria, tom))
    clinic.billing.refund_payment(card_payment, 225)
    assert clinic.gift_cards.balance(sale.code) == 225
    assert [m.kind for m in clinic.gift_cards.card(sale.code).moves] == [
        "load", "pay", "pay", "back"]
    books_owe_the_cards(clinic, date(2026, 3, 4))

    clock.set(at(date(2026, 3, 20), 10))
    reload = clinic.gift_cards.reload(sale.code.lower(), 5000)
    clinic.billing.receive_payment(tom, 5000, "credit_card", invoice_id=reload)
    assert clinic.gift_cards.balance(sale.code) == 5225
    books_owe_the_cards(clinic, date(2026, 3, 20))
    liability = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 3, 31))
    (cards,) = liability.section("Gift cards").rows
    assert (cards.loaded, cards.paid, cards.refunded_to_cards, cards.closing) == (
        15000, 10000, 225, 5225)
