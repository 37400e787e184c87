"""Billing Info's Add Membership… (R43): for a booked visit nothing covers yet, the patient's
memberships that could cover it, or — when none can — the sentence saying why, for the
button's tooltip. Read-only: applying one is clinic.schedule.apply_membership, which
decides again under the membership's lock (two desks, the period's last use)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..domain import visits
from ..i18n import _
from ..models import Appointment, Membership, TreatmentType
from . import membership_cover as cover
from .membership_cover_periods import paused_on
from .validity import show_date


@dataclass(frozen=True)
class MembershipOffer:
    choices: list  # MembershipChoice, the one booking would take first
    refusal: str | None  # None when there is a choice


def offer(s, appointment: Appointment, locale: str) -> MembershipOffer | None:
    """None when the button has no place: the visit is not booked, a package or membership
    covers it already, or the patient has no membership at all."""
    if not visits.can_change_package(appointment.status) or \
            appointment.package_id is not None or appointment.membership_id is not None:
        return None
    memberships = s.scalars(select(Membership).where(
        Membership.patient_id == appointment.patient_id)
        .order_by(Membership.starts_on, Membership.id)).all()
    if not memberships:
        return None
    day = appointment.start.date()
    choices = cover.eligible(s, appointment.patient_id, appointment.treatment_type_id, day,
                             excluding=appointment.id)
    if choices:
        return MembershipOffer(choices, None)
    treatment = s.get(TreatmentType, appointment.treatment_type_id).name
    reasons = [_why_not(s, m, appointment, treatment, locale) for m in memberships]
    return MembershipOffer([], " ".join(reasons))


def _why_not(s, m: Membership, appointment: Appointment, treatment: str, locale: str) -> str:
    day = appointment.start.date()
    if cover.patient_pays(s, m.id, appointment.treatment_type_id) is None:
        return _("The membership \u201c{name}\u201d does not cover {treatment}.").format(
            name=m.name, treatment=treatment)
    if refusal := cover.not_running(m, day, locale):
        return refusal
    if paused_on(s, m, day) or not cover.runs_on(s, m, day):
        return _("The membership \u201c{name}\u201d is paused on {date}; it covers "
                 "nothing while paused.").format(name=m.name, date=show_date(day, locale))
    return _("The membership \u201c{name}\u201d has no use left in its period on {date}."
             ).format(name=m.name, date=show_date(day, locale))
