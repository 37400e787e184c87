"""The CSV import's preview table: one row of the file per line (issue 8)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.i18n import N_, _
from app.services.csv import DUPLICATE, ERROR, FIELD_LABELS, OK, PreviewRow

from .base import RowsModel

STATUS = {OK: N_("Ready"), ERROR: N_("Problem"), DUPLICATE: N_("Skipped")}
_ERROR_BACKGROUND = QColor("#fde2e1")
_DUPLICATE_BACKGROUND = QColor("#eef0f3")


class PreviewModel(RowsModel):
    """One row of the file per line: Row, Status, the values, Problem."""

    def __init__(self, kind: str, parent=None):
        super().__init__(parent)
        self.fields = [name for name, _label in FIELD_LABELS[kind]]
        self._labels = [label for _name, label in FIELD_LABELS[kind]]
        self.RIGHT = frozenset({0})

    @property
    def COLUMNS(self) -> tuple[str, ...]:  # noqa: N802 - RowsModel's name; translated when read
        return (_("Row"), _("Status"), *[_(label) for label in self._labels], _("Problem"))

    def display(self, row: PreviewRow, column: int) -> str:
        if column == 0:
            return str(row.number)
        if column == 1:
            return _(STATUS[row.status])
        if column == len(self.fields) + 2:
            return row.problem
        return str(row.values.get(self.fields[column - 2], "") or "")

    def sort_key(self, row: PreviewRow, column: int):
        if column == 0:
            return row.number
        return self.display(row, column).casefold()

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and 0 <= index.row() < self.rowCount():
            row = self.row_at(index.row())
            if role == Qt.ItemDataRole.BackgroundRole:
                if row.status == ERROR:
                    return _ERROR_BACKGROUND
                if row.status == DUPLICATE:
                    return _DUPLICATE_BACKGROUND
            if role == Qt.ItemDataRole.ToolTipRole and row.problem:
                return row.problem
        return super().data(index, role)
