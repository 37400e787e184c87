"""Issue 14 item 9: a visit dragged off the grid stays put; a drop on the grid asks
"from → to" first; the move can be taken back (Ctrl+Z, Undo Move) as one reschedule."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from app.ui import msgbox
from app.ui.schedule.day_layout import GUTTER, SLOT_HEIGHT

from ui.helpers import click
from ui.schedule.test_schedule_tab import at, make_tab


def drag(qtbot, grid, start: QPoint, end) -> None:
    """Press, move, let go; `end` may be a callable, read again before letting go (the
    grid scrolls under a pointer held near its edge)."""
    where = end if callable(end) else (lambda: end)
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(grid, start + QPoint(0, 12))
    qtbot.mouseMove(grid, where())
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=where())


def test_a_drop_off_the_grid_moves_nothing_and_asks_nothing(qtbot, clinic, catalog, shown):
    booked = clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["massage"],
                                  at(10))
    tab = make_tab(qtbot, clinic)
    grid = tab.grid
    start = grid.block_center(booked)
    header = tab.view.header
    for outside in (QPoint(GUTTER // 2, start.y()),            # the time gutter
                    QPoint(int(grid.day_layout.width) + 30, start.y()),  # past the columns
                    # over the practitioners' names, above the part of the day in sight
                    lambda: grid.mapFrom(header, QPoint(start.x(), header.height() // 2)),
                    QPoint(start.x(), int(grid.day_layout.height) + 30)):  # past the day
        drag(qtbot, grid, start, outside)
    row = clinic.schedule.appointment(booked)
    assert (row.staff_id, row.start) == (catalog["ben"], at(10))
    assert shown.boxes == []
    assert not tab.undo_button.isVisible()


def test_a_drop_on_the_grid_asks_from_to_cancel_keeps_it_ok_moves_it(
        qtbot, clinic, catalog, shown):
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                  at(10))
    tab = make_tab(qtbot, clinic)
    grid = tab.grid
    start = grid.block_center(booked)
    end = start + QPoint(int(grid.day_layout.column_width), 8 * SLOT_HEIGHT)

    shown.answer = msgbox.Button.Cancel
    drag(qtbot, grid, start, end)
    assert shown.boxes == [("Move appointment", "Move Maria Lopez's Massage 60 min?\n\n"
                            "10:00\u202fa.m., Ana Silva \u2192 12:00\u202fp.m., Ben Okafor")]
    row = clinic.schedule.appointment(booked)
    assert (row.staff_id, row.start) == (catalog["ana"], at(10))

    shown.answer = msgbox.Button.Ok
    drag(qtbot, grid, start, end)
    row = clinic.schedule.appointment(booked)
    assert (row.staff_id, row.start) == (catalog["ben"], at(12))
    assert tab.undo_button.isVisibleTo(tab.undo_button.parentWidget() or tab.undo_button)


def test_ctrl_z_puts_the_dragged_visit_back_as_one_reschedule(qtbot, clinic, catalog, shown):
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                  at(10))
    tab = make_tab(qtbot, clinic)
    grid = tab.grid
    start = grid.block_center(booked)
    drag(qtbot, grid, start, start + QPoint(int(grid.day_layout.column_width),
                                            8 * SLOT_HEIGHT))
    assert clinic.schedule.appointment(booked).start == at(12)

    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    row = clinic.schedule.appointment(booked)
    assert (row.staff_id, row.start, row.end) == (catalog["ana"], at(10), at(11))
    assert grid.selected_id == booked
    assert tab.moves.last is None


def test_undo_move_is_refused_with_the_usual_sentence_when_the_old_slot_is_taken(
        qtbot, clinic, catalog, shown):
    s = clinic.schedule
    booked = s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(10))
    tab = make_tab(qtbot, clinic)
    grid = tab.grid
    start = grid.block_center(booked)
    drag(qtbot, grid, start, start + QPoint(int(grid.day_layout.column_width),
                                            8 * SLOT_HEIGHT))
    s.book(catalog["patient"], catalog["ana"], catalog["physio"], at(10))  # the old time

    click(qtbot, tab.undo_button)

    assert shown.boxes[-1][0] == "Not undone"
    assert shown.last.startswith("Ana Silva already has an appointment from ")
    assert s.appointment(booked).start == at(12)


def test_undo_move_sits_in_the_status_bar_and_survives_a_language_change(
        qtbot, clinic, catalog, shown):
    from ui.test_main_window import make_window

    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                  at(10))
    window = make_window(qtbot, clinic)
    window.schedule.go_to(at(10).date())
    button = window.schedule.undo_button
    assert button.parentWidget() is window.statusBar()
    assert not button.isVisible()
    grid = window.schedule.grid
    start = grid.block_center(booked)
    drag(qtbot, grid, start, start + QPoint(int(grid.day_layout.column_width),
                                            8 * SLOT_HEIGHT))
    assert button.isVisible()
    assert "10:00\u202fa.m., Ana Silva" in button.toolTip()

    click(qtbot, button)

    assert clinic.schedule.appointment(booked).start == at(10)
    assert not button.isVisible()
    from app import i18n
    try:
        window.apply_language(i18n.FRENCH)
        # The old tab's button goes with it: one Undo Move, the new tab's.
        qtbot.waitUntil(lambda: window.statusBar().findChildren(type(button)) == [
            window.schedule.undo_button])
        assert window.schedule.undo_button.text() == "Annuler le &déplacement"
    finally:
        window.apply_language(i18n.ENGLISH)
