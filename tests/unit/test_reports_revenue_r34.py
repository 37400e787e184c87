"""R34 Revenue: per kind and per day, before tax; invoice lines on their issue day and taken
back on their void day; package uses and breakage as R33 counts them; a refund's adjustment;
a package's sale never revenue."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.services.errors import ValidationError
from app.services.reports.revenue import KINDS

MAR = lambda day, hour=10: datetime(2026, 3, day, hour)  # noqa: E731
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def month(clinic, catalog, clock):
    """March 2026:
    - 3rd: Maria uses her 3 Physio ($100.00, bought and paid the 2nd): $33.33 and $10.00
      Patient Pays; Joe has a massage with no package ($90.00). Maria's expiry is cut to
      the 4th, so her two uses left ($66.67) expire on the 5th (breakage).
    - 4th: Joe misses a visit: the $40.00 no-show fee.
    - 5th: Ann uses her 10 Massages ($800.00, paid in full the 2nd): $80.00.
    - 6th: Joe's massage arrival is undone (its invoice voided); Ann is refunded $500.00:
      the $720.00 left less the $500.00 of the sale cancelled is $220.00 earned."""
    ana, ben = catalog["ana"], catalog["ben"]
    maria = catalog["patient"]
    joe = clinic.patients.add("Joe", "Bloggs", phone="902-555-0102")
    ann = clinic.patients.add("Ann", "Bell", phone="902-555-0103")
    clock.set(MAR(2, 9))
    physio = clinic.billing.sell_package(maria, catalog["three_physio"])
    clinic.billing.receive_payment(maria, 10000, "cash", invoice_id=physio.invoice_id)
    massages = clinic.billing.sell_package(ann, catalog["ten_massages"])
    clinic.billing.receive_payment(ann, 80000, "debit", invoice_id=massages.invoice_id)
    clock.set(MAR(3, 12))
    clinic.schedule.arrive(clinic.schedule.book(maria, ana, catalog["physio"], MAR(3)))
    joe_massage = clinic.schedule.book(joe, ben, catalog["massage"], MAR(3))
    clinic.schedule.arrive(joe_massage)
    clinic.packages.set_expiry(physio.package_id, date(2026, 3, 4))
    clock.set(MAR(4, 12))
    clinic.schedule.no_show(clinic.schedule.book(joe, ana, catalog["acu"], MAR(4)),
                            use_package=False, fee_id=catalog["no_show_fee"])
    clock.set(MAR(5, 12))
    clinic.schedule.arrive(clinic.schedule.book(ann, ben, catalog["massage"], MAR(5)))
    clock.set(MAR(6, 12))
    clinic.schedule.undo_arrival(joe_massage)
    clinic.packages.refund(massages.package_id, 50000)
    return catalog


def test_r34_revenue_per_kind_for_the_month(clinic, month):
    report = clinic.reports.revenue(*MARCH)

    assert report.kind == "revenue"
    assert dict(report.totals) == {
        "treatments": 0,  # Joe's massage, billed the 3rd and voided the 6th
        "package_uses": 3333 + 8000, "patient_pays": 1000, "no_show_fees": 4000,
        "memberships": 0, "breakage": 6667, "refund_adjustments": 22000,
        "total": 3333 + 8000 + 1000 + 4000 + 6667 + 22000}
    assert sum(report.totals[k] for k in KINDS) == report.totals["total"]
    # the package sales ($100.00 and $800.00) are owed to the patients, not earned
    liability = clinic.reports.package_liability(*MARCH).totals
    assert report.totals["package_uses"] == liability["redeemed"]
    assert report.totals["breakage"] == liability["expired"] - liability["reinstated"]


def test_r34_each_day_and_the_month_total(clinic, month):
    report = clinic.reports.revenue(*MARCH)

    by_day = {row.day.day: {k: getattr(row, k) for k in KINDS if getattr(row, k)}
              for row in report.rows}
    assert by_day == {
        3: {"treatments": 9000, "package_uses": 3333, "patient_pays": 1000},
        4: {"no_show_fees": 4000},
        5: {"package_uses": 8000, "breakage": 6667},
        6: {"treatments": -9000, "refund_adjustments": 22000}}
    (march,) = report.groups
    assert march.label == "March 2026" and march.count == 4
    assert march.totals == report.totals
    assert report.sections[0].group_heading == "Month"


def test_r34_a_void_takes_the_line_back_on_its_own_day(clinic, month):
    before = clinic.reports.revenue(date(2026, 3, 1), date(2026, 3, 5)).totals
    after = clinic.reports.revenue(date(2026, 3, 6), date(2026, 3, 31)).totals

    assert before["treatments"] == 9000 and after["treatments"] == -9000
    assert after["refund_adjustments"] == 22000 and before["refund_adjustments"] == 0
    for kind in (*KINDS, "total"):
        assert before[kind] + after[kind] == clinic.reports.revenue(*MARCH).totals[kind]


def test_r34_an_unpaid_package_refunded_for_nothing_earns_what_was_given(clinic, catalog,
                                                                        clock):
    """The refund adjustment is the value left less the sale cancelled (liability-api):
    nothing collected, nothing refunded, the uses left cancelled: 0 earned by the refund."""
    maria = catalog["patient"]
    sale = clinic.billing.sell_package(maria, catalog["three_physio"])
    clinic.schedule.arrive(clinic.schedule.book(maria, catalog["ana"], catalog["physio"],
                                                MAR(3)))
    clock.set(MAR(4, 12))
    clinic.packages.refund(sale.package_id, 0)

    t = clinic.reports.revenue(*MARCH).totals
    assert (t["package_uses"], t["refund_adjustments"]) == (3333, 0)


def test_r34_nothing_earned_says_so(clinic, catalog):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])  # deferred only
    report = clinic.reports.revenue(*MARCH)
    assert report.rows == () and report.totals["total"] == 0
    assert report.sections[0].empty_text == "Nothing was earned in this period."


def test_r30_revenue_refuses_an_end_before_the_start(clinic):
    with pytest.raises(ValidationError) as refused:
        clinic.reports.revenue(date(2026, 3, 31), date(2026, 3, 1))
    assert refused.value.field == "end"
    assert str(refused.value) == ("The end date (Mar 1, 2026) must be on or after the start "
                                  "date (Mar 31, 2026).")
