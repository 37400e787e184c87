"""A short list the desk must read whole (the appointments a warning is about): as tall as its
rows, a long row wrapping rather than hiding past the edge; past most of the screen, it
scrolls."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtWidgets import QListWidget, QSizePolicy, QStyle, QWidget

#: The share of the screen a list may take before it scrolls.
SCREEN_SHARE = 0.6


class WholeList(QListWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(True)

    def _screen(self) -> QSize:
        return self.screen().availableGeometry().size() if self.screen() else QSize(1280, 800)

    def sizeHint(self) -> QSize:
        widest = max((self.sizeHintForIndex(self.model().index(row, 0)).width()
                      for row in range(self.count())), default=0)
        # Room for the scroll bar too, should the list be taller than it may be.
        width = widest + 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width()
        width = min(width, int(self._screen().width() * SCREEN_SHARE))
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        width = self.width() if self.isVisible() else self.sizeHint().width()
        return QSize(super().minimumSizeHint().width(), self.heightForWidth(width))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        """Every row's height once wrapped at `width`, capped at a share of the screen."""
        frame = 2 * self.frameWidth()
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin,
                                               None, self) + 1)
        # The scroll bar's width is kept free: the estimate errs on the tall side.
        room = QRect(0, 0, max(width - frame - margin - self.verticalScrollBar().sizeHint()
                               .width(), 1), 100000)
        metrics = self.fontMetrics()
        total = 0
        for row in range(self.count()):
            lines = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap,
                                         self.item(row).text()).height()
            total += self.sizeHintForRow(row) + max(0, lines - metrics.height())
        return min(total + frame, int(self._screen().height() * SCREEN_SHARE))

    def changeEvent(self, event) -> None:
        # The style sheet or a larger font arrives when the dialog is shown: measure again.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # narrower, more lines: the dialog makes room
