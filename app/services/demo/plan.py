"""The demo's plan: who comes in for what over the two weeks, each visit in a free slot.

Only the random generator decides; nothing is written here (replay.py books the plan).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .harbourview import HOURS, PATIENTS, WHO_TREATS, minutes_of


@dataclass
class Visit:
    patient: int                          # index into PATIENTS
    treatment: str
    staff: str = ""
    start: datetime | None = None
    outcome: str = "arrive"               # arrive | no_show
    no_show: dict = field(default_factory=dict)   # use_package, fee
    pay: str | None = "auto"              # auto | None (leaves it owing) | "credit"
    sell: str | None = None               # package label sold at this visit
    weekdays: tuple[int, ...] | None = None   # only on these days (Mon=0)
    appointment_id: int | None = None
    invoice_id: int | None = None


def plan_visits(rng: random.Random, week_start: date, today: date) -> list[Visit]:
    """Who comes in for what over the two weeks, then a free slot for each visit."""
    last_week, this_week = 0, 1
    wanted: list[tuple[Visit, tuple[int, ...]]] = [
        # package holders and the special cases
        (Visit(0, "massage60"), (last_week,)),
        (Visit(0, "massage90"), (this_week,)),
        (Visit(1, "massage60", sell="liam_5"), (last_week,)),
        (Visit(1, "massage60"), (this_week,)),
        (Visit(2, "massage60", sell="emilie_10"), (last_week,)),
        (Visit(2, "massage60"), (this_week,)),
        (Visit(2, "massage60"), (this_week,)),
        (Visit(3, "physio_fu"), (last_week,)),
        (Visit(3, "physio_fu"), (this_week,)),
        (Visit(4, "physio_ia", sell="chloe_physio", weekdays=(0, 1)), (last_week,)),
        (Visit(4, "physio_fu", pay=None), (last_week,)),
        (Visit(4, "physio_fu"), (this_week,)),
        (Visit(5, "acupuncture"), (last_week,)),
        (Visit(5, "acupuncture"), (this_week,)),
        (Visit(6, "massage60", outcome="no_show", no_show={"use_package": True}),
         (last_week,)),
        (Visit(6, "massage60"), (this_week,)),
        (Visit(7, "massage60", outcome="no_show",
                no_show={"use_package": False, "fee": "missed"}), (last_week,)),
        (Visit(7, "massage60"), (this_week,)),
        (Visit(8, "massage90", pay="credit"), (last_week,)),
        (Visit(8, "massage60", pay="credit"), (this_week,)),
        (Visit(9, "massage60", pay=None), (last_week,)),
        (Visit(10, "acupuncture", outcome="no_show",
                 no_show={"use_package": False, "fee": "missed"}), (last_week,)),
        (Visit(11, "physio_fu", outcome="no_show", no_show={"use_package": False}),
         (last_week,)),
    ]
    for visit, weeks in wanted:
        if weeks == (last_week,) and visit.weekdays is None:
            visit.weekdays = (0, 1, 2, 3, 4)   # done by Friday, whatever day it is now
    kinds = ("massage60",) * 7 + ("massage30",) * 2 + ("massage90",) * 2 + ("physio",) * 5 \
        + ("acupuncture",) * 4
    for index in range(12, len(PATIENTS)):
        if index % 13 == 0:
            continue  # not every patient comes in every fortnight
        kind = rng.choice(kinds)
        pay = None if rng.random() < 0.06 else "auto"
        if kind == "physio":
            if rng.random() < 0.4:   # new: assessment, then follow-ups
                wanted.append((Visit(index, "physio_ia", weekdays=(0, 1, 2)), (last_week,)))
                series = (last_week, this_week)
            else:                    # an ongoing plan: twice a week, then once or twice
                series = (last_week, last_week, this_week) + (
                    (this_week,) if rng.random() < 0.5 else ())
            wanted += [(Visit(index, "physio_fu", pay=pay), (week,)) for week in series]
        else:
            weekly = rng.random() < (0.7 if kind == "acupuncture" else 0.55)
            weeks = (last_week, this_week) if weekly else (rng.choice((0, 1)),)
            wanted += [(Visit(index, kind, pay=pay), (week,)) for week in weeks]
        if rng.random() < 0.35:      # and now and then something else as well
            extra = rng.choice(("massage30", "massage60", "massage90", "acupuncture"))
            wanted.append((Visit(index, extra), (rng.choice((0, 1)),)))
    busy_staff: dict[str, list[tuple[datetime, datetime]]] = {}
    busy_days: dict[int, dict[date, str]] = {}
    placed = []
    for visit, weeks in wanted:
        if not _place(rng, visit, weeks, week_start, busy_staff, busy_days):
            if visit.patient < 12:
                raise RuntimeError(f"demo: no slot for {visit}")  # pragma: no cover; i18n: not shown
            continue
        placed.append(visit)
    # today is a full day at the desk: walk-ins and regulars fill the practitioners' books
    week_of_today = (today - week_start).days // 7
    if today.weekday() < 6 and week_of_today in (0, 1):
        regulars = [i for i in range(12, len(PATIENTS)) if today not in busy_days.get(i, {})]
        rng.shuffle(regulars)
        for index in regulars[:14]:
            treatment = rng.choice(("physio_fu", "physio_fu", "massage60", "massage30",
                                    "massage90", "acupuncture"))
            visit = Visit(index, treatment, weekdays=(today.weekday(),))
            if _place(rng, visit, (week_of_today,), week_start, busy_staff, busy_days):
                placed.append(visit)
    # a few ordinary past visits become no-shows (one with the late fee, one without)
    ordinary = [v for v in placed if v.patient >= 12 and v.outcome == "arrive"
                and v.start.date() < week_start + timedelta(days=5)]
    for visit, fee in zip(rng.sample(ordinary, 2), ("late", None)):
        visit.outcome, visit.no_show = "no_show", {"use_package": False, "fee": fee}
    placed.sort(key=lambda v: v.start)
    return placed


def _place(rng, visit: Visit, weeks, week_start, busy_staff, busy_days) -> bool:
    """Put the visit in a free slot: the practitioner works then and is free, the patient has
    nothing else that day, and a follow-up comes after the assessment."""
    minutes = minutes_of(visit.treatment)
    taken = busy_days.setdefault(visit.patient, {})
    not_before = max((d for d, t in taken.items() if t == "physio_ia"), default=None) \
        if visit.treatment == "physio_fu" else None
    days = [week_start + timedelta(days=7 * w + d) for w in weeks for d in range(6)
            if visit.weekdays is None or d in visit.weekdays]
    rng.shuffle(days)
    for day in days:
        if day in taken or (not_before is not None and day <= not_before):
            continue
        staff = rng.choice(WHO_TREATS[visit.treatment])
        hours, lunch = HOURS[staff]
        if day.weekday() not in hours:
            continue
        opens, closes = hours[day.weekday()]
        starts = []
        cursor = datetime.combine(day, opens)
        while cursor + timedelta(minutes=minutes) <= datetime.combine(day, closes):
            starts.append(cursor)
            cursor += timedelta(minutes=15)
        rng.shuffle(starts)
        lunch_start, lunch_end = datetime.combine(day, lunch[0]), datetime.combine(day, lunch[1])
        for start in starts:
            end = start + timedelta(minutes=minutes)
            if day.weekday() < 5 and start < lunch_end and end > lunch_start:
                continue
            if any(start < b_end and end > b_start
                   for b_start, b_end in busy_staff.get(staff, ())):
                continue
            busy_staff.setdefault(staff, []).append((start, end))
            taken[day] = visit.treatment
            visit.staff, visit.start = staff, start
            return True
    return False
