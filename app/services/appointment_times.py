"""The times the schedule is asked about: an appointment's start, a window of the calendar.

Both are the clinic's wall-clock times, naive datetimes of the desk's local time, as the
clinic stores them (service-api.md); `validation.a_datetime` refuses anything else and turns
a timezone-aware time into that local time. Kept out of schedule.py, which is long enough.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_

from ..i18n import _
from ..models import Appointment
from . import validation as v
from .errors import ValidationError

EARLIEST_APPOINTMENT, LATEST_APPOINTMENT = date(2000, 1, 1), date(2100, 12, 31)
#: No treatment lasts longer (the catalogue refuses more), and a visit keeps its length when
#: it is moved, so no visit is longer either.
LONGEST_VISIT_MIN = 600


def overlapping(start: datetime, end: datetime):
    """The visits that share some of [start, end). The third bound follows from the first
    two and LONGEST_VISIT_MIN: with it the start index reads that day's visits, not every
    visit since the clinic opened (300 ms a booking on the ten-year file, bench/desks.py)."""
    return and_(Appointment.start < end, Appointment.end > start,
                Appointment.start > start - timedelta(minutes=LONGEST_VISIT_MIN))


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
