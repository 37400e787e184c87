"""R43 on the schedule grid: a visit a membership covers carries the prepaid badge, as a
package-covered one does (M beside the package's P), named in its tooltip and the legend;
the day's rows still come from one query."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLabel
from sqlalchemy import event

from app.ui.schedule import ScheduleTab
from app.ui.schedule.legend import Legend
from app.ui.schedule.painting import BADGE, PACKAGE_COLOUR, paint_block, tooltip

MONDAY = date(2026, 3, 2)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(MONDAY, time(hour, minute))


@pytest.fixture
def member(clinic, catalog, clock):
    plan = clinic.catalog.add_membership_plan("Monthly Massage", fee=9000, period="1m",
                                              uses_per_period=3,
                                              eligible={catalog["massage"]: 0})
    clock.set(datetime(2026, 3, 1, 8))
    mid = clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))
    clock.set(at(8))
    return mid


def _badge_colour(block, formats) -> QColor:
    image = QImage(int(block.rect.right()) + 20, int(block.rect.bottom()) + 20,
                   QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    paint_block(p, block, formats)
    p.end()
    # inside the badge, above its letter
    spot = QPointF(block.rect.right() - 4 - BADGE / 2, block.rect.top() + 4 + 2)
    return image.pixelColor(spot.toPoint())


def test_r43_a_membership_visit_is_marked_as_a_package_one(qtbot, clinic, catalog, member):
    s = clinic.schedule
    booked = s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(9))
    arrived = s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(11))
    s.arrive(arrived)
    cancelled = s.book(catalog["patient"], catalog["ben"], catalog["massage"], at(14))
    s.cancel(cancelled)
    plain = s.book(catalog["patient"], catalog["ben"], catalog["physio"], at(15))

    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(clinic.db.engine, "before_cursor_execute", record)
    try:
        rows = {r.id: r for r in s.day(MONDAY)}
    finally:
        event.remove(clinic.db.engine, "before_cursor_execute", record)
    assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) == 1
    assert {i: (r.membership_id, r.membership_name) for i, r in rows.items()} == {
        booked: (member, "Monthly Massage"), arrived: (member, "Monthly Massage"),
        cancelled: (None, None), plain: (None, None)}
    assert s.appointment(arrived).membership_name == "Monthly Massage"

    tab = ScheduleTab(clinic)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    blocks = {b.row.id: b for b in tab.grid.day_layout.blocks}
    f = tab.grid._f
    badge = QColor(PACKAGE_COLOUR)
    assert _badge_colour(blocks[booked], f) == badge
    assert _badge_colour(blocks[arrived], f) == badge
    assert _badge_colour(blocks[plain], f) != badge
    assert _badge_colour(blocks[cancelled], f) != badge
    assert "Covered by the membership \u201cMonthly Massage\u201d" in tooltip(
        blocks[booked].row, f)
    assert "Covered by" not in tooltip(blocks[plain].row, f)
    legend = tab.findChild(Legend)
    assert "Covered by a membership" in [label.text() for label in legend.findChildren(QLabel)]


def test_r43_removing_the_membership_takes_the_badge_away(clinic, catalog, member):
    s = clinic.schedule
    booked = s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(9))
    s.remove_membership(booked)
    [row] = s.day(MONDAY)
    assert (row.membership_id, row.membership_name, row.package_id) == (None, None, None)
