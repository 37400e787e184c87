"""Issue 15, item 7 (R30): a bad backup reason, backup place or restore file is refused with a
sentence (a ClinicError naming the field), never a raw TypeError/ValueError/sqlite3 error,
and nothing is written: no file in the backups folder or anywhere near the clinic, the
clinic's data as it was. A reason is part of the backup's file name, so "../x", "/abs" and
"a/b" would put a file outside the backups folder: they are refused, not cleaned up (see
app/services/backup_inputs.py for why)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services import ClinicError, NotAllowed, ValidationError
from app.services.backup import integrity_problems

pytestmark = pytest.mark.sqlite_only(reason="backups are copies of the SQLite file")

REASON_REFUSED = ("A backup's reason becomes part of its file name: give one word of lowercase "
                  "letters, digits and hyphens (at most 32 characters), such as \u201cmanual\u201d.")


def everything(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under `root` (the clinic's folder holds the test's whole world),
    with the bytes of each file but the clinic's own (SQLite touches those when it reads)."""
    return {str(p.relative_to(root)): (None if p.is_dir() or p.name.startswith("clinic.db")
                                       else p.read_bytes())
            for p in sorted(root.rglob("*"))}


@pytest.fixture
def world(clinic, catalog, tmp_path):
    """The clinic with one backup made, and the state of its folder to compare with."""
    clinic.backup.create()
    return lambda: (everything(tmp_path), [p.last_name for p in clinic.patients.search("")])


BAD_REASONS = ["../x", "../../etc/evil", "/abs", "/tmp/abs", "a/b", "a\\b", "..", ".", "",
               " ", "manual ", "Manual", "-daily", "daily-", "a--b", "a\x00b", "caf\u00e9",
               "x" * 33, None, 5, 1.5, b"manual", ["manual"]]


@pytest.mark.parametrize("reason", BAD_REASONS, ids=repr)
def test_a_backup_reason_that_is_not_one_plain_word_is_refused(clinic, world, reason):
    before = world()
    with pytest.raises(ValidationError) as refused:
        clinic.backup.create(reason=reason)
    assert refused.value.field == "reason" and str(refused.value) == REASON_REFUSED
    assert world() == before


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reason=st.text(max_size=40))
def test_any_reason_gives_a_backup_in_the_backups_folder_or_a_refusal(clinic, world, reason):
    try:
        made = clinic.backup.create(reason=reason)
    except ValidationError as refused:
        assert refused.field == "reason"
        return
    assert made.parent == clinic.backup.folder and made.name.endswith(f"-{reason}.db")
    made.unlink()


def test_the_programs_own_reasons_are_words(clinic, catalog):
    for reason in ("manual", "daily", "close", "before-restore", "before-update-2"):
        assert clinic.backup.create(reason=reason).name.endswith(f"-{reason}.db")


def _blocker(tmp: Path) -> Path:
    (tmp / "a-file").write_text("not a folder")
    return tmp / "a-file" / "backup.db"


def _document(tmp: Path) -> Path:
    (tmp / "letter.txt").write_text("Dear Maria, ...")
    return tmp / "letter.txt"


@pytest.mark.parametrize("make, words", [
    (lambda tmp: "", "a file name is needed"),
    (lambda tmp: "   ", "a file name is needed"),
    (lambda tmp: f"{tmp}/usb\x00/backup.db", "no invisible characters"),
    (lambda tmp: 5, "a file name is needed"),
    (lambda tmp: b"/tmp/backup.db", "a file name is needed"),
    (lambda tmp: tmp, "is a folder. Choose a file name for the backup inside it."),
    (_blocker, "is a file, not a folder. Choose a folder to put the backup in."),
    (_document, "that is not a clinic backup; a backup will not write over it."),
    (lambda tmp: Path(f"{tmp}/clinic.db-wal"), "cannot overwrite the clinic file itself"),
    (lambda tmp: Path(f"{tmp}/clinic.db-shm"), "cannot overwrite the clinic file itself"),
    (lambda tmp: tmp / "backups" / ".." / "clinic.db", "cannot overwrite the clinic file"),
], ids=["empty", "spaces", "nul", "int", "bytes", "folder", "under-a-file", "a-document",
        "wal", "shm", "clinic-by-dot-dot"])
def test_a_backup_place_that_cannot_take_a_backup_is_refused(clinic, world, tmp_path, make,
                                                             words):
    target = make(tmp_path)
    before = world()
    with pytest.raises(ValidationError) as refused:
        clinic.backup.create(target)
    assert refused.value.field == "path" and words in str(refused.value)
    assert world() == before
    assert integrity_problems(clinic.path) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_a_folder_no_one_can_write_in_is_refused_even_for_an_administrator(clinic, world):
    # /proc takes no new file, whoever asks (root passes every permission check).
    with pytest.raises(ValidationError) as refused:
        clinic.backup.create("/proc/clinic-backup.db")
    assert str(refused.value).startswith("The backup cannot be written in \u201c/proc\u201d")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="an administrator may write in a read-only folder")
def test_a_read_only_folder_is_refused(clinic, world, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        before = world()
        with pytest.raises(ValidationError) as refused:
            clinic.backup.create(locked / "backup.db")
        assert "cannot be written in" in str(refused.value)
        assert world() == before
    finally:
        locked.chmod(0o700)


def test_an_existing_backup_may_be_written_over(clinic, catalog, tmp_path):
    first = clinic.backup.create(tmp_path / "usb" / "harbour.db")
    clinic.patients.add("Late", "Addition")
    again = clinic.backup.create(first)
    assert again == first and integrity_problems(again) == []


def _empty(tmp: Path) -> Path:
    (tmp / "empty.db").write_bytes(b"")
    return tmp / "empty.db"


@pytest.mark.parametrize("make, words", [
    (lambda tmp: 5, "Choose the backup file to restore from"),
    (lambda tmp: None, "Choose the backup file to restore from"),
    (lambda tmp: 1.5, "Choose the backup file to restore from"),
    (lambda tmp: b"/tmp/backup.db", "Choose the backup file to restore from"),
    (lambda tmp: "", "Choose the backup file to restore from"),
    (lambda tmp: f"{tmp}/backups\x00.db", "no invisible characters"),
    (lambda tmp: tmp / "missing.db", "There is no backup file at"),
    (lambda tmp: tmp / "backups", "is a folder, not a backup file. Choose a backup file."),
    (lambda tmp: Path(f"{tmp}/clinic.db"), "That is the clinic file itself"),
    (lambda tmp: Path(f"{tmp}/clinic.db-wal"), "That is the clinic file itself"),
], ids=["int", "none", "float", "bytes", "empty", "nul", "missing", "folder", "clinic", "wal"])
def test_a_restore_source_that_is_no_file_is_refused(clinic, world, tmp_path, make, words):
    source = make(tmp_path)
    before = world()
    with pytest.raises(ValidationError) as refused:
        clinic.backup.restore(source)
    assert refused.value.field == "path" and words in str(refused.value)
    assert world() == before  # no safety copy was made: nothing was restored


@pytest.mark.parametrize("make", [_document, _empty], ids=["a-document", "an-empty-file"])
def test_a_restore_source_that_is_no_backup_is_refused(clinic, world, tmp_path, make):
    source = make(tmp_path)
    before = world()
    with pytest.raises(NotAllowed):
        clinic.backup.restore(source)
    assert world() == before


def test_every_refusal_is_a_clinic_error(clinic, catalog, tmp_path):
    """The campaign's inputs, all at once: none escapes as a raw exception."""
    for call in (lambda: clinic.backup.create(reason="../x"),
                 lambda: clinic.backup.create("a\x00b"),
                 lambda: clinic.backup.create(tmp_path),
                 lambda: clinic.backup.restore(5),
                 lambda: clinic.backup.restore(None),
                 lambda: clinic.backup.restore("a\x00b")):
        with pytest.raises(ClinicError):
            call()


def test_r29_a_backup_never_replaces_one_of_the_clinics_own_backups(clinic, catalog):
    """The backups folder is the safety net: naming one of its files as a new backup's
    destination is refused, and the old copy keeps its bytes."""
    daily = clinic.backup.create(reason="daily")
    kept = daily.read_bytes()
    clinic.patients.add("Late", "Addition")
    with pytest.raises(ValidationError, match="one of the clinic's own backups"):
        clinic.backup.create(daily)
    assert daily.read_bytes() == kept


def test_r29_a_backup_is_one_file_that_a_look_at_leaves_alone(clinic, catalog, tmp_path):
    """A copy on a USB stick is checked after it is written; the check must not leave the
    SQLite side files (-wal, -shm) of a WAL database beside it."""
    copy = clinic.backup.create(tmp_path / "usb" / "harbour.db")
    assert integrity_problems(copy) == []
    assert sorted(p.name for p in copy.parent.iterdir()) == ["harbour.db"]
