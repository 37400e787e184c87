"""Where things go on the day grid: times to heights, practitioners to columns, and which
appointments share a column's width. Geometry only: no painting, no widgets, no services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QPointF, QRectF

from app.domain.states import AppointmentStatus
from app.services.schedule import AppointmentRow

SLOT_MINUTES = 15
FIRST_HOUR, LAST_HOUR = 7, 20  # the clinic day drawn; widened when a visit falls outside
SCROLL_HOUR = 8
SLOT_HEIGHT = 22
GUTTER = 76  # the time labels on the left
MIN_COLUMN = 170
LANE_GAP = 3
#: Booked and arrived visits take the first lanes; a cancelled one never hides them.
_LANE_ORDER = {AppointmentStatus.BOOKED: 0, AppointmentStatus.ARRIVED: 0,
               AppointmentStatus.NO_SHOW: 1, AppointmentStatus.CANCELLED: 2}


@dataclass(frozen=True)
class Column:
    staff_id: int
    name: str
    colour: str


@dataclass(frozen=True)
class Block:
    row: AppointmentRow
    rect: QRectF
    column: int


def quarter_hours(first_hour: int = FIRST_HOUR, last_hour: int = LAST_HOUR) -> list[time]:
    """Every start the grid offers, on its 15-minute steps."""
    return [time(h, m) for h in range(first_hour, last_hour) for m in range(0, 60, SLOT_MINUTES)]


class DayLayout:
    def __init__(self, day: date, columns: list[Column], rows: list[AppointmentRow],
                 width: float = 0):
        self.day = day
        self.columns = columns
        self.first_hour, self.last_hour = _hours(day, rows)
        self.column_width = max(MIN_COLUMN, (width - GUTTER) / max(len(columns), 1))
        self.blocks = self._place(rows)

    # sizes
    @property
    def width(self) -> float:
        return GUTTER + self.column_width * len(self.columns)

    @property
    def min_width(self) -> float:
        return GUTTER + MIN_COLUMN * len(self.columns)

    @property
    def height(self) -> float:
        return (self.last_hour - self.first_hour) * 60 / SLOT_MINUTES * SLOT_HEIGHT

    def slots(self) -> int:
        return (self.last_hour - self.first_hour) * 60 // SLOT_MINUTES

    # time <-> y
    def y_of(self, when: datetime) -> float:
        minutes = (when - self._origin()).total_seconds() / 60
        return minutes / SLOT_MINUTES * SLOT_HEIGHT

    def time_at(self, y: float, *, nearest: bool = False) -> datetime | None:
        """The quarter hour at height y (the one it falls in, or the nearest line)."""
        slots = y / SLOT_HEIGHT
        index = int(slots + 0.5) if nearest else int(slots // 1)
        if not 0 <= index < self.slots() + (1 if nearest else 0):
            return None
        return self._origin() + timedelta(minutes=index * SLOT_MINUTES)

    def _origin(self) -> datetime:
        return datetime.combine(self.day, time(self.first_hour))

    # column <-> x
    def column_left(self, index: int) -> float:
        return GUTTER + index * self.column_width

    def column_at(self, x: float) -> int | None:
        if x < GUTTER:
            return None
        index = int((x - GUTTER) // self.column_width)
        return index if index < len(self.columns) else None

    def index_of(self, staff_id: int) -> int | None:
        return next((i for i, c in enumerate(self.columns) if c.staff_id == staff_id), None)

    # what is where
    def block_at(self, point: QPointF) -> Block | None:
        # Later blocks are drawn on top, so they are the ones a click means.
        return next((b for b in reversed(self.blocks) if b.rect.contains(point)), None)

    def block_of(self, appointment_id: int | None) -> Block | None:
        return next((b for b in self.blocks if b.row.id == appointment_id), None)

    def slot_at(self, point: QPointF) -> tuple[int, datetime] | None:
        """(practitioner, start) of the empty quarter hour under the point, if any."""
        column = self.column_at(point.x())
        start = self.time_at(point.y())
        if column is None or start is None:
            return None
        return self.columns[column].staff_id, start

    def slot_rect(self, column: int, start: datetime) -> QRectF:
        top = self.y_of(start)
        return QRectF(self.column_left(column), top, self.column_width, SLOT_HEIGHT)

    def rect_for(self, column: int, start: datetime, end: datetime) -> QRectF:
        top, bottom = self.y_of(start), self.y_of(end)
        return QRectF(self.column_left(column) + LANE_GAP, top + 1,
                      self.column_width - 2 * LANE_GAP, max(bottom - top - 2, 8))

    def _place(self, rows: list[AppointmentRow]) -> list[Block]:
        """Overlapping visits in one column (a cancellation and its replacement, a double
        booking) sit side by side in lanes instead of on top of each other."""
        blocks: list[Block] = []
        for index, column in enumerate(self.columns):
            mine = sorted((r for r in rows if r.staff_id == column.staff_id),
                          key=lambda r: (r.start, _LANE_ORDER.get(r.status, 3), r.id))
            for cluster in _clusters(mine):
                lanes: list[datetime] = []  # when each lane is free again
                placed = []
                for row in sorted(cluster, key=lambda r: (_LANE_ORDER.get(r.status, 3),
                                                          r.start, r.id)):
                    lane = next((i for i, free in enumerate(lanes) if free <= row.start),
                                len(lanes))
                    if lane == len(lanes):
                        lanes.append(row.end)
                    else:
                        lanes[lane] = row.end
                    placed.append((row, lane))
                # A lane of cancelled visits only is drawn narrower: the live ones need the room.
                weights = [1.0 if any(r.status != AppointmentStatus.CANCELLED
                                      for r, n in placed if n == lane)
                           else 0.5 for lane in range(len(lanes))]
                unit = (self.column_width - 2 * LANE_GAP) / sum(weights)
                for row, lane in sorted(placed, key=lambda p: -_LANE_ORDER.get(p[0].status, 3)):
                    full = self.rect_for(index, row.start, row.end)
                    left = full.left() + sum(weights[:lane]) * unit
                    rect = QRectF(left, full.top(),
                                  weights[lane] * unit - (LANE_GAP if len(lanes) > 1 else 0),
                                  full.height())
                    blocks.append(Block(row, rect, index))
        return blocks


def _clusters(rows: list[AppointmentRow]) -> list[list[AppointmentRow]]:
    clusters: list[list[AppointmentRow]] = []
    reach: datetime | None = None
    for row in rows:
        if reach is None or row.start >= reach:
            clusters.append([row])
            reach = row.end
        else:
            clusters[-1].append(row)
            reach = max(reach, row.end)
    return clusters


def _hours(day: date, rows: list[AppointmentRow]) -> tuple[int, int]:
    first, last = FIRST_HOUR, LAST_HOUR
    for row in rows:
        if row.start.date() == day:
            first = min(first, row.start.hour)
        end = row.end if row.end.date() == day else datetime.combine(day, time(23, 59))
        last = max(last, end.hour + (1 if end.minute or end.second else 0))
    return first, min(last, 24)
