"""The keyboard-first desk (issue 8): the main window's keys, the Desk menu, and Help ›
Keyboard Shortcuts listing every key of app/ui/shortcuts.py."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from app.ui import shortcuts
from app.ui.dialogs.keyboard_shortcuts import KEYS, KeyboardShortcutsDialog, key_text
from app.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, clinic, catalog):
    w = MainWindow(clinic)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=3000)
    return w


def press(qtbot, window, key: str) -> None:
    """Type `key` ("Ctrl+F") at whatever has the focus in the window, as the desk would."""
    sequence = QKeySequence(key)[0]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, sequence.key(), sequence.keyboardModifiers())


def test_ctrl_f_from_the_schedule_lands_in_the_patient_search(qtbot, window):
    window.tabs.setCurrentWidget(window.schedule)
    window.schedule.setFocus()
    press(qtbot, window, shortcuts.SEARCH_PATIENT)
    assert window.tabs.currentWidget() is window.billing
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.billing.search, timeout=2000)


def test_ctrl_f_on_patient_billing_too(qtbot, window):
    window.tabs.setCurrentWidget(window.billing)
    window.billing.table.setFocus()
    press(qtbot, window, shortcuts.SEARCH_PATIENT)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.billing.search, timeout=2000)


@pytest.mark.parametrize("key, tab", [(shortcuts.SHOW_BILLING, "billing"),
                                      (shortcuts.SHOW_PACKAGES, "packages"),
                                      (shortcuts.SHOW_SCHEDULE, "schedule")])
def test_ctrl_digit_switches_tabs(qtbot, window, key, tab):
    window.tabs.setCurrentIndex(1 if tab == "schedule" else 0)
    press(qtbot, window, key)
    assert window.tabs.currentWidget() is getattr(window, tab)


def test_app_wide_keys_are_on_menu_actions_and_tab_keys_are_not(window):
    keys = {action.shortcut().toString() for action in window.findChildren(type(window.lock_action))
            if not action.shortcut().isEmpty()}
    for key in (shortcuts.SEARCH_PATIENT, shortcuts.SHOW_SCHEDULE, shortcuts.SHOW_BILLING,
                shortcuts.SHOW_PACKAGES, shortcuts.LOCK):
        assert key in keys
    # Tab keys belong to the tabs' own shortcuts: the same key twice would make Qt fire neither.
    for key in (shortcuts.BOOK, shortcuts.ARRIVE, shortcuts.PREVIOUS_DAY, shortcuts.NEXT_DAY,
                shortcuts.TODAY, shortcuts.NEW_PURCHASE, shortcuts.RECEIVE_PAYMENT):
        assert key not in keys


def test_desk_menu_moves_the_schedule_a_day(qtbot, window):
    window.tabs.setCurrentWidget(window.billing)
    day = window.schedule.day()
    window.next_day_action.trigger()
    assert window.tabs.currentWidget() is window.schedule
    assert (window.schedule.day() - day).days == 1
    window.previous_day_action.trigger()
    window.previous_day_action.trigger()
    assert (window.schedule.day() - day).days == -1


def test_alt_right_on_the_schedule_is_the_tabs_own_key(qtbot, window):
    window.tabs.setCurrentWidget(window.schedule)
    window.schedule.setFocus()
    day = window.schedule.day()
    press(qtbot, window, shortcuts.NEXT_DAY)
    assert (window.schedule.day() - day).days == 1, "one shortcut on the key, so it fires"


def test_desk_menu_search_patient_through_the_menu(qtbot, window):
    window.tabs.setCurrentWidget(window.packages)
    desk = window.desk_menu
    assert desk.actions()[0] is window.search_action
    window.search_action.trigger()
    assert window.tabs.currentWidget() is window.billing
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.billing.search, timeout=2000)


def test_the_shortcuts_window_lists_every_key(qtbot, window, monkeypatch):
    opened = []
    monkeypatch.setattr(KeyboardShortcutsDialog, "exec", lambda self: opened.append(self) or 0)
    window.shortcuts_action.trigger()
    dialog = opened[0]
    listed = {dialog.table.item(row, 2).text() for row in range(dialog.table.rowCount())}
    every = {value for name, value in vars(shortcuts).items() if name.isupper()}
    assert listed == {key_text(key) for key in every}
    assert len(KEYS) == dialog.table.rowCount()
    what = [dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())]
    assert "Search for a patient" in what and "Receive Payment from the selected patient" in what


def test_lock_key_is_ctrl_l_anywhere(window):
    assert window.lock_action.shortcut() == QKeySequence(shortcuts.LOCK)
    assert window.lock_action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut
