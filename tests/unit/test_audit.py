"""The audit trail: who changed what and when, with before and after, hash-chained (R29)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import AuditEntry
from app.services import ValidationError
from app.services.audit import record, snapshot, verify_chain


def all_entries(clinic):
    with clinic.db.read() as s:
        return [(e.id, e.at, e.staff_id, e.action, e.entity, e.entity_id, e.before, e.after,
                 e.prev_hash, e.hash)
                for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def verify(clinic):
    with clinic.db.read() as s:
        return verify_chain(s)


def raw(clinic, sql, *params):
    """Change the file behind the program's back, as someone with a SQLite browser could."""
    con = sqlite3.connect(clinic.path)
    try:
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


def test_r29_every_change_is_recorded_with_before_and_after(catalog, clinic, clock):
    clock.advance(minutes=5)
    clinic.catalog.update_treatment_type(catalog["massage"], price=9500)
    *_, last = all_entries(clinic)
    _, at, staff_id, action, entity, entity_id, before, after, _, _ = last
    assert (action, entity, entity_id) == ("treatment_type.update", "treatment_type",
                                           catalog["massage"])
    assert at == datetime(2026, 3, 2, 9, 5)
    assert staff_id is None                       # nobody signed in: the system
    assert json.loads(before)["price"] == 9000
    assert json.loads(after)["price"] == 9500
    assert json.loads(after)["tax_rate"] == "0"   # Decimals as exact text, never floats


def test_r29_additions_have_no_before(catalog, clinic):
    actions = [(e[3], e[5]) for e in all_entries(clinic)]
    assert ("patient.add", catalog["patient"]) in actions
    assert ("no_show_fee.add", catalog["no_show_fee"]) in actions
    for entry in all_entries(clinic):
        if entry[3].endswith(".add"):
            assert entry[6] == ""
            assert json.loads(entry[7])


def test_r29_records_who_was_signed_in(catalog, clinic):
    manager = clinic.auth.create_first_manager("Dana Reyes", "2468")
    clinic.auth.sign_in(manager, "2468")
    clinic.patients.update(catalog["patient"], phone="902-555-0199")
    entry = all_entries(clinic)[-1]
    assert (entry[2], entry[3]) == (manager, "patient.update")
    (row,) = clinic.audit.entries(action="patient.update")
    assert row.staff_name == "Dana Reyes"
    assert json.loads(row.before)["phone"] == "902-555-0101"
    assert json.loads(row.after)["phone"] == "902-555-0199"


def test_r29_a_refused_change_writes_no_entry(catalog, clinic):
    before = all_entries(clinic)
    with pytest.raises(ValidationError):
        clinic.catalog.update_package_template(catalog["ten_massages"], name="Renamed",
                                               eligible={catalog["massage"]: "-1"})
    assert all_entries(clinic) == before


def test_entries_are_chained(catalog, clinic):
    entries = all_entries(clinic)
    assert len(entries) >= 9
    assert entries[0][8] == ""
    for previous, entry in zip(entries, entries[1:]):
        assert entry[8] == previous[9]
        assert len(entry[9]) == 64
    check = verify(clinic)
    assert check.ok
    assert check.entries == len(entries)
    assert check.first_broken_id is None
    assert clinic.audit.verify().ok


def test_empty_chain_verifies(tmp_path):
    from app.services import Clinic
    with Clinic.open(tmp_path / "empty.db") as fresh:
        check = verify(fresh)
    assert check.ok and check.entries == 0


@pytest.mark.parametrize("column, value", [
    ("after", '{"price": 1}'),
    ("before", ""),
    ("action", "treatment_type.add"),
    ("at", "2026-03-01 09:00:00.000000"),
    ("staff_id", 1),
    ("entity_id", 99),
])
def test_r29_verify_chain_detects_a_tampered_row(catalog, clinic, column, value):
    clinic.catalog.update_treatment_type(catalog["massage"], price=9500)
    target = [e for e in all_entries(clinic) if e[3] == "treatment_type.update"][0][0]
    raw(clinic, f"UPDATE audit_entries SET {column} = ? WHERE id = ?", value, target)
    check = verify(clinic)
    assert not check.ok
    assert check.first_broken_id == target


def test_r29_verify_chain_detects_a_removed_row(catalog, clinic):
    ids = [e[0] for e in all_entries(clinic)]
    raw(clinic, "DELETE FROM audit_entries WHERE id = ?", ids[3])
    check = verify(clinic)
    assert check.first_broken_id == ids[4]


def test_r29_verify_chain_detects_a_rehashed_row(catalog, clinic):
    # Editing a row and fixing its own hash still breaks the link from the next row.
    entries = all_entries(clinic)
    target = entries[2]
    raw(clinic, "UPDATE audit_entries SET after = ?, hash = ? WHERE id = ?",
        '{"name": "forged"}', "0" * 64, target[0])
    assert verify(clinic).first_broken_id == target[0]


def test_snapshot_and_record_serialise_dates_and_decimals(clinic, clock):
    with clinic.db.write() as s:
        record(s, at=clock(), staff_id=None, action="test.note", entity="test", entity_id=7,
               before={"on": date(2026, 3, 2), "rate": Decimal("0.15")},
               after={"at": datetime(2026, 3, 2, 9, 30), "amount": 1250})
    entry = all_entries(clinic)[-1]
    assert json.loads(entry[6]) == {"on": "2026-03-02", "rate": "0.15"}
    assert json.loads(entry[7]) == {"at": "2026-03-02T09:30:00", "amount": 1250}
    assert verify(clinic).ok


def test_snapshot_of_named_and_all_columns(catalog, clinic):
    from app.models import TreatmentType
    with clinic.db.read() as s:
        row = s.get(TreatmentType, catalog["physio"])
        assert snapshot(row, "name", "price") == {"name": "Physio follow-up", "price": 8500}
        full = snapshot(row)
    assert full == {"id": catalog["physio"], "name": "Physio follow-up", "duration_min": 30,
                    "price": 8500, "tax_rate": "0.15", "active": True}


def test_audit_entries_filters(catalog, clinic, clock):
    clock.set(datetime(2026, 3, 5, 10, 0))
    clinic.catalog.update_treatment_type(catalog["acu"], price=8000)
    march_5 = clinic.audit.entries(start=date(2026, 3, 5), end=date(2026, 3, 5))
    assert [(r.action, r.entity_id) for r in march_5] == [("treatment_type.update",
                                                           catalog["acu"])]
    assert clinic.audit.entries(end=date(2026, 3, 4))[0].action != "treatment_type.update"
    assert {r.action for r in clinic.audit.entries(action="treatment_type.")} == {
        "treatment_type.add", "treatment_type.update"}
    by_entity = clinic.audit.entries(entity="treatment_type", entity_id=catalog["acu"])
    assert [r.action for r in by_entity] == ["treatment_type.update", "treatment_type.add"]
    assert len(clinic.audit.entries(limit=2)) == 2
