"""Issue 23, items 1 and 3: the clinic file and its backups encrypted with SQLCipher, its key
in the credential store and on the recovery sheet."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime

import keyring
import pypdfium2
import pytest
from keyring.backends import fail

from app.services import Clinic, clinic_key
from app.services.backup import integrity_problems, open_problems
from app.services.errors import ValidationError
from tests.helpers.keyrings import MemoryKeyring

pytestmark = pytest.mark.sqlite_only

NOW = datetime(2026, 12, 7, 9, 30)


@pytest.fixture(autouse=True)
def no_keys(monkeypatch):
    """No credential store and nothing remembered: each test is a desk that starts fresh."""
    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    monkeypatch.setattr(clinic_key, "_known", {})
    monkeypatch.setattr(clinic_key._store, "_memory", {})


def forget_everything(monkeypatch):
    """What another computer (or this one's next start, without a store) knows: nothing."""
    monkeypatch.setattr(clinic_key, "_known", {})
    monkeypatch.setattr(clinic_key._store, "_memory", {})


def new_clinic(path):
    clinic = Clinic.open(path, clock=lambda: NOW, encrypt=True)
    clinic.settings.update(name="Harbour Physio", setup_complete=True)
    clinic.patients.add("Maria", "Lopez", phone="902-555-0101", email="maria@example.com")
    return clinic


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_clinic_is_unreadable_without_its_key(tmp_path):
    path = tmp_path / "clinic.db"
    clinic = new_clinic(path)
    key = clinic.new_recovery_key
    assert key is not None and clinic.db.key == key and clinic.encryption.is_encrypted()
    clinic.close()
    assert path.read_bytes()[:16] != b"SQLite format 3\x00"
    assert b"Lopez" not in path.read_bytes()
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM patients").fetchone()
    # The sqlite3 program (.ci/setup installs it): what anyone would try on a copied file.
    tool = subprocess.run([shutil.which("sqlite3") or "sqlite3", str(path),
                           "SELECT * FROM patients"], capture_output=True, text=True)
    assert tool.returncode != 0 and "not a database" in tool.stderr
    assert "Lopez" not in tool.stdout


def test_the_right_key_opens_it_and_a_wrong_one_changes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "clinic.db"
    clinic = new_clinic(path)
    key = clinic.new_recovery_key
    clinic.close()
    forget_everything(monkeypatch)
    before = digest(path)
    with pytest.raises(clinic_key.KeyNeeded, match="recovery key"):
        Clinic.open(path)
    with pytest.raises(clinic_key.WrongKey, match="Nothing was changed"):
        Clinic.open(path, key="ab" * 32)
    with pytest.raises(clinic_key.WrongKey):
        clinic_key.unlock(path, clinic_key.recovery_text("cd" * 32))
    assert digest(path) == before and sorted(p.name for p in tmp_path.iterdir()) == ["clinic.db"]
    assert open_problems(path) == []  # locked is not damaged: no "restore a backup?" scare
    typed = clinic_key.recovery_text(key).lower().replace("-", " ")
    assert clinic_key.unlock(path, typed) == key
    with Clinic.open(path, clock=lambda: NOW) as again:
        assert [p.full_name for p in again.patients.search("Lop")] == ["Maria Lopez"]
        assert again.audit.verify().ok
    assert integrity_problems(path) == []


def test_the_desk_keeps_the_key_in_the_credential_store(tmp_path, monkeypatch):
    store = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: store)
    monkeypatch.setattr(keyring.core, "_keyring_backend", store)
    path = tmp_path / "clinic.db"
    new_clinic(path).close()
    assert clinic_key.kept_in_store(path)
    assert list(store.secrets) == [(clinic_key.SERVICE, str(path.resolve()))]
    monkeypatch.setattr(clinic_key, "_known", {})  # the next start of this desk
    with Clinic.open(path) as again:
        assert again.settings.get().name == "Harbour Physio"


@pytest.mark.parametrize("typed, words", [
    ("", "Type the recovery key"),
    ("3F2A-91BC", "this one has 8"),
    ("G" + "0" * 63, "\u201cG\u201d is not one of them"),
])
def test_a_mistyped_recovery_key_names_the_field_and_the_limit(typed, words):
    with pytest.raises(ValidationError, match=words) as refused:
        clinic_key.parse_recovery(typed)
    assert refused.value.field == "recovery_key"


def test_the_recovery_text_reads_back_as_the_key():
    key = clinic_key.new_key()
    text = clinic_key.recovery_text(key)
    assert len(text.split("-")) == 16 and all(len(g) == 4 for g in text.split("-"))
    assert clinic_key.parse_recovery(text) == key
    assert clinic_key.parse_recovery(f"  {text.lower()} \n") == key


def test_backups_are_encrypted_and_restore_elsewhere_with_the_recovery_key(tmp_path,
                                                                           monkeypatch):
    first = new_clinic(tmp_path / "harbour" / "clinic.db")
    key = first.new_recovery_key
    backup = first.backup.create()
    assert backup.read_bytes()[:16] != b"SQLite format 3\x00" and b"Lopez" not in backup.read_bytes()
    assert integrity_problems(backup) == []  # this desk opens its own backups unasked
    first.close()
    forget_everything(monkeypatch)
    # Another PC: its own clinic (encrypted under its own key) and the backup on a stick.
    other = Clinic.open(tmp_path / "other" / "clinic.db", clock=lambda: NOW, encrypt=True)
    other.settings.update(name="Other", setup_complete=True)
    with pytest.raises(clinic_key.KeyNeeded):
        other.backup.restore(backup)
    with pytest.raises(clinic_key.WrongKey):
        other.backup.restore(backup, recovery_key="12" * 32)
    assert other.settings.get().name == "Other"
    other.backup.restore(backup, recovery_key=clinic_key.recovery_text(key))
    assert other.settings.get().name == "Harbour Physio"
    assert [p.full_name for p in other.patients.search("Lop")] == ["Maria Lopez"]
    own_key = other.db.key
    assert own_key != key and clinic_key.opens(other.path, own_key)  # still under its own key
    assert not clinic_key.opens(other.path, key)
    other.close()


def test_a_plain_backup_restored_into_an_encrypted_clinic_is_encrypted(tmp_path):
    plain = Clinic.open(tmp_path / "old" / "clinic.db", clock=lambda: NOW)
    plain.settings.update(name="Before", setup_complete=True)
    old_backup = plain.backup.create()
    plain.close()
    assert old_backup.read_bytes()[:16] == b"SQLite format 3\x00"
    clinic = new_clinic(tmp_path / "new" / "clinic.db")
    clinic.backup.restore(old_backup)
    assert clinic.settings.get().name == "Before"
    assert clinic_key.is_encrypted(clinic.path) and clinic_key.opens(clinic.path, clinic.db.key)
    clinic.close()


def test_the_commands_back_up_and_restore_with_a_recovery_key(tmp_path, monkeypatch):
    path = tmp_path / "clinic.db"
    clinic = new_clinic(path)
    key = clinic.new_recovery_key
    clinic.close()
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "app", "--db", str(path)]
    refused = subprocess.run(run + ["backup", str(tmp_path / "out.db")], env=env,
                             capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert refused.returncode == 1 and "recovery key" in refused.stderr
    env["CLINICDESK_RECOVERY_KEY"] = clinic_key.recovery_text(key)
    done = subprocess.run(run + ["backup", str(tmp_path / "out.db")], env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert clinic_key.is_encrypted(tmp_path / "out.db")
    restored = subprocess.run(run + ["restore", str(tmp_path / "out.db")], env=env,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert restored.returncode == 0, restored.stderr


def test_the_recovery_sheet_carries_the_key_and_the_clinic(tmp_path):
    clinic = new_clinic(tmp_path / "clinic.db")
    pdf = clinic.encryption.recovery_sheet(clinic.new_recovery_key)
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 1
    words = document[0].get_textpage().get_text_range()
    groups = clinic_key.recovery_text(clinic.new_recovery_key).split("-")
    assert "Harbour Physio" in words and "Recovery key" in words
    for line in range(4):
        assert " ".join(groups[line * 4:line * 4 + 4]) in " ".join(words.split())
    document[0].close()
    document.close()
    clinic.close()


def test_a_damaged_encrypted_file_is_recovered_from_its_encrypted_backup(tmp_path):
    from app.services.backup import newest_backup, recover_from_backup

    path = tmp_path / "clinic.db"
    clinic = new_clinic(path)
    key = clinic.db.key
    backup = clinic.backup.create()
    clinic.close()
    damaged = bytearray(path.read_bytes())
    damaged[100:4096] = bytes(len(damaged[100:4096]))  # page 1 no longer decrypts
    path.write_bytes(bytes(damaged))
    assert open_problems(path)  # damaged, said so (the key is known: not "locked")
    assert newest_backup(path) == backup
    kept = recover_from_backup(path, backup, NOW)
    assert kept.exists() and clinic_key.is_encrypted(path)
    with Clinic.open(path, clock=lambda: NOW) as again:
        assert again.db.key == key
        assert [p.full_name for p in again.patients.search("Lop")] == ["Maria Lopez"]


def test_an_encrypted_connection_keeps_the_reports_page_cache(tmp_path):
    from app.services.db import ENCRYPTED_CACHE_KIB
    from app.services.reports import REPORT_CACHE_KIB

    assert ENCRYPTED_CACHE_KIB == REPORT_CACHE_KIB  # (the two figures are one decision)
    with new_clinic(tmp_path / "clinic.db") as clinic, clinic.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -ENCRYPTED_CACHE_KIB
