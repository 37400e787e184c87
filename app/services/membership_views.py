"""What the desk reads of a membership (R43, R44): its current period, uses left in it
(counting roll-over), the next invoice date, and its history of periods and pauses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import memberships as rule
from ..domain.freezes import Span
from ..i18n import _, ngettext
from ..models import (Appointment, Membership, MembershipPause, MembershipPeriod,
                      MembershipUse, Staff, TreatmentType)
from .validity import show_when

#: how far ahead the next invoice date is looked for (a yearly plan's next start, and more)
_AHEAD = timedelta(days=800)


@dataclass(frozen=True)
class PeriodRow:
    starts_on: date
    ends_on: date
    invoice_id: int | None  # None: started, or to come, and not invoiced yet
    uses: int


@dataclass(frozen=True)
class PauseRow:
    starts_on: date
    ends_on: date | None  # the day it runs again; None: until resumed


@dataclass(frozen=True)
class MembershipSummary:
    id: int
    plan_id: int
    plan_name: str
    status: str  # active | paused | upcoming | cancelled
    period_start: date | None  # the current period (None: none today)
    period_end: date | None
    uses_left_this_period: int | None  # None: unlimited (or no current period)
    uses_per_period: int | None
    fee: int
    period: str
    starts_on: date
    cancelled_on: date | None
    next_invoice_on: date | None
    periods: tuple[PeriodRow, ...]
    pauses: tuple[PauseRow, ...]

    @property
    def unlimited(self) -> bool:
        return self.uses_per_period is None

    # what the desk is offered (the service refuses the rest, saying why)
    @property
    def can_pause(self) -> bool:
        return self.cancelled_on is None

    @property
    def can_resume(self) -> bool:
        return self.cancelled_on is None and any(p.ends_on is None for p in self.pauses)

    @property
    def can_cancel(self) -> bool:
        return self.cancelled_on is None


def uses_by_day(s: Session, membership_id: int) -> list[date]:
    return list(s.scalars(select(MembershipUse.used_on).where(
        MembershipUse.membership_id == membership_id, MembershipUse.voided_at.is_(None))))


def pauses_of(s: Session, membership_id: int) -> list[Span]:
    return [Span(a, b) for a, b in s.execute(
        select(MembershipPause.starts_on, MembershipPause.ends_on)
        .where(MembershipPause.membership_id == membership_id)
        .order_by(MembershipPause.starts_on))]


def allowance_on(s: Session, m: Membership, day: date) -> tuple[rule.Period | None,
                                                                 int | None]:
    """The period holding `day` and the uses left in it then (None: unlimited). The period
    is None on a day the membership does not cover (before it, paused, cancelled)."""
    pauses = pauses_of(s, m.id)
    period = rule.period_on(day, m.starts_on, m.period, pauses, cancelled_on=m.cancelled_on)
    if period is None or m.uses_per_period is None:
        return period, None
    days = uses_by_day(s, m.id)
    before = [p for p in rule.periods(m.starts_on, m.period, pauses,
                                      cancelled_on=m.cancelled_on, until=day)
              if p.starts_on < period.starts_on]
    used = [sum(1 for d in days if p.holds(d)) for p in before]
    now = sum(1 for d in days if period.holds(d))
    return period, rule.uses_left(m.uses_per_period, m.rollover_cap, used, now)


def summaries(s: Session, patient_id: int, today: date) -> list[MembershipSummary]:
    rows = []
    for m in s.scalars(select(Membership).where(Membership.patient_id == patient_id)
                       .order_by(Membership.starts_on.desc(), Membership.id.desc())):
        rows.append(summary(s, m, today))
    return rows


def summary(s: Session, m: Membership, today: date) -> MembershipSummary:
    pauses = pauses_of(s, m.id)
    invoiced = dict(s.execute(select(MembershipPeriod.starts_on, MembershipPeriod.invoice_id)
                              .where(MembershipPeriod.membership_id == m.id)).all())
    days = uses_by_day(s, m.id)
    schedule = list(rule.periods(m.starts_on, m.period, pauses, cancelled_on=m.cancelled_on,
                                 until=today + _AHEAD))
    shown = [p for p in schedule if p.starts_on <= today or p.starts_on in invoiced]
    history = tuple(PeriodRow(p.starts_on, p.ends_on, invoiced.get(p.starts_on),
                              sum(1 for d in days if p.holds(d))) for p in shown)
    current, left = allowance_on(s, m, today)
    next_on = next((p.starts_on for p in schedule if p.starts_on not in invoiced), None)
    if m.status == "cancelled" and m.cancelled_on <= today:
        status = "cancelled"
    elif today < m.starts_on:
        status = "upcoming"
    elif any(p.holds(today) for p in pauses):
        status = "paused"
    else:
        status = "active"
    return MembershipSummary(
        m.id, m.plan_id, m.name, status, current.starts_on if current else None,
        current.ends_on if current else None, left, m.uses_per_period, m.fee, m.period,
        m.starts_on, m.cancelled_on, next_on, history,
        tuple(PauseRow(p.starts_on, p.ends_on) for p in pauses))


def released_words(s: Session, appointment_ids: list[int], locale: str) -> list[str]:
    """R28's warning, in a membership's words: [] when nothing was released."""
    if not appointment_ids:
        return []
    rows = s.execute(select(Appointment.start, TreatmentType.name, Staff.name)
                     .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
                     .join(Staff, Staff.id == Appointment.staff_id)
                     .where(Appointment.id.in_(appointment_ids))
                     .order_by(Appointment.start)).all()
    listed = "; ".join(_("{when} {treatment} with {practitioner}").format(
        when=show_when(start, locale), treatment=treatment, practitioner=staff)
        for start, treatment, staff in rows)
    return [ngettext(
        "{n} booked appointment lost this membership and will be billed at the standard "
        "price: {appointments}.",
        "{n} booked appointments lost this membership and will be billed at the standard "
        "price: {appointments}.", len(rows)).format(n=len(rows), appointments=listed)]

