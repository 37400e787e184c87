"""What the schedule does with a membership that covers a visit (R43 with R10-R18, R44):
booking takes it before a package, arrival and a covered no-show bill its Patient Pays and
use one of the period's uses, undoing gives the use back, a move re-checks the new day's
period. ScheduleService calls these at the points where it handles a package, and offers the
desk's calls of MembershipCoverCalls (clinic.schedule.eligible_memberships, ...).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import visits
from ..i18n import _
from ..models import Appointment, Invoice, Membership, MembershipUse, Patient, TreatmentType
from . import ledger, locks
from . import membership_cover as cover
from . import validation as v
from .errors import NotAllowed, ValidationError
from .membership_words import (COVERED, COVERED_NO_SHOW, COVERED_UNLIMITED,
                               COVERED_UNLIMITED_NO_SHOW)


def at_booking(s: Session, appointment: Appointment, membership_id: int | None, *,
               auto: bool, package_chosen: bool, treatment_name: str,
               locale: str) -> int | None:
    """The membership a new booking is covered by: the one the desk chose (refused, with
    the reason, if it cannot cover it), or with "auto" the first that can, before any
    package (R43). None: a package, or nothing, covers it."""
    if membership_id is not None:
        if package_chosen:
            raise ValidationError("membership", _("Choose a membership or a package for this "
                                                  "appointment, not both."))
        chosen = v.get(s, Membership, membership_id, "membership")
        cover.require_can_cover(s, chosen, appointment, treatment_name=treatment_name,
                                locale=locale)
        return chosen.id
    if not auto:
        return None
    choices = cover.eligible(s, appointment.patient_id, appointment.treatment_type_id,
                             appointment.start.date(), excluding=appointment.id)
    return cover.first_that_covers(s, choices, appointment, treatment_name=treatment_name,
                                   locale=locale)


def holds_use(s: Session, appointment: Appointment) -> bool:
    """The membership covers this visit now: booked under it, or its use is live."""
    if appointment.membership_id is None:
        return False
    if appointment.status == "booked":
        return True
    return live_use(s, appointment.id) is not None


def live_use(s: Session, appointment_id: int) -> MembershipUse | None:
    return s.scalar(select(MembershipUse).where(MembershipUse.appointment_id == appointment_id,
                                                MembershipUse.voided_at.is_(None)))


def bill(s: Session, invoice: Invoice, appointment: Appointment, *, treatment: TreatmentType,
         staff_id: int | None, when: str, no_show: bool, now: datetime, actor: int | None,
         locale: str) -> None:
    """Arrival or a covered no-show (R14, R16): one of the period's uses, billed the
    membership's Patient Pays on a line saying which use of the period it is."""
    membership = s.get(Membership, appointment.membership_id)
    allowed, _taken = cover.require_can_cover(s, membership, appointment,
                                              treatment_name=treatment.name, locale=locale)
    pays = cover.patient_pays(s, membership.id, treatment.id)
    s.add(MembershipUse(membership_id=membership.id, appointment_id=appointment.id,
                        used_on=appointment.start.date(), patient_pays=pays,
                        reason="no_show" if no_show else "arrived", invoice_id=invoice.id,
                        created_at=now, created_by=actor))
    s.flush()
    use = cover.use_number(s, membership, appointment)
    if allowed is None:
        words = _(COVERED_UNLIMITED_NO_SHOW if no_show else COVERED_UNLIMITED)
    else:
        words = _(COVERED_NO_SHOW if no_show else COVERED)
    ledger.add_line(s, invoice, kind="patient_pays",
                    description=words.format(treatment=treatment.name, when=when,
                                             plan=membership.name, use=use, total=allowed),
                    unit_price=pays, tax_rate=treatment.tax_rate, staff_id=staff_id,
                    appointment_id=appointment.id, treatment_type_id=treatment.id)


def give_back(s: Session, appointment: Appointment, *, now: datetime, actor: int | None,
              locale: str) -> list[str]:
    """Undo arrival or no-show (R18): its use is voided (never deleted) and the membership
    covers the visit again if it still may; otherwise the desk is told why. The appointment
    is booked again when this is called."""
    for use in s.scalars(select(MembershipUse).where(
            MembershipUse.appointment_id == appointment.id,
            MembershipUse.voided_at.is_(None))).all():
        use.voided_at, use.voided_by = now, actor
    s.flush()
    if appointment.membership_id is None:
        return []
    membership = s.get(Membership, appointment.membership_id)
    treatment = s.get(TreatmentType, appointment.treatment_type_id)
    try:
        cover.require_can_cover(s, membership, appointment, treatment_name=treatment.name,
                                locale=locale)
    except NotAllowed as refusal:
        appointment.membership_id = None
        return [_("The membership could not be applied again: {reason}").format(
            reason=refusal)]
    return []


def recheck_move(s: Session, appointment: Appointment, *, locale: str) -> None:
    """Reschedule (R24's way): the new day must be one the membership covers, within that
    day's period's allowance; else the move is refused, saying why and what to do."""
    if appointment.membership_id is None:
        return
    membership = s.get(Membership, appointment.membership_id)
    treatment = s.get(TreatmentType, appointment.treatment_type_id)
    try:
        cover.require_can_cover(s, membership, appointment, treatment_name=treatment.name,
                                locale=locale)
    except NotAllowed as refusal:
        raise NotAllowed(" ".join((str(refusal), _(
            "Remove the membership from the appointment before moving it to that day."))))


class MembershipCoverCalls:
    """clinic.schedule's membership calls, mixed into ScheduleService."""

    def eligible_memberships(self, patient_id: int, treatment_type_id: int, on: date, *,
                             excluding: int | None = None) -> list[cover.MembershipChoice]:
        """The memberships that could cover this visit, the one "auto" takes first (R43)."""
        on = v.a_date(on, "on", label="appointment date")
        with self._db.read() as s:
            v.get(s, Patient, patient_id, "patient")
            v.get(s, TreatmentType, treatment_type_id, "treatment type")
            v.optional_row(s, Appointment, excluding, "appointment")  # (the one being moved)
            return cover.eligible(s, patient_id, treatment_type_id, on, excluding=excluding)

    def membership_pays(self, membership_id: int, treatment_type_id: int) -> int | None:
        with self._db.read() as s:
            v.get(s, Membership, membership_id, "membership")
            return cover.patient_pays(s, membership_id, treatment_type_id)

    def apply_membership(self, appointment_id: int, membership_id: int) -> None:
        """Billing Info: cover a booked visit with a membership instead of what covers it."""
        from .audit import snapshot
        with self._db.write() as s:
            locks.appointment(s, appointment_id)
            appointment = v.get(s, Appointment, appointment_id, "appointment")
            if not visits.can_change_package(appointment.status):
                raise NotAllowed(_("You can only add a membership to a booked appointment."))
            membership = v.get(s, Membership, membership_id, "membership")
            before = snapshot(appointment, "membership_id", "package_id")
            treatment = s.get(TreatmentType, appointment.treatment_type_id)
            cover.require_can_cover(s, membership, appointment, treatment_name=treatment.name,
                                    locale=self._locale)
            appointment.membership_id, appointment.package_id = membership.id, None
            self._audit(s, "appointment.apply_membership", "appointment", appointment.id,
                        before, snapshot(appointment, "membership_id", "package_id"))

    def membership_offer(self, appointment_id: int):
        """Add Membership…'s answer (membership_offer.MembershipOffer), or None: no button."""
        from .membership_offer import offer
        with self._db.read() as s:
            return offer(s, v.get(s, Appointment, appointment_id, "appointment"), self._locale)

    def remove_membership(self, appointment_id: int) -> None:
        """Billing Info: the standard price instead (R12's rule: until arrival)."""
        from .audit import snapshot
        with self._db.write() as s:
            locks.appointment(s, appointment_id)
            appointment = v.get(s, Appointment, appointment_id, "appointment")
            if refusal := remove_refusal(appointment):
                raise NotAllowed(refusal)
            before = snapshot(appointment, "membership_id")
            appointment.membership_id = None
            self._audit(s, "appointment.remove_membership", "appointment", appointment.id,
                        before, snapshot(appointment, "membership_id"))

    def remove_membership_refusal(self, appointment_id: int) -> str | None:
        """Why Remove cannot take the membership off now (R12), or None: the panel asks."""
        with self._db.read() as s:
            return remove_refusal(v.get(s, Appointment, appointment_id, "appointment"))

    def covered_by(self, appointment_id: int) -> str | None:
        """What covers the visit, in words, for its panel: a membership (with its period's
        uses) or None when no membership does (then its package, if any, is shown)."""
        with self._db.read() as s:
            appointment = v.get(s, Appointment, appointment_id, "appointment")
            if not holds_use(s, appointment):
                return None
            membership = s.get(Membership, appointment.membership_id)
            row = cover.standing(s, membership, appointment.start.date())
            if row is None:
                return _("Membership: \u201c{plan}\u201d").format(plan=membership.name)
            begins, ends, allowed, taken, _left = row
            if allowed is None:
                return _("Membership: \u201c{plan}\u201d · unlimited uses this period").format(
                    plan=membership.name)
            return _("Membership: \u201c{plan}\u201d · {taken} of {allowed} uses taken this "
                     "period").format(plan=membership.name, taken=taken, allowed=allowed)


def remove_refusal(appointment: Appointment) -> str | None:
    """R12 for a membership: it comes off a booked visit only, and only if it has one."""
    if appointment.status == "arrived":
        return _("This appointment has been arrived, so its membership can no longer be "
                 "removed. Undo the arrival first.")
    if appointment.status != "booked":
        return _("You can only remove a membership from a booked appointment.")
    if appointment.membership_id is None:
        return _("This appointment has no membership applied.")
    return None
