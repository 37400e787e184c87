"""Refunding a package (SPEC R25-R28), end to end with exact figures."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.models import PaymentApplication
from app.services import NotAllowed, ValidationError, money

from scenarios.support import at, paid_sale, refused


def redeem(clinic, shop, package, count, treatment="massage", start_day=3):
    for n in range(count):
        appointment = clinic.schedule.book(shop["patient"], shop["ana"], shop[treatment],
                                           at(date(2026, 3, start_day + n)), package=package)
        clinic.schedule.arrive(appointment)


# R25: from the Purchases list (the invoice's menu) and from the show page: one refund

def test_r25_the_purchases_list_and_the_show_page_lead_to_the_same_package(clinic, shop):
    sale, _ = paid_sale(clinic, shop["patient"], shop["three_massages"])
    (row,) = clinic.billing.account(shop["patient"]).invoices
    assert row.package_id == clinic.packages.detail(sale.package_id).summary.id
    assert clinic.packages.refund(row.package_id, 5000).credit_created == 5000
    assert clinic.packages.summary(sale.package_id).status == "refunded"


# R26: suggested = price × remaining / total, rounded once; override within 0..collected

def test_r26_suggested_refund_100_over_3_one_used_is_66_67(clinic, shop):
    sale, _ = paid_sale(clinic, shop["patient"], shop["three_massages"])
    redeem(clinic, shop, sale.package_id, 1)
    assert clinic.packages.suggested_refund(sale.package_id) == 6667


def test_r26_suggested_refund_100_over_3_two_used_is_33_33(clinic, shop):
    sale, _ = paid_sale(clinic, shop["patient"], shop["three_massages"])
    redeem(clinic, shop, sale.package_id, 2)
    assert clinic.packages.suggested_refund(sale.package_id) == 3333


def test_r26_suggested_refund_unused_is_the_whole_price_and_used_up_is_zero(clinic, shop):
    sale, _ = paid_sale(clinic, shop["patient"], shop["three_massages"])
    assert clinic.packages.suggested_refund(sale.package_id) == 10000
    redeem(clinic, shop, sale.package_id, 3)
    assert clinic.packages.suggested_refund(sale.package_id) == 0


def test_r26_booked_uses_still_count_as_remaining(clinic, shop):
    sale, _ = paid_sale(clinic, shop["patient"], shop["three_massages"])
    clinic.schedule.book(shop["patient"], shop["ana"], shop["massage"], at("2026-03-05"))
    assert clinic.packages.suggested_refund(sale.package_id) == 10000


def test_r26_suggested_refund_of_ten_massages_seven_used_is_240(clinic, shop):
    sale, _ = paid_sale(clinic, shop["patient"], shop["ten_massages"])
    redeem(clinic, shop, sale.package_id, 7)
    assert clinic.packages.suggested_refund(sale.package_id) == 24000


def test_r26_suggested_refund_includes_the_tax_that_was_charged(clinic, shop):
    template = clinic.catalog.add_package_template(
        "3 Physio + HST", price=10000, uses=3, eligible={shop["physio"]: 0}, tax_rate="0.15")
    sale, _ = paid_sale(clinic, shop["patient"], template)
    redeem(clinic, shop, sale.package_id, 1, treatment="physio")
    # 115.00 × 2 / 3 = 76.666... -> 76.67, rounded once.
    assert clinic.packages.suggested_refund(sale.package_id) == 7667
    result = clinic.packages.refund(sale.package_id, 7667)
    lines = clinic.billing.invoice(sale.invoice_id).lines
    assert [(l.kind, l.unit_price, l.tax, l.total) for l in lines] == \
        [("package", 10000, 1500, 11500), ("package_refund", -6667, -1000, -7667)]
    assert result.credit_created == 7667


def test_r26_suggested_refund_never_exceeds_what_was_collected(clinic, shop):
    p = shop["patient"]
    sale = clinic.billing.sell_package(p, shop["three_massages"])
    assert clinic.packages.suggested_refund(sale.package_id) == 0
    clinic.billing.receive_payment(p, 5000, "cash", invoice_id=sale.invoice_id)
    redeem(clinic, shop, sale.package_id, 1)
    # Collected 50.00, one use of 33.33 given: the suggestion keeps that use paid for
    # (R28a), while the desk may still override up to everything collected.
    assert clinic.packages.suggested_refund(sale.package_id) == 1667
    assert clinic.packages.refund_limit(sale.package_id) == 5000


def typed(clinic, amount):
    """Text read as the refund screen reads it (issue 16: the service takes int cents)."""
    return money.parse(amount, **clinic.money_context()) if isinstance(amount, str) else amount


@pytest.mark.parametrize("amount, credit", [(0, 0), ("0", 0), ("0.00", 0), (10000, 10000),
                                            ("100.00", 10000), ("12.34", 1234)])
def test_r26_any_amount_from_zero_to_collected_is_accepted(clinic, shop, amount, credit):
    p = shop["patient"]
    sale, _ = paid_sale(clinic, p, shop["three_massages"])
    result = clinic.packages.refund(sale.package_id, typed(clinic, amount))
    assert result.credit_created == credit
    assert clinic.billing.account(p).credit == credit
    assert clinic.packages.summary(sale.package_id).status == "refunded"


def test_r26_collected_plus_one_cent_is_refused(clinic, shop):
    p = shop["patient"]
    sale, _ = paid_sale(clinic, p, shop["three_massages"])
    error = refused(clinic, ValidationError, clinic.packages.refund, sale.package_id, 10001,
                    patients=(p,))
    assert error.field == "amount"
    assert str(error) == ("The refund can be at most $100.00, the total collected for this "
                          "package.")


def test_r26_the_limit_is_what_was_collected_not_the_price(clinic, shop):
    p = shop["patient"]
    sale = clinic.billing.sell_package(p, shop["three_massages"])
    clinic.billing.receive_payment(p, 4000, "cash", invoice_id=sale.invoice_id)
    refused(clinic, ValidationError, clinic.packages.refund, sale.package_id, 4001,
            patients=(p,), match="at most $40.00")
    assert clinic.packages.refund(sale.package_id, 4000).credit_created == 4000


@pytest.mark.parametrize("amount, message", [
    (-1, "The amount cannot be negative."),
    ("-0.01", "The amount cannot be negative."),
    ("abc", "The amount \u201cabc\u201d is not an amount; type a number like 12.50."),
    ("1.234", "The amount can have at most 2 digits after the decimal point."),
    (12.5, "The amount must be given as a whole number of cents, not a floating-point number."),
    ("", "Please enter the amount."),
    (None, "The amount must be given as a whole number of cents, not nothing."),
])
def test_r26_bad_amounts_are_refused_and_change_nothing(clinic, shop, amount, message):
    p = shop["patient"]
    sale, _ = paid_sale(clinic, p, shop["three_massages"])
    error = refused(clinic, ValidationError,
                    lambda: clinic.packages.refund(sale.package_id, typed(clinic, amount)),
                    patients=(p,))
    assert (error.field, str(error)) == ("amount", message)
    assert clinic.packages.summary(sale.package_id).status == "active"


def test_r26_a_package_is_refunded_once(clinic, shop):
    sale, _ = paid_sale(clinic, shop["patient"], shop["three_massages"])
    clinic.packages.refund(sale.package_id, 1000)
    refused(clinic, NotAllowed, clinic.packages.refund, sale.package_id, 0,
            match="already refunded")


# R27: the refund becomes credit, then goes back through the original payment

def test_r27_refund_becomes_credit_and_the_invoice_shows_it(clinic, shop):
    p = shop["patient"]
    sale, payment = paid_sale(clinic, p, shop["three_massages"])
    redeem(clinic, shop, sale.package_id, 1)
    result = clinic.packages.refund(sale.package_id, 6667)
    assert result.credit_created == 6667
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert (invoice.total, invoice.paid, invoice.balance, invoice.status) == \
        (3333, 3333, 0, "paid")
    account = clinic.billing.account(p)
    assert (account.invoiced, account.applied, account.owing, account.received,
            account.credit) == (3333, 3333, 0, 10000, 6667)
    row = clinic.billing.payment(payment)
    assert (row.applied, row.unapplied) == (3333, 6667)
    assert clinic.packages.refund_payments(sale.package_id) == [(payment, 6667)]
    with clinic.db.read() as s:
        apps = s.scalars(select(PaymentApplication).where(
            PaymentApplication.invoice_id == sale.invoice_id)
            .order_by(PaymentApplication.id)).all()
        assert [(a.amount, a.reason) for a in apps] == [(10000, "payment"),
                                                        (-6667, "package_refund")]


def test_r27_refund_payment_up_to_the_credit(clinic, shop):
    p = shop["patient"]
    sale, payment = paid_sale(clinic, p, shop["three_massages"])
    redeem(clinic, shop, sale.package_id, 1)
    result = clinic.packages.refund(sale.package_id, 6667)
    refused(clinic, ValidationError, clinic.billing.refund_payment, payment, 6668,
            patients=(p,), match="at most $66.67")
    first = clinic.billing.refund_payment(payment, 5000, method="cash",
                                          package_refund_id=result.package_refund_id)
    account = clinic.billing.account(p)
    assert (account.credit, account.refunded, account.received) == (1667, 5000, 10000)
    clinic.billing.refund_payment(payment, 1667)
    assert clinic.billing.account(p).credit == 0
    refused(clinic, ValidationError, clinic.billing.refund_payment, payment, 1,
            match="Nothing of this payment can be refunded")
    view = clinic.billing.payment_refund(first)
    assert (view.amount, view.method, view.package_name, view.package_refund_amount) == \
        (5000, "cash", "3 Massages", 6667)


def test_r27_refund_payment_no_more_than_the_payments_unapplied_part(clinic, shop):
    p = shop["patient"]
    sale = clinic.billing.sell_package(p, shop["three_massages"])
    older = clinic.billing.receive_payment(p, 5000, "cash", invoice_id=sale.invoice_id)
    newer = clinic.billing.receive_payment(p, 5000, "debit", invoice_id=sale.invoice_id)
    clinic.packages.refund(sale.package_id, 6000)
    # Un-applied newest payment first: all 50.00 of the debit, then 10.00 of the cash.
    assert [(r.id, r.unapplied) for r in clinic.billing.account(p).payments] == \
        [(newer, 5000), (older, 1000)]
    refused(clinic, ValidationError, clinic.billing.refund_payment, older, 1001,
            patients=(p,), match="at most $10.00 from this $50.00 payment")
    clinic.billing.refund_payment(older, 1000)
    clinic.billing.refund_payment(newer, 5000)
    account = clinic.billing.account(p)
    assert (account.credit, account.refunded, account.owing) == (0, 6000, 0)


def test_r27_a_payment_fully_applied_elsewhere_cannot_be_refunded(clinic, shop):
    p = shop["patient"]
    _, payment = paid_sale(clinic, p, shop["three_massages"])
    refused(clinic, ValidationError, clinic.billing.refund_payment, payment, 1, patients=(p,),
            match="Nothing of this payment can be refunded")


# R28: refunding invalidates the package at once and releases booked visits

def test_r28_refunded_package_is_invalid_at_once(clinic, shop):
    p = shop["patient"]
    sale, _ = paid_sale(clinic, p, shop["three_massages"])
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-10"),
                                       package=None)
    clinic.packages.refund(sale.package_id, 0)
    summary = clinic.packages.summary(sale.package_id)
    assert (summary.status, summary.uses_available, summary.uses_remaining) == \
        ("refunded", 0, 3)
    assert clinic.schedule.eligible_packages(p, shop["massage"], date(2026, 3, 10)) == []
    refused(clinic, NotAllowed, clinic.schedule.apply_package, appointment, sale.package_id,
            match="was refunded and can no longer be used")
    refused(clinic, NotAllowed, clinic.schedule.book, p, shop["ana"], shop["massage"],
            at("2026-03-11"), package=sale.package_id, match="was refunded")
    auto = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-12"))
    assert clinic.schedule.appointment(auto).package_id is None


def test_r28_booked_appointments_are_released_with_a_warning(clinic, shop):
    p = shop["patient"]
    sale, _ = paid_sale(clinic, p, shop["three_massages"])
    a = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-10", 9))
    b = clinic.schedule.book(p, shop["ben"], shop["massage"], at("2026-03-17", 14, 30))
    redeem(clinic, shop, sale.package_id, 1)
    result = clinic.packages.refund(sale.package_id, clinic.packages.suggested_refund(
        sale.package_id))
    assert result.credit_created == 6667
    assert [r.id for r in result.released_appointments] == [a, b]
    assert all(r.package_id is None for r in result.released_appointments)
    assert result.warnings == (
        "2 booked appointments lost this package and will be billed at the standard price: "
        "Mar 10, 2026, 9:00\u202fa.m. Massage 60 min with Ana Silva; Mar 17, 2026, "
        "2:30\u202fp.m. Massage 60 min with Ben Okafor.",)
    assert clinic.schedule.appointment(a).package_id is None
    summary = clinic.packages.summary(sale.package_id)
    assert (summary.uses_redeemed, summary.uses_booked) == (1, 0)
    assert clinic.billing.invoice(clinic.schedule.arrive(a)).total == 9000


def test_r28_no_warning_when_nothing_was_booked(clinic, shop):
    sale, _ = paid_sale(clinic, shop["patient"], shop["three_massages"])
    result = clinic.packages.refund(sale.package_id, 100)
    assert (result.released_appointments, result.warnings) == ((), ())
