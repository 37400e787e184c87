"""R29, issue 15 item 3: the audit trail's end cannot be cut, nor the whole trail rewritten,
without a trace.

The hash chain alone proves that each entry follows the one before; these tests cut the
trail's end, empty it, or rewrite it with every hash computed again (what someone with a
SQLite browser and our source can do), and check that `Clinic.audit.verify()` and
`clinicdesk verify-audit` (a real subprocess, exit 1) say what was lost. And that honest
clinics are not accused: an untouched one, a new one, one brought from another computer,
and one where a manager restored an older backup on purpose.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.models import AuditEntry
from app.services import Clinic
from app.services import audit as audit_module
from app.services import anchor_queue, audit_anchor
from app.services.backup import recover_from_backup
from unit.test_migrations import drop_books

pytestmark = pytest.mark.sqlite_only(reason="tampers with the clinic file through sqlite3")

ROOT = Path(__file__).resolve().parents[2]


def _settled(path):
    """The desk's anchor file once the moves asked for are made (anchor_queue's thread)."""
    anchor_queue.settle()
    return path


def verify_audit(path: Path) -> subprocess.CompletedProcess:
    """`clinicdesk verify-audit` in its own process (this desk's anchors: the env's)."""
    return subprocess.run([sys.executable, "-m", "app", "--db", str(path), "verify-audit"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def raw(path: Path, sql: str, *params) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


def ids(path: Path) -> list[int]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT id FROM audit_entries ORDER BY id")]
    finally:
        con.close()


def rehash(path: Path, change) -> None:
    """Rewrite the trail and compute every hash again, as the program would have."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with Session(engine) as s:
            prev = ""
            for entry in s.scalars(select(AuditEntry).order_by(AuditEntry.id)):
                change(entry)
                entry.prev_hash = prev
                entry.hash = prev = audit_module._digest(prev, entry)
            s.commit()
    finally:
        engine.dispose()


@pytest.fixture
def day(clinic, two_payments, clock):
    """A morning at the desk: a package sold and paid in two payments, two visits, money
    left on account, and part of it handed back."""
    clock.advance(hours=2)
    patient = two_payments["patient"]
    on_account = clinic.billing.receive_payment(patient, 2500, "cash")
    clinic.billing.refund_payment(on_account, 1000, method="cash")
    return two_payments


# What was lost is said ------------------------------------------------------------------

def test_r29_deleting_the_last_entry_is_reported_with_when(clinic, day):
    last = ids(clinic.path)[-1]
    raw(clinic.path, "DELETE FROM audit_entries WHERE id = ?", last)

    check = clinic.audit.verify()
    assert not check.ok
    assert check.first_broken_id is None  # the chain that is left is perfect
    (lost,) = check.lost
    assert (lost.missing, lost.rewritten, lost.anchor.head.id) == (1, False, last)
    assert check.sentences()[0] == (
        f"The last entry of the audit trail is missing: it stops at entry {last - 1} "
        f"(2026-03-02 11:00), but this computer recorded it reaching entry {last} "
        "(2026-03-02 11:00).")
    result = verify_audit(clinic.path)
    assert result.returncode == 1
    assert "The last entry of the audit trail is missing" in result.stderr


def test_r29_deleting_the_last_five_entries_names_how_many(clinic, day):
    every = ids(clinic.path)
    raw(clinic.path, "DELETE FROM audit_entries WHERE id > ?", every[-6])

    check = clinic.audit.verify()
    assert [(lost.missing, lost.rewritten) for lost in check.lost] == [(5, False)]
    assert check.sentences()[0].startswith(
        f"The last 5 entries of the audit trail are missing: it stops at entry {every[-6]}")
    # The money those entries recorded is named too: the walk-in payment and the refund.
    assert {(r.kind, r.number) for r in check.unrecorded} >= {("payment", 3), ("refund", 1)}
    result = verify_audit(clinic.path)
    assert result.returncode == 1
    assert "The last 5 entries of the audit trail are missing" in result.stderr
    assert "payment 3" in result.stderr and "refund 1" in result.stderr


def test_r29_deleting_every_entry_is_reported(clinic, day):
    count = len(ids(clinic.path))
    raw(clinic.path, "DELETE FROM audit_entries")

    check = clinic.audit.verify()
    assert check.entries == 0 and check.last_id is None
    assert [lost.missing for lost in check.lost] == [count]
    assert check.sentences()[0].startswith(
        f"Every entry of the audit trail is gone: this computer recorded it reaching entry "
        f"{count} (2026-03-02 11:00), {count} entries in all, and now it is empty.")
    result = verify_audit(clinic.path)
    assert result.returncode == 1
    assert "Every entry of the audit trail is gone" in result.stderr


def test_r29_a_whole_trail_edited_and_rehashed_is_reported(clinic, day):
    def lower_the_walk_in(entry):
        if entry.action == "payment.receive" and '"amount": 2500' in entry.after:
            entry.after = entry.after.replace('"amount": 2500', '"amount": 500')

    rehash(clinic.path, lower_the_walk_in)

    check = clinic.audit.verify()
    assert check.first_broken_id is None  # a perfect chain again
    (lost,) = check.lost
    assert lost.rewritten and lost.anchor.head.id == ids(clinic.path)[-1]
    assert check.sentences()[0].startswith(
        f"The audit trail was rewritten: entry {lost.anchor.head.id} no longer has the "
        "fingerprint this computer recorded for it")
    result = verify_audit(clinic.path)
    assert result.returncode == 1
    assert "The audit trail was rewritten" in result.stderr


def test_r29_an_edited_middle_entry_still_breaks_the_chain(clinic, day):
    middle = ids(clinic.path)[len(ids(clinic.path)) // 2]
    raw(clinic.path, "UPDATE audit_entries SET after = replace(after, '1', '7') WHERE id = ?",
        middle)

    check = clinic.audit.verify()
    assert check.first_broken_id == middle
    assert check.sentences()[0].startswith(f"Entry {middle} does not match the chain")
    assert verify_audit(clinic.path).returncode == 1


def test_r29_money_whose_entries_are_gone_is_named_without_any_anchor(clinic, day,
                                                                      desk_anchors):
    """A clinic file copied to a computer that never opened it (no anchor there), its last
    entries removed: the payment and refund rows still name what was taken out."""
    every = ids(clinic.path)
    raw(clinic.path, "DELETE FROM audit_entries WHERE id > ?", every[-3])
    for kept in _settled(desk_anchors).iterdir():
        kept.unlink()

    check = clinic.audit.verify()
    assert check.lost == () and not check.ok
    assert [(r.kind, r.number) for r in check.unrecorded] == [("payment", 3), ("refund", 1)]
    assert check.sentences() == [
        "2 money records have no audit entry, so the entries that recorded them were removed: "
        "payment 3, refund 1."]


def test_r29_a_cut_trail_stays_reported_after_the_desk_writes_again(clinic, day):
    """On SQLite the next entries take the deleted ones' ids: the anchor must not follow
    the new end and forget what it saw."""
    every = ids(clinic.path)
    raw(clinic.path, "DELETE FROM audit_entries WHERE id > ?", every[-6])
    clinic.patients.add("New", "Patient")

    check = clinic.audit.verify()
    assert check.first_broken_id is None
    assert [lost.anchor.head.id for lost in check.lost] == [every[-1]]
    assert verify_audit(clinic.path).returncode == 1


# Honest clinics are not accused ---------------------------------------------------------

def test_r29_an_untouched_clinic_verifies_intact(clinic, day, desk_anchors):
    check = clinic.audit.verify()
    assert check.ok and check.sentences() == []
    (anchor,) = [json.loads(p.read_text()) for p in desk_anchors.glob("*.json")]
    assert anchor["anchor"]["id"] == ids(clinic.path)[-1]
    assert anchor["anchor"]["count"] == len(ids(clinic.path))
    assert anchor["clinic"] == os.path.normcase(str(clinic.path.resolve()))
    result = verify_audit(clinic.path)
    assert result.returncode == 0, result.stderr
    assert f"The audit trail is intact: {len(ids(clinic.path))} entries." in result.stdout


def test_r29_a_fresh_clinic_with_no_anchor_yet_is_intact(tmp_path, clock, desk_anchors):
    path = tmp_path / "new.db"
    with Clinic.open(path, clock=clock) as clinic:
        assert clinic.audit.verify().ok
    assert list(desk_anchors.iterdir()) == []  # nothing to anchor yet
    assert verify_audit(path).returncode == 0


def test_r29_a_clinic_new_where_another_was_starts_its_own_anchor(tmp_path, clock):
    path = tmp_path / "clinic.db"
    with Clinic.open(path, clock=clock) as clinic:
        for n in range(5):
            clinic.patients.add("Patient", f"Number {n}")
    path.unlink()
    with Clinic.open(path, clock=clock) as clinic:  # the clinic starts over, on purpose
        clinic.patients.add("First", "Again")
        assert clinic.audit.verify().ok
    anchor = json.loads(_settled(audit_anchor.desk_file(f"sqlite:///{path}")).read_text())
    assert anchor["resets"][-1]["reason"] == "new clinic file"


def test_r29_a_rolled_back_write_leaves_the_anchor_where_it_was(clinic, day):
    before = json.loads(_settled(audit_anchor.desk_file(clinic.db.url)).read_text())["anchor"]
    with pytest.raises(RuntimeError):
        with clinic.db.write() as s:
            audit_module.record(s, at=clinic.now(), staff_id=None, action="test.nothing",
                                entity="patient", entity_id=1)
            s.flush()
            raise RuntimeError("the action failed after its entry was written")
    after = json.loads(_settled(audit_anchor.desk_file(clinic.db.url)).read_text())
    assert after["anchor"] == before
    assert clinic.audit.verify().ok


def test_r29_restoring_an_older_backup_is_not_tampering(clinic, day, clock):
    older = clinic.backup.create(reason="manual")
    older_head = ids(clinic.path)[-1]
    clock.advance(minutes=30)
    for n in range(4):
        clinic.patients.add("Later", f"Patient {n}")
    assert clinic.audit.verify().ok

    clinic.backup.restore(older)  # a manager's choice: the trail is the backup's again
    check = clinic.audit.verify()
    assert check.ok, check.sentences()
    assert check.last_id == older_head + 1  # the backup's, and the restore's own entry
    for kept in (audit_anchor.desk_file(clinic.db.url), audit_anchor.index_file(clinic.path)):
        anchor = json.loads(kept.read_text())
        assert anchor["anchor"]["id"] == older_head + 1
        assert anchor["resets"][-1]["reason"] == "restored"
        assert anchor["resets"][-1]["from"] == older.name
        assert anchor["resets"][-1]["anchor_was"]["id"] > older_head + 1  # and what was
    assert verify_audit(clinic.path).returncode == 0

    # The anchor goes on from the restored trail: cutting it now is seen again.
    clinic.patients.add("After", "Restore")
    raw(clinic.path, "DELETE FROM audit_entries WHERE id = ?", ids(clinic.path)[-1])
    assert [lost.missing for lost in clinic.audit.verify().lost] == [1]


def test_r29_the_restore_command_then_verify_audit_agree(clinic, day, tmp_path):
    older = clinic.backup.create(tmp_path / "older.db")
    clinic.patients.add("Later", "Patient")
    clinic.close()
    restore = subprocess.run([sys.executable, "-m", "app", "--db", str(clinic.path),
                              "restore", str(older)], cwd=ROOT, capture_output=True,
                             text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert restore.returncode == 0, restore.stderr
    result = verify_audit(clinic.path)
    assert result.returncode == 0, result.stderr


def test_r29_a_file_recovered_from_its_backup_is_not_tampering(clinic, day, clock):
    backup = clinic.backup.create(reason="daily")
    for n in range(3):
        clinic.patients.add("Lost", f"In the damage {n}")
    clinic.close()
    recover_from_backup(clinic.path, backup, datetime(2026, 3, 2, 12, 0))
    with Clinic.open(clinic.path, clock=clock) as reopened:
        assert reopened.audit.verify().ok
    assert verify_audit(clinic.path).returncode == 0


# The backups' index ---------------------------------------------------------------------

def test_r29_each_backup_keeps_its_head_and_the_index_anchors_the_end(clinic, day,
                                                                     desk_anchors):
    first = clinic.backup.create(reason="manual")
    clinic.patients.add("Between", "Backups")
    second = clinic.backup.create(reason="daily")
    index = json.loads(audit_anchor.index_file(clinic.path).read_text())
    every = ids(clinic.path)
    assert index["backups"][first.name]["id"] == every[-2]
    assert index["backups"][second.name]["id"] == every[-1]
    assert index["backups"][second.name]["count"] == len(every)
    assert (index["anchor"]["id"], index["anchor_backup"]) == (every[-1], second.name)

    # This computer's anchor lost (another desk, a wiped profile): the backups still tell.
    for kept in desk_anchors.iterdir():
        kept.unlink()
    raw(clinic.path, "DELETE FROM audit_entries WHERE id >= ?", every[-2])
    check = clinic.audit.verify()
    assert [(lost.anchor.source, lost.missing) for lost in check.lost] == [("backups", 2)]
    assert f"but the backup {second.name} recorded it reaching entry {every[-1]}" in \
        check.sentences()[0]


def test_r29_a_backup_outside_the_folder_is_indexed_by_its_whole_path(clinic, day, tmp_path):
    stick = tmp_path / "usb" / "copy.db"
    clinic.backup.create(stick)
    index = json.loads(audit_anchor.index_file(clinic.path).read_text())
    assert index["backups"][str(stick.resolve())]["id"] == ids(clinic.path)[-1]


def test_r29_the_backup_taken_before_a_migration_keeps_its_head(tmp_path, clock):
    path = tmp_path / "clinic.db"
    with Clinic.open(path, clock=clock) as clinic:
        for n in range(3):
            clinic.patients.add("Patient", f"Number {n}")
    con = sqlite3.connect(path)  # as ClinicDesk at 0006 left it: without the books' tables
    with con:
        drop_books(con)  # (and 0008's indexes over them)
        con.execute("UPDATE alembic_version SET version_num = '0006'")
    con.close()
    with Clinic.open(path, clock=clock) as clinic:
        taken = clinic.backup_taken
        assert clinic.audit.verify().ok
    index = json.loads(audit_anchor.index_file(path).read_text())
    assert index["backups"][str(taken.resolve())]["id"] == ids(path)[-1]
