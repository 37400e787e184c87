"""R35 the journal as clinic.accounting gives it: on a clinic with known operations, each kind
of money event's entry with its postings to the cent, every entry balanced, the same period
giving the same entries, a period opening on the balances before it, and bad periods refused
naming the field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.services.errors import ValidationError

MAR = lambda day, hour=10: datetime(2026, 3, day, hour)  # noqa: E731
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
AR, CREDIT, DEFERRED = "Accounts Receivable", "Patient Credit", "Deferred Revenue \u2013 Packages"
CASH, DEBIT, TAX13, TAX15 = ("Cash clearing", "Debit clearing",
                             "Sales Tax Payable 13\u00a0%", "Sales Tax Payable 15\u00a0%")
PACKAGES, BREAKAGE, ADJUST = "Revenue \u2013 Packages", "Breakage", "Refund Adjustments"


@pytest.fixture
def books(clinic, catalog, clock):
    """March 2026 at Harbour Physio, one event of each kind:
    2nd  Maria buys 3 Physio ($100.00, no tax) and pays it in cash;
    3rd  she arrives for physio, covered (Patient Pays $10.00 + 15 % tax), paid by debit;
    4th  Joe has a massage ($90.00), unpaid, and misses another (no-show fee $40.00);
    5th  Joe buys "2 Taxed" ($100.00 + 13 %) and pays $113.00 cash; Maria's package is
         refunded $66.67 (two uses left) and the money handed back in cash;
    6th  Joe's "2 Taxed" is refunded in full ($113.00: nothing used), left as credit;
    9th  Joe buys 10 Massages ($800.00), voided the same day (sold by mistake)."""
    ana, maria = catalog["ana"], catalog["patient"]
    joe = clinic.patients.add("Joe", "Bloggs", phone="902-555-0102")
    taxed = clinic.catalog.add_package_template("2 Taxed", price=10000, uses=2,
                                                eligible={catalog["acu"]: 0},
                                                tax_rate=Decimal("0.13"))
    clock.set(MAR(2, 9))
    physio = clinic.billing.sell_package(maria, catalog["three_physio"])
    cash = clinic.billing.receive_payment(maria, 10000, "cash", invoice_id=physio.invoice_id)
    clock.set(MAR(3, 11))
    visit = clinic.schedule.book(maria, ana, catalog["physio"], MAR(3))
    clinic.schedule.arrive(visit)
    clinic.billing.receive_payment(maria, 1150, "debit")
    clock.set(MAR(4, 11))
    clinic.schedule.arrive(clinic.schedule.book(joe, ana, catalog["massage"], MAR(4)))
    clinic.schedule.no_show(clinic.schedule.book(joe, ana, catalog["acu"], MAR(4, 14)),
                            use_package=False, fee_id=catalog["no_show_fee"])
    clock.set(MAR(5, 11))
    sale = clinic.billing.sell_package(joe, taxed)
    clinic.billing.receive_payment(joe, 11300, "cash", invoice_id=sale.invoice_id)
    clinic.packages.refund(physio.package_id, 6667)
    clinic.billing.refund_payment(cash, 6667, method="cash")
    clock.set(MAR(6, 11))
    clinic.packages.refund(sale.package_id, 11300)
    clock.set(MAR(9, 11))
    mistake = clinic.billing.sell_package(joe, catalog["ten_massages"])
    clinic.billing.void_invoice(mistake.invoice_id, "sold by mistake")
    return {"maria": maria, "joe": joe, "physio": physio.package_id, "taxed": sale.package_id}


def test_r35_each_event_posts_its_entry_to_the_cent(clinic, books):
    got = [(e.on, e.description, e.reference, e.postings)
           for e in clinic.accounting.journal(*MARCH)]
    d = lambda day: date(2026, 3, day)  # noqa: E731
    assert got == [
        (d(2), "Invoice #1 \u2014 Maria Lopez", "Invoice #1",
         ((AR, 10000), (DEFERRED, -10000))),
        # a payment with what it paid on invoices as it was received: one entry
        (d(2), "Payment \u2014 cash \u2014 Maria Lopez \u2014 Invoice #1", "Payment #1",
         ((CASH, 10000), (AR, -10000))),
        # the covered visit: Patient Pays and its tax, and the use's value leaves Deferred
        (d(3), "Invoice #2 \u2014 Maria Lopez", "Invoice #2",
         ((AR, 1150), ("Patient Pays", -1000), (TAX15, -150))),
        (d(3), "Payment \u2014 debit \u2014 Maria Lopez \u2014 Invoice #2", "Payment #2",
         ((DEBIT, 1150), (AR, -1150))),
        (d(3), "Package use \u2014 3 Physio \u2014 Maria Lopez", "Package #1",
         ((DEFERRED, 3333), (PACKAGES, -3333))),
        (d(4), "Invoice #3 \u2014 Joe Bloggs", "Invoice #3",
         ((AR, 9000), ("Treatments", -9000))),
        (d(4), "Invoice #4 \u2014 Joe Bloggs", "Invoice #4",
         ((AR, 4000), ("No-Show Fees", -4000))),
        (d(5), "Invoice #5 \u2014 Joe Bloggs", "Invoice #5",
         ((AR, 11300), (DEFERRED, -10000), (TAX13, -1300))),
        (d(5), "Payment \u2014 cash \u2014 Joe Bloggs \u2014 Invoice #5", "Payment #3",
         ((CASH, 11300), (AR, -11300))),
        # Maria's refund: the money back into credit, the two uses left released, the
        # sale cut by its "Unused uses cancelled" line, then the cash handed back
        (d(5), "Payment taken back from invoice #1 \u2014 Maria Lopez", "Invoice #1",
         ((CREDIT, -6667), (AR, 6667))),
        (d(5), "Package refunded \u2014 3 Physio \u2014 Maria Lopez", "Package #1",
         ((DEFERRED, 6667), (ADJUST, -6667))),
        (d(5), "Unused uses cancelled \u2014 3 Physio \u2014 Maria Lopez", "Invoice #1",
         ((ADJUST, 6667), (AR, -6667))),
        (d(5), "Refund \u2014 cash \u2014 Maria Lopez", "Refund #1",
         ((CREDIT, 6667), (CASH, -6667))),
        # Joe's taxed package, refunded whole: the tax it charged is given back
        (d(6), "Payment taken back from invoice #5 \u2014 Joe Bloggs", "Invoice #5",
         ((CREDIT, -11300), (AR, 11300))),
        (d(6), "Package refunded \u2014 2 Taxed \u2014 Joe Bloggs", "Package #2",
         ((DEFERRED, 10000), (ADJUST, -10000))),
        (d(6), "Unused uses cancelled \u2014 2 Taxed \u2014 Joe Bloggs", "Invoice #5",
         ((ADJUST, 10000), (AR, -11300), (TAX13, 1300))),
        # a sale voided the same day: issued, then every line taken back
        (d(9), "Invoice #6 \u2014 Joe Bloggs", "Invoice #6",
         ((AR, 80000), (DEFERRED, -80000))),
        (d(9), "Invoice #6 voided \u2014 Joe Bloggs", "Invoice #6",
         ((AR, -80000), (DEFERRED, 80000))),
    ]


def test_r35_a_payment_is_one_entry_with_what_it_paid_as_it_was_received(clinic, catalog,
                                                                        clock):
    """Paying two invoices and leaving credit is one entry (Cr receivables what it paid, Cr
    credit the rest); the credit applied to a later invoice is an entry of its own."""
    ana, maria = catalog["ana"], catalog["patient"]
    clock.set(MAR(2, 11))
    for hour in (9, 10):
        clinic.schedule.arrive(clinic.schedule.book(maria, ana, catalog["massage"],
                                                    MAR(2, hour)))
    paid = clinic.billing.receive_payment(maria, 20000, "cash")  # two visits of $90.00
    clock.set(MAR(3, 11))
    third = clinic.schedule.arrive(clinic.schedule.book(maria, ana, catalog["massage"],
                                                        MAR(3)))
    assert clinic.billing.apply_credit(maria, third) == 2000
    got = [(e.on, e.description, e.reference, e.postings)
           for e in clinic.accounting.journal(*MARCH) if "Payment" in e.reference
           or "Credit" in e.description]
    assert got[0] == (date(2026, 3, 2), "Payment \u2014 cash \u2014 Maria Lopez",
                      f"Payment #{paid}", ((CASH, 20000), (AR, -18000), (CREDIT, -2000)))
    assert got[1][0] == date(2026, 3, 3)
    assert got[1][1].startswith("Credit applied to invoice #3")
    assert got[1][3] == ((CREDIT, 2000), (AR, -2000))
    assert len(got) == 2
    with clinic.db.read() as s:
        from app.services.accounting.opening import balance_sheet
        assert balance_sheet(s, date(2026, 3, 3))["receivable"] == 9000 - 2000


def test_r35_every_entry_balances_and_the_same_period_gives_the_same_entries(clinic, books):
    first = clinic.accounting.journal(*MARCH)
    assert first and all(sum(cents for _, cents in e.postings) == 0 for e in first)
    assert all(cents != 0 and isinstance(cents, int) for e in first for _, cents in e.postings)
    names = {a.name for a in clinic.accounting.accounts()}
    assert {name for e in first for name, _ in e.postings} <= names
    assert clinic.accounting.journal(*MARCH) == first
    assert list(clinic.accounting.iter_journal(*MARCH)) == first


def test_r35_balances_tie_to_owing_credit_and_the_package_liability(clinic, books):
    balances = clinic.accounting.balances(date(2026, 3, 31))
    maria, joe = (clinic.billing.account(books[p]) for p in ("maria", "joe"))
    assert balances["receivable"] == maria.owing + joe.owing == 9000 + 4000
    assert -balances["credit"] == maria.credit + joe.credit == 11300  # Joe's refund
    closing = clinic.reports.package_liability(*MARCH).totals["closing"]
    assert -balances.get("deferred", 0) == closing == 0
    assert balances["clearing:cash"] == 10000 + 11300 - 6667
    assert balances["sales_tax:0.15"] == -150 and "sales_tax:0.13" not in balances
    assert "revenue:refund_adjustment" not in balances  # the refunds released what they cut
    assert balances["revenue:package_use"] == -3333


def test_r35_a_later_period_opens_on_the_balances_before_it(clinic, books):
    """From the 5th: one "Opening balances" entry on the 5th with the balance-sheet accounts
    at the end of the 4th; the period's own entries then close where the whole journal does."""
    later = clinic.accounting.journal(date(2026, 3, 5), date(2026, 3, 31))
    opening = later[0]
    assert (opening.on, opening.description) == (date(2026, 3, 5), "Opening balances")
    assert dict(opening.postings) == {
        CASH: 10000, DEBIT: 1150, AR: 13000,
        DEFERRED: -6667,  # R33's opening: Maria's two uses left
        TAX15: -150, "Opening Balances": -(10000 + 1150 + 13000 - 6667 - 150)}
    assert clinic.reports.package_liability(date(2026, 3, 5), date(2026, 3, 31)) \
        .totals["opening"] == 6667
    whole = clinic.accounting.journal(*MARCH)
    assert later[1:] == [e for e in whole if e.on >= date(2026, 3, 5)]
    sheet = {CASH, DEBIT, AR, CREDIT, DEFERRED, TAX13, TAX15}
    assert totals(later, sheet) == totals(whole, sheet)


def totals(entries, accounts) -> dict[str, int]:
    out: dict[str, int] = {}
    for entry in entries:
        for name, cents in entry.postings:
            if name in accounts:
                out[name] = out.get(name, 0) + cents
    return {name: cents for name, cents in out.items() if cents}


def test_r35_the_first_period_has_no_opening_entry_and_an_empty_one_is_empty(clinic, books):
    assert clinic.accounting.journal(date(2026, 1, 1), date(2026, 2, 28)) == []
    march = clinic.accounting.journal(date(2026, 2, 1), date(2026, 3, 31))
    assert all(e.description != "Opening balances" for e in march)
    quiet = clinic.accounting.journal(date(2026, 3, 20), date(2026, 3, 21))
    assert [e.description for e in quiet] == ["Opening balances"]


def test_r35_expired_and_reinstated_uses_post_to_breakage(clinic, catalog, clock):
    maria = catalog["patient"]
    package = clinic.billing.sell_package(maria, catalog["three_physio"]).package_id
    clock.set(MAR(6, 11))
    clinic.packages.set_expiry(package, date(2026, 3, 7))
    clock.set(MAR(9, 11))
    clinic.packages.set_expiry(package, date(2026, 3, 31))
    moved = [(e.on, e.description, e.postings) for e in clinic.accounting.journal(*MARCH)
             if e.reference == f"Package #{package}"]
    assert moved == [
        (date(2026, 3, 8), "Package expired \u2014 3 Physio \u2014 Maria Lopez",
         ((DEFERRED, 10000), (BREAKAGE, -10000))),
        (date(2026, 3, 9), "Package reinstated \u2014 3 Physio \u2014 Maria Lopez",
         ((DEFERRED, -10000), (BREAKAGE, 10000)))]


@pytest.mark.parametrize("start, end, field, words", [
    (date(2026, 3, 31), date(2026, 3, 1), "end",
     "The end date (Mar 1, 2026) must be on or after the start date (Mar 31, 2026)."),
    ("yesterday", date(2026, 3, 1), "start", "The start date must be a date like 2026-03-31."),
    (date(1800, 1, 1), date(2026, 3, 1), "start", "The start date must be between"),
    (date(2026, 3, 1), date(9999, 1, 1), "end", "The end date must be between"),
    (date(2026, 3, 1), datetime(2026, 3, 2), "end", "The end date must be a date, without"),
])
def test_r35_a_bad_period_is_refused_naming_the_field(clinic, start, end, field, words):
    with pytest.raises(ValidationError) as refused:
        clinic.accounting.iter_journal(start, end)  # refused before anything is read
    assert refused.value.field == field and str(refused.value).startswith(words)
    with pytest.raises(ValidationError):
        clinic.accounting.journal(start, end)


def test_r35_a_bad_day_for_balances_is_refused(clinic):
    with pytest.raises(ValidationError) as refused:
        clinic.accounting.balances("soon")
    assert refused.value.field == "on"


def test_r35_a_sale_voided_after_its_uses_expired_takes_its_breakage_back(clinic, catalog,
                                                                         clock):
    """R33 keeps the uses as expired and releases nothing at the void; the invoice's void
    takes the whole price back from Deferred, so the breakage is taken back with it and
    Deferred ends at R33's closing, 0."""
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    clinic.packages.set_expiry(sale.package_id, date(2026, 3, 3))
    clock.set(MAR(6, 11))
    clinic.billing.void_invoice(sale.invoice_id, "sold by mistake")
    got = [(e.on, e.description, e.postings) for e in clinic.accounting.journal(*MARCH)]
    assert got == [
        (date(2026, 3, 2), "Invoice #1 \u2014 Maria Lopez", ((AR, 10000), (DEFERRED, -10000))),
        (date(2026, 3, 4), "Package expired \u2014 3 Physio \u2014 Maria Lopez",
         ((DEFERRED, 10000), (BREAKAGE, -10000))),
        (date(2026, 3, 6), "Invoice #1 voided \u2014 Maria Lopez",
         ((AR, -10000), (DEFERRED, 10000))),
        (date(2026, 3, 6), "Package sale voided \u2014 3 Physio \u2014 Maria Lopez",
         ((DEFERRED, -10000), (BREAKAGE, 10000)))]
    assert clinic.reports.package_liability(*MARCH).totals["closing"] == 0
    assert clinic.accounting.balances(date(2026, 3, 31)) == {}
