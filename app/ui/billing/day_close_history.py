"""The history of Day Closes (R32): every close, newest day first, reopened ones too (they
stay on file, R29), with who closed it, the count and the over/short. Clicking one shows
that day."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem, QWidget

from app.i18n import _
from app.services import Clinic

from ..formats import Formats

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class HistoryTable(QTableWidget):
    #: The day of the close clicked.
    chosen = Signal(object)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(0, 7, parent)
        self.clinic = clinic
        self.f = Formats(clinic)
        self.days: list[date] = []
        self.setHorizontalHeaderLabels([_("Day"), _("Closed by"), _("Closed at"),
                                        _("Expected"), _("Counted"), _("Over / short"),
                                        _("Reopened")])
        self.setAccessibleName(_("Closes"))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.cellClicked.connect(lambda row, _column: self.chosen.emit(self.days[row]))

    def refresh(self, current: date | None = None) -> None:
        closes = self.clinic.billing.day_closes()
        self.blockSignals(True)
        self.setRowCount(len(closes))
        self.days = [c.on for c in closes]
        for row, close in enumerate(closes):
            reopened = "" if close.reopened_at is None else _(
                "{time} by {name}: {reason}").format(
                time=self.f.date(close.reopened_at) + " " + self.f.time(close.reopened_at),
                name=close.reopened_by_name or _("the system"),
                reason=close.reopen_reason or "\u2014")
            cells = [(self.f.date(close.on), False),
                     (close.closed_by_name or _("the system"), False),
                     (self.f.date(close.closed_at) + " " + self.f.time(close.closed_at), False),
                     (self.f.money(close.expected_cash), True),
                     (self.f.money(close.counted_cash), True),
                     (self.f.money(close.over_short), True), (reopened, False)]
            for column, (text, right) in enumerate(cells):
                item = QTableWidgetItem(text)
                if right:
                    item.setTextAlignment(RIGHT)
                self.setItem(row, column, item)
            if close.on == current and close.is_open:
                self.selectRow(row)
        if current not in self.days:
            self.clearSelection()
        self.resizeColumnsToContents()
        self.blockSignals(False)
