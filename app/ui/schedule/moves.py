"""A visit dragged on the day grid: the desk sees "from → to" and says yes before anything
moves, and can take the move back (Ctrl+Z, or Undo Move in the status bar).

Taking it back is one more reschedule, to where the visit was: the service checks and audits
it like any move, so a slot someone has booked since is refused with the usual sentence.
Only the last move is remembered; once the visit has changed some other way, it is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError
from app.services.schedule import AppointmentRow

from .. import msgbox
from ..formats import Formats
from ..shortcuts import UNDO_MOVE
from .panel import key_text


@dataclass(frozen=True)
class Move:
    appointment_id: int
    patient_name: str
    treatment_name: str
    from_staff: tuple[int, str]  # (id, name)
    from_start: datetime
    to_staff: tuple[int, str]
    to_start: datetime

    def reversed(self) -> Move:
        return Move(self.appointment_id, self.patient_name, self.treatment_name,
                    self.to_staff, self.to_start, self.from_staff, self.from_start)


def move_of(row: AppointmentRow, staff: tuple[int, str], start: datetime) -> Move:
    return Move(row.id, row.patient_name, row.treatment_name, (row.staff_id, row.staff_name),
                row.start, staff, start)


def place(formats: Formats, start: datetime, staff_name: str, *, with_date: bool) -> str:
    """"10:00 a.m., Ana Silva" (with the day when the move changes it)."""
    when = formats.time(start)
    if with_date:
        when = _("{date}, {time}").format(date=formats.date(start.date()), time=when)
    return _("{when}, {practitioner}").format(when=when, practitioner=staff_name)


def from_to(formats: Formats, move: Move) -> str:
    """"10:00 a.m., Ana Silva → 12:00 p.m., Ben Okafor"."""
    other_day = move.from_start.date() != move.to_start.date()
    return "{} \u2192 {}".format(
        place(formats, move.from_start, move.from_staff[1], with_date=other_day),
        place(formats, move.to_start, move.to_staff[1], with_date=other_day))


def confirm_move(parent: QWidget, formats: Formats, move: Move) -> bool:
    text = _("Move {patient}'s {treatment}?\n\n{from_to}").format(
        patient=move.patient_name, treatment=move.treatment_name,
        from_to=from_to(formats, move))
    answer = msgbox.show(parent, _("Move appointment"), text, icon=msgbox.Icon.Question,
                         buttons=msgbox.Button.Ok | msgbox.Button.Cancel,
                         default=msgbox.Button.Ok)
    return answer == msgbox.Button.Ok


class MoveUndo(QObject):
    """The last move made by dragging, and the button that takes it back."""

    undone = Signal(int)  # appointment id, back where it was

    def __init__(self, clinic: Clinic, formats: Formats, parent: QWidget):
        super().__init__(parent)
        self._clinic = clinic
        self._f = formats
        self._parent = parent
        self.last: Move | None = None
        # It sits in the window's status bar (not a child of the tab), so it goes with us.
        self.button = QPushButton(_("&Undo Move"))
        self.button.setFlat(True)
        self.button.setVisible(False)
        self.button.clicked.connect(lambda: self.undo())
        self.destroyed.connect(self.button.deleteLater)

    def record(self, move: Move) -> None:
        self.last = move
        self.button.setToolTip(_("Put {patient}'s {treatment} back: {from_to} ({key})").format(
            patient=move.patient_name, treatment=move.treatment_name,
            from_to=from_to(self._f, move.reversed()), key=key_text(UNDO_MOVE)))
        self.button.setVisible(True)

    def forget(self) -> None:
        self.last = None
        self.button.setVisible(False)

    def undo(self) -> None:
        move = self.last
        if move is None:
            return
        try:
            now = self._clinic.schedule.appointment(move.appointment_id)
            if (now.staff_id, now.start) != (move.to_staff[0], move.to_start):
                self.forget()
                msgbox.show(self._parent, _("Not undone"), _(
                    "{patient}'s {treatment} has changed since it was moved, so the move "
                    "was not undone. Use Reschedule… to move it.").format(
                        patient=move.patient_name, treatment=move.treatment_name),
                    icon=msgbox.Icon.Warning)
                return
            self._clinic.schedule.reschedule(move.appointment_id, move.from_start,
                                             staff_id=move.from_staff[0])
        except ClinicError as error:
            msgbox.refusal(self._parent, error, _("Not undone"))
            return
        self.forget()
        self.undone.emit(move.appointment_id)
