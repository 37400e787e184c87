"""R36 Sales tax per rate: taxable sales and tax charged on the invoices issued in the period,
the tax given back by voids (on the void's day) and by package refunds (on the refund's day)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.services.errors import ValidationError

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def month(clinic, catalog, clock):
    """- Feb 27: Joe's massage ($90.00, no tax) is invoiced; the arrival is undone on Mar 4.
    - Mar 2: Maria buys "5 Physio" ($400.00 + 15 % = $460.00) and pays it in cash.
    - Mar 3: Joe's physio ($85.00 + 15 % = $97.75) is invoiced; undone on Mar 5.
    - Mar 6: Maria, one use given, is refunded $200.00 tax included: the unused uses
      cancelled are $173.91 + $26.09 of tax."""
    maria = catalog["patient"]
    joe = clinic.patients.add("Joe", "Bloggs", phone="902-555-0102")
    five = clinic.catalog.add_package_template(
        "5 Physio", price=40000, uses=5, eligible={catalog["physio"]: 0},
        tax_rate=Decimal("0.15"))
    clock.set(datetime(2026, 2, 27, 12))
    massage = clinic.schedule.book(joe, catalog["ben"], catalog["massage"],
                                   datetime(2026, 2, 27, 10))
    clinic.schedule.arrive(massage)
    clock.set(datetime(2026, 3, 2, 9))
    sale = clinic.billing.sell_package(maria, five)
    clinic.billing.receive_payment(maria, 46000, "cash", invoice_id=sale.invoice_id)
    clock.set(datetime(2026, 3, 3, 12))
    physio = clinic.schedule.book(joe, catalog["ana"], catalog["physio"],
                                  datetime(2026, 3, 3, 10))
    clinic.schedule.arrive(physio)
    clinic.schedule.arrive(clinic.schedule.book(
        maria, catalog["ana"], catalog["physio"], datetime(2026, 3, 3, 11)))
    clock.set(datetime(2026, 3, 4, 12))
    clinic.schedule.undo_arrival(massage)  # voids its invoice
    clock.set(datetime(2026, 3, 5, 12))
    clinic.schedule.undo_arrival(physio)
    clock.set(datetime(2026, 3, 6, 12))
    clinic.packages.refund(sale.package_id, 20000)
    return catalog


def test_r36_per_rate_for_the_month(clinic, month):
    report = clinic.reports.sales_tax(*MARCH)

    rows = {row.rate_name: row for row in report.rows}
    assert list(rows) == ["0%", "15%"]
    zero, fifteen = rows["0%"], rows["15%"]
    # the February massage is not a March sale, but its void gives back in March
    assert (zero.taxable_sales, zero.tax_charged, zero.voided_sales, zero.voided_tax) == (
        0, 0, 9000, 0)
    assert (zero.net_sales, zero.net_tax) == (-9000, 0)
    assert (fifteen.taxable_sales, fifteen.tax_charged) == (40000 + 8500, 6000 + 1275)
    assert (fifteen.voided_sales, fifteen.voided_tax) == (8500, 1275)
    assert (fifteen.refunded_sales, fifteen.refunded_tax) == (17391, 2609)
    assert (fifteen.net_sales, fifteen.net_tax) == (40000 - 17391, 6000 - 2609)
    assert fifteen.rate == Decimal("0.15")
    assert report.totals["net_tax"] == 6000 - 2609
    assert report.totals["tax_charged"] == 7275


def test_r36_each_give_back_is_on_its_own_day(clinic, month):
    def tax(start, end):
        return clinic.reports.sales_tax(date(2026, 3, start), date(2026, 3, end)).totals

    assert (tax(1, 3)["tax_charged"], tax(1, 3)["voided_tax"]) == (7275, 0)
    assert (tax(4, 4)["voided_sales"], tax(4, 4)["tax_charged"]) == (9000, 0)
    assert (tax(5, 5)["voided_tax"], tax(5, 5)["refunded_tax"]) == (1275, 0)
    assert (tax(6, 6)["refunded_tax"], tax(6, 6)["voided_tax"]) == (2609, 0)
    for measure in ("net_sales", "net_tax"):
        assert sum(tax(d, d)[measure] for d in range(1, 32)) == tax(1, 31)[measure]


def test_r36_a_quiet_period_says_so(clinic, month):
    report = clinic.reports.sales_tax(date(2026, 4, 1), date(2026, 4, 30))
    assert report.rows == () and report.totals["net_tax"] == 0
    assert report.sections[0].empty_text == "No taxable sales, voids or refunds in this period."


def test_r30_sales_tax_refuses_an_end_before_the_start(clinic):
    with pytest.raises(ValidationError) as refused:
        clinic.reports.sales_tax(date(2026, 3, 31), date(2026, 3, 1))
    assert refused.value.field == "end"
