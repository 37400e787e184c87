"""The day grid: one column per practitioner, a row per quarter hour, a block per visit.

It only shows and reports: a click selects, a double-click on an empty quarter hour asks to
book, a drag asks to move. The tab decides what happens, through the services.

A drag let go off the grid (the time gutter, the header, beyond the last column or the day's
hours, or a part of the grid scrolled out of sight) asks for nothing: a visit once landed at
7:00 a.m. with the first practitioner because such a drop was pulled back onto the grid.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QToolTip, QWidget

from app.domain.states import AppointmentStatus
from app.i18n import _
from app.services.schedule import AppointmentRow

from ..formats import Formats
from . import painting
from .day_layout import Block, Column, DayLayout

HEADER_HEIGHT = 34


class DayGrid(QWidget):
    selected = Signal(object)  # appointment id, or None
    book_requested = Signal(int, object)  # practitioner id, start
    move_requested = Signal(int, int, object)  # appointment id, practitioner id, start
    laid_out = Signal()
    dragging = Signal(QPoint)  # where the pointer is while a visit is dragged

    def __init__(self, formats: Formats, parent: QWidget | None = None):
        super().__init__(parent)
        self._f = formats
        self.day_layout = DayLayout(date.today(), [], [])
        self.selected_id: int | None = None
        #: The quarter hour last clicked: where Ctrl+N books.
        self.current_slot: tuple[int, datetime] | None = None
        self.now: datetime | None = None
        self._press: tuple[QPointF, Block | None] | None = None
        self._dragging = False  # the pointer moved far enough from the press to mean a drag
        self._drag: Block | None = None  # where the dragged visit would go; None: off the grid
        self._hover: tuple[int, datetime] | None = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Day schedule"))
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # what the grid shows
    def set_day(self, day: date, columns: list[Column], rows: list[AppointmentRow],
                now: datetime | None = None) -> None:
        self.now = now
        if self.current_slot and self.current_slot[1].date() != day:
            self.current_slot = None
        self._drag = self._press = self._hover = None
        self._dragging = False
        self.day_layout = DayLayout(day, columns, rows, self.width())
        self.setMinimumSize(int(self.day_layout.min_width), int(self.day_layout.height))
        if self.day_layout.block_of(self.selected_id) is None:
            self.selected_id = None
        self._describe()
        self.laid_out.emit()
        self.update()

    def set_now(self, now: datetime) -> None:
        self.now = now
        self.update()

    def rows(self) -> list[AppointmentRow]:
        return [b.row for b in self.day_layout.blocks]

    def select(self, appointment_id: int | None) -> None:
        if self.day_layout.block_of(appointment_id) is None:
            appointment_id = None
        if appointment_id != self.selected_id:
            self.selected_id = appointment_id
            self._describe()
            self.update()
        self.selected.emit(appointment_id)

    def drop(self, appointment_id: int, staff_id: int, start: datetime) -> None:
        """Where a drag ends: ask for the move (the tab asks the service, which may refuse)."""
        block = self.day_layout.block_of(appointment_id)
        if block is not None and (block.row.staff_id, block.row.start) == (staff_id, start):
            return
        self.move_requested.emit(appointment_id, staff_id, start)

    # where things are, for the keyboard, tests and tooltips
    def block_center(self, appointment_id: int) -> QPoint:
        return self.day_layout.block_of(appointment_id).rect.center().toPoint()

    def slot_center(self, staff_id: int, start: datetime) -> QPoint:
        column = self.day_layout.index_of(staff_id)
        return self.day_layout.slot_rect(column, start).center().toPoint()

    def block_rect(self, appointment_id: int) -> QRect:
        return self.day_layout.block_of(appointment_id).rect.toAlignedRect()

    # Qt
    def sizeHint(self) -> QSize:
        return QSize(int(self.day_layout.width), int(self.day_layout.height))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            layout = self.day_layout
            self.day_layout = DayLayout(layout.day, layout.columns, self.rows(), self.width())
            self.laid_out.emit()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        clip = QRectF(event.rect())
        painting.paint_grid(p, self.day_layout, self._f, clip, self.now)
        if self._hover is not None and not self._dragging:
            column = self.day_layout.index_of(self._hover[0])
            if column is not None:
                painting.paint_hover(p, self.day_layout.slot_rect(column, self._hover[1]),
                                     _("{time}  double-click to book").format(
                                         time=self._f.time(self._hover[1])))
        dragged = self._drag.row.id if self._drag is not None else None
        for block in self.day_layout.blocks:
            if block.row.id == dragged:
                p.setOpacity(0.35)
            painting.paint_block(p, block, self._f, selected=block.row.id == self.selected_id)
            p.setOpacity(1)
        if self._drag is not None:
            painting.paint_block(p, self._drag, self._f, selected=True, ghost=True)
        p.end()

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        point = event.position()
        block = self.day_layout.block_at(point)
        self._press = (point, block)
        self.current_slot = None if block else self.day_layout.slot_at(point)
        self.select(block.row.id if block else None)

    def mouseMoveEvent(self, event) -> None:
        point = event.position()
        # The press is remembered rather than asking event.buttons(): the same on every platform.
        if self._press is not None and self._press[1] is not None:
            start, block = self._press
            if (self._dragging or (point - start).manhattanLength()
                    >= QApplication.startDragDistance()):
                self._dragging = True
                self._drag = self._target(block, point - start, point)
                self.setCursor(Qt.CursorShape.ClosedHandCursor if self._drag is not None
                               else Qt.CursorShape.ForbiddenCursor)
                self.update()
                self.dragging.emit(point.toPoint())
            return
        slot = None if self.day_layout.block_at(point) else self.day_layout.slot_at(point)
        if slot != self._hover:
            self._hover = slot
            self.update()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(event)
        drag = self._target(self._press[1], event.position() - self._press[0],
                            event.position()) if self._dragging else None
        self._drag, self._press, self._dragging = None, None, False
        self.unsetCursor()
        self.update()
        if drag is not None:
            self.drop(drag.row.id, drag.row.staff_id, drag.row.start)

    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position()
        block = self.day_layout.block_at(point)
        if block is not None:
            self.select(block.row.id)
            return
        slot = self.day_layout.slot_at(point)
        if slot is not None:
            self.current_slot = slot
            self.book_requested.emit(*slot)

    def leaveEvent(self, event) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape and self._dragging:
            self._drag = self._press = None
            self._dragging = False
            self.unsetCursor()
            self.update()
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._step(-1 if key == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            block = self.day_layout.block_at(event.position() if hasattr(event, "position")
                                          else QPointF(event.pos()))
            if block is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), painting.tooltip(block.row, self._f),
                                  self, block.rect.toAlignedRect())
            return True
        return super().event(event)

    # helpers
    def _target(self, block: Block | None, moved: QPointF, pointer: QPointF) -> Block | None:
        """The dragged visit snapped to the quarter hours, in the column under the pointer;
        None when the pointer is off the grid."""
        layout = self.day_layout
        column = layout.column_at(pointer.x())
        if block is None or column is None or not self._on_grid(pointer):
            return None
        start = layout.time_at(block.rect.top() - 1 + moved.y(), nearest=True)
        length = block.row.end - block.row.start
        first = datetime.combine(layout.day, time(layout.first_hour))
        last = datetime.combine(layout.day, time(0)) + timedelta(hours=layout.last_hour)
        if start is None:
            start = first if moved.y() < 0 else last - length
        start = max(first, min(start, last - length))
        row = replace(block.row, start=start, end=start + length,
                      staff_id=layout.columns[column].staff_id)
        return Block(row, layout.rect_for(column, row.start, row.end), column)

    def _on_grid(self, pointer: QPointF) -> bool:
        """Inside the day's hours and on the part of the grid the desk can see (the mouse is
        grabbed while dragging, so the pointer may be over the header or another widget)."""
        if not 0 <= pointer.y() < self.day_layout.height:
            return False
        seen = self.visibleRegion()
        return seen.isEmpty() or seen.contains(pointer.toPoint())

    def _step(self, direction: int) -> None:
        ordered = sorted(self.rows(), key=lambda r: (r.start, r.staff_id))
        ids = [r.id for r in ordered]
        if not ids:
            return
        if self.selected_id not in ids:
            index = 0 if direction > 0 else len(ids) - 1
        else:
            index = max(0, min(ids.index(self.selected_id) + direction, len(ids) - 1))
        self.select(ids[index])

    def _describe(self) -> None:
        block = self.day_layout.block_of(self.selected_id)
        text = _("No appointment selected.") if block is None else " ".join(
            painting.block_lines(block.row, self._f))
        self.setAccessibleDescription(text)


class ColumnHeader(QWidget):
    """Practitioners' names above their columns; stays put while the grid scrolls."""

    def __init__(self, grid: DayGrid, parent: QWidget | None = None):
        super().__init__(parent)
        self._grid = grid
        self.offset = 0
        grid.laid_out.connect(self.update)

    def set_offset(self, offset: int) -> None:
        self.offset = offset
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        look = painting.surface()
        p.fillRect(self.rect(), QColor(look.header))
        p.setPen(QColor(look.header_line))
        p.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        layout = self._grid.day_layout
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        metrics = QFontMetricsF(font)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        counts: dict[int, int] = {}
        for row in self._grid.rows():
            if row.status != AppointmentStatus.CANCELLED:
                counts[row.staff_id] = counts.get(row.staff_id, 0) + 1
        for index, column in enumerate(layout.columns):
            left = layout.column_left(index) - self.offset
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(column.colour))
            p.drawEllipse(QPointF(left + 14, self.height() / 2), 5, 5)
            count = counts.get(column.staff_id, 0)
            text = f"{column.name}  ({count})" if count else column.name
            p.setPen(QColor(look.header_text))
            width = layout.column_width - 30
            p.drawText(QPointF(left + 25, (self.height() + metrics.capHeight()) / 2),
                       metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))
            p.setPen(QColor(look.column_line))
            p.drawLine(int(left), 6, int(left), self.height() - 6)
        p.end()


class DayView(QScrollArea):
    """The grid in a scroll area, with the practitioners' header pinned above it."""

    def __init__(self, formats: Formats, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = DayGrid(formats)
        self.setWidget(self.grid)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Tab goes straight to the grid inside: the scroll area is no stop of its own.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setViewportMargins(0, HEADER_HEIGHT, 0, 0)
        self.header = ColumnHeader(self.grid, self)
        self.horizontalScrollBar().valueChanged.connect(self.header.set_offset)
        self.verticalScrollBar().rangeChanged.connect(self._apply_scroll)
        self._pending_y: int | None = None
        self.grid.selected.connect(self._show_selected)
        # Dragging towards an edge scrolls, so a visit can be moved to a time out of sight.
        self.grid.dragging.connect(lambda point: self.ensureVisible(point.x(), point.y(),
                                                                    40, 40))

    def scroll_to(self, when: datetime) -> None:
        self._pending_y = max(int(self.grid.day_layout.y_of(when)), 0)
        self._apply_scroll()

    def top_time(self) -> datetime | None:
        return self.grid.day_layout.time_at(self.verticalScrollBar().value() + 1)

    def _apply_scroll(self, *_range) -> None:
        bar = self.verticalScrollBar()
        if self._pending_y is not None and bar.maximum() > 0:
            bar.setValue(min(self._pending_y, bar.maximum()))
            self._pending_y = None

    def _show_selected(self, appointment_id) -> None:
        if appointment_id is not None:
            rect = self.grid.block_rect(appointment_id)
            self.ensureVisible(rect.center().x(), rect.center().y(), 20,
                               min(rect.height() // 2 + 20, 200))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        frame = self.frameWidth()
        self.header.setGeometry(frame, frame, self.viewport().width(), HEADER_HEIGHT)
