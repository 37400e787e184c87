"""What the schedule tells the desk before and after it books (R7a, R10, R11): the double
compensation warning, the first free time and usual treatment a booking starts from, and the
packages whose every use is already held. Read-only; ScheduleService offers these methods.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..models import Appointment, Patient, Staff, TreatmentType
from . import compensation
from .appointment_times import overlapping
from . import package_rules as rules
from . import validation as v
from .base import Service

#: Statuses in which a visit holds its practitioner's time (a clash, R11's "booked").
HOLDS_TIME = ("booked", "arrived")
#: Where a booking looks for a free time: the grid opens its day at 8:00, and its last
#: quarter hour starts at 19:45. The clinic keeps no opening hours of its own.
DAY_STARTS, DAY_ENDS = time(8), time(20)
STEP_MINUTES = 15


class BookingAdvice(Service):
    def warnings(self, appointment_id: int) -> list[str]:
        """R7a: arriving this visit would compensate its practitioner for a use whose sale
        already paid a staff member up front; in words, or [] when it would not."""
        with self._db.read() as s:
            return compensation.warnings(s, v.get(s, Appointment, appointment_id,
                                                  "appointment"))

    def first_free_slot(self, staff_id: int, day: date, duration: int) -> datetime | None:
        """The first quarter hour of `day` when the practitioner is free for `duration`
        minutes (today: not before now), or None when the day is full."""
        day = v.a_date(day, "on", label="appointment date")
        duration = v.whole_number(duration, "duration", label="duration in minutes",
                                  minimum=1, maximum=24 * 60)
        opens = datetime.combine(day, DAY_STARTS)
        closes = datetime.combine(day, DAY_ENDS)
        now = self._now()
        with self._db.read() as s:
            v.get(s, Staff, staff_id, "staff member")
            busy = s.execute(select(Appointment.start, Appointment.end).where(
                Appointment.staff_id == staff_id, Appointment.status.in_(HOLDS_TIME),
                overlapping(opens, closes))
                .order_by(Appointment.start)).all()
        start = opens
        if day == now.date() and now > opens:
            late = now.replace(second=0, microsecond=0)
            start = late + timedelta(minutes=-late.minute % STEP_MINUTES)
        length = timedelta(minutes=duration)
        while start + length <= closes:
            clash = next((end for begins, end in busy if begins < start + length
                          and end > start), None)
            if clash is None:
                return start
            # Past the visit in the way, on the next quarter hour.
            start = max(start + timedelta(minutes=STEP_MINUTES),
                        clash + timedelta(minutes=-clash.minute % STEP_MINUTES))
        return None

    def usual_treatment(self, staff_id: int) -> int | None:
        """The treatment the practitioner was last booked for, of those still offered; None
        for someone never booked (the desk then starts from the first treatment)."""
        with self._db.read() as s:
            v.get(s, Staff, staff_id, "staff member")
            given = (select(Appointment.treatment_type_id)
                     .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
                     .where(Appointment.staff_id == staff_id, TreatmentType.active.is_(True)))
            return s.scalar(given.order_by(Appointment.created_at.desc(),
                                           Appointment.id.desc()).limit(1))

    def held_in_full(self, patient_id: int, treatment_type_id: int,
                     on: date) -> list[rules.PackageSummary]:
        """Packages that would cover this visit but whose every use left is held by other
        booked visits (R11): the desk is told "all uses are booked" rather than nothing."""
        on = v.a_date(on, "on", label="appointment date")
        with self._db.read() as s:
            v.get(s, Patient, patient_id, "patient")
            v.get(s, TreatmentType, treatment_type_id, "treatment type")
            return rules.held_in_full(s, patient_id, treatment_type_id, on, self._today())
