"""What can be done with an appointment in each state (R12, R14-R18).

The schedule refuses by these and the screens enable their buttons from the `can_…` flags
the schedule's rows carry, so each action's yes or no is decided here once. What needs the
database as well (a refunded package's final use, R28b) is added by the service.
"""

from __future__ import annotations

from .states import AppointmentStatus

#: The states an Undo puts back to booked (R18), and the Undo that is for each.
UNDOABLE = (AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW)


def can_arrive(status: str) -> bool:
    return status == AppointmentStatus.BOOKED


def can_mark_no_show(status: str) -> bool:
    return status == AppointmentStatus.BOOKED


def can_reschedule(status: str) -> bool:
    return status == AppointmentStatus.BOOKED


def can_cancel(status: str) -> bool:
    return status == AppointmentStatus.BOOKED


def can_change_package(status: str) -> bool:
    """R12: a package goes on or comes off until the visit is arrived (or otherwise over)."""
    return status == AppointmentStatus.BOOKED


def is_billable(status: str) -> bool:
    """Booked or arrived: a package on it is (or will be) what it bills."""
    return status in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


def has_undo(status: str) -> bool:
    """An arrival or a no-show may be undone, unless the service says it is final (R28b)."""
    return status in UNDOABLE
