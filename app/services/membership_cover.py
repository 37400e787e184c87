"""A membership covering visits (R43 with R10-R18; R44): one place decides whether it may
cover an appointment, within which period's allowance, and writes its use at arrival.

A membership covers the eligible visits of its own patient (memberships are not shared, as
R37 shares packages) on the days it runs: from its start, not while paused, not from its
cancellation on. Each of its periods (invoiced yet or not) allows the plan's uses, plus what
earlier periods left unused up to the roll-over cap, or any number (app.domain.
membership_allowance). A period's uses are its live MembershipUse rows (arrived, covered
no-shows) and its booked visits the membership covers, as a package's booked visits hold
its uses (R11).

At booking a membership comes before the patient's packages: the package keeps its prepaid
uses for what the membership does not cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain import membership_allowance as allowance
from ..i18n import _
from ..models import Appointment, Membership, MembershipCoverage, MembershipUse
from . import locks
from .errors import NotAllowed
from .membership_cover_periods import paused_on, period_containing, periods_until
from .validity import show_date


@dataclass(frozen=True)
class MembershipChoice:
    """A membership as the booking dialog offers it: its period and what is left of it."""
    id: int
    patient_id: int
    name: str
    period_starts: date
    period_ends: date  # inclusive
    uses_per_period: int | None  # None: unlimited
    allowance: int | None  # this period's, with what rolled over; None: unlimited
    uses_taken: int  # used and booked in this period
    uses_left: int | None  # None: unlimited
    patient_pays: int


def patient_pays(s: Session, membership_id: int, treatment_type_id: int) -> int | None:
    """What a member pays per visit of this treatment, or None if the plan does not cover it."""
    return s.scalar(select(MembershipCoverage.patient_pays)
                    .where(MembershipCoverage.membership_id == membership_id,
                           MembershipCoverage.treatment_type_id == treatment_type_id))


def _uses_by_period(s: Session, membership: Membership, until: date, *,
                    excluding: int | None) -> list[tuple[date, date, int]]:
    """(start, end, uses) of each of its periods up to the one holding `until`, oldest first."""
    spans = periods_until(s, membership, until)
    if not spans:
        return []
    first, last = spans[0][0], spans[-1][1]
    used = s.scalars(select(MembershipUse.used_on).where(
        MembershipUse.membership_id == membership.id, MembershipUse.voided_at.is_(None),
        MembershipUse.used_on >= first, MembershipUse.used_on <= last)).all()
    query = select(Appointment.start).where(
        Appointment.membership_id == membership.id, Appointment.status == "booked",
        Appointment.start >= datetime.combine(first, time.min),
        Appointment.start <= datetime.combine(last, time.max))
    if excluding is not None:
        query = query.where(Appointment.id != excluding)
    days = [*used, *(start.date() for start in s.scalars(query))]
    return [(begins, ends, sum(1 for d in days if begins <= d <= ends))
            for begins, ends in spans]


def _last_day_held(s: Session, membership: Membership) -> date | None:
    """The latest day the membership has a use or a booked visit on: later periods' roll-over
    depends on earlier ones, so all of them are checked."""
    used = s.scalar(select(func.max(MembershipUse.used_on)).where(
        MembershipUse.membership_id == membership.id, MembershipUse.voided_at.is_(None)))
    booked = s.scalar(select(func.max(Appointment.start)).where(
        Appointment.membership_id == membership.id, Appointment.status == "booked"))
    days = [d for d in (used, booked.date() if booked else None) if d is not None]
    return max(days) if days else None


def standing(s: Session, membership: Membership, day: date, *,
             excluding: int | None = None):
    """(period start, period end, allowance, uses taken, uses left) of the period holding
    `day` (allowance and uses left None: unlimited), or None when no period holds it."""
    last = max(d for d in (day, _last_day_held(s, membership)) if d is not None)
    rows = _uses_by_period(s, membership, last, excluding=excluding)
    index = next((i for i, (begins, ends, _n) in enumerate(rows) if begins <= day <= ends),
                 None)
    if index is None:
        return None
    used = [n for _b, _e, n in rows]
    per, cap = membership.uses_per_period, membership.rollover_cap
    return (rows[index][0], rows[index][1], allowance.allowance_of(per, cap, used, index),
            used[index], allowance.uses_left(per, cap, used, index))


def not_running(membership: Membership, day: date, locale: str) -> str | None:
    """Why the membership covers nothing on `day` (R44), or None when it runs then."""
    if day < membership.starts_on:
        return _("The membership \u201c{name}\u201d starts on {start}, after this appointment "
                 "on {date}.").format(name=membership.name,
                                      start=show_date(membership.starts_on, locale),
                                      date=show_date(day, locale))
    if membership.cancelled_on is not None and day >= membership.cancelled_on:
        return _("The membership \u201c{name}\u201d was cancelled from {cancelled}; it covers "
                 "nothing on {date}.").format(name=membership.name,
                                              cancelled=show_date(membership.cancelled_on,
                                                                  locale),
                                              date=show_date(day, locale))
    return None


def runs_on(s: Session, membership: Membership, day: date) -> bool:
    """It covers visits that day: started, not cancelled, not paused, inside a period."""
    return (membership.starts_on <= day
            and (membership.cancelled_on is None or day < membership.cancelled_on)
            and not paused_on(s, membership, day)
            and period_containing(s, membership, day) is not None)


def require_can_cover(s: Session, membership: Membership, appointment: Appointment, *,
                      treatment_name: str, locale: str) -> tuple[int | None, int]:
    """Refuse, with the rule's sentence, unless `membership` may cover `appointment` (itself
    not counted among the period's uses); else (the period's allowance, uses taken by others).

    The caller holds the patient's lock; the membership's row is locked here too, so two
    desks taking the last use of a period take turns (locks.py)."""
    locks.membership(s, membership.id)
    s.refresh(membership)
    if membership.patient_id != appointment.patient_id:
        raise NotAllowed(_("The membership \u201c{name}\u201d belongs to another patient.")
                         .format(name=membership.name))
    day = appointment.start.date()
    if refusal := not_running(membership, day, locale):
        raise NotAllowed(refusal)
    if paused_on(s, membership, day) or period_containing(s, membership, day) is None:
        raise NotAllowed(_("The membership \u201c{name}\u201d is paused on {date}; it covers "
                           "nothing while paused.").format(name=membership.name,
                                                           date=show_date(day, locale)))
    if patient_pays(s, membership.id, appointment.treatment_type_id) is None:
        raise NotAllowed(_("The membership \u201c{name}\u201d does not cover {treatment}.")
                         .format(name=membership.name, treatment=treatment_name))
    begins, ends, allowed, taken, left = standing(s, membership, day,
                                                  excluding=appointment.id)
    if left is not None and left < 1:
        raise NotAllowed(_("The membership \u201c{name}\u201d has no use left in its period "
                           "from {start} to {end}: {allowed} allowed, {taken} used or booked.")
                         .format(name=membership.name, start=show_date(begins, locale),
                                 end=show_date(ends, locale), allowed=allowed, taken=taken))
    return allowed, taken


def eligible(s: Session, patient_id: int, treatment_type_id: int, on: date, *,
             excluding: int | None = None) -> list[MembershipChoice]:
    """The patient's memberships that could cover a visit of this treatment on `on`, oldest
    first: the one booking pre-selects comes first."""
    memberships = s.scalars(
        select(Membership).join(MembershipCoverage,
                                MembershipCoverage.membership_id == Membership.id)
        .where(Membership.patient_id == patient_id,  # cancelled: until its date (R44)
               MembershipCoverage.treatment_type_id == treatment_type_id)
        .order_by(Membership.starts_on, Membership.id)).all()
    result = []
    for m in memberships:
        if not runs_on(s, m, on):
            continue
        begins, ends, allowed, taken, left = standing(s, m, on, excluding=excluding)
        if left is not None and left < 1:
            continue
        result.append(MembershipChoice(m.id, m.patient_id, m.name, begins, ends,
                                       m.uses_per_period, allowed, taken, left,
                                       patient_pays(s, m.id, treatment_type_id)))
    return result


def first_that_covers(s: Session, choices: list[MembershipChoice], appointment: Appointment,
                      *, treatment_name: str, locale: str) -> int | None:
    """Booking's "auto": the first membership that may still cover the visit once locked."""
    for choice in choices:
        try:
            require_can_cover(s, s.get(Membership, choice.id), appointment,
                              treatment_name=treatment_name, locale=locale)
        except NotAllowed:
            continue
        return choice.id
    return None


def use_number(s: Session, membership: Membership, appointment: Appointment) -> int:
    """This visit's place among the live uses of its period, by date then id."""
    begins, ends = period_containing(s, membership, appointment.start.date())
    return s.scalar(select(func.count(MembershipUse.id)).where(
        MembershipUse.membership_id == membership.id, MembershipUse.voided_at.is_(None),
        MembershipUse.used_on >= begins, MembershipUse.used_on <= ends))

