"""Packages › Reports: Package Liability, Revenue and Sales Tax (R33, R34, R36) run through
the real widgets beside the four, with their totals, chart, notes and exports."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, datetime

import pytest

from app.ui.reports import ReportsView
from app.ui.tasks import worker_idle

from ui.helpers import click
from ui.reports.test_reports_view import column, make_view, pick, run, totals, type_date

MAR = lambda day, hour=10: datetime(2026, 3, day, hour, 0)  # noqa: E731


@pytest.fixture(autouse=True)
def idle_worker():
    yield
    assert worker_idle(20)


@pytest.fixture
def march(clinic, catalog, clock):
    """Maria buys 3 Physio ($100.00, paid) on Mar 2 and uses it on the 3rd; Joe's physio
    ($85.00) and Maria's Patient Pays ($10.00), both taxed at 15 %, are billed on the 3rd. Ann buys 10 Massages ($800.00) on the 2nd and
    is refunded $500.00 on the 5th with no use given."""
    c = dict(catalog)
    c["ann"] = clinic.patients.add("Ann", "Bell")
    c["joe"] = clinic.patients.add("Joe", "Bloggs")
    clock.set(MAR(2, 9))
    physio = clinic.billing.sell_package(c["patient"], c["three_physio"])
    clinic.billing.receive_payment(c["patient"], 10000, "cash", invoice_id=physio.invoice_id)
    massages = clinic.billing.sell_package(c["ann"], c["ten_massages"])
    clinic.billing.receive_payment(c["ann"], 80000, "debit", invoice_id=massages.invoice_id)
    clock.set(MAR(3, 12))
    clinic.schedule.arrive(clinic.schedule.book(c["patient"], c["ana"], c["physio"], MAR(3)))
    clinic.schedule.arrive(clinic.schedule.book(c["joe"], c["ana"], c["physio"], MAR(3, 11)))
    clock.set(MAR(5, 12))
    clinic.packages.refund(massages.package_id, 50000)
    clock.set(MAR(31, 12))
    return c


def period(qtbot, view, start: str, end: str) -> None:
    type_date(qtbot, view.controls.start, start)
    type_date(qtbot, view.controls.end, end)


def test_r33_liability_rolls_forward_per_package(qtbot, clinic, march):
    view = make_view(qtbot, clinic)
    pick(view.controls.kind, "Package Liability (deferred revenue)")
    assert view.controls.start.isVisible() and not view.controls.on.isVisible()
    period(qtbot, view, "2026-03-01", "2026-03-31")

    report = run(qtbot, view)

    assert report.kind == "package_liability"
    main = view.sections[0]
    assert view.sections[1].isHidden(), "one section only"
    assert column(main, "Package") == ["10 Massages", "3 Physio"]
    assert column(main, "Sold") == ["$800.00", "$100.00"]
    assert column(main, "Uses redeemed") == ["$0.00", "$33.33"]
    assert column(main, "Refunded") == ["$800.00", "$0.00"]
    assert column(main, "Closing") == ["$0.00", "$66.67"]
    assert totals(main)[-1] == ["All packages", "2", "$0.00", "$900.00", "$33.33", "$800.00",
                                "$0.00", "$0.00", "$0.00", "$66.67"]
    assert main.chart.title == "Closing liability per package"
    notes = view.notes.text()
    assert view.notes.isVisible() and "Closing = opening + sold" in notes and "Mar 31, 2026" in notes


def test_r34_revenue_per_day_and_month(qtbot, clinic, march):
    view = make_view(qtbot, clinic)
    pick(view.controls.kind, "Revenue")
    period(qtbot, view, "2026-03-01", "2026-03-31")

    report = run(qtbot, view)

    main = view.sections[0]
    assert view.sections[1].isHidden(), "one section only"
    assert column(main, "Date") == ["Mar 3, 2026", "Mar 5, 2026"]
    assert column(main, "Treatments") == ["$85.00", "$0.00"]
    assert column(main, "Package uses") == ["$33.33", "$0.00"]
    # Ann's $800.00 left less the $500.00 of the sale cancelled: $300.00 earned
    assert column(main, "Refund adjustments") == ["$0.00", "$300.00"]
    assert column(main, "Patient Pays") == ["$10.00", "$0.00"]
    assert column(main, "Total") == ["$128.33", "$300.00"]
    assert report.totals["total"] == 42833
    assert main.chart.title == "Revenue per month"


def test_r36_sales_tax_per_rate_and_its_csv(qtbot, clinic, march, monkeypatch, tmp_path):
    view = make_view(qtbot, clinic)
    pick(view.controls.kind, "Sales Tax")
    period(qtbot, view, "2026-03-01", "2026-03-31")
    run(qtbot, view)

    main = view.sections[0]
    assert view.sections[1].isHidden(), "one section only"
    assert column(main, "Tax rate") == ["0%", "15%"]
    # Joe's physio ($85.00) and Maria's Patient Pays ($10.00) are taxed at 15 %
    assert column(main, "Taxable sales") == ["$900.00", "$95.00"]
    assert column(main, "Tax charged") == ["$0.00", "$14.25"]
    assert column(main, "Sales refunded") == ["$500.00", "$0.00"]
    assert column(main, "Net tax") == ["$0.00", "$14.25"]
    assert main.chart.title == "Net tax per rate"

    monkeypatch.setattr(ReportsView, "choose_file",
                        staticmethod(lambda parent, suggested, kind: str(tmp_path / "tax.csv")))
    with qtbot.waitSignal(view.exported, timeout=30000) as written:
        click(qtbot, view.csv_button)
    with open(written.args[0], encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][0] == "Sales Tax"
    header = next(i for i, line in enumerate(lines) if line and line[0] == "Tax rate")
    assert lines[header + 1][:3] == ["0%", "900.00", "0.00"]
    assert lines[header + 2][:3] == ["15%", "95.00", "14.25"]


def test_the_books_reports_print_to_pdf(qtbot, clinic, march, monkeypatch, tmp_path):
    view = make_view(qtbot, clinic)
    pick(view.controls.kind, "Package Liability (deferred revenue)")
    period(qtbot, view, "2026-03-01", "2026-03-31")
    run(qtbot, view)
    monkeypatch.setattr(ReportsView, "choose_file",
                        staticmethod(lambda parent, suggested, kind: str(tmp_path / "l.pdf")))

    with qtbot.waitSignal(view.exported, timeout=30000) as written:
        click(qtbot, view.pdf_button)

    data = open(written.args[0], "rb").read()
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", written.args[0], "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "Package Liability" in text and "$66.67" in text


def test_the_roll_forwards_closing_total_is_in_sight_not_behind_a_scroll_bar(qtbot, clinic,
                                                                            march):
    """Eight figures are too wide to share the width with the chart: the chart goes under."""
    view = make_view(qtbot, clinic)
    pick(view.controls.kind, "Package Liability (deferred revenue)")
    run(qtbot, view)
    main = view.sections[0]

    qtbot.waitUntil(lambda: main.totals.horizontalScrollBar().maximum() == 0, timeout=3000)
    assert main.chart.geometry().top() >= main.totals.geometry().bottom()
