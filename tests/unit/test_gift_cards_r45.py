"""R45 Gift cards: sold for an amount with a unique code, taken as a payment method on any
invoice up to the card's balance and the invoice's, partly used cards keep their balance,
reloaded, looked up by code; no sales tax on the sale; the unused balances a liability."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain import gift_cards as rules
from app.models import GiftCard, GiftCardMove, InvoiceLine
from app.services.errors import NotAllowed, ValidationError
from app.services.gift_card_payments import mismatched_cards

from scenarios.support import refused

NO_CARD = "No card with this code"


@pytest.fixture
def visit(clinic, desk):
    """Maria's $90.00 massage, arrived and invoiced; Ana (manager) signed in."""
    clinic.auth.sign_in(desk["ana"], "2468")
    appointment = clinic.schedule.book(desk["patient"], desk["ana"], desk["massage"],
                                       datetime(2026, 3, 2, 11))
    clinic.schedule.arrive(appointment)
    invoice = clinic.billing.account(desk["patient"]).invoices[-1].id
    return {**desk, "invoice": invoice}


def paid_card(clinic, amount, patient_id=None):
    sale = clinic.gift_cards.sell(amount, patient_id=patient_id)
    buyer = clinic.billing.invoice(sale.invoice_id).patient_id
    clinic.billing.receive_payment(buyer, amount, "cash", invoice_id=sale.invoice_id)
    return sale


def test_r45_a_code_is_random_readable_and_checked():
    codes = {rules.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:200]:
        assert len(code) == 16 and not set(code) & set("01OI")
        assert rules.normalized(rules.shown(code).lower()) == code
        # every single mistyped character is caught by the check character
        for i in range(16):
            for wrong in "2Z":
                if code[i] != wrong:
                    assert rules.normalized(code[:i] + wrong + code[i + 1:]) is None
        swapped = code[1] + code[0] + code[2:]
        if swapped != code and {code[0], code[1]} != {"2", "Z"}:  # (Luhn's one blind pair)
            assert rules.normalized(swapped) is None
    assert rules.normalized("O" * 16) is None and rules.normalized(None) is None


def test_r45_the_sale_is_an_untaxed_invoice_and_the_card_holds_it(clinic, desk):
    clinic.auth.sign_in(desk["ana"], "2468")
    clinic.settings.update(default_tax_rate=Decimal("0.15"))
    sale = clinic.gift_cards.sell(5000, patient_id=desk["patient"])
    assert rules.normalized(sale.code) and len(sale.code) == 19
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert (invoice.total, invoice.tax, invoice.patient_id) == (5000, 0, desk["patient"])
    with clinic.db.read() as s:
        line = s.scalar(select(InvoiceLine).where(InvoiceLine.invoice_id == sale.invoice_id))
        assert line.kind == "gift_card" and sale.code[-4:] in line.description
        assert sale.code.replace("-", "") not in line.description  # not the whole code
    assert clinic.gift_cards.balance(sale.code) == 5000
    assert clinic.gift_cards.balance(sale.code.lower().replace("-", " ")) == 5000
    walk_in = clinic.gift_cards.sell(2500)  # no patient: the walk-in buyer's invoice
    buyer = clinic.billing.invoice(walk_in.invoice_id).patient_id
    assert buyer != desk["patient"]
    assert clinic.patients.search("buyer") == [] or all(
        p.id != buyer for p in clinic.patients.search("buyer"))
    assert clinic.gift_cards.card(walk_in.code).patient_id is None


def test_r45_paying_with_a_card_up_to_both_balances(clinic, visit):
    sale = paid_card(clinic, 5000)
    patient, invoice = visit["patient"], visit["invoice"]
    refused(clinic, ValidationError, clinic.billing.receive_payment, patient, 5001, "gift_card",
            invoice_id=invoice, gift_card_code=sale.code, match="holds $50.00")
    clinic.billing.receive_payment(patient, 3000, "gift_card", invoice_id=invoice,
                                   gift_card_code=sale.code)
    assert clinic.gift_cards.balance(sale.code) == 2000  # partly used: it keeps the rest
    assert clinic.billing.invoice(invoice).balance == 6000
    clinic.billing.receive_payment(patient, 2000, "gift_card", invoice_id=invoice,
                                   gift_card_code=sale.code)
    assert clinic.gift_cards.balance(sale.code) == 0
    refused(clinic, ValidationError, clinic.billing.receive_payment, patient, 1, "gift_card",
            invoice_id=invoice, gift_card_code=sale.code, match="holds $0.00")
    reload = clinic.gift_cards.reload(sale.code, 10000)
    assert clinic.gift_cards.balance(sale.code) == 10000
    assert clinic.billing.invoice(reload).total == 10000
    refused(clinic, ValidationError, clinic.billing.receive_payment, patient, 4001, "gift_card",
            invoice_id=invoice, gift_card_code=sale.code, match="only $40.00 left")
    view = clinic.gift_cards.card(sale.code)
    assert [(m.kind, m.amount) for m in view.moves] == [
        ("load", 5000), ("pay", -3000), ("pay", -2000), ("load", 10000)]
    with clinic.db.read() as s:
        assert mismatched_cards(s) == []


@pytest.mark.parametrize("typed", ["", "ABCD", "K7QD-9XTF-M3WA-HR2P-X", None, 12,
                                   "mistyped"])
def test_r45_an_unknown_or_mistyped_code_is_no_card(clinic, visit, typed):
    sale = paid_card(clinic, 5000)
    if typed == "mistyped":
        code = sale.code.replace("-", "")
        typed = code[:3] + ("Z" if code[3] != "Z" else "Y") + code[4:]
    for call, args in ((clinic.gift_cards.balance, (typed,)),
                       (clinic.gift_cards.reload, (typed, 1000))):
        error = refused(clinic, ValidationError, call, *args, match=NO_CARD)
        assert error.field == "gift_card_code"
    refused(clinic, ValidationError, clinic.billing.receive_payment, visit["patient"], 100,
            "gift_card", invoice_id=visit["invoice"], gift_card_code=typed, match=NO_CARD)


def test_r45_a_valid_looking_code_no_card_has_is_the_same_refusal(clinic):
    paid_card(clinic, 5000)
    other = rules.shown(rules.new_code())
    with pytest.raises(ValidationError) as error:
        clinic.gift_cards.balance(other)
    assert str(error.value).startswith(NO_CARD)


@pytest.mark.parametrize("amount", [0, -100, "abc", rules.MAXIMUM + 1])
def test_r45_a_sale_or_reload_outside_the_limits_is_refused(clinic, desk, amount):
    error = refused(clinic, ValidationError, clinic.gift_cards.sell, amount,
                    match=None if amount in ("abc", -100) else "at most $5,000.00")
    assert error.field == "amount"
    sale = clinic.gift_cards.sell(rules.MAXIMUM - 100)
    refused(clinic, ValidationError, clinic.gift_cards.reload, sale.code, 101,
            match="at most $1.00")


def test_r45_a_card_never_pays_a_card_nor_becomes_credit(clinic, visit):
    sale = paid_card(clinic, 5000)
    other = clinic.gift_cards.sell(1000, patient_id=visit["patient"])
    refused(clinic, NotAllowed, clinic.billing.receive_payment, visit["patient"], 1000,
            "gift_card", invoice_id=other.invoice_id, gift_card_code=sale.code,
            match="sells a gift card")
    refused(clinic, ValidationError, clinic.billing.receive_payment, visit["patient"], 1000,
            "gift_card", gift_card_code=sale.code, match="Choose the invoice")


def test_r45_money_paid_with_a_card_goes_back_to_the_card(clinic, visit):
    sale = paid_card(clinic, 5000)
    package = clinic.billing.sell_package(visit["patient"], visit["ten_massages"])
    payment = clinic.billing.receive_payment(visit["patient"], 5000, "gift_card",
                                             invoice_id=package.invoice_id,
                                             gift_card_code=sale.code)
    clinic.billing.void_invoice(package.invoice_id, "Sold by mistake")  # the $50 is credit
    refused(clinic, ValidationError, clinic.billing.refund_payment, payment, 5000, method="cash",
            match="goes back to the card")
    clinic.billing.refund_payment(payment, 2000)
    assert clinic.gift_cards.balance(sale.code) == 2000
    assert [m.kind for m in clinic.gift_cards.card(sale.code).moves][-1] == "back"
    cash = clinic.billing.receive_payment(visit["patient"], 500, "cash", allocations={})
    refused(clinic, ValidationError, clinic.billing.refund_payment, cash, 500, method="gift_card",
            match="Only money paid with a gift card")


def test_r45_a_card_sale_is_voided_only_while_unspent(clinic, visit):
    unspent = clinic.gift_cards.sell(3000)
    clinic.billing.void_invoice(unspent.invoice_id, "Sold by mistake")
    assert clinic.gift_cards.balance(unspent.code) == 0
    spent = paid_card(clinic, 5000)
    clinic.billing.receive_payment(visit["patient"], 1000, "gift_card",
                                   invoice_id=visit["invoice"], gift_card_code=spent.code)
    refused(clinic, NotAllowed, clinic.billing.void_invoice, spent.invoice_id, "Mistake",
            match="has been used")


def test_r45_the_books_owe_the_cards_and_earn_nothing_on_their_sale(clinic, visit, clock):
    sale = paid_card(clinic, 5000)
    clinic.billing.receive_payment(visit["patient"], 3000, "gift_card",
                                   invoice_id=visit["invoice"], gift_card_code=sale.code)
    clinic.gift_cards.reload(sale.code, 2000)
    on = clock().date()
    balances = clinic.accounting.balances(on)
    assert -balances["gift_cards"] == clinic.gift_cards.total_balances() == 4000
    assert sum(balances.values()) == 0
    for entry in clinic.accounting.journal(on, on):
        assert sum(cents for _, cents in entry.postings) == 0
    names = {a.role: a.name for a in clinic.accounting.accounts()}
    card_payment = [e for e in clinic.accounting.journal(on, on)
                    if e.description.startswith("Payment \u2014 gift card")]
    assert card_payment and dict(card_payment[0].postings) == {
        names["gift_cards"]: 3000, names["receivable"]: -3000}
    revenue = clinic.reports.revenue(on, on).totals
    assert revenue["total"] == 9000  # the massage only: the cards' $70.00 is no revenue
    with clinic.db.read() as s:
        assert s.scalar(select(GiftCard.balance)) == sum(
            s.scalars(select(GiftCardMove.amount)))


def test_r45_day_close_shows_card_sales_and_card_payments_apart_from_cash(clinic, visit,
                                                                           clock):
    sale = paid_card(clinic, 5000)
    clinic.gift_cards.reload(sale.code, 1500)
    clinic.billing.receive_payment(visit["patient"], 3000, "gift_card",
                                   invoice_id=visit["invoice"], gift_card_code=sale.code)
    report = clinic.reports.day_close(clock().date())
    assert report.totals["cash_in"] == 5000  # the card's sale, paid cash; not the card
    methods = {row.method: row for row in report.sections[0].rows}
    assert methods["gift_card"].received == 3000 and methods["gift_card"].method_name == "Gift card"
    cards = next(section for section in report.sections if section.title == "Gift cards")
    assert [(row.count, row.amount) for row in cards.rows] == [(2, 6500)]


def test_r45_a_later_period_opens_on_what_the_cards_still_hold(clinic, visit, clock):
    sale = paid_card(clinic, 5000)
    clinic.billing.receive_payment(visit["patient"], 1500, "gift_card",
                                   invoice_id=visit["invoice"], gift_card_code=sale.code)
    voided = clinic.gift_cards.sell(700)
    clinic.billing.void_invoice(voided.invoice_id, "Sold by mistake")
    first = clock().date()
    clock.advance(days=3)
    later = clinic.gift_cards.reload(sale.code, 1000)
    period = clinic.accounting.journal(first + timedelta(days=1), clock().date())
    names = {a.role: a.name for a in clinic.accounting.accounts()}
    opening = period[0]
    assert opening.description == "Opening balances"
    assert dict(opening.postings)[names["gift_cards"]] == -3500  # 50 − 15; the void: none
    assert -clinic.accounting.balances(clock().date())["gift_cards"] == 4500 == \
        clinic.gift_cards.total_balances()
    assert clinic.billing.invoice(later).tax == 0


def test_r45_a_cards_sale_is_no_taxable_sale(clinic, visit, clock):
    voided = clinic.gift_cards.sell(1000)
    clinic.billing.void_invoice(voided.invoice_id, "Sold by mistake")
    clinic.gift_cards.sell(5000)
    on = clock().date()
    totals = clinic.reports.sales_tax(on, on).totals
    assert totals["taxable_sales"] == 9000 and totals["voided_sales"] == 0  # the massage


def test_r45_package_liability_shows_the_cards_in_their_own_section(clinic, visit, clock):
    first = clock().date()
    before = clinic.reports.package_liability(first, first)
    assert [s.title for s in before.sections] == ["Liability by package"]
    sale = paid_card(clinic, 5000)
    clinic.billing.receive_payment(visit["patient"], 2000, "gift_card",
                                   invoice_id=visit["invoice"], gift_card_code=sale.code)
    undone = clinic.gift_cards.sell(800)
    clinic.billing.void_invoice(undone.invoice_id, "Sold by mistake")
    clock.advance(days=2)
    clinic.gift_cards.reload(sale.code, 1000)
    later = clock().date()
    whole = clinic.reports.package_liability(first, later)
    cards = whole.section("Gift cards")
    assert whole.totals == clinic.reports.package_liability(first, later).sections[0].totals
    (row,) = cards.rows
    assert (row.opening, row.loaded, row.paid, row.voided, row.closing) == (
        0, 6800, 2000, 800, 4000)
    (row,) = clinic.reports.package_liability(later, later).section("Gift cards").rows
    assert (row.opening, row.loaded, row.paid, row.closing) == (3000, 1000, 0, 4000)
    assert row.closing == clinic.gift_cards.total_balances() == \
        -clinic.accounting.balances(later)["gift_cards"]
