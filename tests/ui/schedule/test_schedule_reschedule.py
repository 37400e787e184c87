"""Moving appointments: the Reschedule… dialog (date, time, practitioner) and dragging a block
on the grid. The service decides; a refusal (a clash, R24) is shown and nothing moves."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate, QPoint, Qt

from app.services.errors import ClinicError
from app.ui.dialogs.reschedule_dialog import RescheduleDialog
from app.ui.schedule.day_layout import SLOT_HEIGHT

from ui.helpers import click
from ui.schedule.test_schedule_tab import at, make_tab

R24 = ("Remove the package from the appointment or change the package's expiry date before "
       "moving it to ")


def covered(clinic, catalog, start=None) -> tuple[int, int]:
    package = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                  start or at(10))
    return package, booked


def test_reschedule_to_another_day_time_and_practitioner_follows_it(
        qtbot, clinic, catalog, drive):
    package, booked = covered(clinic, catalog)

    def move(dialog: RescheduleDialog) -> None:
        assert dialog.time.currentText() == "10:00\u202fa.m."
        assert dialog.practitioner.currentText() == "Ana Silva"
        dialog.date.setDate(QDate(2026, 3, 4))
        dialog.time.setCurrentIndex(dialog.time.findText("2:30\u202fp.m."))
        dialog.practitioner.setCurrentIndex(dialog.practitioner.findData(catalog["ben"]))
        dialog.ok_button.click()

    drive(RescheduleDialog, move)
    tab = make_tab(qtbot, clinic)
    tab.select(booked)

    click(qtbot, tab.panel.reschedule_button)

    row = clinic.schedule.appointment(booked)
    assert (row.start, row.staff_id, row.package_id) == (at(14, 30, date(2026, 3, 4)),
                                                        catalog["ben"], package)
    # The schedule goes to the new day, with the moved visit selected.
    assert tab.day() == date(2026, 3, 4)
    assert tab.grid.selected_id == booked
    assert tab.panel.when.text() == "Mar 4, 2026, 2:30\u202fp.m. – 3:30\u202fp.m."


def test_r24_moving_past_the_package_expiry_is_refused_and_nothing_changes(
        qtbot, clinic, catalog, drive, shown):
    package, booked = covered(clinic, catalog, datetime(2026, 9, 1, 10))
    outcome = {}

    def too_late(dialog: RescheduleDialog) -> None:
        dialog.date.setDate(QDate(2026, 9, 3))
        dialog.ok_button.click()
        outcome["still_open"] = dialog.isVisible()
        dialog.reject()

    drive(RescheduleDialog, too_late)
    tab = make_tab(qtbot, clinic)
    tab.go_to(date(2026, 9, 1))
    tab.select(booked)

    click(qtbot, tab.panel.reschedule_button)

    with pytest.raises(ClinicError) as refused:
        clinic.schedule.reschedule(booked, datetime(2026, 9, 3, 10), staff_id=catalog["ana"])
    assert shown.texts == [str(refused.value)]
    assert R24 in shown.last
    assert outcome == {"still_open": True}
    row = clinic.schedule.appointment(booked)
    assert (row.start, row.package_id) == (datetime(2026, 9, 1, 10), package)
    assert tab.day() == date(2026, 9, 1)
    assert tab.grid.selected_id == booked


def test_drag_a_block_with_the_mouse_to_another_time_and_practitioner(qtbot, clinic, catalog,
                                                                       shown):
    _package, booked = covered(clinic, catalog)
    tab = make_tab(qtbot, clinic)
    grid = tab.grid
    start = grid.block_center(booked)
    # Two hours down (8 quarter hours) and one column to the right: Ben at 12:00.
    end = start + QPoint(int(grid.day_layout.column_width), 8 * SLOT_HEIGHT)

    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(grid, start + QPoint(0, 12))
    qtbot.mouseMove(grid, end)
    assert grid._drag is not None
    assert (grid._drag.row.staff_id, grid._drag.row.start) == (catalog["ben"], at(12))
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=end)

    row = clinic.schedule.appointment(booked)
    assert (row.staff_id, row.start, row.end) == (catalog["ben"], at(12), at(13))
    block = grid.day_layout.block_of(booked)
    assert block.column == 1
    assert grid.selected_id == booked


def test_a_refused_drop_is_shown_and_the_block_snaps_back(qtbot, clinic, catalog, shown):
    s = clinic.schedule
    moving = s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(10))
    s.book(catalog["patient"], catalog["ben"], catalog["physio"], at(14))
    tab = make_tab(qtbot, clinic)
    before = tab.grid.block_rect(moving)

    tab.grid.drop(moving, catalog["ben"], at(13, 45))

    with pytest.raises(ClinicError) as refused:
        s.reschedule(moving, at(13, 45), staff_id=catalog["ben"])
    assert shown.last == str(refused.value)
    assert shown.last.startswith("Ben Okafor already has an appointment from ")
    assert clinic.schedule.appointment(moving).start == at(10)
    assert tab.grid.block_rect(moving) == before
    assert tab.grid._drag is None


def test_dropping_where_it_already_is_asks_nothing(qtbot, clinic, catalog):
    _package, booked = covered(clinic, catalog)
    tab = make_tab(qtbot, clinic)
    moves = []
    tab.grid.move_requested.connect(lambda *args: moves.append(args))
    start = tab.grid.block_center(booked)
    qtbot.mousePress(tab.grid, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(tab.grid, start + QPoint(0, 4))  # less than a quarter hour
    qtbot.mouseMove(tab.grid, start + QPoint(0, 8))
    qtbot.mouseRelease(tab.grid, Qt.MouseButton.LeftButton, pos=start + QPoint(0, 8))
    assert moves == []


def test_escape_cancels_a_drag(qtbot, clinic, catalog):
    _package, booked = covered(clinic, catalog)
    tab = make_tab(qtbot, clinic)
    grid = tab.grid
    start = grid.block_center(booked)
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(grid, start + QPoint(0, 3 * SLOT_HEIGHT))
    assert grid._drag is not None
    qtbot.keyClick(grid, Qt.Key.Key_Escape)
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=start + QPoint(0, 3 * SLOT_HEIGHT))
    assert clinic.schedule.appointment(booked).start == at(10)


def test_only_booked_appointments_move_the_service_says_why(qtbot, clinic, catalog, shown):
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["acu"], at(10))
    clinic.schedule.arrive(booked)
    tab = make_tab(qtbot, clinic)
    tab.grid.drop(booked, catalog["ana"], at(11))
    assert shown.last == "Only booked appointments can be moved; this one is arrived."
    assert clinic.schedule.appointment(booked).start == at(10)
