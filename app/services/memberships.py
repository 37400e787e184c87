"""Memberships (R43, R44): enrol, invoice every started period once, pause, cancel.

    clinic.memberships.enroll(patient_id, plan_id, start=date) -> membership_id
    clinic.memberships.invoice_due() -> list[invoice_id]
    clinic.memberships.pause(membership_id, start, end=None) -> list[appointment_id]
    clinic.memberships.resume(membership_id, on)
    clinic.memberships.cancel(membership_id, on) -> list[appointment_id]   (released)
    clinic.memberships.for_patient(patient_id) -> list[MembershipSummary]

The calendar of periods and the allowance are app.domain.memberships; invoicing is
app.services.membership_invoicing; what a summary says is app.services.membership_views.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..domain.freezes import Span
from ..i18n import _, ngettext
from ..models import (Appointment, Membership, MembershipCoverage, MembershipPause,
                      MembershipPeriod, MembershipPlan, MembershipUse, Patient)
from . import locks
from . import membership_invoicing as invoicing
from . import validation as v
from .base import Service
from .errors import NotAllowed, ValidationError
from .membership_views import MembershipSummary, released_words, summaries
from .validity import show_date

#: The manager-only action (app.services.auth.MANAGER_ACTIONS): cancelling stops the fees
#: and releases booked visits, as a package refund does.
CANCEL = "cancel a membership"


class MembershipService(Service):
    @property
    def _locale(self) -> str:
        return self._clinic.money_context()["locale"]

    def _day(self, value, field: str, label: str) -> date:
        return v.a_date(value, field, label=label)

    # enrolling (R43)
    def enroll(self, patient_id: int, plan_id: int, *, start: date) -> int:
        """Enrol from `start`; the first period is invoiced now, and with it any period that
        has already started (a start in the past)."""
        start = self._day(start, "start", _("start date"))
        with self._db.write() as s:
            locks.patient(s, patient_id)
            locks.terms(s, "membership_plans", plan_id)  # the terms copied whole (R43)
            patient = v.get(s, Patient, patient_id, "patient")
            plan = v.get(s, MembershipPlan, plan_id, "membership plan")
            if not plan.active:
                raise NotAllowed(_("The membership plan \u201c{name}\u201d is no longer "
                                   "offered.").format(name=plan.name))
            for other in s.scalars(select(Membership).where(
                    Membership.patient_id == patient.id, Membership.plan_id == plan.id)):
                if other.cancelled_on is None or other.cancelled_on > start:
                    raise NotAllowed(_(
                        "{patient} is already enrolled in \u201c{plan}\u201d (from {date}); "
                        "a patient can be in a plan only once at a time.").format(
                            patient=patient.full_name, plan=plan.name,
                            date=show_date(other.starts_on, self._locale)))
            m = Membership(patient_id=patient.id, plan_id=plan.id, name=plan.name,
                           fee=plan.fee, period=plan.period,
                           uses_per_period=plan.uses_per_period,
                           rollover_cap=plan.rollover_cap, tax_rate=plan.tax_rate,
                           starts_on=start, status="active", created_at=self._now(),
                           created_by=self._actor)
            s.add(m)
            s.flush()
            for item in plan.eligible:
                s.add(MembershipCoverage(membership_id=m.id,
                                         treatment_type_id=item.treatment_type_id,
                                         patient_pays=item.patient_pays))
            self._audit(s, "membership.enroll", "membership", m.id, None,
                        {"patient": patient.id, "plan": plan.id, "name": plan.name,
                         "fee": plan.fee, "period": plan.period,
                         "starts_on": start.isoformat()})
            for period in invoicing.due_periods(m, [], set(), self._today(), first=True):
                invoicing.invoice_period(s, m, period, today=self._today(), now=self._now(),
                                         actor=self._actor, locale=self._locale)
            return m.id

    def invoice_due(self) -> list[int]:
        """Invoice every started period not yet invoiced, of every membership (R43)."""
        return invoicing.invoice_due(self._db, today=self._today(), now=self._now(),
                                     actor=self._actor, locale=self._locale)

    # pausing and cancelling (R44)
    def pause(self, membership_id: int, start: date, end: date | None = None) -> list[int]:
        """Pause from `start` to the day before `end` (or until resumed): no period starts
        and nothing is covered meanwhile. Booked visits it covered then are released."""
        start = self._day(start, "start", _("pause start"))
        if end is not None:
            end = self._day(end, "end", _("pause end"))
            if end <= start:
                raise ValidationError("end", _("The pause must end after it starts ({date})."
                                               ).format(date=show_date(start, self._locale)))
        with self._db.write() as s:
            m = self._locked(s, membership_id)
            if m.status == "cancelled":
                raise NotAllowed(_("\u201c{name}\u201d is cancelled (from {date}); a "
                                   "cancelled membership cannot be paused.").format(
                                       name=m.name, date=show_date(m.cancelled_on,
                                                                   self._locale)))
            if start < m.starts_on:
                raise ValidationError("start", _(
                    "The pause cannot start before the membership does ({date}).").format(
                        date=show_date(m.starts_on, self._locale)))
            self._after_invoiced(s, m, start, "start", _(
                "The period from {date} is already invoiced; a pause can start the day "
                "after at the earliest."))
            self._no_use_from(s, m, start, end, pausing=True)
            new = Span(start, end)
            for other in s.scalars(select(MembershipPause).where(
                    MembershipPause.membership_id == m.id)):
                if Span(other.starts_on, other.ends_on).overlaps(new):
                    raise NotAllowed(_("This pause overlaps the pause from {date}; choose "
                                       "days outside it.").format(
                                           date=show_date(other.starts_on, self._locale)))
            s.add(MembershipPause(membership_id=m.id, starts_on=start, ends_on=end,
                                  paused_at=self._now(), paused_by=self._actor))
            released = _release(s, m.id, start, end)
            self._audit(s, "membership.pause", "membership", m.id, None,
                        {"starts_on": start.isoformat(),
                         "ends_on": end.isoformat() if end else None, "released": released})
            return released

    def resume(self, membership_id: int, on: date) -> None:
        """End the open pause: the membership runs again, and a new period starts, on `on`."""
        on = self._day(on, "on", _("resume date"))
        with self._db.write() as s:
            m = self._locked(s, membership_id)
            pause = s.scalars(select(MembershipPause).where(
                MembershipPause.membership_id == m.id,
                MembershipPause.ends_on.is_(None))).first()
            if pause is None:
                raise NotAllowed(_("\u201c{name}\u201d is not paused until resumed.")
                                 .format(name=m.name))
            if on <= pause.starts_on:
                raise ValidationError("on", _("It can run again from the day after the pause "
                                              "started ({date}) at the earliest.").format(
                                                  date=show_date(pause.starts_on,
                                                                 self._locale)))
            pause.ends_on, pause.resumed_at = on, self._now()
            self._audit(s, "membership.resume", "membership", m.id, None,
                        {"pause_start": pause.starts_on.isoformat(), "on": on.isoformat()})

    def cancel(self, membership_id: int, on: date) -> list[int]:
        """Cancel from `on`: no period starting then or later is invoiced, and booked visits
        it covered from then on are released (R44, with R28's warning: released_warnings)."""
        self._clinic.auth.require_manager(_(CANCEL))
        on = self._day(on, "on", _("cancellation date"))
        with self._db.write() as s:
            m = self._locked(s, membership_id)
            if m.status == "cancelled":
                raise NotAllowed(_("\u201c{name}\u201d is already cancelled (from {date})."
                                   ).format(name=m.name,
                                            date=show_date(m.cancelled_on, self._locale)))
            if on < m.starts_on:
                raise ValidationError("on", _(
                    "A membership cannot be cancelled before it starts ({date}).").format(
                        date=show_date(m.starts_on, self._locale)))
            self._after_invoiced(s, m, on, "on", _(
                "The period from {date} is already invoiced; cancel from then or later, or "
                "void that invoice."), strictly=False)
            self._no_use_from(s, m, on)
            m.status, m.cancelled_on = "cancelled", on
            m.cancelled_at, m.cancelled_by = self._now(), self._actor
            # What had started before `on` and is not invoiced yet is invoiced now: from here
            # on only the days to come until `on` can start a period (membership_invoicing).
            for period in invoicing.due_periods(m, invoicing.pauses_by_membership(
                    s, [m.id]).get(m.id, []), invoicing.invoiced_starts(s, [m.id]).get(
                        m.id, set()), self._today()):
                invoicing.invoice_period(s, m, period, today=self._today(), now=self._now(),
                                         actor=self._actor, locale=self._locale)
            released = _release(s, m.id, on, None)
            self._audit(s, "membership.cancel", "membership", m.id, {"status": "active"},
                        {"status": "cancelled", "cancelled_on": on.isoformat(),
                         "released": released})
            return released

    def released_warnings(self, appointment_ids: list[int]) -> list[str]:
        """R28's warning for the visits a pause or cancellation released."""
        with self._db.read() as s:
            return released_words(s, appointment_ids, self._locale)

    # reading
    def for_patient(self, patient_id: int) -> list[MembershipSummary]:
        with self._db.read() as s:
            v.get(s, Patient, patient_id, "patient")
            return summaries(s, patient_id, self._today())

    def _locked(self, s, membership_id) -> Membership:
        row = s.execute(select(Membership.patient_id).where(
            Membership.id == membership_id)).first() if v.an_id(
                membership_id, "membership") else None
        if row is not None:
            locks.patient(s, row[0])
        return v.get(s, Membership, membership_id, "membership")

    def _no_use_from(self, s, m: Membership, on: date, end: date | None = None, *,
                     pausing: bool = False) -> None:
        """A visit on [on, end) already arrived (or was a covered no-show) with the
        membership: it would keep a use in a period a cancellation ends, or on a day a pause
        says the membership covers nothing."""
        used = _used_days(s, m.id, on, end)
        if not used:
            return
        if pausing:
            field, words = "start", ngettext(
                "A visit on {dates} already used this membership inside this pause; undo "
                "that arrival first, or pause on other days.",
                "Visits on {dates} already used this membership inside this pause; undo "
                "those arrivals first, or pause on other days.", len(used))
        else:
            field, words = "on", ngettext(
                "A visit on {dates} already used this membership; undo that arrival first, "
                "or cancel from a later day.",
                "Visits on {dates} already used this membership; undo those arrivals first, "
                "or cancel from a later day.", len(used))
        raise ValidationError(field, words.format(
            dates=", ".join(show_date(d, self._locale) for d in used[:5])))

    def _after_invoiced(self, s, m: Membership, day: date, field: str, words: str, *,
                        strictly: bool = True) -> None:
        last = s.scalar(select(MembershipPeriod.starts_on).where(
            MembershipPeriod.membership_id == m.id)
            .order_by(MembershipPeriod.starts_on.desc()).limit(1))
        if last is not None and (day <= last if strictly else day < last):
            raise ValidationError(field, words.format(date=show_date(last, self._locale)))


def _used_days(s, membership_id: int, start: date, end: date | None) -> list[date]:
    """The days on [start, end) of the membership's uses still standing."""
    query = select(MembershipUse.used_on).where(
        MembershipUse.membership_id == membership_id, MembershipUse.voided_at.is_(None),
        MembershipUse.used_on >= start)
    if end is not None:
        query = query.where(MembershipUse.used_on < end)
    return list(s.scalars(query.order_by(MembershipUse.used_on)))


def _release(s, membership_id: int, start: date, end: date | None) -> list[int]:
    """Booked visits the membership covered on [start, end) lose it (R44, as R28)."""
    from datetime import datetime, time
    query = select(Appointment).where(Appointment.membership_id == membership_id,
                                      Appointment.status == "booked",
                                      Appointment.start >= datetime.combine(start, time()))
    if end is not None:
        query = query.where(Appointment.start < datetime.combine(end, time()))
    released = []
    for a in s.scalars(query.order_by(Appointment.start, Appointment.id)):
        a.membership_id = None
        released.append(a.id)
    s.flush()
    return released
