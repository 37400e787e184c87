"""CSV import (preview, per-row problems, one transaction) and export (issue 8)."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from app.models import Patient
from app.services.csv import exporting, importing, reading
from app.services.errors import ClinicError, NotAllowed
from helpers.audit import audit_actions

PATIENTS_CSV = ("First Name,Last Name,Email,Phone,Date of birth,Favourite colour\n"
                "Maria,Lopez,maria@example.com,902-555-0101,1980-01-02,blue\n"
                "Émilie,Côté,emilie@example.com,,,green\n"
                "Jean,Tremblay,,(902) 555-0199,,\n")


def write(tmp_path, text: str, *, name="file.csv", encoding="utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def patient_count(clinic) -> int:
    return len(clinic.patients.search("", limit=500))


# -- reading files --------------------------------------------------------------------------

def test_a_good_file_previews_every_row_and_writes_nothing(clinic, tmp_path):
    preview = clinic.csv.preview_import("patients", write(tmp_path, PATIENTS_CSV))
    assert [r.status for r in preview.rows] == ["ok", "ok", "ok"]
    assert [r.number for r in preview.rows] == [2, 3, 4]
    assert preview.rows[1].values["first_name"] == "Émilie"
    assert dict(preview.columns)["birth_date"] == "Date of birth"
    assert preview.unknown_columns == ("Favourite colour",)
    assert preview.summary() == "3 ready, 0 with problems, 0 already in the clinic or the file"
    assert patient_count(clinic) == 0


def test_import_writes_the_ok_rows_in_one_go_with_audit_entries(clinic, tmp_path):
    preview = clinic.csv.preview_import("patients", write(tmp_path, PATIENTS_CSV))
    result = clinic.csv.import_rows(preview)
    assert result.created == 3 and not result.cancelled
    maria = clinic.patients.get(result.created_ids[0])
    assert (maria.first_name, maria.phone, maria.birth_date.isoformat()) == (
        "Maria", "902-555-0101", "1980-01-02")
    assert clinic.patients.search("emilie")[0].last_name == "Côté"
    actions = audit_actions(clinic)
    assert actions.count("patient.add") == 3 and actions[-1] == "patients.import"


def test_a_utf8_bom_is_not_part_of_the_first_header(clinic, tmp_path):
    path = write(tmp_path, "\ufeff" + PATIENTS_CSV)
    preview = clinic.csv.preview_import("patients", path)
    assert preview.encoding == "utf-8-sig"
    assert dict(preview.columns)["first_name"] == "First Name"
    assert preview.ready == 3


def test_an_excel_cp1252_file_keeps_its_accents(clinic, tmp_path):
    path = write(tmp_path, "Prénom;Nom;Courriel;Téléphone\nÉmilie;Côté;e@example.com;\n",
                 encoding="cp1252")
    preview = clinic.csv.preview_import("patients", path)
    assert preview.encoding == "cp1252" and preview.delimiter == ";"
    assert preview.rows[0].values == {"first_name": "Émilie", "last_name": "Côté",
                                      "email": "e@example.com", "phone": ""}
    assert preview.ready == 1


def test_a_semicolon_file_with_french_headers(clinic, tmp_path):
    path = write(tmp_path, "Prénom;Nom;Courriel;Date de naissance\n"
                           "Luc;Gagnon;luc@example.com;1975-06-30\n")
    preview = clinic.csv.preview_import("patients", path)
    assert preview.delimiter == ";"
    assert preview.rows[0].values["birth_date"] == "1975-06-30"
    assert preview.ready == 1


def test_a_tab_separated_file_and_a_full_name_column(clinic, tmp_path):
    path = write(tmp_path, "Name\tE-mail\nLopez, Maria\tm@example.com\nJean Tremblay\t\n")
    preview = clinic.csv.preview_import("patients", path)
    assert preview.delimiter == "\t"
    assert [(r.values["first_name"], r.values["last_name"]) for r in preview.rows] == [
        ("Maria", "Lopez"), ("Jean", "Tremblay")]


def test_a_file_without_a_name_column_is_refused(clinic, tmp_path):
    with pytest.raises(NotAllowed, match="no column for the patients' names"):
        clinic.csv.preview_import("patients", write(tmp_path, "Email,Phone\na@b.co,1\n"))


@pytest.mark.parametrize("data, words", [
    (b"", "is empty"),
    (b"  \n\n", "is empty"),
    (b"First name,Last name\n", "no rows to import"),
    (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
    (b'[{"first_name": "Maria"}]', "not a CSV file"),
    (b"\x00\x01\x02binary\x00", "not a CSV file"),
    (b"First name,Last name\n\x81\x8d\x8f,\x90\x9d\n", "could not be read"),
])
def test_files_that_are_not_patient_csv_are_refused_in_plain_words(clinic, tmp_path, data,
                                                                    words):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(ClinicError, match=words):
        clinic.csv.preview_import("patients", path)


def test_a_missing_file_and_an_unknown_kind_are_refused(clinic, tmp_path):
    with pytest.raises(ClinicError, match="not there any more"):
        clinic.csv.preview_import("patients", tmp_path / "gone.csv")
    with pytest.raises(ClinicError, match="Choose what to import: patients, treatment types"):
        clinic.csv.preview_import("invoices", write(tmp_path, PATIENTS_CSV))


def test_a_file_too_large_is_refused(clinic, tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    with pytest.raises(NotAllowed, match="at most 2 rows"):
        clinic.csv.preview_import("patients", write(tmp_path, PATIENTS_CSV))


def test_utf16_from_excel_unicode_text(clinic, tmp_path):
    path = write(tmp_path, "\ufeffFirst name\tLast name\nÉmilie\tCôté\n", encoding="utf-16-le")
    preview = clinic.csv.preview_import("patients", path)
    assert preview.rows[0].values["first_name"] == "Émilie"


# -- per-row problems and duplicates --------------------------------------------------------

def test_a_bad_email_row_says_why_and_the_others_still_import(clinic, tmp_path):
    path = write(tmp_path, "First name,Last name,Email\nMaria,Lopez,maria@example.com\n"
                           "Bad,Row,not-an-email\n,NoFirst,\n")
    preview = clinic.csv.preview_import("patients", path)
    assert [r.status for r in preview.rows] == ["ok", "error", "error"]
    assert preview.rows[1].problem == "\u201cnot-an-email\u201d is not an email address."
    assert preview.rows[1].field == "email"
    assert "first name" in preview.rows[2].problem
    assert clinic.csv.import_rows(preview).created == 1
    assert [p.first_name for p in clinic.patients.search("")] == ["Maria"]


def test_a_row_with_extra_values_is_a_problem(clinic, tmp_path):
    path = write(tmp_path, "First name,Last name\nMaria,Lopez\nJean,Tremblay,Jr,extra\n")
    preview = clinic.csv.preview_import("patients", path)
    assert [r.status for r in preview.rows] == ["ok", "error"]
    assert "more values" in preview.rows[1].problem


def test_duplicates_in_the_clinic_and_in_the_file_are_skipped(clinic, tmp_path):
    clinic.patients.add("Maria", "Lopez", email="MARIA@example.com")
    clinic.patients.add("Jean", "Tremblay", phone="902 555 0199")
    path = write(tmp_path, "First name,Last name,Email,Phone\n"
                           "maria,LOPEZ,maria@example.com,\n"        # same name and email
                           "Jean,Tremblay,,902-555-0199\n"            # same name and phone
                           "Maria,Lopez,other@example.com,\n"         # a different Maria
                           "Ana,Silva,ana@example.com,\n"
                           "Ana,Silva,ana@example.com,\n")            # twice in the file
    preview = clinic.csv.preview_import("patients", path)
    assert [r.status for r in preview.rows] == ["duplicate", "duplicate", "ok", "ok",
                                                "duplicate"]
    assert "already in the clinic" in preview.rows[0].problem
    assert "earlier row" in preview.rows[4].problem
    assert (preview.ready, preview.problems, preview.duplicates) == (2, 0, 3)
    assert clinic.csv.import_rows(preview).created == 2
    assert patient_count(clinic) == 4


def test_a_patient_added_by_another_desk_after_the_preview_is_skipped(clinic, tmp_path):
    preview = clinic.csv.preview_import("patients", write(tmp_path, PATIENTS_CSV))
    clinic.patients.add("Maria", "Lopez", email="maria@example.com")
    result = clinic.csv.import_rows(preview)
    assert (result.created, result.skipped) == (2, 1)


# -- all or nothing -------------------------------------------------------------------------

def test_cancel_writes_nothing(clinic, tmp_path):
    preview = clinic.csv.preview_import("patients", write(tmp_path, PATIENTS_CSV))
    result = clinic.csv.import_rows(preview, cancelled=lambda: True)
    assert result.cancelled and result.created == 0
    assert patient_count(clinic) == 0
    assert "patients.import" not in audit_actions(clinic)


def test_a_cancelled_preview_returns_nothing(clinic, tmp_path):
    path = write(tmp_path, PATIENTS_CSV)
    assert clinic.csv.preview_import("patients", path, cancelled=lambda: True) is None


def test_all_or_nothing_when_the_database_refuses_midway(clinic, tmp_path):
    path = write(tmp_path, "First name,Last name\nAna,One\nBen,Two\nBoom,Three\nDan,Four\n")
    preview = clinic.csv.preview_import("patients", path)
    assert preview.ready == 4

    def refuse(_mapper, _connection, target):
        if target.first_name == "Boom":
            raise IntegrityError("INSERT INTO patients", {}, Exception("refused by a check"))

    event.listen(Patient, "before_insert", refuse)
    try:
        with pytest.raises(ClinicError, match="Nothing was imported"):
            clinic.csv.import_rows(preview)
    finally:
        event.remove(Patient, "before_insert", refuse)
    assert patient_count(clinic) == 0
    assert "patient.add" not in audit_actions(clinic)


def test_a_row_refused_at_import_time_stops_the_whole_import(clinic, tmp_path, monkeypatch):
    preview = clinic.csv.preview_import("patients", write(tmp_path, PATIENTS_CSV))
    rows = list(preview.rows)
    rows[2] = importing.PreviewRow(4, {"first_name": "", "last_name": "X"}, "ok")
    tampered = importing.ImportPreview(**{**preview.__dict__, "rows": tuple(rows)})
    with pytest.raises(NotAllowed, match="Row 4 can no longer be imported"):
        clinic.csv.import_rows(tampered)
    assert patient_count(clinic) == 0


def test_nothing_ready_is_refused(clinic, tmp_path):
    preview = clinic.csv.preview_import(
        "patients", write(tmp_path, "First name,Last name,Email\nA,B,bad\n"))
    with pytest.raises(NotAllowed, match="No row of the file is ready"):
        clinic.csv.import_rows(preview)


# -- treatment types ------------------------------------------------------------------------

TREATMENTS_CSV = ("Treatment,Duration (minutes),Price,Tax rate\n"
                  "Massage 90 min,90,$120.00,15%\n"
                  "Cupping,30,45,0.13\n"
                  "Too short,2,40,\n"
                  "Hot stones,60,lots,\n")


def test_treatment_types_use_the_catalogue_rules(clinic, tmp_path):
    clinic.catalog.add_treatment_type("cupping", duration_min=30, price=4000)
    preview = clinic.csv.preview_import("treatment_types", write(tmp_path, TREATMENTS_CSV))
    assert [r.status for r in preview.rows] == ["ok", "duplicate", "error", "error"]
    assert preview.rows[2].problem == "The duration in minutes must be between 5 and 600."
    assert "price" in preview.rows[3].problem
    result = clinic.csv.import_rows(preview)
    massage = clinic.catalog.treatment_type(result.created_ids[0])
    assert (massage.price, massage.tax_rate, massage.duration_min) == (12000, Decimal("0.15"),
                                                                        90)
    assert "treatment_type.add" in audit_actions(clinic)


def test_treatment_types_need_a_price_column(clinic, tmp_path):
    with pytest.raises(NotAllowed, match="no column for the price"):
        clinic.csv.preview_import("treatment_types",
                                  write(tmp_path, "Name,Duration\nMassage,60\n"))


def test_importing_treatment_types_is_for_managers(clinic, catalog, tmp_path):
    clinic.auth.set_secret(catalog["desk"], "1111")
    clinic.auth.sign_in(catalog["desk"], "1111")
    with pytest.raises(NotAllowed, match="Only a manager can change treatment types"):
        clinic.csv.preview_import("treatment_types", write(tmp_path, TREATMENTS_CSV))
    # Patients: anyone at the desk may add them, so anyone may import them.
    preview = clinic.csv.preview_import("patients", write(tmp_path, PATIENTS_CSV))
    assert (preview.ready, preview.duplicates) == (2, 1)   # Maria Lopez is a patient already


def test_treatment_types_export_reimports_in_cents(clinic, catalog, tmp_path):
    out = tmp_path / "treatments.csv"
    clinic.csv.export_table("treatment_types", out)
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "id,name,duration_min,price_cents,tax_rate,active"
    clinic.catalog.update_treatment_type(catalog["acu"], name="Acupuncture (old)")
    preview = clinic.csv.preview_import("treatment_types", out)
    assert [r.status for r in preview.rows if r.values["name"] == "Acupuncture"] == ["ok"]
    created = clinic.csv.import_rows(preview).created_ids
    assert clinic.catalog.treatment_type(created[0]).price == 7500


# -- export ---------------------------------------------------------------------------------

def read_csv(path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")     # Excel needs the BOM to read UTF-8
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_round_trip_of_patients(clinic, tmp_path, clock):
    clinic.patients.add("Émilie", "Côté", email="e@example.com", phone="+1 902 555 0101",
                        notes="Prefers mornings, \"quiet\" room\nsecond line")
    clinic.patients.add("=HYPERLINK(1)", "Formula")
    out = tmp_path / "patients.csv"
    progress = []
    result = clinic.csv.export_table("patients", out, progress=lambda d, t: progress.append(
        (d, t)))
    assert result.rows == 2 and not result.cancelled
    assert progress[0] == (0, 2) and progress[-1] == (2, 2)
    rows = read_csv(out)
    assert rows[0]["first_name"] == "Émilie" and rows[0]["notes"].endswith("second line")
    assert rows[0]["phone"] == "'+1 902 555 0101"      # never run as a formula
    assert rows[1]["first_name"] == "'=HYPERLINK(1)"
    assert "first_key" not in rows[0] and "phone_digits" not in rows[0]

    from app.services import Clinic
    with Clinic.open(tmp_path / "other.db", clock=clock) as other:
        preview = other.csv.preview_import("patients", out)
        # (consent to reminders is the patient's own word at this clinic, R47: not imported)
        assert set(preview.unknown_columns) == {"id", "active", "created_at", "language",
                                                "email_reminders", "email_reminders_since"}
        assert other.csv.import_rows(preview).created == 2
        emilie = other.patients.search("emilie")[0]
        assert (emilie.phone, emilie.email, emilie.notes) == (
            "+1 902 555 0101", "e@example.com", "Prefers mornings, \"quiet\" room\nsecond line")
        assert other.patients.search("formula")[0].first_name == "=HYPERLINK(1)"


def test_export_excludes_pin_hashes(clinic, catalog, tmp_path):
    clinic.auth.set_secret(catalog["ana"], "2468")
    out = tmp_path / "staff.csv"
    clinic.csv.export_table("staff", out)
    text = out.read_text(encoding="utf-8-sig")
    assert "secret" not in text and "argon2" not in text
    assert [r["name"] for r in read_csv(out)] == ["Ana Silva", "Ben Okafor", "Chloe Desk"]


def test_money_columns_say_they_are_cents(clinic, catalog, tmp_path):
    assert clinic.csv.export_columns("invoice_lines")[-8:] == [
        "quantity", "unit_price_cents", "tax_rate", "tax_cents", "total_cents", "package_id",
        "appointment_id", "treatment_type_id"]
    out = tmp_path / "templates.csv"
    clinic.csv.export_table("package_templates", out)
    assert read_csv(out)[0]["price_cents"] == "80000"


def test_export_of_an_empty_table_is_its_header(clinic, tmp_path):
    out = tmp_path / "appointments.csv"
    result = clinic.csv.export_table("appointments", out)
    assert result.rows == 0
    assert out.read_text(encoding="utf-8-sig").strip() == ",".join(
        clinic.csv.export_columns("appointments"))


def test_a_cancelled_export_leaves_nothing(clinic, catalog, tmp_path):
    out = tmp_path / "patients.csv"
    result = clinic.csv.export_table("patients", out, cancelled=lambda: True)
    assert result.cancelled
    assert list(tmp_path.glob("*patients.csv*")) == []


def test_a_failed_export_keeps_the_old_file(clinic, catalog, tmp_path, monkeypatch):
    out = tmp_path / "patients.csv"
    out.write_text("yesterday's export")

    def broken(value):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exporting, "_cell", broken)
    with pytest.raises(OSError):
        clinic.csv.export_table("patients", out)
    assert out.read_text() == "yesterday's export"
    assert [p.name for p in tmp_path.iterdir() if "patients" in p.name] == ["patients.csv"]


def test_exports_of_private_tables_are_for_managers(clinic, catalog, tmp_path):
    clinic.auth.set_secret(catalog["desk"], "1111")
    clinic.auth.sign_in(catalog["desk"], "1111")
    with pytest.raises(NotAllowed, match="Only a manager can export the table \u201cPatients\u201d"):
        clinic.csv.export_table("patients", tmp_path / "p.csv")
    assert not (tmp_path / "p.csv").exists()
    assert clinic.csv.export_table("treatment_types", tmp_path / "t.csv").rows == 3


def test_unknown_tables_and_missing_folders_are_refused(clinic, tmp_path):
    with pytest.raises(NotAllowed):
        clinic.csv.export_table("alembic_version", tmp_path / "a.csv")
    with pytest.raises(ClinicError, match="does not exist"):
        clinic.csv.export_table("patients", tmp_path / "nowhere" / "p.csv")


def test_every_table_has_a_label_and_no_secret_leaves(clinic):
    names = [name for name, _label in clinic.csv.tables()]
    assert set(names) == set(exporting.TABLE_LABELS)
    assert "secret_hash" not in clinic.csv.export_columns("staff")
    # a gift card's code spends it like cash (R45): it stays in the clinic file
    assert "code" not in clinic.csv.export_columns("gift_cards")
    assert "balance_cents" in clinic.csv.export_columns("gift_cards")
