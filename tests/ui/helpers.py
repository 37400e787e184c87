"""Typing and clicking the way the desk does."""

from __future__ import annotations

from PySide6.QtCore import Qt


def retype(qtbot, widget, text: str) -> None:
    """Select what the field holds, delete it, type `text` key by key."""
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(widget, text)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def cell_texts(model, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]
