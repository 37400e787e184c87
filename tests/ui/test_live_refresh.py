"""Another desk's change shows on this desk without anyone pressing anything (issue 9).

Two desks here are two Clinic objects on the same clinic (the test's file; on the
PostgreSQL pass they would be two connections to one server database: the marker is the
same query on both engines)."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtWidgets import QDialog, QMainWindow, QTabWidget
from sqlalchemy.exc import OperationalError

from app.services import Clinic
from app.ui.live_refresh import LiveRefresh
from app.ui.schedule import ScheduleTab


@pytest.fixture
def other_desk(clinic, clock):
    desk = Clinic.open(clinic.db.url, clock=clock)
    yield desk
    desk.close()


@pytest.fixture
def desk(qtbot, clinic, catalog):
    window = QMainWindow()
    tabs = QTabWidget()
    schedule = ScheduleTab(clinic)
    tabs.addTab(schedule, "Schedule")
    window.setCentralWidget(tabs)
    qtbot.addWidget(window)
    window.show()
    schedule.go_to(clinic.today())
    live = LiveRefresh(window, clinic, lambda: tabs, interval_ms=50)
    return window, schedule, live


def book_on(desk: Clinic, catalog) -> int:
    return desk.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                              datetime(2026, 3, 2, 14, 0))


def test_an_appointment_booked_at_another_desk_appears_here(qtbot, desk, other_desk, catalog):
    _window, schedule, _live = desk
    assert schedule.model.rowCount() == 0
    book_on(other_desk, catalog)
    # The timer polls by itself: nobody presses anything on this desk.
    qtbot.waitUntil(lambda: schedule.model.rowCount() == 1, timeout=5000)


def test_nothing_changed_means_no_refresh(desk):
    _window, _schedule, live = desk
    live.poll()
    live.poll()
    assert live.refreshes == 0


def test_a_desk_in_the_middle_of_a_dialog_is_refreshed_after_it(qtbot, desk, other_desk,
                                                                  catalog):
    window, schedule, live = desk
    live.stop()
    dialog = QDialog(window)
    dialog.setModal(True)
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    book_on(other_desk, catalog)
    live.poll()
    assert live.pending and schedule.model.rowCount() == 0  # the sale being typed stays put
    dialog.close()
    live.poll()
    assert not live.pending and schedule.model.rowCount() == 1


def test_a_server_that_stops_answering_is_said_once_and_polled_again(desk, monkeypatch,
                                                                      other_desk, catalog):
    window, schedule, live = desk
    live.stop()
    clinic = live.clinic
    real = clinic.changes_since

    def down(_token):
        raise OperationalError("SELECT max(id)", {}, Exception("server closed the connection"))

    monkeypatch.setattr(clinic, "changes_since", down)
    live.poll()
    assert "not answering" in window.statusBar().currentMessage()
    live.poll()  # still down: still said, not stacked up
    book_on(other_desk, catalog)
    monkeypatch.setattr(clinic, "changes_since", real)
    live.poll()
    assert "answering again" in window.statusBar().currentMessage()
    assert schedule.model.rowCount() == 1
