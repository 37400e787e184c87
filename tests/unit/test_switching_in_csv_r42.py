"""R42 from CSV: "Packages sold before ClinicDesk", "Opening balances" and "Upcoming
appointments" through the patient import's preview (per-row problems, nothing written),
all-or-nothing import and duplicates skipped; rows name patients as the patient import does
(name, with email or phone when two share it)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.services.errors import NotAllowed
from app.services.csv import ERROR, OK, DUPLICATE


def write(tmp_path, text: str, name: str = "file.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def joes(clinic, catalog):
    """Two Joe Bloggs, told apart by their phones."""
    return (clinic.patients.add("Joe", "Bloggs", phone="902-555-0102"),
            clinic.patients.add("Joe", "Bloggs", phone="902-555-0199"))


def statuses(preview) -> list[tuple]:
    return [(row.number, row.status, row.field) for row in preview.rows]


PACKAGES = """First name,Last name,Phone,Package,Price,Uses,Used,Collected,Purchased,Expires
Maria,Lopez,,10 Massages,,,3,500.00,2025-11-20,2026-11-20
Joe,Bloggs,,10 Massages,,,1,0,2025-12-01,
Joe,Bloggs,902-555-0102,Old 5-pack,250.00,5,6,0,2025-12-01,
Joe,Bloggs,902-555-0102,Old 5-pack,250.00,5,2,300,2025-12-01,
Joe,Bloggs,902-555-0102,Old 5-pack,250.00,5,2,100,2025-12-01,
Ann,Nobody,,10 Massages,,,1,0,2025-12-01,
Maria,Lopez,,Yoga 3,,,0,0,2025-12-01,
Maria,Lopez,,10 Massages,,,0,0,2026-04-01,
Maria,Lopez,,10 Massages,,,0,0,2026-01-05,2026-01-01
"""


def test_r42_packages_preview_names_each_problem_then_imports_the_rest(
        clinic, catalog, joes, tmp_path):
    preview = clinic.csv.preview_import("packages_before", write(tmp_path, PACKAGES))
    assert statuses(preview) == [
        (2, OK, None), (3, ERROR, "email"), (4, ERROR, "uses_used"), (5, ERROR, "collected"),
        (6, OK, None), (7, ERROR, "last_name"), (8, ERROR, "package"),
        (9, ERROR, "purchased_on"), (10, ERROR, "expires_on")]
    problems = {row.number: row.problem for row in preview.rows}
    assert problems[3] == ("2 patients are named Joe Bloggs; add the patient's email or "
                           "phone to the row.")
    assert "(6) cannot be more than the package\u2019s 5 uses" in problems[4]
    assert "($300.00) cannot be more than the package\u2019s price ($250.00)" in problems[5]
    assert "No patient named Ann Nobody" in problems[7]
    assert "No package template is named \u201cYoga 3\u201d" in problems[8]
    assert clinic.packages.for_patient(catalog["patient"]) == []  # a preview writes nothing

    result = clinic.csv.import_rows(preview)
    assert result.created == 2
    (maria,) = clinic.packages.for_patient(catalog["patient"])
    assert (maria.uses_redeemed, maria.imported_on) == (3, clinic.today())
    (joe,) = clinic.packages.for_patient(joes[0])
    assert (joe.name, joe.price, joe.uses_total, joe.uses_redeemed) == \
        ("Old 5-pack", 25000, 5, 2)
    assert clinic.billing.account(joes[0]).owing == 15000

    again = clinic.csv.preview_import("packages_before", write(tmp_path, PACKAGES))
    assert [row.status for row in again.rows if row.number in (2, 6)] == [DUPLICATE] * 2


def test_r42_packages_all_or_nothing(clinic, catalog, tmp_path, monkeypatch):
    text = ("Patient,Package,Used,Collected,Purchased\n"
            "Maria Lopez,10 Massages,0,0,2026-01-05\n"
            "Maria Lopez,3 Physio,1,50,2026-01-06\n")
    preview = clinic.csv.preview_import("packages_before", write(tmp_path, text))
    assert preview.ready == 2
    real = clinic.packages.import_existing
    calls = []

    def second_fails(patient_id, **terms):
        calls.append(terms)
        if len(calls) == 2:  # (the first row is written by then, in the same transaction)
            raise NotAllowed("The clinic changed meanwhile.")
        return real(patient_id, **terms)

    monkeypatch.setattr(clinic.packages, "import_existing", second_fails)
    with pytest.raises(NotAllowed, match="Row 2 could not be imported"):
        clinic.csv.import_rows(preview)
    monkeypatch.undo()
    assert clinic.packages.for_patient(catalog["patient"]) == []
    assert clinic.billing.account(catalog["patient"]).invoiced == 0


def test_r42_packages_cancelled_writes_nothing(clinic, catalog, tmp_path):
    text = "Patient,Package,Used,Collected,Purchased\nMaria Lopez,10 Massages,0,0,2026-01-05\n"
    preview = clinic.csv.preview_import("packages_before", write(tmp_path, text))
    result = clinic.csv.import_rows(preview, cancelled=lambda: True)
    assert result.cancelled and clinic.packages.for_patient(catalog["patient"]) == []


BALANCES = """Patient,Email,Phone,Owing,Credit,As of
"Lopez, Maria",maria@example.com,,120.00,,2026-02-28
Joe Bloggs,,9025550102,,45.50,
Joe Bloggs,,9025550199,10,10,
Joe Bloggs,,9025550199,,,
Joe Bloggs,,9025550199,5,,2026-04-01
Joe Bloggs,,9025550199,-5,,
"""


def test_r42_opening_balances_owing_shows_and_credit_can_be_applied(
        clinic, catalog, joes, tmp_path):
    preview = clinic.csv.preview_import("opening_balances", write(tmp_path, BALANCES))
    assert statuses(preview) == [(2, OK, None), (3, OK, None), (4, ERROR, "credit"),
                                 (5, ERROR, "owing"), (6, ERROR, "as_of"), (7, ERROR, "owing")]
    assert "cannot be after today (Mar 2, 2026)" in preview.rows[4].problem
    assert clinic.csv.import_rows(preview).created == 2

    maria = clinic.billing.account(catalog["patient"])
    assert (maria.owing, maria.credit) == (12000, 0)
    (invoice,) = maria.invoices
    assert invoice.issued_on == date(2026, 2, 28)
    joe = clinic.billing.account(joes[0])
    assert (joe.owing, joe.credit) == (0, 4550)
    sale = clinic.billing.sell_package(joes[0], catalog["three_physio"])
    clinic.billing.apply_credit(joes[0], sale.invoice_id)
    assert clinic.billing.account(joes[0]).credit == 0

    # none of it is today's money; the books post it to Opening Balances and still tie
    t = clinic.reports.day_close(clinic.today()).totals
    assert t["received"] == 0 and t["invoices_issued"] == 1  # (the sale only)
    balances = clinic.accounting.balances(clinic.today())
    assert balances["receivable"] == 12000 + 10000 - 4550
    assert not any(role.startswith("clearing:") for role in balances)

    again = clinic.csv.preview_import("opening_balances", write(tmp_path, BALANCES))
    assert [row.status for row in again.rows[:2]] == [DUPLICATE, DUPLICATE]


APPOINTMENTS = """First name,Last name,Practitioner,Treatment,Date,Time,Notes
Maria,Lopez,Ana Silva,Massage 60 min,2026-03-10,2:30 PM,from the old system
Maria,Lopez,Ana Silva,Massage 60 min,2026-03-10,14:30,
Maria,Lopez,Bob,Massage 60 min,2026-03-10,14:30,
Maria,Lopez,Ana Silva,Yoga,2026-03-10,14:30,
Maria,Lopez,Ana Silva,Massage 60 min,2026-03-01,14:30,
Maria,Lopez,Ana Silva,Massage 60 min,2026-03-11,25:30,
Maria,Lopez,Ben Okafor,Acupuncture,2026-03-12,09:00,
"""


def test_r42_upcoming_appointments_booked_with_the_package_when_eligible(
        clinic, catalog, tmp_path):
    package = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    preview = clinic.csv.preview_import("upcoming_appointments",
                                        write(tmp_path, APPOINTMENTS))
    assert statuses(preview) == [
        (2, OK, None), (3, DUPLICATE, None), (4, ERROR, "practitioner"),
        (5, ERROR, "treatment"), (6, ERROR, "date"), (7, ERROR, "time"), (8, OK, None)]
    assert "already past" in preview.rows[4].problem
    result = clinic.csv.import_rows(preview)
    massage, acupuncture = (clinic.schedule.appointment(i) for i in result.created_ids)
    assert (massage.start, massage.status, massage.package_id, massage.notes) == \
        (datetime(2026, 3, 10, 14, 30), "booked", package.package_id, "from the old system")
    assert acupuncture.package_id is None  # the package does not cover it


def test_r42_a_booking_refused_at_import_undoes_the_whole_file(clinic, catalog, tmp_path):
    clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["acu"],
                         datetime(2026, 3, 12, 9))
    joe = clinic.patients.add("Joe", "Bloggs")
    text = ("Patient,Practitioner,Treatment,Date,Time\n"
            "Joe Bloggs,Ana Silva,Massage 60 min,2026-03-10,10:00\n"
            "Joe Bloggs,Ben Okafor,Acupuncture,2026-03-12,09:00\n")
    preview = clinic.csv.preview_import("upcoming_appointments", write(tmp_path, text))
    assert preview.ready == 2
    with pytest.raises(NotAllowed, match="Row 2 could not be imported"):
        clinic.csv.import_rows(preview)
    assert clinic.schedule.upcoming(joe) == []


@pytest.mark.parametrize("kind, header, words", [
    ("packages_before", "Patient,Package,Collected,Purchased", "Used"),
    ("opening_balances", "Patient,As of", "Owing"),
    ("upcoming_appointments", "Patient,Practitioner,Treatment,Date", "Time"),
    ("packages_before", "Package,Used,Collected,Purchased", "patients' names"),
])
def test_r42_a_file_without_the_columns_is_refused(clinic, catalog, tmp_path, kind, header,
                                                    words):
    with pytest.raises(NotAllowed, match=words):
        clinic.csv.preview_import(kind, write(tmp_path, header + "\nx,y,z,w\n"))
