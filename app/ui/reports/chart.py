"""A horizontal bar chart of one figure per package, painted by hand (PySide6-Essentials has
no QtCharts). The figures and their text come from the report; only the lengths are ours.

The bars line up with the rows of the totals table beside it (`align`), one bar per package
row, so the eye goes straight across from a package's totals to its bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.i18n import _

BAR = QColor("#4a90d9")
TRACK = QColor("#dde3ea")
TEXT = QColor("#1f2937")


@dataclass(frozen=True)
class Bar:
    label: str  # the package
    value: int  # cents or a count: sets the bar's length
    text: str  # the value as the desk reads it ("$1,200.00", "14")


class BarChart(QWidget):
    MARGIN = 8

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = ""
        self.bars: tuple[Bar, ...] = ()
        self.top, self.row = 32, 28  # where the first bar's row starts, and a row's height
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(260)
        self.setAccessibleName(_("Chart"))

    def set_bars(self, title: str, bars: list[Bar]) -> None:
        self.title, self.bars = title, tuple(bars)
        self.setAccessibleName(title or _("Chart"))
        # What the picture says, for a screen reader.
        self.setAccessibleDescription("; ".join(f"{b.label}: {b.text}" for b in self.bars))
        self.updateGeometry()
        self.update()

    def align(self, top: int, row: int) -> None:
        """Bars in rows of `row` pixels from `top` down: the totals table's rows."""
        self.top, self.row = top, row
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, self.top + max(len(self.bars), 1) * self.row)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        width = self.width() - 2 * self.MARGIN
        title_font = self.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(TEXT)
        painter.drawText(QRectF(self.MARGIN, 0, width, self.top),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        painter.setFont(self.font())
        if not self.bars:
            return
        # Labels take what the longest needs, up to 40% of the width; each value's text sits
        # right of its bar, so room for the longest text is kept at the right.
        label_width = min(max(metrics.horizontalAdvance(b.label) for b in self.bars) + 12,
                          int(width * 0.4))
        text_width = max(metrics.horizontalAdvance(b.text) for b in self.bars) + 10
        track = max(width - label_width - text_width, 20)
        biggest = max(max(b.value for b in self.bars), 1)
        thickness = max(min(self.row - 10, 16), 4)
        for i, bar in enumerate(self.bars):
            y = self.top + i * self.row
            painter.setPen(TEXT)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.drawText(QRectF(self.MARGIN, y, label_width - 8, self.row),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            left = self.MARGIN + label_width
            bar_top = y + (self.row - thickness) / 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(TRACK)
            painter.drawRoundedRect(QRectF(left, bar_top, track, thickness), 3, 3)
            length = track * max(bar.value, 0) / biggest
            if length > 0:
                painter.setBrush(BAR)
                painter.drawRoundedRect(QRectF(left, bar_top, max(length, 2), thickness), 3, 3)
            painter.setPen(TEXT)
            painter.drawText(QRectF(left + length + 6, y, text_width, self.row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             bar.text)
