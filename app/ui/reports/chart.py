"""A horizontal bar chart of one figure per package, painted by hand (PySide6-Essentials has
no QtCharts). The figures and their text come from the report; only the lengths are ours."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = QColor("#4a90d9")
TRACK = QColor("#eef1f4")
TEXT = QColor("#1f2937")
MUTED = QColor("#6b7280")


@dataclass(frozen=True)
class Bar:
    label: str  # the package
    value: int  # cents or a count: sets the bar's length
    text: str  # the value as the desk reads it ("$1,200.00", "14")


class BarChart(QWidget):
    ROW = 24
    GAP = 6
    MARGIN = 8

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = ""
        self.bars: tuple[Bar, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(260)
        self.setAccessibleName("Chart")

    def set_bars(self, title: str, bars: list[Bar]) -> None:
        self.title, self.bars = title, tuple(bars)
        self.setAccessibleName(title or "Chart")
        # What the picture says, for a screen reader.
        self.setAccessibleDescription("; ".join(f"{b.label}: {b.text}" for b in self.bars))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, self._height(max(len(self.bars), 1)))

    def minimumSizeHint(self) -> QSize:
        return QSize(260, self._height(min(max(len(self.bars), 1), 3)))

    def _height(self, rows: int) -> int:
        return self.MARGIN * 2 + self.ROW + rows * (self.ROW + self.GAP)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        width = self.width() - 2 * self.MARGIN
        y = self.MARGIN
        title_font = self.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(TEXT)
        painter.drawText(QRectF(self.MARGIN, y, width, self.ROW),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        painter.setFont(self.font())
        y += self.ROW
        if not self.bars:
            painter.setPen(MUTED)
            painter.drawText(QRectF(self.MARGIN, y, width, self.ROW),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             "Nothing to chart.")
            return
        # Labels take what the longest needs, up to 40% of the width; the value text sits
        # right of its bar, so the longest text is kept free at the right.
        label_width = min(max(metrics.horizontalAdvance(b.label) for b in self.bars) + 12,
                          int(width * 0.4))
        text_width = max(metrics.horizontalAdvance(b.text) for b in self.bars) + 10
        track = max(width - label_width - text_width, 20)
        biggest = max(max(b.value for b in self.bars), 1)
        for bar in self.bars:
            y += self.GAP
            painter.setPen(TEXT)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.drawText(QRectF(self.MARGIN, y, label_width - 8, self.ROW),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            left = self.MARGIN + label_width
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(TRACK)
            painter.drawRoundedRect(QRectF(left, y + 3, track, self.ROW - 6), 3, 3)
            length = track * max(bar.value, 0) / biggest
            if length > 0:
                painter.setBrush(BAR)
                painter.drawRoundedRect(QRectF(left, y + 3, max(length, 2), self.ROW - 6), 3, 3)
            painter.setPen(TEXT)
            painter.drawText(QRectF(left + length + 6, y, text_width, self.ROW),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             bar.text)
            y += self.ROW
