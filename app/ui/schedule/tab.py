"""Schedule: move between days and see each day's appointments."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QDateEdit, QHBoxLayout, QLabel, QPushButton, QStackedLayout,
                               QVBoxLayout, QWidget)

from app.services import Clinic

from ..formats import Formats
from ..models.appointments import AppointmentsModel
from ..tables import make_table


class ScheduleTab(QWidget):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.model = AppointmentsModel(Formats(clinic), self)
        self.previous_button = QPushButton("◀ Previous day")
        self.previous_button.clicked.connect(lambda: self._move(-1))
        self.today_button = QPushButton("Today")
        self.today_button.clicked.connect(lambda: self.go_to(clinic.today()))
        self.next_button = QPushButton("Next day ▶")
        self.next_button.clicked.connect(lambda: self._move(1))
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dddd, MMMM d, yyyy")
        self.date_edit.setMinimumWidth(280)
        self.date_edit.setDate(_qdate(clinic.today()))
        self.date_edit.dateChanged.connect(self.refresh)

        self.table = make_table(self.model, self, stretch=AppointmentsModel.PACKAGE,
                                sortable=False)
        self.empty = QLabel("No appointments on this day.")
        self.empty.setObjectName("emptyNote")
        self.stack = QStackedLayout()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        bar = QHBoxLayout()
        for widget in (self.previous_button, self.today_button, self.next_button,
                       self.date_edit):
            bar.addWidget(widget)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(self.stack)
        self.refresh()

    def day(self) -> date:
        return self.date_edit.date().toPython()

    def go_to(self, day: date) -> None:
        self.date_edit.setDate(_qdate(day))  # dateChanged refreshes

    def _move(self, days: int) -> None:
        self.date_edit.setDate(self.date_edit.date().addDays(days))

    def refresh(self) -> None:
        self.model.set_rows(self.clinic.schedule.day(self.day()))
        self.stack.setCurrentWidget(self.table if self.model.rowCount() else self.empty)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
