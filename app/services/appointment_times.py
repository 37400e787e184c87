"""The times the schedule is asked about: an appointment's start, a window of the calendar.

Both are the clinic's wall-clock times, naive datetimes of the desk's local time, as the
clinic stores them (service-api.md); `validation.a_datetime` refuses anything else and turns
a timezone-aware time into that local time. Kept out of schedule.py, which is long enough.
"""

from __future__ import annotations

from datetime import date, datetime

from ..i18n import _
from . import validation as v
from .errors import ValidationError

EARLIEST_APPOINTMENT, LATEST_APPOINTMENT = date(2000, 1, 1), date(2100, 12, 31)


def appointment_start(start: object) -> datetime:
    """What book and reschedule take as a start (R30): a date and time on a 5-minute mark."""
    # The range has its own sentence about the appointment's date, so it is checked apart.
    start = v.a_datetime(start, "start", label="appointment start", earliest=None,
                         latest=None)
    v.a_date(start.date(), "start", label="appointment date", earliest=EARLIEST_APPOINTMENT,
             latest=LATEST_APPOINTMENT)
    if start.minute % 5 or start.second or start.microsecond:
        raise ValidationError("start", _("Appointments start on a 5-minute mark, like 9:15."))
    return start


def window(start: object, end: object) -> tuple[datetime, datetime]:
    """`schedule.between`'s from (included) and to (excluded). A date stands for its
    midnight, as it did in the query before these checks. No range of its own: a window
    as wide as datetime.min .. datetime.max finds everything and harms nothing."""
    return (v.a_datetime(start, "start", label="start time", earliest=None, latest=None,
                         dates=True),
            v.a_datetime(end, "end", label="end time", earliest=None, latest=None,
                         dates=True))
