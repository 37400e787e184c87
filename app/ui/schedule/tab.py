"""The Schedule tab: a day grid per practitioner, day navigation, and the selected
appointment's panel. Booking, moving and every state change go through clinic.schedule."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QSplitter,
                               QStackedLayout, QVBoxLayout, QWidget)

from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError

from .. import msgbox
from ..date_fields import DateField
from ..dialogs.booking_dialog import BookingDialog
from ..formats import Formats
from ..models.appointments import AppointmentsModel
from ..shortcuts import BOOK, NEXT_DAY, PREVIOUS_DAY, TODAY, UNDO_MOVE
from ..tables import make_table, select_id, selected_row
from .day_layout import SCROLL_HOUR, Column
from .day_view import DayView
from .fields import show_dates_like_the_clinic
from .legend import Legend
from .moves import MoveUndo, confirm_move, move_of
from .panel import AppointmentPanel, key_text


class ScheduleTab(QWidget):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self._formats = formats = Formats(clinic)
        self.model = AppointmentsModel(formats, self)

        self.previous_button = _button(_("◀ &Previous day"),
                                       _("Previous day ({key})").format(
                                           key=key_text(PREVIOUS_DAY)), self.previous_day)
        self.today_button = _button(_("&Today"), _("Today ({key})").format(
            key=key_text(TODAY)), self.today)
        self.next_button = _button(_("&Next day ▶"), _("Next day ({key})").format(
            key=key_text(NEXT_DAY)), self.next_day)
        self.date_edit = DateField(clinic.today(), formats.locale, field="day", label="day",
                                   long=True)
        self._locale = formats.locale
        self.date_edit.setMinimumWidth(260)
        self.date_edit.setAccessibleName(_("Day shown"))
        self.date_edit.setDate(_qdate(clinic.today()))
        self.date_edit.dateChanged.connect(self._day_changed)
        date_label = QLabel(_("Da&y:"))
        date_label.setBuddy(self.date_edit)
        self.book_button = _button(_("&Book…"), _("Book an appointment ({key}); or "
                                                  "double-click an empty time on the "
                                                  "grid").format(key=key_text(BOOK)),
                                   lambda: self.book())

        self.view = DayView(formats)
        self.grid = self.view.grid
        # The same day as a table: what a screen reader can read, and a plain list to scan.
        self.table = make_table(self.model, self, stretch=AppointmentsModel.PACKAGE,
                                sortable=False)
        self.table.setAccessibleName(_("Day's appointments"))
        self.list_button = QPushButton(_("&List"))
        self.list_button.setCheckable(True)
        self.list_button.setToolTip(_("Show the day as a list instead of a grid"))
        self.list_button.toggled.connect(self._show_view)
        self.panel = AppointmentPanel(clinic)
        #: The last drag, to take back; its button goes in the window's status bar.
        self.moves = MoveUndo(clinic, formats, self)
        self.undo_button = self.moves.button
        self.empty = QLabel(_("No practitioners yet: add them in File › Settings › Staff."))
        self.empty.setObjectName("emptyNote")
        self.stack = QStackedLayout()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        holder = QWidget()
        holder.setLayout(self.stack)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(holder)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([900, 340])
        self.splitter.setChildrenCollapsible(False)

        self._lay_out(date_label)

        self.grid.selected.connect(self.panel.show_appointment)
        self.grid.selected.connect(lambda ident: select_id(self.table, ident))
        self.table.selectionModel().selectionChanged.connect(self._table_selected)
        self.grid.book_requested.connect(self.book)
        self.grid.move_requested.connect(self.move)
        self.panel.changed.connect(lambda _id: self.refresh())
        self.panel.moved.connect(self._moved)
        # Keys of this tab: they fire while the Schedule is the tab shown.
        for key, button in ((PREVIOUS_DAY, self.previous_button), (NEXT_DAY, self.next_button),
                            (TODAY, self.today_button), (BOOK, self.book_button)):
            QShortcut(QKeySequence(key), self, button.click)
        QShortcut(QKeySequence(UNDO_MOVE), self, self.moves.undo)
        self.moves.undone.connect(self._show)
        # The red line for "now" creeps down through the day.
        self.clock = QTimer(self)
        self.clock.setInterval(60_000)
        self.clock.timeout.connect(lambda: self.grid.set_now(clinic.now()))
        self.clock.start()
        self.refresh()
        self._scroll_to_start()

    def _lay_out(self, date_label: QLabel) -> None:
        bar = QHBoxLayout()
        for widget in (self.previous_button, self.today_button, self.next_button, date_label,
                       self.date_edit):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.list_button)
        bar.addWidget(self.book_button)
        hint = QLabel(_("Double-click an empty time to book · drag a visit to move it"))
        hint.setObjectName("note")
        foot = QHBoxLayout()
        foot.addWidget(Legend())
        foot.addStretch(1)
        foot.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(foot)

    def day(self) -> date:
        return self.date_edit.date().toPython()

    def go_to(self, day: date) -> None:
        self.date_edit.setDate(_qdate(day))  # dateChanged refreshes

    def previous_day(self) -> None:
        self._move(-1)

    def next_day(self) -> None:
        self._move(1)

    def today(self) -> None:
        self.go_to(self.clinic.today())

    def arrive_selected(self) -> None:
        """Arrive the selected appointment, as its panel's Arrive button does; nothing when
        no booked appointment is selected."""
        self.panel.arrive_selected()

    def select(self, appointment_id: int | None) -> None:
        self.grid.select(appointment_id)

    def refresh(self) -> None:
        self._follow_the_clinic_locale()
        day = self.day()
        rows = self.clinic.schedule.day(day)
        self.model.set_rows(rows)
        self.grid.set_day(day, self._columns(rows), rows, now=self.clinic.now())
        select_id(self.table, self.grid.selected_id)
        self._show_view()
        self.panel.show_appointment(self.grid.selected_id)

    def book(self, staff_id: int | None = None, start: datetime | None = None) -> None:
        """At the slot clicked last; else at the first free time of the day shown, with the
        selected appointment's practitioner and patient (the dialog asks the service)."""
        if start is None and self.grid.current_slot is not None:
            staff_id, start = self.grid.current_slot
        patient_id = None
        selected = self.panel.appointment
        if start is None and selected is not None:
            staff_id, patient_id = selected.staff_id, selected.patient_id
        booked = BookingDialog.ask(self.clinic, staff_id=staff_id, start=start,
                                   patient_id=patient_id, day=self.day(), parent=self)
        if booked is not None:
            self._show(booked)

    def move(self, appointment_id: int, staff_id: int, start: datetime) -> None:
        """A block dropped somewhere new: once the desk says yes to "from → to", the service
        moves it (and the move can be undone), or says why not and the block goes back."""
        block = self.grid.day_layout.block_of(appointment_id)
        column = self.grid.day_layout.index_of(staff_id)
        if block is None or column is None:
            return
        move = move_of(block.row, (staff_id, self.grid.day_layout.columns[column].name), start)
        if not confirm_move(self, self._formats, move):
            self.refresh()
            return
        try:
            self.clinic.schedule.reschedule(appointment_id, start, staff_id=staff_id)
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not moved"))
            self.refresh()
            return
        self.moves.record(move)
        self.refresh()
        self.select(appointment_id)

    # helpers
    def _follow_the_clinic_locale(self) -> None:
        """The day's name in the clinic's locale ("Monday, March 2, 2026", "lundi 2 mars
        2026"); again after Settings changed it."""
        locale = self._formats.locale
        if locale != self._locale:
            self._locale = locale
            self.date_edit.blockSignals(True)
            show_dates_like_the_clinic(self.date_edit, locale, long=True)
            self.date_edit.blockSignals(False)

    def _show_view(self, *_args) -> None:
        if not self.grid.day_layout.columns:
            self.stack.setCurrentWidget(self.empty)
        else:
            self.stack.setCurrentWidget(self.table if self.list_button.isChecked()
                                        else self.view)

    def _table_selected(self, *_args) -> None:
        row = selected_row(self.table)
        if row is not None and row.id != self.grid.selected_id:
            self.grid.select(row.id)

    def _columns(self, rows) -> list[Column]:
        """Every practitioner seeing patients, and anyone else with a visit that day."""
        busy = {row.staff_id for row in rows}
        return [Column(s.id, s.name, s.colour)
                for s in self.clinic.staff.list(include_inactive=True)
                if (s.practitioner and s.active) or s.id in busy]

    def _show(self, appointment_id: int) -> None:
        """Go to the appointment's day and select it."""
        start = self.clinic.schedule.appointment(appointment_id).start
        if start.date() != self.day():
            self.go_to(start.date())
        else:
            self.refresh()
        self.select(appointment_id)

    def _moved(self, appointment_id: int, _start: datetime) -> None:
        self._show(appointment_id)

    def _move(self, days: int) -> None:
        self.date_edit.setDate(self.date_edit.date().addDays(days))

    def _day_changed(self) -> None:
        self.grid.select(None)
        self.refresh()
        self._scroll_to_start()

    def _scroll_to_start(self) -> None:
        """08:00, or on today the hour before now, so the desk starts where the day is."""
        day = self.day()
        start = datetime.combine(day, time(SCROLL_HOUR))
        now = self.clinic.now()
        if day == now.date():
            start = max(start, now.replace(minute=0, second=0, microsecond=0)
                        - timedelta(hours=1))
        self.view.scroll_to(start)


def _button(text: str, tip: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.clicked.connect(lambda: slot())
    return button


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
