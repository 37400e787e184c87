"""Package reports (R3, R6, R7, R21, R30) with exact figures, and their CSV/XLSX/PDF exports.

Every clinic here is built through the Clinic facade; the figures are worked out by hand.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.services import NotAllowed, NotFound, ValidationError
from app.services.reports.export import to_csv, to_pdf, to_xlsx
from app.services.reports import KINDS

MAR = lambda day, hour=10: datetime(2026, 3, day, hour, 0)  # noqa: E731


def arrive_visits(clinic, patient, staff, treatment, days, hour=10):
    """Book (package "auto", R10) and arrive one visit on each day of March 2026."""
    ids = []
    for day in days:
        appointment = clinic.schedule.book(patient, staff, treatment, MAR(day, hour))
        clinic.schedule.arrive(appointment)
        ids.append(appointment)
    return ids


def by_key(section):
    return {g.key: g for g in section.groups}


def check_shape(report):
    """Every column names an attribute of every row, with a value of the column's kind."""
    for section in report.sections:
        assert section.columns
        for column in section.columns:
            assert column.kind in KINDS
        for row in section.rows:
            for column, value in zip(section.columns, section.cells(row)):
                if value is None:
                    continue
                expected = {"text": str, "money": int, "int": int, "date": date}[column.kind]
                assert isinstance(value, expected), (column, value)


# ----------------------------------------------------------------------------- usage (R3)

def test_r03_usage_spreads_100_over_3_uses_as_3333_3333_3334(clinic, catalog):
    c = catalog
    sale = clinic.billing.sell_package(c["patient"], c["three_physio"])
    arrive_visits(clinic, c["patient"], c["ana"], c["physio"], (3, 10, 17))

    report = clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31))

    check_shape(report)
    assert [r.per_use_value for r in report.rows] == [3333, 3333, 3334]
    assert [r.use for r in report.rows] == ["1 of 3", "2 of 3", "3 of 3"]
    assert [r.uses_remaining for r in report.rows] == [2, 1, 0]
    assert [r.redeemed_on.day for r in report.rows] == [3, 10, 17]
    assert {r.patient_pays for r in report.rows} == {1000}  # Patient Pays, before tax
    first = report.rows[0]
    assert (first.patient_name, first.package_name, first.treatment_name,
            first.practitioner_name, first.package_id) == (
        "Maria Lopez", "3 Physio", "Physio follow-up", "Ana Silva", sale.package_id)
    (group,) = report.groups
    assert (group.key, group.label, group.count) == (c["three_physio"], "3 Physio", 3)
    assert dict(group.totals) == {"per_use_value": 10000, "patient_pays": 3000}
    assert dict(report.totals) == {"per_use_value": 10000, "patient_pays": 3000}
    assert report.count == 3


def test_usage_numbers_uses_from_the_start_of_the_package_not_of_the_period(clinic, catalog):
    c = catalog
    clinic.billing.sell_package(c["patient"], c["three_physio"])
    arrive_visits(clinic, c["patient"], c["ana"], c["physio"], (3, 10, 17))

    report = clinic.reports.package_usage(date(2026, 3, 15), date(2026, 3, 31))

    assert [(r.use_number, r.per_use_value) for r in report.rows] == [(3, 3334)]
    assert dict(report.totals) == {"per_use_value": 3334, "patient_pays": 1000}


def test_usage_leaves_out_a_voided_use_and_renumbers_the_rest(clinic, catalog):
    c = catalog
    clinic.billing.sell_package(c["patient"], c["three_physio"])
    first, second = arrive_visits(clinic, c["patient"], c["ana"], c["physio"], (3, 10))
    clinic.schedule.undo_arrival(first)

    report = clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31))

    assert [(r.redeemed_on.day, r.use_number, r.per_use_value) for r in report.rows] == [
        (10, 1, 3333)]


def test_a_visit_arrived_late_takes_its_place_by_date_everywhere(clinic, catalog):
    """The visit of the 3rd is marked arrived after the 10th's: it is use 1, the 10th's
    becomes use 2, and the report, the package page and its invoice line all say so."""
    c = catalog
    sale = clinic.billing.sell_package(c["patient"], c["three_physio"])
    first = clinic.schedule.book(c["patient"], c["ana"], c["physio"], MAR(3))
    (second,) = arrive_visits(clinic, c["patient"], c["ana"], c["physio"], (10,))
    invoice = clinic.schedule.arrive(first)

    report = clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31))
    shown = clinic.packages.detail(sale.package_id)

    assert [(r.redeemed_on.day, r.use, r.per_use_value) for r in report.rows] == [
        (3, "1 of 3", 3333), (10, "2 of 3", 3333)]
    assert [(r.redeemed_on.day, r.use_number, r.per_use_value)
            for r in shown.redemptions] == [(3, 1, 3333), (10, 2, 3333)]
    assert clinic.billing.invoice(invoice).lines[0].use_line.startswith("3 Physio: use 1 of 3,")

    clinic.schedule.undo_arrival(first)  # and back: the 10th is use 1 again
    report = clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31))
    assert [(r.redeemed_on.day, r.use_number) for r in report.rows] == [(10, 1)]
    assert [r.use_number for r in clinic.packages.detail(sale.package_id).redemptions] == [1]
    assert second


def test_usage_totals_per_package_and_filters_by_package_and_practitioner(clinic, catalog):
    c = catalog
    clinic.billing.sell_package(c["patient"], c["three_physio"])
    clinic.billing.sell_package(c["patient"], c["ten_massages"])
    arrive_visits(clinic, c["patient"], c["ana"], c["physio"], (3,))
    arrive_visits(clinic, c["patient"], c["ben"], c["massage"], (4, 5), hour=14)

    report = clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31))
    groups = by_key(report.section("Package usage"))
    assert dict(groups[c["ten_massages"]].totals) == {"per_use_value": 16000, "patient_pays": 0}
    assert dict(groups[c["three_physio"]].totals) == {"per_use_value": 3333,
                                                      "patient_pays": 1000}
    assert report.count == 3 and report.totals["per_use_value"] == 19333
    assert [g.label for g in report.groups] == ["10 Massages", "3 Physio"]

    only_massages = clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31),
                                                 template_id=c["ten_massages"])
    assert [r.per_use_value for r in only_massages.rows] == [8000, 8000]
    only_ana = clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31),
                                            staff_id=c["ana"])
    assert [r.practitioner_name for r in only_ana.rows] == ["Ana Silva"]


# ----------------------------------------------------------------------------- sales (R21)

def test_sales_lists_each_sale_with_staff_tax_collected_refunded_and_status(clinic, catalog,
                                                                           clock):
    c = catalog
    massages = clinic.billing.sell_package(c["patient"], c["ten_massages"], staff_id=c["ana"])
    clinic.billing.receive_payment(c["patient"], 80000, "debit", invoice_id=massages.invoice_id)
    clock.advance(days=1)
    taxed = clinic.catalog.add_package_template("5 Physio", price=10000, uses=5,
                                                eligible={c["physio"]: 0},
                                                tax_rate=Decimal("0.15"))
    physio = clinic.billing.sell_package(c["patient"], taxed)  # $100 + 15% tax
    clinic.billing.receive_payment(c["patient"], 5000, "cash", invoice_id=physio.invoice_id)
    clinic.packages.refund(physio.package_id, 4000)
    clock.advance(days=1)
    mistake = clinic.billing.sell_package(c["patient"], c["ten_massages"])
    clinic.billing.void_invoice(mistake.invoice_id, "Sold by mistake")

    report = clinic.reports.package_sales(date(2026, 3, 1), date(2026, 3, 31))

    check_shape(report)
    rows = report.rows
    assert [(r.purchased_on.day, r.package_name, r.staff_name, r.price, r.tax, r.collected,
             r.refunded, r.status) for r in rows] == [
        (2, "10 Massages", "Ana Silva", 80000, 0, 80000, 0, "active"),
        (3, "5 Physio", "No Staff Member", 10000, 1500, 5000, 4000, "refunded"),
        (4, "10 Massages", "No Staff Member", 80000, 0, 0, 0, "void"),
    ]
    numbers = [clinic.billing.invoice(s.invoice_id).number
               for s in (massages, physio, mistake)]
    assert [r.invoice_number for r in rows] == numbers
    # void sales are listed but not counted
    groups = by_key(report.section("Package sales"))
    assert groups[c["ten_massages"]].count == 1
    assert dict(groups[c["ten_massages"]].totals) == {"price": 80000, "tax": 0,
                                                      "collected": 80000, "refunded": 0}
    assert dict(groups[taxed].totals) == {"price": 10000, "tax": 1500, "collected": 5000,
                                          "refunded": 4000}
    assert [g.label for g in report.groups] == ["10 Massages", "5 Physio"]
    assert dict(report.totals) == {"price": 90000, "tax": 1500, "collected": 85000,
                                   "refunded": 4000}
    assert report.count == 2

    assigned = clinic.reports.package_sales(date(2026, 3, 1), date(2026, 3, 31),
                                            staff_id=c["ana"])
    assert [r.package_id for r in assigned.rows] == [massages.package_id]
    physio_only = clinic.reports.package_sales(date(2026, 3, 1), date(2026, 3, 31),
                                               template_id=taxed)
    assert [r.package_id for r in physio_only.rows] == [physio.package_id]
    assert clinic.reports.package_sales(date(2026, 3, 3), date(2026, 3, 3)).count == 1


def test_r28a_sales_and_outstanding_agree_with_a_settled_refund(clinic, catalog, clock):
    """The credit line cancelling unused uses is no sale of its own: Package Sales keeps the
    price and tax sold, collected before the refund and the amount refunded; the invoice's
    total is what was kept plus what is still owed for the uses given (R3, R21, R28a)."""
    c = catalog
    sale = clinic.billing.sell_package(c["patient"], c["ten_massages"])  # $800 over 10
    clinic.billing.receive_payment(c["patient"], 20000, "cash", invoice_id=sale.invoice_id)
    arrive_visits(clinic, c["patient"], c["ana"], c["massage"], (3, 4, 5))
    clock.set(datetime(2026, 3, 20, 9, 0))
    clinic.packages.refund(sale.package_id, 0)

    (row,) = clinic.reports.package_sales(date(2026, 3, 1), date(2026, 3, 31)).rows
    assert (row.price, row.tax, row.collected, row.refunded, row.status) == \
        (80000, 0, 20000, 0, "refunded")
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert (invoice.total, invoice.paid, invoice.balance) == (24000, 20000, 4000)
    usage = clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31))
    assert invoice.total == sum(r.per_use_value for r in usage.rows)  # the uses given
    assert len(clinic.reports.outstanding(date(2026, 3, 19)).rows) == 1
    assert clinic.reports.outstanding(date(2026, 3, 20)).rows == ()


def test_sales_status_says_used_up_and_expired(clinic, catalog, clock):
    c = catalog
    clinic.billing.sell_package(c["patient"], c["three_physio"])
    clinic.billing.sell_package(c["patient"], c["ten_massages"])  # expires 2026-09-02
    arrive_visits(clinic, c["patient"], c["ana"], c["physio"], (3, 10, 17))
    clock.set(datetime(2026, 9, 3, 9, 0))

    report = clinic.reports.package_sales(date(2026, 3, 1), date(2026, 3, 31))

    assert [r.status for r in report.rows] == ["used up", "expired"]


def test_an_empty_period_gives_zero_totals(clinic, catalog):
    report = clinic.reports.package_sales(date(2020, 1, 1), date(2020, 12, 31))
    assert report.rows == () and report.groups == () and report.count == 0
    assert dict(report.totals) == {"price": 0, "tax": 0, "collected": 0, "refunded": 0}
    assert report.sections[0].empty_text


# ----------------------------------------------------------------------------- outstanding

def test_outstanding_liability_before_and_after_a_redemption(clinic, catalog):
    c = catalog
    sale = clinic.billing.sell_package(c["patient"], c["three_physio"])  # bought 2026-03-02
    arrive_visits(clinic, c["patient"], c["ana"], c["physio"], (10,))

    assert clinic.reports.outstanding(date(2026, 3, 1)).rows == ()  # not bought yet
    before = clinic.reports.outstanding(date(2026, 3, 9))
    check_shape(before)
    (row,) = before.rows
    assert (row.package_id, row.uses_redeemed, row.uses_remaining, row.unredeemed_value,
            row.expires_on) == (sale.package_id, 0, 3, 10000, None)
    (row,) = clinic.reports.outstanding(date(2026, 3, 10)).rows
    assert (row.uses_redeemed, row.uses_remaining, row.unredeemed_value) == (1, 2, 6667)
    assert dict(clinic.reports.outstanding(date(2026, 3, 10)).totals) == {
        "uses_redeemed": 1, "uses_remaining": 2, "unredeemed_value": 6667}


def test_outstanding_ends_at_expiry_and_lists_what_expires_within_30_days(clinic, catalog):
    c = catalog
    clinic.billing.sell_package(c["patient"], c["ten_massages"])  # 6m: expires 2026-09-02
    arrive_visits(clinic, c["patient"], c["ben"], c["massage"], (5,))

    early = clinic.reports.outstanding(date(2026, 7, 1))
    assert [r.unredeemed_value for r in early.rows] == [72000]
    assert early.sections[1].rows == ()
    last_day = clinic.reports.outstanding(date(2026, 9, 2))  # valid through its expiry (R13)
    assert [r.expires_on for r in last_day.rows] == [date(2026, 9, 2)]
    assert [r.uses_remaining for r in last_day.sections[1].rows] == [9]
    assert last_day.sections[1].title == "Expiring in the next 30 days"
    month_before = clinic.reports.outstanding(date(2026, 8, 3))
    assert len(month_before.sections[1].rows) == 1
    assert clinic.reports.outstanding(date(2026, 9, 3)).rows == ()


def test_outstanding_drops_a_package_from_the_day_it_is_refunded_or_voided(clinic, catalog,
                                                                           clock):
    c = catalog
    kept = clinic.billing.sell_package(c["patient"], c["three_physio"])
    voided = clinic.billing.sell_package(c["patient"], c["three_physio"])
    clock.set(datetime(2026, 3, 20, 9, 0))
    clinic.packages.refund(kept.package_id, 0)
    clinic.billing.void_invoice(voided.invoice_id, "Sold twice")

    assert len(clinic.reports.outstanding(date(2026, 3, 19)).rows) == 2
    assert clinic.reports.outstanding(date(2026, 3, 20)).rows == ()


def test_outstanding_leaves_out_packages_used_up(clinic, catalog):
    c = catalog
    clinic.billing.sell_package(c["patient"], c["three_physio"])
    arrive_visits(clinic, c["patient"], c["ana"], c["physio"], (3, 10, 17))
    assert len(clinic.reports.outstanding(date(2026, 3, 16)).rows) == 1
    assert clinic.reports.outstanding(date(2026, 3, 17)).rows == ()


# ----------------------------------------------------------------------------- compensation

def test_compensation_flags_a_use_performed_by_the_staff_member_who_sold_it(clinic, catalog):
    c = catalog
    clinic.billing.sell_package(c["patient"], c["ten_massages"], staff_id=c["ana"])
    clinic.billing.sell_package(c["patient"], c["three_physio"])  # unassigned (R6)
    ana_visits = arrive_visits(clinic, c["patient"], c["ana"], c["massage"], (3, 4))
    arrive_visits(clinic, c["patient"], c["ben"], c["massage"], (5,), hour=14)
    arrive_visits(clinic, c["patient"], c["ben"], c["physio"], (6,), hour=14)
    # the desk unassigned the compensation of one of Ana's visits (R7)... after it was arrived,
    # so it is put on a new booked visit instead and that one is arrived too
    later = clinic.schedule.book(c["patient"], c["ana"], c["massage"], MAR(9))
    clinic.billing.unassign_compensation([later])
    clinic.schedule.arrive(later)

    report = clinic.reports.compensation(date(2026, 3, 1), date(2026, 3, 31))

    check_shape(report)
    rows = {r.staff_name: r for r in report.rows}
    ana, ben, nobody = rows["Ana Silva"], rows["Ben Okafor"], rows["No Staff Member"]
    assert (ana.sales, ana.sales_value) == (1, 80000)
    assert (ana.uses, ana.uses_value) == (3, 24000)
    assert (ana.compensated_uses, ana.compensated_value) == (2, 16000)
    assert (ana.double_uses, ana.double_value, ana.flag) == (2, 16000, "Double compensation")
    assert (ben.sales, ben.uses, ben.uses_value, ben.double_uses, ben.flag) == (
        0, 2, 8000 + 3333, 0, "")
    assert (nobody.sales, nobody.sales_value, nobody.uses) == (1, 10000, 0)
    assert report.rows[0].staff_name == "No Staff Member"
    assert dict(report.totals)["sales_value"] == 90000
    assert dict(report.totals)["double_value"] == 16000

    doubles = report.section("Double compensation")
    assert [(r.appointment_id, r.staff_name, r.use, r.per_use_value) for r in doubles.rows] == [
        (ana_visits[0], "Ana Silva", "1 of 10", 8000), (ana_visits[1], "Ana Silva", "2 of 10",
                                                         8000)]
    assert dict(doubles.totals) == {"per_use_value": 16000}
    (group,) = doubles.groups
    assert (group.key, group.label, group.count) == (c["ana"], "Ana Silva", 2)

    only_ben = clinic.reports.compensation(date(2026, 3, 1), date(2026, 3, 31),
                                           staff_id=c["ben"])
    assert [r.staff_name for r in only_ben.rows] == ["Ben Okafor"]
    assert only_ben.section("Double compensation").rows == ()


# ----------------------------------------------------------------------------- bad input (R30)

@pytest.mark.parametrize("start, end, field", [
    (date(2026, 3, 31), date(2026, 3, 1), "end"),
    ("2026-13-01", date(2026, 3, 1), "start"),
    (date(1800, 1, 1), date(2026, 3, 1), "start"),
    (date(2026, 3, 1), date(2200, 1, 1), "end"),
    (None, date(2026, 3, 1), "start"),
    (date(2026, 3, 1), 20260331, "end"),
])
@pytest.mark.parametrize("name", ["package_sales", "package_usage", "compensation"])
def test_bad_periods_are_refused_naming_the_field(clinic, catalog, name, start, end, field):
    with pytest.raises(ValidationError) as caught:
        getattr(clinic.reports, name)(start, end)
    assert caught.value.field == field
    text = str(caught.value)
    assert text[0].isupper() and text.endswith(".")


def test_unknown_ids_and_bad_dates_are_refused(clinic, catalog):
    period = (date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(NotFound, match="package template"):
        clinic.reports.package_sales(*period, template_id=999)
    with pytest.raises(NotFound, match="staff member"):
        clinic.reports.package_usage(*period, staff_id=999)
    with pytest.raises(NotFound, match="staff member"):
        clinic.reports.compensation(*period, staff_id=999)
    with pytest.raises(NotFound, match="package template"):
        clinic.reports.outstanding(date(2026, 3, 1), template_id=999)
    with pytest.raises(ValidationError) as caught:
        clinic.reports.outstanding("next tuesday")
    assert caught.value.field == "on"
    # ISO text is accepted as a date
    assert clinic.reports.outstanding("2026-03-01").parameters["on"] == date(2026, 3, 1)


# ----------------------------------------------------------------------------- exports

@pytest.fixture
def usage(clinic, catalog):
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    arrive_visits(clinic, catalog["patient"], catalog["ana"], catalog["physio"], (3, 10, 17))
    return clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31))


def test_csv_has_currency_headings_exact_decimal_money_and_totals(usage, tmp_path):
    path = to_csv(usage, tmp_path / "usage.csv")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["Package Usage", "Mar 1, 2026 to Mar 31, 2026"]
    header = lines.index(["Date", "Patient", "Package", "Treatment", "Practitioner", "Use",
                          "Per-use value (CAD)", "Patient Pays (CAD)", "Uses remaining",
                          "Redeemed by"])
    body = lines[header + 1:]
    assert [r[0] for r in body[:3]] == ["2026-03-03", "2026-03-10", "2026-03-17"]
    assert [r[6] for r in body[:3]] == ["33.33", "33.33", "33.34"]
    assert [r[5] for r in body[:3]] == ["1 of 3", "2 of 3", "3 of 3"]
    assert body[3][0] == "Total \u2014 Package: 3 Physio (3 rows)"
    assert body[3][6:8] == ["100.00", "30.00"]
    assert body[4][0] == "Grand total (3 rows)" and body[4][6] == "100.00"
    assert sum(Decimal(r[6]) for r in body[:3]) == Decimal("100.00")


def test_xlsx_has_one_sheet_per_section_with_numbers_and_dates(clinic, catalog, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    report = clinic.reports.outstanding(date(2026, 3, 10))
    path = to_xlsx(report, tmp_path / "outstanding.xlsx")

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Outstanding packages", "Expiring in the next 30 days"]
    sheet = book["Outstanding packages"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Outstanding Packages", "On Mar 10, 2026")
    assert rows[1] == ("Purchased", "Patient", "Package", "Expires", "Uses", "Used", "Remaining",
                       "Unredeemed value (CAD)")
    purchased, patient, package, expires, uses, used, remaining, value = rows[2]
    assert purchased.date() == date(2026, 3, 2) and patient == "Maria Lopez"
    assert (package, expires, uses, used, remaining, value) == ("3 Physio", "No expiry", 3, 0,
                                                               3, 100)
    assert sheet.cell(row=3, column=8).number_format == "#,##0.00"
    assert rows[-1][0] == "Grand total (1 row)" and rows[-1][7] == 100


def test_pdf_is_a_landscape_letter_table_report(usage, tmp_path):
    path = to_pdf(usage, tmp_path / "usage.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 792 612 ]" in data  # landscape Letter
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "Package Usage" in text and "$33.34" in text and "Grand total" in text
        assert "Mar 17, 2026" in text


def test_exports_replace_a_file_only_when_complete(usage, tmp_path, monkeypatch):
    target = tmp_path / "usage.csv"
    target.write_text("old report")
    monkeypatch.setattr("app.services.reports.export._lines",
                        lambda section: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        to_csv(usage, target)
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("clinic.db")] == [
        "usage.csv"]


def test_a_pdf_too_long_to_read_is_refused_with_the_way_out(usage, tmp_path, monkeypatch):
    monkeypatch.setattr("app.services.reports.export.PDF_MAX_ROWS", 2)
    with pytest.raises(NotAllowed, match="CSV or Excel") as caught:
        to_pdf(usage, tmp_path / "usage.pdf")
    assert "3 rows" in str(caught.value)
    assert not (tmp_path / "usage.pdf").exists()
