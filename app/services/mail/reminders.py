"""`clinic.mail.queue_reminders()` (R47): the day's reminders put in the outbox, each once.

Only when the clinic turned reminders on and email is set up, and only to patients who
agreed and have an address. The candidates are found in SQL over indexed ranges (packages
expiring in the window, uses given this week, visits tomorrow), never by walking the
patients: the ten-year clinic has 100,000 of them and a day has a few dozen reminders.

Each reminder has a key (app/domain/reminders.py) kept UNIQUE in the outbox. Each letter is
written inside its own savepoint: when another desk queued the same key first (it commits
while this one runs, or waits on this one's insert on PostgreSQL), the insert is refused
by the database, that savepoint alone is undone and the letter is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from ...domain import reminders as rule
from ...domain.states import AppointmentStatus, PackageStatus
from ...models import (Appointment, OutboxMessage, Package, PackageFreeze, Patient,
                       Redemption, Staff, TreatmentType)
from .outbox import queue_letter
from .reminder_letters import (LetterHead, Reader, expiry_letter, last_use_letter,
                               visit_letter)

BATCH = 100  # letters per transaction: a desk's other writes wait at most that long
KIND = "reminder"  # outbox_messages.kind


@dataclass(frozen=True)
class Due:
    key: str
    patient_id: int
    make: object  # LetterHead -> Letter, in the patient's language


class ReminderCalls:
    """Mixed into MailService (`clinic.mail`)."""

    def queue_reminders(self) -> int:
        """Queue today's reminders not queued before; how many were queued now."""
        settings = self._clinic.settings.get()
        if not settings.reminders_enabled or self.can_email() is not None:
            return 0
        today, now = self._today(), self._now()
        head = LetterHead(settings.name, settings.phone, settings.locale,
                          settings.language or "en")
        with self._db.read() as s:
            due = [*expiring(s, today, settings.reminder_days_before_expiry),
                   *down_to_one(s, today), *tomorrows_visits(s, today)]
            queued = already_queued(s, [d.key for d in due])
        due = [d for d in due if d.key not in queued]
        account = self.account()
        made = 0
        for start in range(0, len(due), BATCH):
            with self._db.write() as s:
                written = [(d.key, row_id) for d in due[start:start + BATCH]
                           if (row_id := _queue_once(s, account, d, head, now,
                                                     self._actor)) is not None]
                if written:
                    self._audit(s, "mail.reminders", "outbox_message", None, None,
                                {"queued": [[row_id, key] for key, row_id in written]})
            made += len(written)
        return made


def _queue_once(s, account, due: Due, head: LetterHead, now: datetime,
                actor: int | None) -> int | None:
    try:
        with s.begin_nested():
            row = queue_letter(s, account, due.make(head), kind=KIND, now=now,
                               patient_id=due.patient_id, staff_id=actor,
                               reminder_key=due.key)
            return row.id
    except IntegrityError:
        return None  # another desk queued this one first: it is sent once, by theirs


def already_queued(s, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(s.scalars(select(OutboxMessage.reminder_key).where(
            OutboxMessage.reminder_key.in_(keys[start:start + 500]))))
    return found


def _agreed():
    return and_(Patient.email_reminders.is_(True), Patient.active.is_(True),
                Patient.email.is_not(None), Patient.email != "")


def _live_uses():
    return (select(func.count(Redemption.id))
            .where(Redemption.package_id == Package.id, Redemption.voided_at.is_(None))
            .correlate(Package).scalar_subquery())


def _frozen_today(today: date, *, or_held: bool):
    """A freeze holding `today` (R39); with `or_held`, also an open one not begun yet,
    whose expiry is only set when it ends."""
    holds = and_(PackageFreeze.starts_on <= today,
                 or_(PackageFreeze.ends_on.is_(None), PackageFreeze.ends_on > today))
    if or_held:
        holds = or_(holds, PackageFreeze.ends_on.is_(None))
    return (select(PackageFreeze.id).where(PackageFreeze.package_id == Package.id, holds)
            .correlate(Package).exists())


def _reader(p: Patient) -> Reader:
    return Reader(p.email, p.full_name, p.first_name, p.language)


def expiring(s, today: date, days_before: int) -> list[Due]:
    """Packages expiring within the reminder's days with uses left (purchaser's consent: a
    shared package's letter goes to the one who bought it). Only recorded-active ones:
    refunded, void and transferred packages are ended; an expired one is before `today`."""
    first, last = rule.expiry_window(today, days_before)
    used = (Package.uses_before + _live_uses()).label("used")
    rows = s.execute(
        select(Package.id, Package.name, Package.expires_on, Package.uses_total, used, Patient)
        .join(Patient, Patient.id == Package.patient_id)
        .where(Package.status == PackageStatus.ACTIVE, Package.expires_on >= first,
               Package.expires_on <= last, _agreed(), ~_frozen_today(today, or_held=True))
        .order_by(Package.expires_on, Package.id))
    found = []
    for pid, name, expires_on, total, used, patient in rows:
        left = total - used
        if rule.expiry_due(expires_on, left, today, days_before):
            found.append(Due(rule.expiry_key(pid, expires_on), patient.id,
                             _bind(expiry_letter, _reader(patient), package=name,
                                   expires_on=expires_on, uses_left=left)))
    return found


def down_to_one(s, today: date) -> list[Due]:
    """Packages left with one use by a use given this past week (R19's uses: redeemed,
    arrived or a covered no-show), still valid and not frozen today."""
    recent = (select(Redemption.package_id)
              .where(Redemption.voided_at.is_(None),
                     Redemption.redeemed_on >= today - rule.LAST_USE_LOOKBACK,
                     Redemption.redeemed_on <= today)
              .distinct())
    used = (Package.uses_before + _live_uses()).label("used")
    rows = s.execute(
        select(Package.id, Package.name, Package.expires_on, Package.uses_total, used, Patient)
        .join(Patient, Patient.id == Package.patient_id)
        .where(Package.id.in_(recent), Package.status == PackageStatus.ACTIVE,
               or_(Package.expires_on.is_(None), Package.expires_on >= today), _agreed(),
               ~_frozen_today(today, or_held=False))
        .order_by(Package.id))
    return [Due(rule.last_use_key(pid), patient.id,
                _bind(last_use_letter, _reader(patient), package=name, expires_on=expires_on))
            for pid, name, expires_on, total, used, patient in rows
            if rule.last_use_due(total, used)]


def tomorrows_visits(s, today: date) -> list[Due]:
    """Visits booked for tomorrow (not arrived, no-show or cancelled), to the visit's own
    patient. The key holds the start: a visit moved to another time gets its own reminder."""
    start, end = rule.tomorrow_span(today)
    rows = s.execute(
        select(Appointment.id, Appointment.start, TreatmentType.name, Staff.name, Patient)
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
        .join(Staff, Staff.id == Appointment.staff_id)
        .where(Appointment.start >= start, Appointment.start < end,
               Appointment.status == AppointmentStatus.BOOKED, _agreed())
        .order_by(Appointment.start, Appointment.id))
    return [Due(rule.appointment_key(aid, when), patient.id,
                _bind(visit_letter, _reader(patient), start=when, treatment=treatment,
                      practitioner=practitioner))
            for aid, when, treatment, practitioner, patient in rows]


def _bind(letter, reader: Reader, **details):
    return lambda head: letter(reader, head, **details)


def as_it_stands(s, key: str) -> rule.AsItStands | None:
    """What `key`'s reminder is about, now (None when it is not there at all)."""
    kind, row_id, _told = rule.parse_key(key)
    agreed = _agreed().label("agreed")  # the same consent the day's run asks for
    if kind == rule.APPOINTMENT:
        row = s.execute(select(agreed, Appointment.status, Appointment.start)
                        .select_from(Appointment).join(Patient, Patient.id == Appointment.patient_id)
                        .where(Appointment.id == row_id)).first()
        if row is None:
            return None
        return rule.AsItStands(bool(row.agreed), row.status == AppointmentStatus.BOOKED,
                               row.start)
    used = (Package.uses_before + _live_uses()).label("used")
    row = s.execute(select(agreed, Package.status, Package.expires_on, Package.uses_total,
                           used)
                    .select_from(Package).join(Patient, Patient.id == Package.patient_id)
                    .where(Package.id == row_id)).first()
    if row is None:
        return None
    return rule.AsItStands(bool(row.agreed), row.status == PackageStatus.ACTIVE,
                           row.expires_on, row.uses_total - row.used)
