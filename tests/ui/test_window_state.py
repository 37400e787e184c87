"""This desk remembers its window (issue 8): size and place, and the last tab, in its own
settings (QSettings, here a folder of the test's own), restored on the next start."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from app.ui import main_window
from app.ui.desk_settings import desk_settings
from app.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def settings_folder(tmp_path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "config"))
    yield tmp_path / "config"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "elsewhere"))


def started(qtbot, clinic) -> MainWindow:
    """What python -m app does with the window: restore, then show."""
    window = MainWindow(clinic)
    qtbot.addWidget(window)
    window.restore_window_state()
    window.show()
    return window


def test_the_last_tab_and_size_come_back_on_the_next_start(qtbot, clinic, catalog,
                                                            settings_folder):
    first = started(qtbot, clinic)
    assert first.tabs.currentWidget() is first.schedule  # nothing remembered yet
    first.resize(900, 600)  # within the offscreen screen (1024×768): not clamped
    qtbot.waitUntil(lambda: first.width() < 1280)
    size = first.size()
    first.tabs.setCurrentWidget(first.packages)
    first.close()
    assert any(settings_folder.rglob("*.ini")), "written in the test's folder"
    assert int(desk_settings().value(main_window.TAB_KEY)) == 2

    second = started(qtbot, clinic)
    assert second.tabs.currentWidget() is second.packages
    assert second.size() == size


def test_a_window_not_started_by_the_program_leaves_the_settings_alone(qtbot, clinic,
                                                                        settings_folder):
    window = MainWindow(clinic)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(1)
    window.close()
    assert desk_settings().value(main_window.TAB_KEY) is None


def test_nonsense_in_the_settings_is_ignored(qtbot, clinic):
    settings = desk_settings()
    settings.setValue(main_window.TAB_KEY, "seven")
    settings.setValue(main_window.GEOMETRY_KEY, "not a geometry")
    window = started(qtbot, clinic)
    assert window.tabs.currentIndex() == 0
    settings.setValue(main_window.TAB_KEY, 9)
    assert started(qtbot, clinic).tabs.currentIndex() == 0


def test_python_dash_m_app_restores_the_window(qtbot, clinic, catalog, monkeypatch):
    """main() restores the window before it shows it (and, closing, remembers it)."""
    calls = []
    monkeypatch.setattr(MainWindow, "restore_window_state",
                        lambda self: calls.append("restored"))
    from app import __main__ as entry
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMainWindow

    def show(window):
        QMainWindow.show(window)
        QTimer.singleShot(0, window.close)  # the last window closed ends app.exec()

    monkeypatch.setattr(MainWindow, "show", show)
    monkeypatch.setattr(entry, "_signed_in_at_start", lambda window, clinic, args: True)
    clinic.settings.update(setup_complete=True)
    path = clinic.path
    clinic.close()
    assert entry.main(["--db", str(path)]) == 0
    assert calls == ["restored"]
