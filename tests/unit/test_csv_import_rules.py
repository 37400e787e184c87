"""CSV import through the services' own public rules (issue 16): one tax-rate reader, money
in the clinic's currency, and patients and treatment types written by patients.add_many and
catalog.add_treatment_types with one audit entry a row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import AuditEntry
from app.services.catalog import CleanTreatmentType
from app.services.errors import NotAllowed, ValidationError
from app.services.patients import CleanPatient
from app.services.rates import rate_from_percent, rate_in_file


def write(tmp_path, text: str) -> str:
    path = tmp_path / "file.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def actions(clinic) -> list[str]:
    with clinic.db.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.mark.parametrize("text, rate", [
    ("13", Decimal("0.13")), ("13 %", Decimal("0.13")), ("13%", Decimal("0.13")),
    ("14,975 %", Decimal("0.14975")), ("5", Decimal("0.05")), ("0", Decimal("0")),
    ("0.13", Decimal("0.13")),            # a spreadsheet's fraction (and our own export)
    ("0.130000", Decimal("0.13")), ("0,05", Decimal("0.05")),
    ("0.13 %", Decimal("0.0013")),        # with its sign, a percent like any other
    ("", ""), ("HST", "HST"),             # passed on: validation.tax_rate words the refusal
])
def test_one_rate_reader_for_files(text, rate):
    assert rate_in_file(text) == rate


def test_the_forms_reading_is_unchanged():
    assert rate_from_percent("1") == Decimal("0.01")
    assert rate_from_percent("0.13") == Decimal("0.0013")
    assert rate_from_percent("13") == rate_in_file("13")


def test_a_bare_one_in_a_file_is_refused_in_words():
    with pytest.raises(ValidationError, match="could be 1 % or 100 %") as refused:
        rate_in_file("1")
    assert refused.value.field == "tax_rate"
    assert rate_in_file("1 %") == Decimal("0.01")


def test_tax_rates_in_a_file_as_the_forms_read_them(clinic, catalog, tmp_path):
    preview = clinic.csv.preview_import("treatment_types", write(
        tmp_path, "Name,Duration,Price,Tax rate\nCupping,30,45,13\nDry needling,30,60,0.05\n"
                  "Taping,15,20,1\n"))
    assert [r.status for r in preview.rows] == ["ok", "ok", "error"]
    assert "could be 1 % or 100 %" in preview.rows[2].problem
    assert preview.rows[2].field == "tax_rate"
    created = clinic.csv.import_rows(preview).created_ids
    rates = [clinic.catalog.treatment_type(i).tax_rate for i in created]
    assert rates == [Decimal("0.13"), Decimal("0.05")]


def test_a_yen_clinic_imports_yen(clinic, catalog, tmp_path):
    clinic.settings.update(currency="JPY", locale="ja_JP")
    preview = clinic.csv.preview_import("treatment_types", write(
        tmp_path, "Name,Duration,Price\nShiatsu,60,1500\nHalf yen,30,12.5\n"))
    assert [r.status for r in preview.rows] == ["ok", "error"]
    assert preview.rows[1].field == "price"
    created = clinic.csv.import_rows(preview).created_ids
    assert clinic.catalog.treatment_type(created[0]).price == 1500


def test_a_cents_column_is_the_currencys_smallest_unit(clinic, catalog, tmp_path):
    clinic.settings.update(currency="JPY", locale="ja_JP")
    preview = clinic.csv.preview_import("treatment_types", write(
        tmp_path, "name,duration_min,price_cents\nShiatsu,60,1500\nBad,30,15.5\n"))
    assert [r.status for r in preview.rows] == ["ok", "error"]
    assert "whole number" in preview.rows[1].problem
    created = clinic.csv.import_rows(preview).created_ids
    assert clinic.catalog.treatment_type(created[0]).price == 1500


def test_patients_add_many_writes_one_audit_entry_a_row(clinic):
    rows = [clinic.patients.validate({"first_name": f"P{n}", "last_name": "Lee"})
            for n in range(3)]
    ids = clinic.patients.add_many(rows)
    assert [clinic.patients.get(i).first_name for i in ids] == ["P0", "P1", "P2"]
    assert actions(clinic).count("patient.add") == 3
    with pytest.raises(ValidationError, match="checked first"):
        clinic.patients.add_many([{"first_name": "Not", "last_name": "Checked"}])
    with pytest.raises(ValidationError):
        clinic.patients.validate("Ann Lee")
    with pytest.raises(ValidationError, match="checked first"):   # a partial check
        clinic.patients.add_many([clinic.patients.validate({"email": "a@example.com"})])
    with pytest.raises(ValidationError, match="not something that can be changed"):
        clinic.patients.validate({"first_name": "Ann", "last_name": "Lee", "shoe": 9})
    with pytest.raises(ValidationError) as refused:
        clinic.patients.validate({"first_name": "Ann", "last_name": "Lee", "email": "x"})
    assert refused.value.field == "email"
    assert isinstance(rows[0], CleanPatient)


def test_treatment_types_add_many_keeps_names_unique(clinic, catalog):
    clean = clinic.catalog.validate_treatment_type(
        {"name": "massage 60 MIN", "duration_min": 60, "price": 9000, "tax_rate": "0"})
    assert isinstance(clean, CleanTreatmentType)
    with pytest.raises(NotAllowed, match="already a treatment type called"):
        clinic.catalog.add_treatment_types([clean])
    before = actions(clinic).count("treatment_type.add")
    fresh = clinic.catalog.validate_treatment_type(
        {"name": "Cupping", "duration_min": 30, "price": 4500})
    again = clinic.catalog.validate_treatment_type(
        {"name": "cupping", "duration_min": 30, "price": 4500})
    with pytest.raises(NotAllowed):
        clinic.catalog.add_treatment_types([fresh, again])
    assert actions(clinic).count("treatment_type.add") == before   # all or nothing
    clinic.catalog.add_treatment_types([fresh])
    assert actions(clinic).count("treatment_type.add") == before + 1


def test_treatment_types_add_many_is_for_managers(clinic, catalog):
    clean = clinic.catalog.validate_treatment_type(
        {"name": "Cupping", "duration_min": 30, "price": 4500})
    clinic.auth.set_secret(catalog["desk"], "1111")
    clinic.auth.sign_in(catalog["desk"], "1111")
    with pytest.raises(NotAllowed, match="Only a manager"):
        clinic.catalog.add_treatment_types([clean])


def test_an_export_keeps_the_replaced_files_permissions(clinic, catalog, tmp_path):
    out = tmp_path / "t.csv"
    out.write_text("old")
    out.chmod(0o640)
    assert clinic.csv.export_table("treatment_types", out).rows == 3
    assert out.stat().st_mode & 0o777 == 0o640
    assert out.read_text(encoding="utf-8-sig").startswith("id,name,")


def test_the_preview_shows_a_cents_column_as_its_amount(clinic, catalog, tmp_path):
    preview = clinic.csv.preview_import("treatment_types", write(
        tmp_path, "name,duration_min,price_cents\nShiatsu,60,7550\n"))
    assert preview.rows[0].values["price"] == "75.50"
    created = clinic.csv.import_rows(preview).created_ids
    assert clinic.catalog.treatment_type(created[0]).price == 7550
