"""The report table models pass Qt's model tester with every report's sections; the quick
periods and long headings work out as the desk expects."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.ui.formats import Formats
from app.ui.models.reports import SectionModel, TotalsModel, wrapped
from app.ui.reports.period import choice_for, period

MAR = lambda day, hour=10: datetime(2026, 3, day, hour, 0)  # noqa: E731


@pytest.fixture
def reports(clinic, catalog):
    """Every report over a March with sales (one assigned, R6), uses, a double-compensated use
    (R7), a package with no expiry and a void sale."""
    c = catalog
    clinic.billing.sell_package(c["patient"], c["three_physio"])
    clinic.billing.sell_package(c["patient"], c["ten_massages"], staff_id=c["ana"])
    mistake = clinic.billing.sell_package(c["patient"], c["ten_massages"])
    clinic.billing.void_invoice(mistake.invoice_id, "sold twice")
    clinic.schedule.arrive(clinic.schedule.book(c["patient"], c["ana"], c["physio"], MAR(3)))
    clinic.schedule.arrive(clinic.schedule.book(c["patient"], c["ana"], c["massage"],
                                                MAR(4, 14)))
    march = (date(2026, 3, 1), date(2026, 3, 31))
    return [clinic.reports.package_sales(*march), clinic.reports.package_usage(*march),
            clinic.reports.outstanding(date(2026, 3, 10)), clinic.reports.compensation(*march)]


def test_section_and_totals_models_pass_the_model_tester(qapp, qtmodeltester, clinic, reports):
    formats = Formats(clinic)
    seen = set()
    alive = []  # the testers stay connected to the models they checked: keep them
    for report in reports:
        for section in report.sections:
            if not section.rows:
                continue
            seen.add(report.kind)
            rows, totals = SectionModel(formats), TotalsModel(formats)
            alive += [rows, totals]
            rows.set_section(section)
            assert rows.rowCount() == len(section.rows)
            assert rows.columnCount() == len(section.columns)
            qtmodeltester.check(rows)
            qtmodeltester.check(rows, force_py=True)
            totals.set_section(section, count_heading="Rows", grand_label="Total")
            assert totals.rowCount() == len(section.groups) + 1
            qtmodeltester.check(totals)
            qtmodeltester.check(totals, force_py=True)
            rows.set_section(None)
            totals.set_section(None)
            qtmodeltester.check(rows, force_py=True)
            qtmodeltester.check(totals, force_py=True)
    assert seen == {"package_sales", "package_usage", "outstanding", "compensation"}


def test_a_void_sale_is_greyed_and_no_expiry_sorts_last(clinic, reports):
    from PySide6.QtCore import Qt

    from app.ui.models.base import SORT_ROLE
    formats = Formats(clinic)
    sales = SectionModel(formats)
    sales.set_section(reports[0].sections[0])
    status = sales.column_of("status")
    assert [sales.index(r, status).data() for r in range(3)] == ["Active", "Active", "Void"]
    assert sales.index(2, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "not counted" in sales.index(2, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert sales.index(0, sales.column_of("price")).data(SORT_ROLE) == 10000

    outstanding = SectionModel(formats)
    outstanding.set_section(reports[2].sections[0])
    expires = outstanding.column_of("expires_on")
    assert [outstanding.index(r, expires).data(SORT_ROLE) for r in range(2)] == [
        "9999-12-31", "2026-09-02"]


@pytest.mark.parametrize("choice, today, start, end", [
    ("this_month", date(2026, 2, 14), date(2026, 2, 1), date(2026, 2, 28)),
    ("last_month", date(2026, 1, 31), date(2025, 12, 1), date(2025, 12, 31)),
    ("last_month", date(2024, 3, 31), date(2024, 2, 1), date(2024, 2, 29)),
    ("this_year", date(2026, 12, 31), date(2026, 1, 1), date(2026, 12, 31)),
    ("last_year", date(2026, 1, 1), date(2025, 1, 1), date(2025, 12, 31)),
])
def test_quick_periods_are_whole_months_and_years(choice, today, start, end):
    assert period(choice, today) == (start, end)
    assert choice_for(start, end, today) == choice


def test_dates_that_are_no_quick_period_are_custom():
    assert choice_for(date(2026, 3, 2), date(2026, 3, 31), date(2026, 3, 2)) == "custom"


def test_long_headings_wrap_once_near_their_middle():
    assert wrapped("Double-compensated value") == "Double-compensated\nvalue"
    assert wrapped("Compensated uses") == "Compensated\nuses"
    assert wrapped("Patient") == "Patient"
    assert wrapped("Unredeemed") == "Unredeemed"


def test_the_model_sorts_by_raw_values_keeps_ties_and_the_selection(qapp, qtmodeltester,
                                                                     clinic, reports):
    from PySide6.QtCore import Qt

    from app.ui.models.reports import SectionProxy
    from app.ui.tables import make_table, selected_row
    sales = SectionModel(Formats(clinic))
    proxy = SectionProxy(sales)
    table = make_table(proxy)
    sales.set_section(reports[0].sections[0])  # $100 physio, $800 massages, $800 void
    qtmodeltester.check(sales)
    price = sales.column_of("price")
    table.selectRow(0)
    picked = selected_row(table)
    assert picked.package_name == "3 Physio"

    table.sortByColumn(price, Qt.SortOrder.DescendingOrder)
    texts = [proxy.index(r, price).data() for r in range(3)]
    assert texts == ["$800.00", "$800.00", "$100.00"]
    statuses = [proxy.index(r, sales.column_of("status")).data() for r in range(3)]
    assert statuses == ["Active", "Void"] + ["Active"], "ties keep the report's order"
    assert selected_row(table) is picked, "the selection follows its row"

    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, price).data() for r in range(3)] == ["$100.00", "$800.00",
                                                                "$800.00"]
    assert sales.widest(price) == ["$100.00", "$800.00"]
    assert "Sep 28, 2026" in sales.widest(0)
