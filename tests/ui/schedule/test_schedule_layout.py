"""Day grid geometry: times to heights and back, columns, and overlapping visits in lanes."""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QPointF

from app.services.schedule import AppointmentRow
from app.ui.schedule.day_layout import (GUTTER, MIN_COLUMN, SLOT_HEIGHT, Column, DayLayout,
                                        quarter_hours)

DAY = date(2026, 3, 2)
COLUMNS = [Column(1, "Ana Silva", "#4a90d9"), Column(2, "Ben Okafor", "#50a773")]


def visit(ident: int, staff: int, start: tuple[int, int], end: tuple[int, int],
          status: str = "booked") -> AppointmentRow:
    return AppointmentRow(ident, datetime.combine(DAY, time(*start)),
                          datetime.combine(DAY, time(*end)), 1, "Maria Lopez", staff, "Ana",
                          1, "Massage", status, None, None, None)


def test_times_and_heights_round_trip_on_quarter_hours():
    layout = DayLayout(DAY, COLUMNS, [], width=1000)
    assert layout.y_of(datetime(2026, 3, 2, 7)) == 0
    assert layout.y_of(datetime(2026, 3, 2, 8, 15)) == 5 * SLOT_HEIGHT
    assert layout.time_at(5 * SLOT_HEIGHT + SLOT_HEIGHT - 1) == datetime(2026, 3, 2, 8, 15)
    assert layout.time_at(5 * SLOT_HEIGHT + SLOT_HEIGHT * 0.6, nearest=True) == datetime(
        2026, 3, 2, 8, 30)
    assert layout.time_at(-1) is None
    assert layout.time_at(layout.height + 1) is None
    assert quarter_hours(7, 8) == [time(7), time(7, 15), time(7, 30), time(7, 45)]


def test_columns_share_the_width_but_never_get_too_narrow():
    wide = DayLayout(DAY, COLUMNS, [], width=GUTTER + 800)
    assert wide.column_width == 400
    assert wide.column_at(GUTTER + 401) == 1
    assert wide.column_at(GUTTER - 1) is None
    assert wide.column_at(GUTTER + 801) is None
    narrow = DayLayout(DAY, COLUMNS * 3, [], width=600)
    assert narrow.column_width == MIN_COLUMN
    assert narrow.min_width == GUTTER + 6 * MIN_COLUMN


def test_an_empty_slot_is_named_by_practitioner_and_time():
    layout = DayLayout(DAY, COLUMNS, [visit(7, 2, (9, 0), (10, 0))], width=GUTTER + 800)
    point = QPointF(GUTTER + 450, 8 * SLOT_HEIGHT + 3)
    assert layout.block_at(point).row.id == 7
    assert layout.slot_at(QPointF(GUTTER + 10, 8 * SLOT_HEIGHT + 3)) == (
        1, datetime(2026, 3, 2, 9))


def test_overlapping_visits_sit_side_by_side_and_cancelled_ones_take_less_room():
    rows = [visit(1, 1, (9, 0), (10, 0), "cancelled"), visit(2, 1, (9, 0), (9, 30)),
            visit(3, 1, (9, 30), (10, 30)), visit(4, 1, (11, 0), (12, 0))]
    layout = DayLayout(DAY, COLUMNS, rows, width=GUTTER + 800)
    rect = {b.row.id: b.rect for b in layout.blocks}
    # 2 and 3 follow each other in the first lane; the cancelled one is beside them.
    assert rect[2].left() == rect[3].left()
    assert rect[1].left() > rect[2].right()
    assert rect[1].width() < rect[2].width()
    # 11:00 overlaps nothing: the whole column.
    assert rect[4].width() > rect[2].width() + rect[1].width()
    # Live visits are drawn after (on top of) the cancelled one.
    order = [b.row.id for b in layout.blocks]
    assert order.index(1) < order.index(2)


def test_visits_outside_the_usual_hours_widen_the_day():
    early_late = [visit(1, 1, (6, 30), (7, 15)), visit(2, 2, (20, 0), (20, 45))]
    layout = DayLayout(DAY, COLUMNS, early_late)
    assert (layout.first_hour, layout.last_hour) == (6, 21)
