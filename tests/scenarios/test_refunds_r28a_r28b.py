"""A refund settles the sale invoice (R28a) and makes the package's uses final (R28b)."""

from __future__ import annotations

from datetime import date

import pytest

from app.services import NotAllowed, ValidationError
from app.services.integrity import ledger_problems

from scenarios.support import at, paid_sale, refused


@pytest.fixture
def hst_pack(clinic, shop):
    """The first day's package: $510.00 + 15% HST = $586.50 over 10 massages; one use is
    worth $58.65 of what was charged (R3)."""
    return clinic.catalog.add_package_template(
        "10 Massages + HST", price=51000, uses=10, eligible={shop["massage"]: 0},
        tax_rate="0.15", validity=None)


def redeem(clinic, shop, package, count):
    for n in range(count):
        clinic.schedule.arrive(clinic.schedule.book(shop["patient"], shop["ana"],
                                                    shop["massage"], at(date(2026, 3, 3 + n)),
                                                    package=package))


def sold(clinic, shop, template, paid=0):
    sale = clinic.billing.sell_package(shop["patient"], template)
    if paid:
        clinic.billing.receive_payment(shop["patient"], paid, "cash", invoice_id=sale.invoice_id)
    return sale


def figures(clinic, sale):
    invoice = clinic.billing.invoice(sale.invoice_id)
    return invoice.total, invoice.paid, invoice.balance, invoice.status


# R28a

def test_r28a_the_first_day_case_586_50_with_200_paid_refunded_200_owes_nothing(
        clinic, shop, hst_pack):
    sale = sold(clinic, shop, hst_pack, paid=20000)
    clinic.packages.refund(sale.package_id, 20000)
    assert figures(clinic, sale) == (0, 0, 0, "paid")
    lines = clinic.billing.invoice(sale.invoice_id).lines
    assert [(l.kind, l.description, l.unit_price, l.tax, l.total) for l in lines] == [
        ("package", "Package: 10 Massages + HST", 51000, 7650, 58650),
        ("package_refund", "Unused uses cancelled: 10 Massages + HST", -51000, -7650, -58650)]
    assert clinic.billing.account(shop["patient"]).owing == 0
    refused(clinic, ValidationError, clinic.billing.receive_payment, shop["patient"], 100,
            "cash", allocations={sale.invoice_id: 100}, match="has only $0.00 left to pay")
    assert ledger_problems(clinic) == []


def test_r28a_unpaid_refunded_for_zero_leaves_only_the_redeemed_uses_owing(
        clinic, shop, hst_pack):
    sale = sold(clinic, shop, hst_pack)
    redeem(clinic, shop, sale.package_id, 2)
    clinic.packages.refund(sale.package_id, 0)
    # Two uses given: 58.65 + 58.65 of the 586.50 charged.
    assert figures(clinic, sale) == (11730, 0, 11730, "unpaid")
    (_, cancel) = clinic.billing.invoice(sale.invoice_id).lines
    assert (cancel.kind, cancel.unit_price, cancel.tax, cancel.total, cancel.staff_name) == \
        ("package_refund", -40800, -6120, -46920, "")
    assert ledger_problems(clinic) == []


def test_r28a_unpaid_and_unused_refunded_for_zero_is_settled(clinic, shop, hst_pack):
    sale = sold(clinic, shop, hst_pack)
    clinic.packages.refund(sale.package_id, 0)
    assert figures(clinic, sale) == (0, 0, 0, "paid")


def test_r28a_partly_paid_keeps_what_the_clinic_kept_when_more_than_the_uses(
        clinic, shop, hst_pack):
    sale = sold(clinic, shop, hst_pack, paid=30000)
    redeem(clinic, shop, sale.package_id, 2)
    # The rule's 469.20 is capped at what was collected beyond the two uses given:
    # 300.00 - 117.30. Refunding that settles the invoice, owing nothing.
    assert clinic.packages.suggested_refund(sale.package_id) == 18270
    clinic.packages.refund(sale.package_id, 10000)
    assert figures(clinic, sale) == (20000, 20000, 0, "paid")
    assert clinic.billing.account(shop["patient"]).credit == 10000


def test_r28a_the_suggestion_of_a_partly_paid_package_leaves_nobody_owing(
        clinic, shop, hst_pack):
    sale = sold(clinic, shop, hst_pack, paid=30000)
    redeem(clinic, shop, sale.package_id, 2)
    suggestion = clinic.packages.refund_suggestion(sale.package_id)
    assert (suggestion.by_rule, suggestion.given_value, suggestion.cap, suggestion.capped) == \
        (46920, 11730, 18270, True)
    clinic.packages.refund(sale.package_id, suggestion.amount)
    assert figures(clinic, sale) == (11730, 11730, 0, "paid")
    assert clinic.billing.account(shop["patient"]).credit == 18270
    assert ledger_problems(clinic) == []


def test_r28a_partly_paid_refunded_in_full_owes_the_uses_it_had(clinic, shop, hst_pack):
    sale = sold(clinic, shop, hst_pack, paid=20000)
    redeem(clinic, shop, sale.package_id, 2)
    clinic.packages.refund(sale.package_id, 20000)
    assert figures(clinic, sale) == (11730, 0, 11730, "unpaid")
    assert clinic.billing.account(shop["patient"]).credit == 20000
    assert ledger_problems(clinic) == []


@pytest.mark.parametrize("refund, settled", [
    (46920, (11730, 11730, 0, "paid")),     # the suggestion: exactly the two uses kept
    (30000, (28650, 28650, 0, "paid")),     # less than suggested: the clinic keeps more
    (50000, (11730, 8650, 3080, "partially paid")),  # more: the uses given are still owed
    (58650, (11730, 0, 11730, "unpaid")),   # everything back: the uses given are owed
])
def test_r28a_paid_in_full_with_an_override(clinic, shop, hst_pack, refund, settled):
    sale, _ = paid_sale(clinic, shop["patient"], hst_pack)
    redeem(clinic, shop, sale.package_id, 2)
    assert clinic.packages.suggested_refund(sale.package_id) == 46920
    clinic.packages.refund(sale.package_id, refund)
    assert figures(clinic, sale) == settled
    assert clinic.billing.account(shop["patient"]).credit == refund
    assert ledger_problems(clinic) == []


def test_r28a_paid_in_full_refunded_for_zero_stays_as_it_was(clinic, shop, hst_pack):
    sale, _ = paid_sale(clinic, shop["patient"], hst_pack)
    clinic.packages.refund(sale.package_id, 0)
    assert figures(clinic, sale) == (58650, 58650, 0, "paid")
    assert [l.kind for l in clinic.billing.invoice(sale.invoice_id).lines] == ["package"]


def test_r28a_more_uses_redeemed_than_paid_for_are_owed_and_can_be_collected(
        clinic, shop, hst_pack):
    p = shop["patient"]
    sale = sold(clinic, shop, hst_pack, paid=10000)
    redeem(clinic, shop, sale.package_id, 5)
    # 5 uses given (293.25) but 100.00 paid: nothing was collected beyond the uses given,
    # so nothing is suggested.
    assert clinic.packages.suggested_refund(sale.package_id) == 0
    clinic.packages.refund(sale.package_id, 0)
    assert figures(clinic, sale) == (29325, 10000, 19325, "partially paid")
    refused(clinic, ValidationError, clinic.billing.receive_payment, p, 19326, "cash",
            allocations={sale.invoice_id: 19326}, match="has only $193.25 left to pay")
    clinic.billing.receive_payment(p, 19325, "debit", invoice_id=sale.invoice_id)
    assert figures(clinic, sale) == (29325, 29325, 0, "paid")
    assert ledger_problems(clinic) == []


def test_r28a_a_settled_invoice_is_still_not_voided_nor_refunded_again(clinic, shop, hst_pack):
    sale = sold(clinic, shop, hst_pack, paid=20000)
    clinic.packages.refund(sale.package_id, 20000)
    refused(clinic, NotAllowed, clinic.billing.void_invoice, sale.invoice_id, "mistake",
            match="refund the package instead")
    refused(clinic, NotAllowed, clinic.packages.refund, sale.package_id, 0,
            match="already refunded")


def test_r28a_the_package_sales_report_agrees_with_the_settled_invoice(clinic, shop, hst_pack):
    sale = sold(clinic, shop, hst_pack, paid=20000)
    redeem(clinic, shop, sale.package_id, 2)
    clinic.packages.refund(sale.package_id, 20000)
    (row,) = clinic.reports.package_sales(date(2026, 1, 1), date(2026, 12, 31)).sections[0].rows
    # Collected is before the refund; the invoice keeps the uses given, which are owed.
    assert (row.price, row.tax, row.collected, row.refunded, row.status) == \
        (51000, 7650, 20000, 20000, "refunded")
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert invoice.total == invoice.paid + invoice.balance == 11730
    outstanding = clinic.reports.outstanding(date(2026, 12, 31)).sections[0].rows
    assert outstanding == ()


# R28b

def test_r28b_undoing_an_arrival_of_a_refunded_package_is_refused(clinic, shop):
    p = shop["patient"]
    sale, _ = paid_sale(clinic, p, shop["three_physio"])
    appointment = clinic.schedule.book(p, shop["ana"], shop["physio"], at("2026-03-03"))
    visit_invoice = clinic.schedule.arrive(appointment)
    clinic.packages.refund(sale.package_id, 6667)
    number = clinic.billing.invoice(visit_invoice).number
    error = refused(clinic, NotAllowed, clinic.schedule.undo_arrival, appointment,
                    patients=(p,))
    assert str(error) == (
        "This visit used one of the uses of \u201c3 Physio\u201d, which was refunded: the "
        "refund counted it, so it is final and the arrival cannot be undone. To stop charging "
        f"the patient for it, void its invoice #{number} in Patient Billing instead.")
    assert clinic.schedule.can_undo(appointment) == str(error)
    assert clinic.packages.summary(sale.package_id).uses_redeemed == 1


def test_r28b_voiding_the_visits_invoice_is_the_way_and_the_use_stays(clinic, shop):
    p = shop["patient"]
    sale, _ = paid_sale(clinic, p, shop["three_physio"])
    appointment = clinic.schedule.book(p, shop["ana"], shop["physio"], at("2026-03-03"))
    visit_invoice = clinic.schedule.arrive(appointment)
    clinic.billing.receive_payment(p, 1150, "cash", invoice_id=visit_invoice)
    clinic.packages.refund(sale.package_id, 6667)
    assert clinic.billing.void_invoice(visit_invoice, "Visit not to be charged") == 1150
    assert clinic.billing.invoice(visit_invoice).status == "void"
    assert clinic.schedule.appointment(appointment).status == "arrived"
    assert clinic.packages.summary(sale.package_id).uses_redeemed == 1
    assert clinic.schedule.can_undo(appointment) == (
        "This visit used one of the uses of \u201c3 Physio\u201d, which was refunded: the "
        "refund counted it, so it is final and the arrival cannot be undone.")
    refused(clinic, NotAllowed, clinic.schedule.undo_arrival, appointment,
            match="cannot be undone")
    assert ledger_problems(clinic) == []


def test_r28b_undoing_a_covered_no_show_of_a_refunded_package_is_refused(clinic, shop):
    p = shop["patient"]
    sale, _ = paid_sale(clinic, p, shop["three_massages"])
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    clinic.schedule.no_show(appointment, use_package=True)
    clinic.packages.refund(sale.package_id, 0)
    refused(clinic, NotAllowed, clinic.schedule.undo_no_show, appointment, patients=(p,),
            match="so it is final and the no-show cannot be undone. To stop charging the "
                  "patient for it, void its invoice")
    assert clinic.packages.summary(sale.package_id).uses_redeemed == 1


def test_r28b_a_fee_no_show_after_a_refund_can_still_be_undone(clinic, shop):
    p = shop["patient"]
    sale, _ = paid_sale(clinic, p, shop["three_massages"])
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    clinic.schedule.no_show(appointment, use_package=False, fee_id=shop["no_show_fee"])
    clinic.packages.refund(sale.package_id, 0)
    assert clinic.schedule.can_undo(appointment) is None
    (warning,) = clinic.schedule.undo_no_show(appointment)
    assert "was refunded" in warning
    assert clinic.schedule.appointment(appointment).package_id is None


def test_r28b_visits_of_live_packages_and_standard_visits_can_be_undone(clinic, shop):
    p = shop["patient"]
    sale, _ = paid_sale(clinic, p, shop["three_massages"])
    covered = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    plain = clinic.schedule.book(p, shop["ana"], shop["acu"], at("2026-03-04"))
    clinic.schedule.arrive(covered)
    clinic.schedule.arrive(plain)
    assert clinic.schedule.can_undo(covered) is None
    assert clinic.schedule.can_undo(plain) is None
    assert clinic.schedule.undo_arrival(covered) == []
    assert clinic.schedule.can_undo(covered) == (
        "This appointment is not marked as arrived or as a no-show, so there is nothing to "
        "undo.")
    refused(clinic, NotAllowed, clinic.billing.void_invoice,
            clinic.schedule.appointment(plain).invoice_id, "mistake", match="undo the arrival")
