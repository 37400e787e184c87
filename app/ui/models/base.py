"""The shape every table model here shares (after vorta's event_log_table_model)."""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.i18n import _

#: The raw value a column sorts by (cents, dates), so "$900.00" sorts after "$80.00".
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_DIMMED = QColor("#8a8f98")

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """Subclasses name COLUMNS and implement `display`; amounts and counts go in RIGHT.

    COLUMNS are English message ids marked N_(); the header shows them in the desk's
    language, read when shown (so a change of language needs no new model)."""

    COLUMNS: tuple[str, ...] = ()
    RIGHT: frozenset[int] = frozenset()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows: Sequence) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row]

    def rows(self) -> list:
        return list(self._rows)

    # what subclasses say about one row
    def display(self, row, column: int) -> str:
        raise NotImplementedError

    def sort_key(self, row, column: int) -> Any:
        return self.display(row, column).casefold()

    def tooltip(self, row, column: int) -> str | None:
        """The whole of a cell a narrow column cuts short (None: no tooltip)."""
        return None

    def dimmed(self, row) -> bool:
        """Archived or inactive rows are shown greyed, not hidden, when the desk asks for them."""
        return False

    # QAbstractTableModel
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS)):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(self.COLUMNS[section])
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT if section in self.RIGHT else _LEFT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == SORT_ROLE:
            return self.sort_key(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in self.RIGHT else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole and self.dimmed(row):
            return _DIMMED
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        return None
