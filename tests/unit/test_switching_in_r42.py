"""R42 Switching in: a package sold before ClinicDesk, brought in with its uses already had
and what was collected, is a real package from then on (its next use is use k+1 with R3's
value, refundable up to what was collected, in the reports), marked imported, with none of
it in today's Day Close, and in R33 and the journal as opening liability, never a sale."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain.liability import value_left
from app.models import Invoice, InvoiceLine, Package, PackageTemplate
from app.services.errors import NotFound, ValidationError

TODAY = date(2026, 3, 2)  # the conftest clock's day
BOUGHT = date(2025, 11, 20)


@pytest.fixture
def imported(clinic, catalog):
    """Maria's "10 Massages" ($800.00) bought Nov 20, 2025, 3 uses had, $500.00 collected."""
    return clinic.packages.import_existing(
        catalog["patient"], template_id=catalog["ten_massages"], uses_used=3, collected=50000,
        purchased_on=BOUGHT, expires_on=date(2026, 11, 20))


def test_r42_an_imported_package_goes_on_after_its_earlier_uses(clinic, catalog, imported,
                                                                  clock):
    summary = clinic.packages.summary(imported)
    assert (summary.uses_total, summary.uses_redeemed, summary.uses_remaining,
            summary.uses_available, summary.status) == (10, 3, 7, 7, "active")
    assert summary.imported_on == TODAY and summary.purchased_on == BOUGHT
    assert summary.price == 80000

    # booking applies it as any package (R10), and its first use here is use 4 of 10
    visit = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                 datetime(2026, 3, 3, 10))
    clock.set(datetime(2026, 3, 3, 11))
    clinic.schedule.arrive(visit)
    detail = clinic.packages.detail(imported)
    (use,) = detail.redemptions
    assert use.use_number == 4 and use.per_use_value == 8000
    assert clinic.packages.summary(imported).uses_redeemed == 4
    words = " ".join(line.use_line or "" for line in
                     clinic.billing.invoice(clinic.schedule.appointment(visit).invoice_id).lines)
    assert "use 4 of 10" in words  # (said once, on the use line: R41)


def test_r42_what_was_not_collected_is_owed_on_its_opening_invoice(clinic, catalog, imported):
    account = clinic.billing.account(catalog["patient"])
    assert (account.invoiced, account.applied, account.owing, account.credit) == \
        (80000, 50000, 30000, 0)
    with clinic.db.read() as s:
        package = s.get(Package, imported)
        invoice = s.get(Invoice, package.invoice_id)
        (line,) = s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))
        assert invoice.issued_on == BOUGHT and invoice.tax == 0
        assert line.kind == "imported_package"
        invoice_id = invoice.id
    # the rest is paid as any balance is
    clinic.billing.receive_payment(catalog["patient"], 30000, "cash", invoice_id=invoice_id)
    assert clinic.billing.account(catalog["patient"]).owing == 0


def test_r42_refunded_up_to_what_was_collected(clinic, catalog, imported):
    suggestion = clinic.packages.refund_suggestion(imported)
    # R26: 800 × 7/10 = 560, capped at what was collected beyond the 3 uses given (R28a)
    assert suggestion.collected == 50000 and suggestion.by_rule == 56000
    assert suggestion.amount == 50000 - 3 * 8000
    result = clinic.packages.refund(imported, suggestion.amount)
    assert result.credit_created == 26000
    assert clinic.billing.account(catalog["patient"]).credit == 26000
    assert clinic.packages.summary(imported).status == "refunded"
    payment_id, refundable = clinic.packages.refund_payments(imported)[0]
    assert refundable == 26000
    clinic.billing.refund_payment(payment_id, 26000, method="cash")
    assert clinic.billing.account(catalog["patient"]).credit == 0


def test_r42_no_money_of_today_in_the_day_close(clinic, catalog, imported):
    t = clinic.reports.day_close(TODAY).totals
    assert t["packages_sold"] == t["packages_sold_value"] == 0
    assert t["received"] == t["invoices_issued"] == t["invoices_issued_total"] == 0
    assert t["expected_cash"] == 0


def test_r42_opening_liability_never_sold(clinic, catalog, imported):
    left = value_left(80000, 10, 3)
    for start, end in ((date(2025, 11, 1), date(2025, 11, 30)),  # its purchase's month
                       (date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 1), TODAY)):
        t = clinic.reports.package_liability(start, end).totals
        assert (t["opening"], t["sold"], t["closing"]) == (left, 0, left), (start, t)
    # the package sales list shows it as it is, imported; the outstanding list counts its uses
    outstanding = clinic.reports.outstanding(TODAY)
    (row,) = [r for r in outstanding.rows if r.package_id == imported]
    assert (row.uses_redeemed, row.uses_remaining, row.unredeemed_value) == (3, 7, left)
    assert row.package_name == "10 Massages (imported)"
    (sale,) = clinic.reports.package_sales(date(2025, 11, 1), TODAY).rows
    assert (sale.package_name, sale.collected, sale.status) == \
        ("10 Massages (imported)", 50000, "active")


def test_r42_the_journal_balances_and_ties_to_the_balances(clinic, catalog, imported, clock):
    clinic.schedule.arrive(clinic.schedule.book(catalog["patient"], catalog["ana"],
                                                catalog["massage"], datetime(2026, 3, 2, 11)))
    for start in (BOUGHT, date(2026, 1, 1), TODAY):
        for entry in clinic.accounting.journal(start, TODAY):
            assert sum(cents for _n, cents in entry.postings) == 0, entry
    balances = clinic.accounting.balances(TODAY)
    closing = clinic.reports.package_liability(TODAY, TODAY).totals["closing"]
    assert closing == value_left(80000, 10, 4)
    assert balances["deferred"] == -closing
    assert balances["receivable"] == clinic.billing.account(catalog["patient"]).owing == 30000
    assert not any(role.startswith("clearing:") for role in balances)  # no till holds it
    assert balances.get("revenue:package_use") == -8000  # (a credit) only the use given here


def test_r42_without_a_template_it_is_its_own_archived_terms(clinic, catalog):
    package_id = clinic.packages.import_existing(
        catalog["patient"], name="Old 5-pack", price=40000, uses=5, uses_used=0,
        collected=40000, purchased_on=date(2026, 1, 5), expires_on=None)
    summary = clinic.packages.summary(package_id)
    assert (summary.name, summary.uses_total, summary.expires_on) == ("Old 5-pack", 5, None)
    with clinic.db.read() as s:
        template = s.get(PackageTemplate, s.get(Package, package_id).template_id)
        assert template.archived and template.name == "Old 5-pack"
    covered = {c.treatment_type_id for c in clinic.packages.detail(package_id).coverage}
    assert covered == {catalog["massage"], catalog["physio"], catalog["acu"]}
    assert clinic.billing.account(catalog["patient"]).owing == 0


def test_r42_used_up_when_every_use_was_had(clinic, catalog):
    package_id = clinic.packages.import_existing(
        catalog["patient"], template_id=catalog["three_physio"], uses_used=3, collected=0,
        purchased_on=date(2026, 1, 5), expires_on=None)
    assert clinic.packages.summary(package_id).status == "used up"


@pytest.mark.parametrize("changes, field, words", [
    (dict(uses_used=11), "uses_used", "(11) cannot be more than the package\u2019s 10 uses"),
    (dict(uses_used=-1), "uses_used", "cannot be fewer than 0"),
    (dict(collected=80001), "collected", "($800.01) cannot be more than the package\u2019s "
                                         "price ($800.00)"),
    (dict(collected=-1), "collected", "cannot be less than $0.00"),
    (dict(expires_on=date(2025, 11, 19)), "expires_on",
     "(Nov 19, 2025) cannot be before the purchase date (Nov 20, 2025)"),
    (dict(purchased_on=date(2026, 3, 3), expires_on=None), "purchased_on",
     "(Mar 3, 2026) cannot be after today (Mar 2, 2026)"),
    (dict(template_id=None), "template_id", "Choose the package template, or enter"),
    (dict(template_id=None, name="Old", price=1000), "template_id", "number of uses"),
    (dict(uses_used="three"), "uses_used", "must be a whole number"),
])
def test_r42_refusals_name_the_field_and_the_limit(clinic, catalog, changes, field, words):
    terms = dict(template_id=catalog["ten_massages"], uses_used=3, collected=50000,
                 purchased_on=BOUGHT, expires_on=date(2026, 11, 20), **{})
    terms.update(changes)
    with pytest.raises(ValidationError) as refused:
        clinic.packages.import_existing(catalog["patient"], **terms)
    assert refused.value.field == field and words in str(refused.value)
    assert clinic.packages.for_patient(catalog["patient"]) == []
    assert clinic.billing.account(catalog["patient"]).invoiced == 0


def test_r42_an_unknown_patient_or_template_is_refused(clinic, catalog):
    with pytest.raises(NotFound):
        clinic.packages.import_existing(999, template_id=catalog["ten_massages"], uses_used=0,
                                        collected=0, purchased_on=BOUGHT, expires_on=None)
    with pytest.raises(NotFound):
        clinic.packages.import_existing(catalog["patient"], template_id=999, uses_used=0,
                                        collected=0, purchased_on=BOUGHT, expires_on=None)


def test_r42_bought_today_in_the_old_system_is_still_not_todays_money(clinic, catalog):
    clinic.packages.import_existing(
        catalog["patient"], template_id=catalog["three_physio"], uses_used=0, collected=5000,
        purchased_on=TODAY, expires_on=None)
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clinic.billing.receive_payment(catalog["patient"], 1000, "cash", invoice_id=sale.invoice_id)
    t = clinic.reports.day_close(TODAY).totals
    assert (t["packages_sold"], t["packages_sold_value"]) == (1, 80000)
    assert (t["invoices_issued"], t["invoices_issued_total"]) == (1, 80000)
    assert t["received"] == t["cash_in"] == t["expected_cash"] == 1000
    assert t["credit_created"] == t["credit_used"] == 0
    liability = clinic.reports.package_liability(TODAY, TODAY).totals
    assert (liability["opening"], liability["sold"]) == (10000, 80000)


def test_r42_its_opening_invoice_is_never_voided_refund_the_package_instead(
        clinic, catalog, imported):
    invoice_id = clinic.packages.summary(imported).invoice_id
    from app.services.errors import NotAllowed
    with pytest.raises(NotAllowed, match="was sold before ClinicDesk; refund the package"):
        clinic.billing.void_invoice(invoice_id, reason="entered twice")
    assert clinic.packages.summary(imported).status == "active"
