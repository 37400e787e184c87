"""The window-less commands: backup, restore, verify-audit (issue 7)."""

from __future__ import annotations

import sqlite3

from app.__main__ import main
from app.services import Clinic


def _clinic_file(tmp_path):
    path = tmp_path / "clinic.db"
    with Clinic.open(path) as clinic:
        clinic.settings.update(name="Harbour Physio", setup_complete=True)
        clinic.patients.add("Maria", "Lopez")
    return path


def test_backup_and_restore_commands(tmp_path, capsys):
    path = _clinic_file(tmp_path)
    copy = tmp_path / "copy.db"
    assert main(["--db", str(path), "backup", str(copy)]) == 0
    with Clinic.open(path) as clinic:
        clinic.patients.add("Only", "Afterwards")
    assert main(["--db", str(path), "restore", str(copy)]) == 0
    with Clinic.open(path) as clinic:
        assert clinic.patients.search("Only") == []
    assert "Restored" in capsys.readouterr().out


def test_verify_audit_passes_then_detects_tampering(tmp_path, capsys):
    path = _clinic_file(tmp_path)
    assert main(["--db", str(path), "verify-audit"]) == 0
    assert "intact" in capsys.readouterr().out
    conn = sqlite3.connect(path)
    conn.execute("UPDATE audit_entries SET after = replace(after, 'Maria', 'Mario')")
    conn.commit()
    conn.close()
    assert main(["--db", str(path), "verify-audit"]) == 1
    assert "altered" in capsys.readouterr().err


def test_commands_on_a_missing_file_say_so(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "nope.db"), "backup", str(tmp_path / "x.db")]) == 2
    assert "no clinic file" in capsys.readouterr().err


def test_damaged_file_is_restored_from_the_newest_backup_with_the_damage_kept(tmp_path,
                                                                               monkeypatch):
    from app.__main__ import _sound_or_recovered
    from app.services.backup import integrity_problems
    from app.ui import msgbox

    path = _clinic_file(tmp_path)
    with Clinic.open(path) as clinic:
        clinic.backup.create(reason="daily")
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # every page after the first is garbage
    path.write_bytes(bytes(data))
    assert integrity_problems(path)
    asked = []
    monkeypatch.setattr(msgbox, "confirm", lambda *a, **k: asked.append(a) or True)
    monkeypatch.setattr(msgbox, "information", lambda *a, **k: None)
    assert _sound_or_recovered(path)
    assert asked and integrity_problems(path) == []
    assert list(tmp_path.glob("clinic.damaged-*.db"))
    with Clinic.open(path) as clinic:
        assert [p.last_name for p in clinic.patients.search("Maria")] == ["Lopez"]
