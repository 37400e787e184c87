"""R45 "No expiry unless the clinic sets one": the clinic's setting, a card's last day fixed
when it is sold and renewed when reloaded, paying refused after it with the date, and an
expired card's balance still on the books (nothing moved to revenue)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import subprocess

import pytest

from app.domain import gift_card_expiry as rules
from app.services.errors import NotAllowed, ValidationError

from scenarios.support import refused


@pytest.fixture
def visit(clinic, desk):
    """Maria's $90.00 massage, arrived and invoiced; Ana (manager) signed in."""
    clinic.auth.sign_in(desk["ana"], "2468")
    appointment = clinic.schedule.book(desk["patient"], desk["ana"], desk["massage"],
                                       datetime(2026, 3, 2, 11))
    clinic.schedule.arrive(appointment)
    invoice = clinic.billing.account(desk["patient"]).invoices[-1].id
    return {**desk, "invoice": invoice}


def paid_card(clinic, amount):
    sale = clinic.gift_cards.sell(amount)
    buyer = clinic.billing.invoice(sale.invoice_id).patient_id
    clinic.billing.receive_payment(buyer, amount, "cash", invoice_id=sale.invoice_id)
    return sale


def test_r45_a_month_on_is_the_same_day_or_the_months_last():
    assert rules.last_day(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.last_day(date(2026, 3, 2), 12) == date(2027, 3, 2)
    assert rules.last_day(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert rules.last_day(date(2026, 3, 2), None) is None
    assert rules.renewed(date(2027, 1, 1), date(2026, 6, 1), first_load=False) == \
        date(2027, 1, 1)  # a reload never shortens it
    assert rules.renewed(date(2027, 1, 1), None, first_load=False) is None
    assert rules.renewed(None, date(2027, 1, 1), first_load=False) is None
    assert not rules.expired(date(2026, 3, 2), date(2026, 3, 2))  # pays through its last day
    assert rules.expired(date(2026, 3, 2), date(2026, 3, 3))


def test_r45_by_default_cards_never_expire(clinic, visit, clock):
    assert clinic.settings.get().gift_card_expiry_months is None
    sale = paid_card(clinic, 5000)
    assert clinic.gift_cards.card(sale.code).expires_on is None
    clock.advance(days=3650)
    clinic.billing.receive_payment(visit["patient"], 2000, "gift_card",
                                   invoice_id=visit["invoice"], gift_card_code=sale.code)
    assert clinic.gift_cards.balance(sale.code) == 3000


@pytest.mark.parametrize("bad", [-1, 121, 2.5, "12", True])
def test_r45_the_setting_is_whole_months_one_to_120_or_never(clinic, visit, bad):
    error = refused(clinic, ValidationError, clinic.settings.update,
                    gift_card_expiry_months=bad)
    assert error.field == "gift_card_expiry_months" and "120" in str(error)


def test_r45_the_setting_is_a_managers(clinic, desk):
    with pytest.raises(NotAllowed):  # Chloe, front desk, is signed in
        clinic.settings.update(gift_card_expiry_months=12)


def test_r45_an_expired_card_is_refused_with_its_date_and_stays_on_the_books(
        clinic, visit, clock):
    clinic.settings.update(gift_card_expiry_months=12)
    old = paid_card(clinic, 3000)
    assert clinic.gift_cards.card(old.code).expires_on == date(2027, 3, 2)
    clinic.settings.update(gift_card_expiry_months=0)  # never, from now on
    assert clinic.settings.get().gift_card_expiry_months is None
    later = paid_card(clinic, 1000)
    assert clinic.gift_cards.card(later.code).expires_on is None
    assert clinic.gift_cards.card(old.code).expires_on == date(2027, 3, 2)  # kept its own

    clock.set(datetime(2027, 3, 2, 17))  # its last day: it still pays
    clinic.billing.receive_payment(visit["patient"], 500, "gift_card",
                                   invoice_id=visit["invoice"], gift_card_code=old.code)
    clock.advance(days=1)
    error = refused(clinic, NotAllowed, clinic.billing.receive_payment, visit["patient"],
                    500, "gift_card", invoice_id=visit["invoice"], gift_card_code=old.code,
                    patients=(visit["patient"],))
    assert "expired on March 2, 2027" in str(error)
    # the desk cannot spend it, but the clinic still owes it: no breakage is booked
    assert clinic.gift_cards.balance(old.code) == 2500
    on = clock().date()
    balances = clinic.accounting.balances(on)
    assert -balances["gift_cards"] == clinic.gift_cards.total_balances() == 3500
    assert sum(balances.values()) == 0


def test_r45_a_reload_renews_the_whole_card_and_never_shortens_it(clinic, visit, clock):
    clinic.settings.update(gift_card_expiry_months=6)
    sale = paid_card(clinic, 2000)
    assert clinic.gift_cards.card(sale.code).expires_on == date(2026, 9, 2)
    clock.set(datetime(2026, 10, 1, 10))  # expired
    invoice = clinic.gift_cards.reload(sale.code, 1000)
    clinic.billing.receive_payment(clinic.billing.invoice(invoice).patient_id, 1000, "cash",
                                   invoice_id=invoice)
    assert clinic.gift_cards.card(sale.code).expires_on == date(2027, 4, 1)
    clinic.billing.receive_payment(visit["patient"], 3000, "gift_card",
                                   invoice_id=visit["invoice"], gift_card_code=sale.code)
    assert clinic.gift_cards.balance(sale.code) == 0
    clinic.settings.update(gift_card_expiry_months=1)
    clinic.gift_cards.reload(sale.code, 500)
    assert clinic.gift_cards.card(sale.code).expires_on == date(2027, 4, 1)


def test_r45_the_printed_card_says_its_last_day(clinic, visit, tmp_path):
    never = paid_card(clinic, 1000)
    clinic.settings.update(gift_card_expiry_months=24)
    sale = paid_card(clinic, 2000)
    for paper in ("letter", "roll80"):
        path = clinic.printing.gift_card_pdf(sale.code, tmp_path / f"{paper}.pdf", paper=paper)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Valid through Mar 2, 2028" in " ".join(text.split())
    path = clinic.printing.gift_card_pdf(never.code, tmp_path / "never.pdf")
    assert "Valid through" not in subprocess.run(["pdftotext", str(path), "-"],
                                                 capture_output=True, text=True).stdout
