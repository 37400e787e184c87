"""What the colours and marks on the grid mean."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.domain.states import AppointmentStatus
from app.i18n import _

from .painting import MEMBERSHIP, legend_text, paint_swatch

STATUSES = tuple(AppointmentStatus)  # booked, arrived, no-show, cancelled


class Legend(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        entries = [(status, legend_text(status)) for status in STATUSES]
        entries.append((None, _("Covered by a package")))
        entries.append((MEMBERSHIP, _("Covered by a membership")))  # R43
        for status, text in entries:
            swatch = QLabel()
            swatch.setPixmap(_swatch(status))
            label = QLabel(text)
            label.setBuddy(swatch)
            row.addWidget(swatch)
            row.addWidget(label)
            row.addSpacing(10)
        self.setAccessibleName(_("Legend"))
        self.setAccessibleDescription(", ".join(text for _status, text in entries))


def _swatch(status: str | None) -> QPixmap:
    size = 16 if status in (None, MEMBERSHIP) else 22
    pixmap = QPixmap(size * 2, 16 * 2)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    paint_swatch(p, QRectF(0.5, 0.5, size - 1, 15), status)
    p.end()
    return pixmap
