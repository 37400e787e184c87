"""Backups, restore and the integrity check: the clinic's data is never lost."""

from __future__ import annotations

import stat
import pytest

from app.services import NotAllowed, ValidationError
from app.services.backup import integrity_problems


def test_backup_is_a_sound_owner_only_copy(clinic, catalog):
    path = clinic.backup.create()
    assert path.parent == clinic.path.parent / "backups"
    assert integrity_problems(path) == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(clinic.path.stat().st_mode) == 0o600


def test_restore_brings_back_the_data_and_keeps_a_safety_copy(clinic, catalog):
    saved = clinic.backup.create()
    clinic.patients.add("Late", "Addition")
    assert clinic.patients.search("Late")
    safety = clinic.backup.restore(saved)
    assert clinic.patients.search("Late") == []
    assert [p.last_name for p in clinic.patients.search("Maria")] == ["Lopez"]
    assert integrity_problems(safety) == []


def test_restore_refuses_a_damaged_or_foreign_file(clinic, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(NotAllowed):
        clinic.backup.restore(junk)
    with pytest.raises(ValidationError):
        clinic.backup.restore(tmp_path / "missing.db")
    assert clinic.settings.get().name == "Harbour Physio"


def test_daily_backup_once_a_day_and_rotation(clinic, clock):
    first = clinic.backup.daily_if_due()
    assert first is not None
    assert clinic.backup.daily_if_due() is None
    for _ in range(20):
        clock.advance(days=1)
        clinic.backup.daily_if_due()
    daily = [b for b in clinic.backup.list() if b.path.name.endswith("-daily.db")]
    assert len(daily) == 14


def test_backup_cannot_overwrite_the_clinic_file(clinic):
    with pytest.raises(ValidationError):
        clinic.backup.create(clinic.path)
