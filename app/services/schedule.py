"""Booking, package coverage, arrival, no-shows: the changes to the schedule (R10-R18, R22,
R24). What it shows is schedule_views.py; AppointmentRow is imported from there too."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..domain import visits
from ..domain.states import AppointmentStatus, name_of
from ..i18n import N_, _
from ..models import (Appointment, Invoice, NoShowFee, Package, Patient, Redemption, Staff,
                      TreatmentType)
from . import compensation, final_uses, ledger, locks, package_rules as rules, validation as v
from . import freezes, membership_visits, package_shares, rows, why_not
from .appointment_times import appointment_start, overlapping
from .audit import snapshot
from .booking_rules import HOLDS_TIME, BookingAdvice
from .errors import NotAllowed, NotFound, ValidationError
from .schedule_views import AppointmentDetail, AppointmentRow, ScheduleViews  # noqa: F401
from .validity import show_date, show_time, show_when

_STATE = ("status", "package_id", "released_package_id", "invoice_id", "start", "end",
          "staff_id", "membership_id")
# code -> name (marked; shown through _()), read from the one table in app/domain/states.py.
STATUS_NAMES = {status.value: name_of(status) for status in AppointmentStatus}
# How a refusal names an appointment's state: "... this one is {state}." (through _()).
STATUS_PHRASES = {"booked": N_("booked"), "arrived": N_("arrived"),
                  "no_show": N_("marked as a no-show"), "cancelled": N_("cancelled")}


def state_phrase(status: str) -> str:
    """"arrived", "marked as a no-show"...: an appointment's state inside a sentence."""
    return _(STATUS_PHRASES[status])


class ScheduleService(ScheduleViews, final_uses.FinalUses, BookingAdvice,
                      membership_visits.MembershipCoverCalls):
    """The changes to the schedule; the reads are ScheduleViews (schedule_views.py), the
    advice BookingAdvice (warnings, first_free_slot…)."""

    @property
    def _locale(self) -> str:
        return self._clinic.money_context()["locale"]

    def book(self, patient_id: int, staff_id: int, treatment_type_id: int, start: datetime,
             *, package="auto", notes: str = "", membership: int | None = None) -> int:
        start = self._start(start)
        notes = v.text(notes, "notes", max_len=2000, required=False)
        with self._db.write() as s:
            locks.patient(s, patient_id, practitioners=[staff_id])
            patient_id = v.present(s, Patient, patient_id, "patient")
            staff = self._practitioner(s, staff_id)
            treatment = v.get(s, TreatmentType, treatment_type_id, "treatment type")
            if not treatment.active:
                raise NotAllowed(_("{treatment} is no longer offered; choose another "
                                   "treatment type.").format(treatment=treatment.name))
            end = start + timedelta(minutes=treatment.duration_min)
            self._free(s, staff, start, end, None, locale=self._locale)
            appointment = Appointment(patient_id=patient_id, staff_id=staff.id,
                                      treatment_type_id=treatment.id, start=start, end=end,
                                      status=AppointmentStatus.BOOKED, notes=notes,
                                      created_at=self._now(),
                                      compensate_staff=True)
            s.add(appointment)
            s.flush()
            # R43: a membership covers it before any package ("auto"), or the one chosen.
            covering = membership_visits.at_booking(
                s, appointment, membership, auto=package == "auto",
                package_chosen=package not in ("auto", None), treatment_name=treatment.name,
                locale=self._locale)
            if covering is not None:  # (set only then: setting None is an UPDATE of its own)
                appointment.membership_id = covering
            if package == "auto" and covering is None:
                choices = rules.eligible(s, patient_id, treatment.id, start.date(),
                                         self._today(), excluding=appointment.id)
                appointment.package_id = package_shares.first_that_covers(
                    s, choices, appointment, treatment_name=treatment.name, locale=self._locale)
            elif package not in ("auto", None):
                chosen = v.get(s, Package, package, "package")
                rules.require_can_cover(s, chosen, appointment, treatment_name=treatment.name,
                                        holding=False, locale=self._locale)
                appointment.package_id = chosen.id
            self._audit(s, "appointment.book", "appointment", appointment.id, None,
                        snapshot(appointment, "patient_id", "treatment_type_id", *_STATE))
            return appointment.id

    def apply_package(self, appointment_id: int, package_id: int) -> list[str]:
        """Billing Info > Add package (R12): any time until the appointment is arrived.
        Returns the double compensation it leads to, in words (R7a)."""
        with self._db.write() as s:
            locks.appointment(s, appointment_id)
            appointment = self._appointment(s, appointment_id)
            self._before_arrival(appointment, _("You can only add a package to a booked "
                                                "appointment; this one is {state}."))
            package = v.get(s, Package, package_id, "package")
            treatment = s.get(TreatmentType, appointment.treatment_type_id)
            if appointment.package_id == package.id:
                return compensation.warnings(s, appointment)
            before = snapshot(appointment, *_STATE)
            appointment.package_id = None
            s.flush()
            rules.require_can_cover(s, package, appointment, treatment_name=treatment.name,
                                    holding=False, locale=self._locale)
            appointment.package_id, appointment.membership_id = package.id, None
            self._audit(s, "appointment.apply_package", "appointment", appointment.id, before,
                        snapshot(appointment, *_STATE))
            return compensation.warnings(s, appointment)

    def remove_package(self, appointment_id: int) -> None:
        """Billing Info > Remove package (R12): refused once the appointment is arrived."""
        with self._db.write() as s:
            locks.appointment(s, appointment_id)
            appointment = self._appointment(s, appointment_id)
            if refusal := why_not.remove_package(appointment):  # R12, as the panel offers it
                raise NotAllowed(refusal)
            before = snapshot(appointment, *_STATE)
            appointment.package_id = None
            self._audit(s, "appointment.remove_package", "appointment", appointment.id, before,
                        snapshot(appointment, *_STATE))

    def reschedule(self, appointment_id: int, start: datetime, *,
                   staff_id: int | None = None) -> None:
        start = self._start(start)
        with self._db.write() as s:
            locks.appointment(s, appointment_id, practitioner=staff_id)
            appointment = self._appointment(s, appointment_id)
            if not visits.can_reschedule(appointment.status):
                raise NotAllowed(_("Only booked appointments can be moved; this one is "
                                   "{state}.").format(state=state_phrase(appointment.status)))
            staff = self._practitioner(s, staff_id if staff_id is not None
                                       else appointment.staff_id)
            end = start + (appointment.end - appointment.start)
            self._free(s, staff, start, end, appointment.id, locale=self._locale)
            if appointment.package_id is not None:
                package = s.get(Package, appointment.package_id)
                if rules.is_expired(package, start.date()):  # R24
                    raise NotAllowed(
                        _("This appointment is covered by \u201c{name}\u201d, which expires on "
                          "{expiry}. Remove the package from the appointment or change the "
                          "package's expiry date before moving it to {date}.")
                        .format(name=package.name,
                                expiry=show_date(package.expires_on, self._locale),
                                date=show_date(start, self._locale)))
                if refusal := freezes.frozen_refusal(s, package, start.date(), self._locale):
                    raise NotAllowed(refusal)  # R39
            before = snapshot(appointment, *_STATE)
            appointment.start, appointment.end, appointment.staff_id = start, end, staff.id
            membership_visits.recheck_move(s, appointment, locale=self._locale)  # R43
            self._audit(s, "appointment.reschedule", "appointment", appointment.id, before,
                        snapshot(appointment, *_STATE))

    def cancel(self, appointment_id: int) -> None:
        """The appointment stays on record, cancelled; any package use it held is freed."""
        with self._db.write() as s:
            locks.appointment(s, appointment_id)
            appointment = self._appointment(s, appointment_id)
            if not visits.can_cancel(appointment.status):
                raise NotAllowed(_("Only booked appointments can be cancelled; this one is "
                                   "{state}.").format(state=state_phrase(appointment.status)))
            before = snapshot(appointment, *_STATE)
            appointment.status = AppointmentStatus.CANCELLED
            self._audit(s, "appointment.cancel", "appointment", appointment.id, before,
                        snapshot(appointment, *_STATE))

    def arrive(self, appointment_id: int) -> int:
        """Arrival bills the visit (R14, R15) and redeems a use when a package covers it."""
        with self._db.write() as s:
            locks.appointment(s, appointment_id)
            # its columns, read after its lock: it changes by one versioned UPDATE (rows.py)
            appointment = rows.read(s, Appointment, v.an_id(appointment_id, "appointment"))
            if appointment is None:
                raise NotFound("appointment", appointment_id)
            if not visits.can_arrive(appointment.status):
                raise NotAllowed(_("Only booked appointments can be arrived; this one is "
                                   "{state}.").format(state=state_phrase(appointment.status)))
            before = snapshot(appointment, *_STATE)
            invoice = self._bill_visit(s, appointment, reason="arrived")
            after = dict(status=AppointmentStatus.ARRIVED, invoice_id=invoice.id)
            rows.set_versioned(s, Appointment, appointment, **after)
            self._audit(s, "appointment.arrive", "appointment", appointment.id, before,
                        {**before, **after})
            return invoice.id

    def no_show(self, appointment_id: int, *, use_package: bool,
                fee_id: int | None = None) -> int | None:
        """R16/R17: cover the no-show with the package (like arrival), or release the package
        and invoice one of the clinic's no-show fees (or no fee)."""
        if not isinstance(use_package, bool):
            raise ValidationError("use_package", _("Choose whether to use the package for "
                                                   "this no-show: yes or no."))
        with self._db.write() as s:
            locks.appointment(s, appointment_id)
            appointment = self._appointment(s, appointment_id)
            if not visits.can_mark_no_show(appointment.status):
                raise NotAllowed(_("Only booked appointments can be marked as no-shows; this "
                                   "one is {state}.")
                                 .format(state=state_phrase(appointment.status)))
            before = snapshot(appointment, *_STATE)
            invoice = None
            if use_package:
                if appointment.package_id is None and appointment.membership_id is None:
                    raise NotAllowed(_("This appointment has no package to cover the "
                                       "no-show; choose a no-show fee or no fee."))
                if fee_id is not None:
                    raise ValidationError("fee_id", _("A no-show covered by the package is "
                                                      "billed like an arrival, without a "
                                                      "no-show fee."))
                invoice = self._bill_visit(s, appointment, reason="no_show")
                appointment.invoice_id = invoice.id
            else:
                fee = None
                if fee_id is not None:
                    fee = v.get(s, NoShowFee, fee_id, "no-show fee")
                    if not fee.active:
                        raise NotAllowed(_("The no-show fee \u201c{name}\u201d is no longer "
                                           "in use; choose another.").format(name=fee.name))
                appointment.released_package_id = appointment.package_id
                appointment.package_id = None
                if fee is not None:
                    invoice = ledger.new_invoice(s, appointment.patient_id,
                                                 issued_on=appointment.start.date(),
                                                 now=self._now(), actor=self._actor)
                    ledger.add_line(s, invoice, kind="no_show_fee",
                                    description=_("{fee} ({when})").format(
                                        fee=fee.name,
                                        when=show_when(appointment.start, self._locale)),
                                    unit_price=fee.amount, tax_rate=fee.tax_rate,
                                    appointment_id=appointment.id)
                    appointment.invoice_id = invoice.id
            appointment.status = AppointmentStatus.NO_SHOW
            self._audit(s, "appointment.no_show", "appointment", appointment.id, before,
                        snapshot(appointment, *_STATE))
            return invoice.id if invoice else None

    def undo_no_show(self, appointment_id: int) -> list[str]:
        """R18: back to booked exactly as before; its invoice voided (paid money -> credit),
        its redemption voided, its package applied again. Returns warnings, if any."""
        return self._undo(appointment_id, "no_show")

    def undo_arrival(self, appointment_id: int) -> list[str]:
        """For an arrival marked by mistake: the same reversal as undoing a no-show."""
        return self._undo(appointment_id, "arrived")

    def _undo(self, appointment_id: int, expected: str) -> list[str]:
        with self._db.write() as s:
            locks.appointment(s, appointment_id)
            appointment = self._appointment(s, appointment_id)
            if refusal := final_uses.undo_refusal(s, appointment, expected):  # R18, R28b
                raise NotAllowed(refusal)
            # Back to booked means holding its time again: a no-show freed it, and someone
            # else may have been booked there since.
            self._free(s, s.get(Staff, appointment.staff_id), appointment.start,
                       appointment.end, appointment.id, locale=self._locale,
                       undoing=expected)
            before = snapshot(appointment, *_STATE)
            now = self._now()
            if appointment.invoice_id is not None:
                invoice = s.get(Invoice, appointment.invoice_id)
                if invoice.voided_at is None:
                    ledger.void(s, invoice, reason=_("Arrival undone") if expected == "arrived"
                                else _("No-show undone"), now=now, actor=self._actor)
            for redemption in s.scalars(select(Redemption).where(
                    Redemption.appointment_id == appointment.id,
                    Redemption.voided_at.is_(None))).all():
                redemption.voided_at, redemption.voided_by = now, self._actor
                rules.renumber_uses(s, redemption.package_id)
            appointment.invoice_id = None
            appointment.status = AppointmentStatus.BOOKED
            warnings = membership_visits.give_back(s, appointment, now=now, actor=self._actor,
                                                   locale=self._locale)  # R43, R18
            # The package it had goes back on only if it may still cover it: since then it may
            # have been refunded (R28, after a fee no-show), its expiry moved before this
            # visit (R24) or its last use taken (R11); then the desk is told.
            package_id = appointment.package_id or appointment.released_package_id
            appointment.package_id = appointment.released_package_id = None
            s.flush()
            if package_id is not None:
                package = s.get(Package, package_id)
                treatment = s.get(TreatmentType, appointment.treatment_type_id)
                try:
                    rules.require_can_cover(s, package, appointment,
                                            treatment_name=treatment.name, holding=False,
                                            locale=self._locale)
                    appointment.package_id = package.id
                except NotAllowed as refusal:
                    warnings.append(_("The package could not be applied again: {reason}")
                                    .format(reason=refusal))
            self._audit(s, f"appointment.undo_{expected}", "appointment", appointment.id,
                        before, snapshot(appointment, *_STATE))
            return warnings

    # helpers
    def _bill_visit(self, s, appointment: Appointment, *, reason: str) -> Invoice:
        """The visit's invoice: Patient Pays with a redemption when a package covers it (R14),
        the standard price otherwise (R15)."""
        treatment = rows.read(s, TreatmentType, appointment.treatment_type_id)
        staff_id = appointment.staff_id if appointment.compensate_staff else None
        invoice = ledger.new_invoice(s, appointment.patient_id, issued_on=appointment.start.date(),
                                     now=self._now(), actor=self._actor)
        when = show_when(appointment.start, self._locale)
        no_show = reason == "no_show"
        if appointment.membership_id is not None:  # R43: its Patient Pays, a period's use
            membership_visits.bill(s, invoice, appointment, treatment=treatment,
                                   staff_id=staff_id, when=when, no_show=no_show,
                                   now=self._now(), actor=self._actor, locale=self._locale)
        elif appointment.package_id is not None:
            package = locks.package_to_use(s, appointment.package_id)
            pays = rules.require_can_cover(s, package, appointment, treatment_name=treatment.name,
                                           holding=True, locale=self._locale)
            # its place by date: a late-entered visit comes first
            use = rules.number_new_use(s, package, dict(
                package_id=package.id, appointment_id=appointment.id,
                redeemed_on=appointment.start.date(), invoice_id=invoice.id,
                patient_pays=pays, reason=reason, created_at=self._now(),
                created_by=self._actor, patient_id=appointment.patient_id))  # who (R37)
            covered = (_("No show: {treatment} ({when}), covered by {package} (use {use} of "
                         "{total})") if no_show else
                       _("{treatment} ({when}), covered by {package} (use {use} of {total})"))
            ledger.add_line(s, invoice, kind="patient_pays",
                            description=covered.format(treatment=treatment.name, when=when,
                                                       package=package.name, use=use,
                                                       total=package.uses_total),
                            unit_price=pays, tax_rate=treatment.tax_rate, staff_id=staff_id,
                            package_id=package.id, appointment_id=appointment.id,
                            treatment_type_id=treatment.id)
        else:
            visit = (_("No show: {treatment} ({when})") if no_show else
                     _("{treatment} ({when})")).format(treatment=treatment.name, when=when)
            ledger.add_line(s, invoice, kind="treatment", description=visit,
                            unit_price=treatment.price, tax_rate=treatment.tax_rate,
                            staff_id=staff_id, appointment_id=appointment.id,
                            treatment_type_id=treatment.id)
        # The caller names it on the appointment with the new status, as one UPDATE (issue
        # 22): an arrival at once (rows.set_versioned), a no-show with its other changes.
        return invoice

    @staticmethod
    def _before_arrival(appointment: Appointment, refusal: str) -> None:
        """R12: `refusal` is the sentence to refuse with, with a {state} placeholder."""
        if not visits.can_change_package(appointment.status):
            raise NotAllowed(refusal.format(state=state_phrase(appointment.status)))

    def _practitioner(self, s, staff_id: int) -> Staff:
        staff = v.get(s, Staff, staff_id, "staff member")
        if not staff.practitioner or not staff.active:
            raise NotAllowed(_("{staff} does not see patients; choose a practitioner.")
                             .format(staff=staff.name))
        return staff

    _start = staticmethod(appointment_start)  # naive local time on a 5-minute mark (R30)

    @staticmethod
    def _free(s, staff: Staff, start: datetime, end: datetime, own_id: int | None, *,
              locale: str, undoing: str | None = None) -> None:
        """Refuse if `staff` is busy then; `undoing` ("arrived", "no_show") when putting an
        appointment back to booked rather than booking or moving one."""
        clash = s.scalars(select(Appointment).where(
            Appointment.staff_id == staff.id, Appointment.status.in_(HOLDS_TIME),
            overlapping(start, end), Appointment.id != (own_id or 0)).limit(1)).first()
        if clash is not None:
            if undoing == "arrived":
                refusal = _("{staff} already has an appointment from {start} to {end} on "
                            "{date}; move or cancel it before undoing the arrival.")
            elif undoing == "no_show":
                refusal = _("{staff} already has an appointment from {start} to {end} on "
                            "{date}; move or cancel it before undoing the no-show.")
            else:
                refusal = _("{staff} already has an appointment from {start} to {end} on "
                            "{date}; choose another time or practitioner.")
            raise NotAllowed(refusal.format(staff=staff.name,
                                            start=show_time(clash.start, locale),
                                            end=show_time(clash.end, locale),
                                            date=show_date(clash.start, locale)))

