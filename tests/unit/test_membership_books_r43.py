"""R43 in the books: a membership invoice is an ordinary invoice (paid, part-paid, owing);
its fee is revenue (R34 "memberships") on the day it is invoiced — the period's first day
whenever the desk runs then — posted in the journal (R35) to Membership Fees with its tax to
Sales Tax Payable; every entry balances and the balances tie; Day Close (R32) counts it as
any invoice; voiding it takes the revenue back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

AR, FEES, TAX15 = "Accounts Receivable", "Membership Fees", "Sales Tax Payable 15\u00a0%"
CASH = "Cash clearing"
MARCH, APRIL = (date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 4, 30))


@pytest.fixture
def members(clinic, catalog, clock):
    """Maria enrols in "Monthly Massage" ($90.00 + 15 %) on Mar 2 and pays the first month in
    cash; Apr 2's period is invoiced that morning and left owing $50.00 after a $53.50 cash
    payment; Joe, enrolled Mar 16, has his Apr 16 invoice voided (cancelled by mistake)."""
    plan = clinic.catalog.add_membership_plan(
        "Monthly Massage", fee=9000, period="1m", uses_per_period=2,
        eligible={catalog["massage"]: 0}, tax_rate=Decimal("0.15"))
    maria = catalog["patient"]
    joe = clinic.patients.add("Joe", "Bloggs", phone="902-555-0102")
    clock.set(datetime(2026, 3, 2, 9))
    clinic.memberships.enroll(maria, plan, start=date(2026, 3, 2))
    [first] = clinic.memberships.for_patient(maria)[0].periods
    clinic.billing.receive_payment(maria, 10350, "cash", invoice_id=first.invoice_id)
    clock.set(datetime(2026, 3, 16, 9))
    clinic.memberships.enroll(joe, plan, start=date(2026, 3, 16))
    clock.set(datetime(2026, 4, 2, 8))
    [april] = clinic.memberships.invoice_due()
    clinic.billing.receive_payment(maria, 5350, "cash", invoice_id=april)
    clock.set(datetime(2026, 4, 16, 8))
    [joes] = clinic.memberships.invoice_due()
    clinic.billing.void_invoice(joes, "enrolled by mistake")
    return {"maria": maria, "joe": joe, "april": april, "joes": joes}


def test_r43_membership_invoices_are_ordinary_invoices(clinic, members):
    maria = clinic.billing.account(members["maria"])
    assert maria.owing == 5000  # April part-paid
    april = clinic.billing.invoice(members["april"])
    assert [(line.description, line.total) for line in april.lines] == [
        ("Membership: Monthly Massage, Apr 2, 2026 to May 1, 2026", 10350)]


def test_r34_membership_fees_are_revenue_of_the_day_they_are_invoiced(clinic, members):
    march = clinic.reports.revenue(*MARCH)
    assert march.totals["memberships"] == 9000 + 9000
    assert {row.day: row.memberships for row in march.rows} == {
        date(2026, 3, 2): 9000, date(2026, 3, 16): 9000}
    april = clinic.reports.revenue(*APRIL)
    assert april.totals["memberships"] == 9000  # Joe's, voided the same day, taken back
    assert april.totals["total"] == 9000


def test_r35_membership_fees_post_to_membership_fees_with_tax_and_balance(clinic, members):
    entries = clinic.accounting.journal(*APRIL)
    assert all(sum(cents for _name, cents in e.postings) == 0 for e in entries)
    invoices = [(e.on, e.postings) for e in entries if e.description.startswith("Invoice")]
    assert invoices == [
        (date(2026, 4, 2), ((AR, 10350), (FEES, -9000), (TAX15, -1350))),
        (date(2026, 4, 16), ((AR, 10350), (FEES, -9000), (TAX15, -1350))),
        (date(2026, 4, 16), ((AR, -10350), (FEES, 9000), (TAX15, 1350)))]
    balances = clinic.accounting.balances(date(2026, 4, 30))
    owing = sum(clinic.billing.account(members[p]).owing for p in ("maria", "joe"))
    assert balances["receivable"] == owing == 5000 + 10350  # Joe's March still owing
    assert balances["revenue:membership"] == -(9000 * 3)
    assert balances["sales_tax:0.15"] == -(1350 * 3)
    assert balances["clearing:cash"] == 10350 + 5350


def test_r32_day_close_counts_a_membership_invoice_as_any_invoice(clinic, members):
    day = clinic.reports.day_close(date(2026, 4, 2)).totals
    assert (day["invoices_issued"], day["invoices_issued_total"],
            day["invoices_issued_tax"]) == (1, 10350, 1350)
    voided = clinic.reports.day_close(date(2026, 4, 16)).totals
    assert (voided["invoices_voided"], voided["invoices_voided_total"]) == (1, 10350)
