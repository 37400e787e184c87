"""R30 (issue 15, the campaign's sweep): a bad argument is a refusal naming the field, and
nothing is written, not even an audit entry.

- an edit with a field that does not exist (`no_such_field=1`) was dropped silently, yet
  audited as a change; an edit that changes nothing is no event either;
- a tick box given the text "false" (or 0/1) was taken as `bool(value)`: "false" was a yes;
- an id that SQLite cannot hold (2**63) or a list, as a read's filter, escaped as
  OverflowError/ProgrammingError; a read for a patient or staff member that does not exist
  now says so instead of listing nothing;
- an unknown table, a search that is not text, a language that is a list, an import file
  that is None/5/holds NUL, a move to "not a url at all" or with batch=-1.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import inspect, select, text

from app.models import Base
from app.services.errors import ClinicError, NotFound, ValidationError
from app.services.transfer import migrate_to
from helpers.audit import audit_count


def _rows(clinic) -> dict:
    """Every table's rows, to prove a refusal wrote nothing."""
    with clinic.db.read() as s:
        return {t.name: sorted(map(repr, s.execute(select(t)).all()))
                for t in Base.metadata.sorted_tables}


def _refused(clinic, call, field=None, kind=ClinicError):
    before = _rows(clinic)
    with pytest.raises(kind) as raised:
        call()
    assert str(raised.value).strip()
    if field is not None:
        assert getattr(raised.value, "field", None) == field
    assert _rows(clinic) == before
    return raised.value


# -- unknown fields, and edits that change nothing -----------------------------------------
def test_an_edit_of_a_field_that_does_not_exist_is_refused_and_not_audited(clinic, catalog):
    calls = [
        lambda: clinic.patients.update(catalog["patient"], no_such_field=1),
        lambda: clinic.catalog.update_treatment_type(catalog["massage"], no_such_field=1),
        lambda: clinic.catalog.update_package_template(catalog["ten_massages"],
                                                       no_such_field=1),
        lambda: clinic.patients.update(catalog["patient"], phone="902-555-0199", colour="x"),
    ]
    for call in calls:
        error = _refused(clinic, call, kind=ValidationError)
        assert error.field in {"no_such_field", "colour"}
        assert error.field in str(error)


def test_an_edit_that_changes_nothing_writes_no_audit_entry(clinic, catalog):
    before = audit_count(clinic)
    clinic.patients.update(catalog["patient"], first_name="Maria")
    clinic.patients.update(catalog["patient"])
    clinic.catalog.update_treatment_type(catalog["massage"], price=9000, active=True)
    clinic.catalog.update_package_template(catalog["ten_massages"], name="10 Massages")
    clinic.staff.update(catalog["ben"], name="Ben Okafor", active=True)
    clinic.settings.update_no_show_fee(catalog["no_show_fee"], amount=4000)
    clinic.settings.update(name="Harbour Physio")
    assert audit_count(clinic) == before
    clinic.patients.update(catalog["patient"], first_name="Marie")
    assert audit_count(clinic) == before + 1


# -- yes/no fields ------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["false", "no", "", 0, 1, [], 1.0], ids=repr)
def test_a_tick_box_takes_only_yes_or_no(clinic, catalog, value):
    calls = [
        ("active", lambda: clinic.patients.update(catalog["patient"], active=value)),
        ("active", lambda: clinic.staff.update(catalog["ben"], active=value)),
        ("practitioner", lambda: clinic.staff.update(catalog["ben"], practitioner=value)),
        ("practitioner", lambda: clinic.staff.add("Dana Roy", practitioner=value)),
        ("active", lambda: clinic.catalog.update_treatment_type(catalog["massage"],
                                                                active=value)),
        ("archived", lambda: clinic.catalog.archive_package_template(catalog["ten_massages"],
                                                                     archived=value)),
        ("active", lambda: clinic.settings.update_no_show_fee(catalog["no_show_fee"],
                                                              active=value)),
    ]
    for field, call in calls:
        _refused(clinic, call, field=field, kind=ValidationError)


def test_none_is_no_answer_where_no_default_can_stand_in(clinic, catalog):
    # (In an edit None keeps the flag as it is; a new staff member or an archiving needs one.)
    _refused(clinic, lambda: clinic.staff.add("Dana Roy", practitioner=None),
             field="practitioner", kind=ValidationError)
    _refused(clinic, lambda: clinic.catalog.archive_package_template(
        catalog["ten_massages"], archived=None), field="archived", kind=ValidationError)


def test_false_still_switches_a_flag_off(clinic, catalog):
    clinic.patients.update(catalog["patient"], active=False)
    clinic.staff.update(catalog["ben"], practitioner=False)
    clinic.catalog.update_treatment_type(catalog["acu"], active=False)
    clinic.catalog.archive_package_template(catalog["three_physio"], archived=False)
    assert clinic.patients.get(catalog["patient"]).active is False
    assert not any(s.id == catalog["ben"] for s in clinic.staff.list(practitioners_only=True))
    assert clinic.catalog.treatment_type(catalog["acu"]).active is False


# -- ids a read filters by ----------------------------------------------------------------
BAD_IDS = [2**63, -2**63 - 1, [1], "1", 1.0, True, 99999, 0, -1]


@pytest.mark.parametrize("ident", BAD_IDS, ids=repr)
def test_a_read_by_an_id_that_cannot_exist_is_refused(clinic, catalog, ident):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    on = date(2026, 3, 3)
    start, end = datetime(2026, 3, 1), datetime(2026, 4, 1)
    calls = [
        lambda: clinic.billing.refunds(ident),
        lambda: clinic.schedule.day(on, staff_id=ident),
        lambda: clinic.schedule.between(start, end, staff_id=ident),
        lambda: clinic.schedule.between(start, end, patient_id=ident),
        lambda: clinic.schedule.upcoming(ident),
        lambda: clinic.schedule.patient_pays(sale.package_id, ident),
        lambda: clinic.schedule.eligible_packages(catalog["patient"], catalog["massage"], on,
                                                  excluding=ident),
    ]
    for call in calls:
        _refused(clinic, call, kind=NotFound)


def test_reads_by_ids_that_exist_still_answer(clinic, catalog):
    when = datetime(2026, 3, 3, 10)
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"], when)
    assert [a.id for a in clinic.schedule.day(when.date(), staff_id=catalog["ana"])] == [booked]
    assert clinic.schedule.day(when.date(), staff_id=catalog["ben"]) == []
    assert [a.id for a in clinic.schedule.upcoming(catalog["patient"])] == [booked]
    assert clinic.billing.refunds(catalog["patient"]) == []
    assert clinic.schedule.eligible_packages(catalog["patient"], catalog["massage"],
                                             when.date(), excluding=booked) == []


# -- the rest of the sweep ----------------------------------------------------------------
@pytest.mark.parametrize("table", ["bitcoin", "", None, 5, [], "cash\x00", "x" * 10_000],
                         ids=lambda t: repr(t)[:12])
def test_the_columns_of_a_table_that_does_not_exist_are_refused(clinic, table):
    _refused(clinic, lambda: clinic.csv.export_columns(table))
    _refused(clinic, lambda: clinic.csv.check_can_export(table))
    assert "first_name" in clinic.csv.export_columns("patients")


@pytest.mark.parametrize("search", [5, ["a"], 1.5], ids=repr)
def test_a_template_search_that_is_not_text_is_refused(clinic, catalog, search):
    _refused(clinic, lambda: clinic.catalog.package_templates(text=search), field="text")


def test_a_template_search_of_nothing_lists_every_template(clinic, catalog):
    assert len(clinic.catalog.package_templates(text=None)) == 2
    assert [t.name for t in clinic.catalog.package_templates(text=" physio ")] == ["3 Physio"]


@pytest.mark.parametrize("value", [[], {}, 5, None], ids=repr)
def test_a_language_or_paper_that_is_not_text_is_refused(clinic, value):
    _refused(clinic, lambda: clinic.settings.update(language=value), field="language")
    _refused(clinic, lambda: clinic.settings.update(paper=value), field="paper")


@pytest.mark.parametrize("path", [None, 5, [], "", "a\x00b.csv"], ids=repr)
def test_an_import_file_that_cannot_be_a_file_is_refused(clinic, path):
    _refused(clinic, lambda: clinic.csv.preview_import("patients", path), field="path")


def _server_files(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.sqlite_only
@pytest.mark.parametrize("target", ["not a url at all", "server", "mysql://u@h/db",
                                    None, 5, "a\x00.db", ""], ids=repr)
def test_a_move_to_something_that_is_no_server_creates_nothing(clinic, catalog, tmp_path,
                                                               monkeypatch, target):
    monkeypatch.chdir(tmp_path)
    before = _server_files(tmp_path)
    _refused(clinic, lambda: migrate_to(clinic, target), field="url")
    assert _server_files(tmp_path) == before


@pytest.mark.sqlite_only
@pytest.mark.parametrize("batch", [-1, 0, 1.5, "10", [], True, 2**63], ids=repr)
def test_a_move_with_a_bad_batch_creates_no_empty_server_file(clinic, catalog, tmp_path,
                                                              batch):
    target = tmp_path / "server.db"
    _refused(clinic, lambda: migrate_to(clinic, str(target), batch=batch), field="batch")
    assert not target.exists()


@pytest.mark.sqlite_only
def test_a_move_to_a_db_file_still_works(clinic, catalog, tmp_path):
    target = tmp_path / "server.db"
    report = migrate_to(clinic, str(target), batch=1)
    assert dict(report.rows)["patients"] == 1
    from sqlalchemy import create_engine
    engine = create_engine(f"sqlite:///{target}")
    with engine.connect() as conn:
        assert "patients" in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT count(*) FROM patients")).scalar() == 1
    engine.dispose()


@pytest.mark.parametrize("value", ["false", 0, None], ids=repr)
def test_a_list_s_tick_box_takes_only_yes_or_no_too(clinic, catalog, value):
    # (A read: "false" listed the inactive ones too; nothing is lost, but the answer is wrong.)
    calls = [("include_inactive", lambda: clinic.catalog.treatment_types(include_inactive=value)),
             ("include_archived", lambda: clinic.catalog.package_templates(
                 include_archived=value)),
             ("include_inactive", lambda: clinic.settings.no_show_fees(include_inactive=value)),
             ("include_inactive", lambda: clinic.staff.list(include_inactive=value)),
             ("practitioners_only", lambda: clinic.staff.list(practitioners_only=value))]
    for field, call in calls:
        _refused(clinic, call, field=field, kind=ValidationError)


# -- arguments only code passes: a TypeError, on purpose, before anything is done ----------
@pytest.mark.parametrize("cents", [None, 1.5, "12 50", True], ids=repr)
def test_a_formatting_helper_given_no_cents_is_a_type_error(clinic, cents):
    # (Code formats cents it read from the clinic (R1); no receptionist typed them.)
    _refused(clinic, lambda: clinic.settings.format(cents), kind=TypeError)
    _refused(clinic, lambda: clinic.settings.amount_text(cents), kind=TypeError)


@pytest.mark.parametrize("wrong", [None, 5, ["a"], "text"], ids=repr)
def test_what_only_code_passes_is_a_type_error_on_purpose(clinic, catalog, wrong):
    # (Not a ClinicError: no receptionist typed it, and a sentence would hide the bug.)
    calls = [lambda: clinic.auth.approved(wrong).__enter__(),
             lambda: clinic.sale_payment.payment_preview(catalog["patient"], wrong, 1000),
             lambda: clinic.sale_payment.sell_and_pay(catalog["patient"], wrong, 1000, "cash"),
             lambda: migrate_to(wrong, "postgresql://u@h/db")]
    if not isinstance(wrong, str):  # (a text is one action's name)
        calls.append(lambda: clinic.auth.approve(catalog["ana"], "1234", wrong))
    for call in calls:
        _refused(clinic, call, kind=TypeError)


def test_upcoming_without_a_patient_is_refused_not_everyone_s(clinic, catalog):
    clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                         datetime(2026, 3, 3, 10))
    for nobody in (None, 0, 99999):
        _refused(clinic, lambda: clinic.schedule.upcoming(nobody), kind=NotFound)


def test_a_pin_for_a_staff_member_who_does_not_exist_is_refused(clinic, catalog):
    _refused(clinic, lambda: clinic.auth.check_can_set_secret(99999), kind=NotFound)


@pytest.mark.parametrize("colour", [[], 5, "red"], ids=repr)
def test_a_new_staff_member_s_colour_that_is_no_colour_is_refused(clinic, catalog, colour):
    _refused(clinic, lambda: clinic.staff.add("Dana Roy", colour=colour), field="colour")


@pytest.mark.parametrize("ids", [None, 5], ids=repr)
def test_a_batch_of_no_invoices_is_refused(clinic, catalog, tmp_path, ids):
    target = tmp_path / "batch.pdf"
    _refused(clinic, lambda: clinic.printing.batch_invoices_pdf(ids, target),
             field="invoice_ids")
    assert not target.exists()


def test_a_sale_s_payment_preview_refuses_what_the_sale_would(clinic, catalog):
    from app.services.sale_payment import PendingSale
    clinic.catalog.archive_package_template(catalog["three_physio"])
    patient = catalog["patient"]
    for sale in (PendingSale(catalog["three_physio"]),
                 PendingSale(catalog["ten_massages"], staff_id=2**63),
                 PendingSale(catalog["ten_massages"], appointment_id=99999)):
        _refused(clinic, lambda: clinic.sale_payment.payment_preview(patient, sale, 1000))
        _refused(clinic, lambda: clinic.sale_payment.sell_and_pay(patient, sale, 1000, "cash"))
    assert clinic.sale_payment.payment_preview(
        patient, PendingSale(catalog["ten_massages"], staff_id=catalog["ana"]), 1000).amount == 1000


@pytest.mark.parametrize("wrong", [None, 5], ids=repr)
def test_an_action_or_a_report_that_only_code_names_is_a_type_error(clinic, catalog, tmp_path,
                                                                     wrong):
    from app.services.reports import export as report_export
    _refused(clinic, lambda: clinic.auth.require_manager(wrong), kind=TypeError)
    _refused(clinic, lambda: clinic.auth.needs_approval(wrong), kind=TypeError)
    report = clinic.reports.outstanding(date(2026, 3, 20))
    for write in (report_export.to_csv, report_export.to_xlsx, report_export.to_pdf):
        target = tmp_path / "report.out"
        _refused(clinic, lambda: write(wrong, target, clinic=clinic), kind=TypeError)
        _refused(clinic, lambda: write(report, target, clinic=5), kind=TypeError)
        _refused(clinic, lambda: write(report, target, clinic="a\x00.db"), kind=TypeError)
        assert not target.exists()


@pytest.mark.sqlite_only
def test_a_move_into_a_backup_or_the_clinic_s_side_files_is_refused_before_opening(clinic,
                                                                                   catalog):
    # (Opening and closing a backup as the target removed its -wal: a change, refused.)
    clinic.backup.create()
    backup = next(clinic.backup.folder.glob("*.db"))
    wal = clinic.db.path.parent / (clinic.db.path.name + "-wal")
    for target in (f"sqlite:///{backup}", str(backup), f"sqlite:///{wal}",
                   f"sqlite:///{clinic.backup.folder / 'new.db'}"):
        files = sorted(p.name for p in clinic.backup.folder.iterdir())
        _refused(clinic, lambda: migrate_to(clinic, target), field="url")
        assert sorted(p.name for p in clinic.backup.folder.iterdir()) == files
