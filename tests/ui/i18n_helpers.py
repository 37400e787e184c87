"""For French walk-through tests: which texts on a window were left in English (issue 8)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit,
                               QMenu, QTableView, QTabWidget, QTreeView, QWidget)

from app import i18n


def visible_texts(root: QWidget) -> list[str]:
    """What a person could read on *root* and its children (labels, buttons, tabs, headers)."""
    texts = [root.windowTitle()]
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QTabWidget):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
        elif isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
        elif isinstance(widget, QMenu):
            texts.extend(action.text() for action in widget.actions())
        elif isinstance(widget, (QTableView, QTreeView)) and widget.model() is not None:
            # (a list view has no column headers; its model keeps columnCount private)
            model = widget.model()
            texts.extend(str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                         for c in range(model.columnCount()))
        texts.append(widget.toolTip())
        texts.append(widget.accessibleName())
    return [t for t in texts if t]


def _plain(text: str) -> str:
    return re.sub(r"&(?=\w)", "", text).strip()


def untranslated_texts(root: QWidget) -> list[str]:
    """Texts on *root* that are an English message whose French is different.

    Call with the desk in French. A text that is exactly an English message id with a
    translation means the widget showed the id without passing it through _() at the time
    it was shown (often a module-level constant); a rule number means a refusal still
    speaks the SPEC's language rather than the desk's.
    """
    french = i18n.catalogue(i18n.FRENCH)
    english = {key: value for key, value in french.items() if isinstance(key, str)}
    english.update({_plain(key): value for key, value in english.items()})
    left = []
    for text in visible_texts(root):
        plain = _plain(text)
        if (plain in english and english[plain] != plain) or re.search(r"\(R\d+\)", plain):
            left.append(text)
    return left
