"""Issue 22: a write's audit entries (R29) are chained and written as it commits, all in one
statement, so that on a server the chain's lock is held for the commit alone. What the
trail says must not change: each entry in the order the write made it, each chained to the
one before, none from a savepoint that rolled back, none from a write that failed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Patient
from app.services import audit


def _note(s, clinic, action: str) -> None:
    audit.record(s, at=clinic.now(), staff_id=None, action=action, entity="patient",
                 entity_id=1, after={"what": action})


def _actions_after(clinic, last_id: int) -> list[str]:
    with clinic.db.read() as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.id > last_id)
                              .order_by(AuditEntry.id)))


def _last_id(clinic) -> int:
    with clinic.db.read() as s:
        return s.scalar(select(func.max(AuditEntry.id))) or 0


def test_a_writes_entries_are_kept_in_the_order_it_made_them_and_chained(clinic):
    start = _last_id(clinic)
    with clinic.db.write() as s:
        for n in range(5):
            _note(s, clinic, f"test.step_{n}")
        # Nothing is written before the commit: the chain is not taken yet.
        assert s.scalar(select(func.max(AuditEntry.id))) == (start or None)
    assert _actions_after(clinic, start) == [f"test.step_{n}" for n in range(5)]
    check = clinic.audit.verify()
    assert check.ok, check.sentences()
    assert check.last_id == _last_id(clinic)


def test_a_savepoint_rolled_back_takes_its_entries_and_only_those(clinic):
    start = _last_id(clinic)
    with clinic.db.write() as s:
        _note(s, clinic, "test.before")
        with pytest.raises(RuntimeError):
            with s.begin_nested():
                _note(s, clinic, "test.inside_rolled_back")
                with s.begin_nested():
                    _note(s, clinic, "test.deeper_rolled_back")
                raise RuntimeError("this part of the action failed")
        with s.begin_nested():
            _note(s, clinic, "test.inside_kept")
        _note(s, clinic, "test.after")
    assert _actions_after(clinic, start) == ["test.before", "test.inside_kept", "test.after"]
    assert clinic.audit.verify().ok


def test_a_write_that_fails_leaves_no_entry(clinic):
    start = _last_id(clinic)
    with pytest.raises(RuntimeError):
        with clinic.db.write() as s:
            _note(s, clinic, "test.never")
            raise RuntimeError("the action failed")
    clinic.patients.add("After", "Failure")  # the next write's entry follows on
    assert _actions_after(clinic, start) == ["patient.add"]
    assert clinic.audit.verify().ok


def test_an_entry_describes_the_row_as_it_was_when_noted(clinic):
    """before/after are taken when the service records, not at the commit."""
    patient_id = clinic.patients.add("Noted", "Early")
    start = _last_id(clinic)
    with clinic.db.write() as s:
        patient = s.get(Patient, patient_id)
        audit.record(s, at=clinic.now(), staff_id=None, action="test.snapshot",
                     entity="patient", entity_id=patient_id,
                     after=audit.snapshot(patient, "first_name"))
        patient.first_name = "Changed"
    with clinic.db.read() as s:
        after = s.scalars(select(AuditEntry.after).where(AuditEntry.id > start)).one()
    assert after == '{"first_name": "Noted"}'
