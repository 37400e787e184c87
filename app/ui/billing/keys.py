"""The keyboard in Patient Billing and its dialogs: shortcut keys as tooltips show them (the
keys themselves are in app.ui.shortcuts), and Tab going through a window in visual order."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QDialogButtonBox, QWidget


def key_text(key: str) -> str:
    """A shortcut as this computer writes it (Ctrl+P; ⌘P on a Mac)."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def tab_order(*widgets: QWidget | None) -> None:
    """Tab visits `widgets` in this order (None, for a widget a window leaves out, skipped)."""
    present = [widget for widget in widgets if widget is not None]
    for before, after in zip(present, present[1:]):
        QWidget.setTabOrder(before, after)


def buttons_in_order(box: QDialogButtonBox) -> list[QAbstractButton]:
    """A button box's buttons left to right, as the platform lays them out."""
    layout = box.layout()
    found = (layout.itemAt(i).widget() for i in range(layout.count()))
    return [w for w in found if isinstance(w, QAbstractButton)]


def leave_with_tab(*views: QAbstractItemView) -> None:
    """Tab leaves a list for the next control (arrows move within it), so no list traps Tab."""
    for view in views:
        view.setTabKeyNavigation(False)
