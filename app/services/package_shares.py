"""Sharing a package with members of its purchaser's household (R37).

A share lets one member book and redeem with the package; ending it keeps the uses already
redeemed and releases that member's booked covered appointments, with R28's warning.
PackageService offers these calls (clinic.packages.share, unshare, set_shares,
share_choices, why_not_share, and shared_with: the member's side, for their own list).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ..domain.states import PackageStatus, name_for
from ..i18n import _
from ..models import Appointment, Package, PackageShare, Patient, Staff, TreatmentType
from . import household_rules, locks, package_rules as rules
from . import validation as v
from .errors import NotAllowed, ValidationError
from .released_words import released_warnings
from .rows import written
from .schedule_views import AppointmentRow, appointment_row


class Released(list):
    """The ids of the appointments a share's end released (a list, as the API says), with
    the warning listing them for the desk (R28's words)."""

    def __init__(self, ids=(), warnings=(), rows=()):
        super().__init__(ids)
        self.warnings: tuple[str, ...] = tuple(warnings)
        self.rows: tuple[AppointmentRow, ...] = tuple(rows)


@dataclass(frozen=True)
class ShareChoice:
    """A member of the purchaser's household, and whether the package is shared with them."""
    patient_id: int
    patient_name: str
    shared: bool
    shared_at: datetime | None


def _ended(package: Package) -> str | None:
    """A refunded or voided package (or one another rule ended) is shared with nobody new."""
    if package.status == "active":
        return None
    status = _(name_for(PackageStatus, package.status, lower=True))
    return _("The package \u201c{name}\u201d has ended ({status}) and can no longer be "
             "shared.").format(name=package.name, status=status)


def share_refusal(s: Session, package: Package, patient_id: int) -> str | None:
    """Why `package` cannot be shared with the patient now, or None (R37)."""
    patient = s.get(Patient, patient_id)
    if refusal := _ended(package):
        return refusal
    if patient_id == package.patient_id:
        return _("{patient} bought \u201c{name}\u201d; it is already theirs to use.").format(
            patient=patient.full_name, name=package.name)
    household = household_rules.household_of(s, package.patient_id)
    if household is None or household_rules.household_of(s, patient_id) != household:
        owner = s.get(Patient, package.patient_id)
        return _("{patient} is not in {owner}'s household. A package can only be shared "
                 "with members of its purchaser's household; link them as a household "
                 "first.").format(patient=patient.full_name, owner=owner.full_name)
    if household_rules.live_share(s, package.id, patient_id) is not None:
        return _("\u201c{name}\u201d is already shared with {patient}.").format(
            name=package.name, patient=patient.full_name)
    return None


def end_share(s: Session, share: PackageShare, *, now: datetime, actor: int | None,
              locale: str) -> Released:
    """End one share: its member's booked visits covered by the package lose it (R37, as
    R28); the uses already redeemed stay. The caller holds both patients' locks."""
    package = s.get(Package, share.package_id)
    rows = [_booked_row(s, a, package.name) for a in s.scalars(
        select(Appointment).where(Appointment.package_id == package.id,
                                  Appointment.patient_id == share.patient_id,
                                  Appointment.status == "booked")
        .order_by(Appointment.start))]
    released = rules.release_booked(s, package.id, patient_id=share.patient_id)
    share.ended_at, share.ended_by = now, actor
    return Released(released, released_warnings(rows, locale), rows)


def end_every_share(s: Session, package: Package, *, now: datetime,
                    actor: int | None) -> None:
    """A package that ends (refunded, voided, transferred) is shared with nobody any more:
    its page would otherwise still say "Shared with". The ending released every booked
    visit it covered already, the members' with the rest (R28, R38)."""
    for (share_id,) in s.connection().execute(_END_SHARES, {
            "package": package.id, "at": now, "by": actor}).all():
        written(s, PackageShare, share_id, ended_at=now, ended_by=actor)  # (rows.py)


_S = PackageShare.__table__.c
_END_SHARES = (update(PackageShare.__table__)
               .where(_S.package_id == bindparam("package"), _S.ended_at.is_(None))
               .values(ended_at=bindparam("at"), ended_by=bindparam("by"))
               .returning(_S.id))


def first_that_covers(s: Session, choices: list[rules.PackageSummary],
                      appointment: Appointment, *, treatment_name: str,
                      locale: str) -> int | None:
    """Booking's "auto" (R10, R37): the first package, in booking order, that may still
    cover the appointment once the packages are locked; another desk (the purchaser's or a
    household member's) may have taken the last use since the list was read."""
    packages = [s.get(Package, c.id) for c in choices]
    locks.package_uses(s, packages)  # all at once, in id order: two desks never cross
    for package in packages:
        try:
            rules.require_can_cover(s, package, appointment, treatment_name=treatment_name,
                                    holding=False, locale=locale)
        except NotAllowed:
            continue
        return package.id
    return None


def _booked_row(s: Session, appointment: Appointment, package_name: str) -> AppointmentRow:
    patient = s.get(Patient, appointment.patient_id)
    return appointment_row(appointment, patient.full_name,
                           s.get(Staff, appointment.staff_id).name,
                           s.get(TreatmentType, appointment.treatment_type_id).name,
                           package_name)


def _lock_pair(s: Session, package_id: object, *patient_ids: object) -> None:
    """The purchaser and the members, in id order, then the package (locks.py's order)."""
    owner = None
    if isinstance(package_id, int) and not isinstance(package_id, bool) \
            and -2**63 <= package_id < 2**63:
        owner = s.scalar(select(Package.patient_id).where(Package.id == package_id))
    locks.patients(s, [owner, *patient_ids])
    if owner is not None:
        locks.package(s, package_id)


class SharingCalls:
    """clinic.packages' share calls (R37); mixed into PackageService."""

    def share(self, package_id: int, patient_id: int) -> None:
        """Let a member of the purchaser's household book and redeem with the package."""
        with self._db.write() as s:
            _lock_pair(s, package_id, patient_id)
            package = v.get(s, Package, package_id, "package")
            v.get(s, Patient, patient_id, "patient")
            if refusal := share_refusal(s, package, patient_id):
                raise NotAllowed(refusal)
            share = PackageShare(package_id=package.id, patient_id=patient_id,
                                 shared_at=self._now(), shared_by=self._actor)
            s.add(share)
            s.flush()
            self._audit(s, "package.share", "package", package.id, None,
                        {"shared_with": patient_id})

    def unshare(self, package_id: int, patient_id: int) -> Released:
        """End a share; returns the member's booked appointments released (with
        `.warnings`, R28's words). Uses already redeemed stay with the package."""
        with self._db.write() as s:
            _lock_pair(s, package_id, patient_id)
            package = v.get(s, Package, package_id, "package")
            patient = v.get(s, Patient, patient_id, "patient")
            share = household_rules.live_share(s, package.id, patient_id)
            if share is None:
                raise NotAllowed(_("\u201c{name}\u201d is not shared with {patient}.").format(
                    name=package.name, patient=patient.full_name))
            released = end_share(s, share, now=self._now(), actor=self._actor,
                                 locale=self._locale)
            self._audit(s, "package.unshare", "package", package.id,
                        {"shared_with": patient_id},
                        {"shared_with": None, "released_appointments": list(released)})
            return released

    def set_shares(self, package_id: int, patient_ids) -> Released:
        """The package page's ticks: share with exactly these members, in one transaction.
        Returns what ending the others released."""
        if not isinstance(patient_ids, (list, tuple, set, frozenset)):
            raise ValidationError("patient_ids", _("Tick the household members who may use "
                                                   "the package."))
        wanted = set(patient_ids)
        choices = self.share_choices(package_id)
        current = {c.patient_id for c in choices if c.shared}
        released = Released()
        with self._db.write() as s:
            _lock_pair(s, package_id, *(c.patient_id for c in choices), *wanted)
            for patient_id in sorted(current - wanted):
                ended = self.unshare(package_id, patient_id)
                released = Released([*released, *ended], [*released.warnings, *ended.warnings],
                                    [*released.rows, *ended.rows])
            for patient_id in sorted(wanted - current, key=str):
                self.share(package_id, patient_id)
        return released

    def shared_with(self, patient_id: int) -> list[rules.PackageSummary]:
        """The packages others bought that are shared with this patient now (R37), newest
        purchase first, each naming its purchaser in `shared_by`."""
        with self._db.read() as s:
            v.get(s, Patient, patient_id, "patient")
            rows = s.execute(
                select(Package, Patient.first_name, Patient.last_name)
                .join(PackageShare, PackageShare.package_id == Package.id)
                .join(Patient, Patient.id == Package.patient_id)
                .where(PackageShare.patient_id == patient_id, PackageShare.ended_at.is_(None))
                .order_by(Package.purchased_on.desc(), Package.id.desc())).all()
            return [replace(rules.summarise(s, package, self._today()),
                            shared_by=f"{first} {last}".strip()) for package, first, last in rows]

    def share_choices(self, package_id: int) -> list[ShareChoice]:
        """The purchaser's household members (but the purchaser), each ticked if shared."""
        with self._db.read() as s:
            package = v.get(s, Package, package_id, "package")
            household = household_rules.household_of(s, package.patient_id)
            if household is None:
                return []
            result = []
            for member in household_rules.current_members(s, household):
                if member.patient_id == package.patient_id:
                    continue
                share = household_rules.live_share(s, package.id, member.patient_id)
                result.append(ShareChoice(member.patient_id,
                                          s.get(Patient, member.patient_id).full_name,
                                          share is not None,
                                          share.shared_at if share else None))
            return sorted(result, key=lambda c: c.patient_name.casefold())

    def why_not_share(self, package_id: int) -> str | None:
        """Why the package page offers no sharing now (ended, or no household), or None."""
        with self._db.read() as s:
            package = v.get(s, Package, package_id, "package")
            if refusal := _ended(package):
                return refusal
            if household_rules.household_of(s, package.patient_id) is None:
                owner = s.get(Patient, package.patient_id)
                return _("{owner} is not in a household. Link household members on the "
                         "patient's profile first.").format(owner=owner.full_name)
            return None
