"""python -m app: which file opens, first run, the demo clinic, the screenshot helper."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

import app.__main__ as entry
from app.services import Clinic
from app.ui import crash
from app.ui.dialogs.first_run import FirstRunDialog
from app.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def keep_app_look(qapp):
    """main() styles the whole application; give the next test the look it had."""
    sheet, style = qapp.styleSheet(), qapp.style().name()
    yield
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)


@pytest.fixture
def data_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "user-data"
    monkeypatch.setattr(entry, "user_data_path", lambda app_name: folder / app_name)
    return folder / "ClinicDesk"


def ready_clinic(path: Path) -> Path:
    with Clinic.open(path) as clinic:
        clinic.settings.update(name="Harbour Physio", setup_complete=True)
    return path


def test_which_file_opens(data_folder):
    assert entry.clinic_path(entry.parse_args([])) == data_folder / "clinic.db"
    assert entry.clinic_path(entry.parse_args(["--demo"])) == data_folder / "demo-clinic.db"
    assert entry.clinic_path(entry.parse_args(["--db", "/x/y.db"])) == Path("/x/y.db")


def test_screenshot_shows_the_window_saves_a_png_and_exits_0(qtbot, tmp_path):
    db = ready_clinic(tmp_path / "shot.db")
    png = tmp_path / "shots" / "main.png"
    assert entry.main(["--db", str(db), "--screenshot", str(png)]) == 0
    image = QImage(str(png))
    assert image.width() >= 1000 and image.height() >= 700


def test_new_file_asks_first_run_and_cancel_opens_nothing(qtbot, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(FirstRunDialog, "ask",
                        classmethod(lambda cls, parent, clinic: asked.append(clinic) or None))
    assert entry.main(["--db", str(tmp_path / "new.db")]) == 0
    assert len(asked) == 1


def test_demo_is_seeded_on_first_open_only(qtbot, data_folder, tmp_path, monkeypatch):
    seeded = []

    def seed_demo(clinic):
        seeded.append(clinic.path)
        clinic.settings.update(name="Demo Clinic")

    monkeypatch.setitem(sys.modules, "app.services.demo", types.SimpleNamespace(
        seed_demo=seed_demo))
    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(lambda *a: pytest.fail("asked")))
    for _ in range(2):
        assert entry.main(["--demo", "--screenshot", str(tmp_path / "demo.png")]) == 0
    assert seeded == [data_folder / "demo-clinic.db"]
    with Clinic.open(data_folder / "demo-clinic.db") as demo:
        assert demo.settings.get().setup_complete


def test_a_file_that_cannot_be_opened_is_explained_not_crashed_on(qtbot, tmp_path, shown):
    (tmp_path / "not-a-clinic.db").write_bytes(b"this is not a database" * 100)
    assert entry.main(["--db", str(tmp_path / "not-a-clinic.db")]) == 1
    assert "could not open the clinic file" in shown.last


def test_main_puts_the_excepthook_back(qtbot, tmp_path):
    before = sys.excepthook
    entry.main(["--db", str(ready_clinic(tmp_path / "c.db")), "--screenshot",
                str(tmp_path / "c.png")])
    assert sys.excepthook is before


def test_python_dash_m_app_runs():
    result = subprocess.run([sys.executable, "-m", "app", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "--demo" in result.stdout and "--screenshot" not in result.stdout


def test_a_failure_while_starting_is_reported_not_fatal(qtbot, tmp_path, monkeypatch):
    reports = []
    monkeypatch.setattr(crash, "handle", lambda kind, error, tb: reports.append(str(error)))

    def broken_window(self, clinic):
        raise RuntimeError("boom")

    monkeypatch.setattr(MainWindow, "__init__", broken_window)
    assert entry.main(["--db", str(ready_clinic(tmp_path / "c.db"))]) == 1
    assert reports == ["boom"]
