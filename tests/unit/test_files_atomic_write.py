"""files.atomic_write: the one writer of the desk's files (issue 16)."""

import os
import stat

import pytest

from app.services.files import atomic_write, atomic_write_bytes


def test_writes_the_new_content_in_place(tmp_path):
    target = tmp_path / "invoice.pdf"
    atomic_write_bytes(target, b"%PDF-1.4 new")
    assert target.read_bytes() == b"%PDF-1.4 new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["invoice.pdf"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("old")

    def half_then_fail(path):
        path.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic_write(target, half_then_fail)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "anchor.json"
    target.write_text("{}")
    os.chmod(target, 0o600)
    atomic_write_bytes(target, b'{"a": 1}', durable=False)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == b'{"a": 1}'


def test_the_folder_must_exist(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "missing" / "x.pdf", b"x")
    assert not (tmp_path / "missing").exists()
