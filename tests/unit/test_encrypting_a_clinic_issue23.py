"""Issue 23, item 2: an existing plain clinic encrypted in place, checked, swapped in, its
plain copy kept until the manager says, and a kill at any point leaving one whole clinic."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import func, select

from app.models import Patient
from app.services import Clinic, clinic_key, encryption
from app.services.errors import NotAllowed

pytestmark = pytest.mark.sqlite_only

NOW = datetime(2026, 12, 7, 9, 30)
PATIENTS = 3000
ENCRYPT = """
import sys
from app.services import Clinic
clinic = Clinic.open(sys.argv[1])
clinic.encryption.encrypt(sys.argv[2])
print("encrypted", flush=True)
"""


@pytest.fixture(autouse=True)
def no_keys(monkeypatch):
    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    monkeypatch.setattr(clinic_key, "_known", {})
    monkeypatch.setattr(clinic_key._store, "_memory", {})


@pytest.fixture(scope="module")
def plain_file(tmp_path_factory):
    """A plain clinic with a few thousand patients, big enough for a kill to land mid-copy."""
    path = tmp_path_factory.mktemp("plain") / "clinic.db"
    clinic = Clinic.open(path, clock=lambda: NOW)
    clinic.settings.update(name="Harbour Physio", setup_complete=True)
    rows = [clinic.patients.validate({"first_name": f"Pat{i}", "last_name": f"Name{i % 97}",
                                      "phone": f"902-555-{i % 10000:04d}"})
            for i in range(PATIENTS)]
    clinic.patients.add_many(rows)
    clinic.close()
    return path


def copy_of(plain_file: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "clinic.db"
    target.write_bytes(plain_file.read_bytes())
    return target


def patients(clinic) -> int:
    with clinic.db.read() as s:
        return s.scalar(select(func.count()).select_from(Patient))


def one_whole_clinic(path: Path, key: str) -> bool:
    """What a desk finds on its next start: the clinic, whole, plain or encrypted."""
    with Clinic.open(path, key=key, clock=lambda: NOW) as clinic:
        assert clinic.settings.get().name == "Harbour Physio"
        assert patients(clinic) == PATIENTS
        assert clinic.audit.verify().ok
        encrypted = clinic.encryption.is_encrypted()
    leftovers = {p.name for p in path.parent.iterdir()} - {"clinic.db", "backups"}
    assert not any(name.endswith(".encrypting") for name in leftovers), leftovers
    if not encrypted:  # nothing of a half-done encryption is left to confuse anyone
        assert not any("unencrypted" in name or "encrypting" in name for name in leftovers), leftovers
    return encrypted


def test_encrypting_keeps_every_row_and_the_plain_copy_until_told(plain_file, tmp_path):
    path = copy_of(plain_file, tmp_path)
    clinic = Clinic.open(path, clock=lambda: NOW)
    assert clinic.encryption.why_not_encrypt() is None
    key = clinic_key.new_key()
    steps = []
    kept = clinic.encryption.encrypt(key, progress=lambda done, total: steps.append(done))
    assert steps == [1, 2, 3, 4]
    assert clinic_key.is_encrypted(path) and not clinic_key.is_encrypted(kept)
    assert clinic.encryption.plain_copy() == kept
    assert patients(clinic) == PATIENTS  # the desk goes on, under the key
    assert clinic.encryption.why_not_encrypt() == "The clinic file is already encrypted."
    entries = [e.action for e in clinic.audit.entries()]
    assert "clinic.encrypt" in entries
    assert clinic.encryption.remove_plain_copy() == kept
    assert not kept.exists() and clinic.encryption.plain_copy() is None
    assert "clinic.remove_unencrypted_copy" in [e.action for e in clinic.audit.entries()]
    assert clinic.audit.verify().ok
    clinic.close()
    clinic_key._known.clear()
    clinic_key._store._memory.clear()
    assert one_whole_clinic(path, key)


def test_the_backups_made_before_are_encrypted_too(plain_file, tmp_path):
    path = copy_of(plain_file, tmp_path)
    clinic = Clinic.open(path, clock=lambda: NOW)
    old = clinic.backup.create()
    taken = old.stat().st_mtime
    before_migration = tmp_path / "clinic.before-0019-20261201-120000.db"
    before_migration.write_bytes(old.read_bytes())
    key = clinic_key.new_key()
    clinic.encryption.encrypt(key)
    for backup in (old, before_migration):
        assert clinic_key.is_encrypted(backup) and b"Name1" not in backup.read_bytes()
    assert old.stat().st_mtime == taken  # (still listed as taken when it was)
    assert not list(tmp_path.glob("**/*.wiping")) and not list(tmp_path.glob("**/*.encrypting"))
    assert [b.path for b in clinic.backup.list()] == [old]
    clinic.backup.restore(old)
    assert patients(clinic) == PATIENTS and clinic.audit.verify().ok
    clinic.close()


def test_only_a_manager_encrypts(plain_file, tmp_path):
    path = copy_of(plain_file, tmp_path)
    clinic = Clinic.open(path, clock=lambda: NOW)
    front = clinic.staff.add("Olivia", role="front_desk")
    clinic.current_staff_id = front
    with pytest.raises(NotAllowed, match="Only a manager can encrypt the clinic file"):
        clinic.encryption.encrypt(clinic_key.new_key())
    assert not clinic_key.is_encrypted(path)
    assert clinic.auth.needs_approval(encryption.ENCRYPT)
    clinic.close()


def test_the_wiped_copy_leaves_no_patient_bytes_behind(tmp_path):
    doomed = tmp_path / "plain.db"
    doomed.write_bytes(b"Maria Lopez 902-555-0101 " * 10000)
    inode_view = doomed.open("rb")  # a reader holding the file sees zeros, not names
    encryption.wipe(doomed)
    assert not doomed.exists()
    assert b"Lopez" not in inode_view.read()
    inode_view.close()


def _run(path: Path, key: str, stage: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    if stage:
        env["CLINICDESK_TEST_KILL_AT"] = stage
    return subprocess.Popen([sys.executable, "-c", ENCRYPT, str(path), key], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("stage", ["ready", "swapped"])
def test_a_kill_at_each_step_leaves_one_whole_clinic(plain_file, tmp_path, stage):
    path = copy_of(plain_file, tmp_path)
    key = clinic_key.new_key()
    process = _run(path, key, stage)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL, err
    assert one_whole_clinic(path, key)  # the copy was whole: the encryption is finished
    assert encryption.plain_copy(path) is not None


def test_kills_at_random_moments_leave_one_whole_clinic(plain_file, tmp_path):
    key = clinic_key.new_key()
    started = time.monotonic()
    whole = _run(copy_of(plain_file, tmp_path / "timing"), key)
    assert whole.communicate(timeout=120)[0].strip() == "encrypted"
    took = time.monotonic() - started
    chance = random.Random(23)
    outcomes = []
    for attempt in range(8):
        path = copy_of(plain_file, tmp_path / f"kill{attempt}")
        process = _run(path, key)
        time.sleep(chance.uniform(0.2, 1.0) * took)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=120)
        outcomes.append(one_whole_clinic(path, key))
    # (both ends are seen: kills before the swap leave it plain, after it encrypted)
    assert len(outcomes) == 8
