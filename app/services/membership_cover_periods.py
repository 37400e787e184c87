"""A membership's periods and pauses as coverage reads them (R43, R44): the calendar is the
one invoicing keeps (app.domain.memberships), read here from the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import memberships as rule
from ..domain.freezes import Span
from ..models import Membership, MembershipPause


def pauses(s: Session, membership: Membership) -> list[Span]:
    return [Span(start, end) for start, end in s.execute(
        select(MembershipPause.starts_on, MembershipPause.ends_on)
        .where(MembershipPause.membership_id == membership.id)
        .order_by(MembershipPause.starts_on, MembershipPause.id))]


def paused_on(s: Session, membership: Membership, day: date) -> bool:
    return any(span.holds(day) for span in pauses(s, membership))


def periods_until(s: Session, membership: Membership, day: date) -> list[tuple[date, date]]:
    """(first day, last day) of each of its periods starting on or before `day`, oldest
    first (invoiced yet or not)."""
    return [(p.starts_on, p.ends_on) for p in rule.periods(
        membership.starts_on, membership.period, pauses(s, membership),
        cancelled_on=membership.cancelled_on, until=day)]


def period_containing(s: Session, membership: Membership,
                      day: date) -> tuple[date, date] | None:
    """The period holding `day`, or None: before its start, paused that day, from its
    cancellation on."""
    found = rule.period_on(day, membership.starts_on, membership.period,
                           pauses(s, membership), cancelled_on=membership.cancelled_on)
    return None if found is None else (found.starts_on, found.ends_on)
