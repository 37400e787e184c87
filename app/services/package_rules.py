"""Package rules shared by booking, arrival, no-shows and the package pages (R10-R13, R22).

One place decides whether a package can cover an appointment, and how many uses it has left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from ..domain import households as household_domain, packages as domain
from ..domain.states import AppointmentStatus, PackageStatus
from ..i18n import _, ngettext
from ..models import Appointment, EligibleItem, Package, PackageCoverage, Redemption
from . import freezes, household_rules, locks
from . import validation as v
from .errors import NotAllowed
from .rows import ask, written
from .validity import show_date


@dataclass(frozen=True)
class PackageSummary:
    id: int
    patient_id: int
    name: str
    purchased_on: date
    expires_on: date | None  # None: no expiry
    uses_total: int
    uses_redeemed: int
    uses_booked: int
    uses_available: int
    uses_remaining: int
    status: str  # active | expired | refunded | used up | void | frozen
    price: int
    invoice_id: int
    expiry_held: bool = False  # R39: frozen until unfrozen; its expiry is set then
    imported_on: date | None = None  # sold before ClinicDesk, brought in that day (R42)
    shared_by: str = ""  # R37: in a member's list, the purchaser who shares it with them

    @property
    def uses_used(self) -> int:
        return self.uses_redeemed


# Built once, as they are asked at every arrival, booking and refund (issue 22).
_LIVE_USES = select(func.count(Redemption.id)).where(
    Redemption.package_id == bindparam("package_id"), Redemption.voided_at.is_(None))
_REDEEMED = select(Package.uses_before + _LIVE_USES.scalar_subquery()).where(
    Package.id == bindparam("package_id"))
_BOOKED = select(func.count(Appointment.id)).where(
    Appointment.package_id == bindparam("package_id"),
    Appointment.status == AppointmentStatus.BOOKED, Appointment.id != bindparam("excluding"))
_LIVE_AND_BOOKED = select(_LIVE_USES.scalar_subquery(), _BOOKED.scalar_subquery())
_PATIENT_PAYS = select(PackageCoverage.patient_pays).where(
    PackageCoverage.package_id == bindparam("package_id"),
    PackageCoverage.treatment_type_id == bindparam("treatment_type_id"))


def redeemed_count(s: Session, package_id: int) -> int:
    """Its live uses, and those had before ClinicDesk if it was imported (R42)."""
    return ask(s, _REDEEMED, {"package_id": package_id})


def redeemed_and_booked(s: Session, package: Package, *,
                        excluding: int | None = None) -> tuple[int, int]:
    """redeemed_count and booked_count in one statement: every check that a package has a
    use left (R11) asks both, and on a server each statement is a round trip (issue 22)."""
    live, booked = s.execute(_LIVE_AND_BOOKED, {
        "package_id": package.id, "excluding": 0 if excluding is None else excluding}).one()
    return (package.uses_before or 0) + live, booked


def renumber_uses(s: Session, package_id: int) -> None:
    """Number the package's live uses 1, 2, ... by date then id ("use n of N", R3), and clear
    the number of voided ones. Called after every redemption and void of a use: an arrival
    entered late, or a use voided, moves the uses after it. The caller holds the patient's
    lock (locks.py), so two desks never number the same package at once."""
    s.flush()
    uses = s.scalars(select(Redemption).where(Redemption.package_id == package_id)
                     .order_by(Redemption.redeemed_on, Redemption.id)).all()
    # an imported package's uses go on after those had before ClinicDesk (R42)
    number = s.get(Package, package_id).uses_before or 0  # (in the session: no query)
    for use in uses:
        if use.voided_at is None:
            number += 1
            if use.use_number != number:
                use.use_number = number
        elif use.use_number is not None:
            use.use_number = None
    s.flush()


def number_new_use(s: Session, package: Package, use: dict) -> int:
    """Write `use`, a new redemption of `package` (its columns), numbered; returns its
    number. When no live use is dated after it (a visit arrived on its day, as almost all
    are) it is the next number and the others keep theirs, which one count tells; an arrival
    entered late comes before some, and renumber_uses numbers them all again."""
    live, later = s.execute(_LIVE_AND_LATER, {"package_id": package.id,
                                              "day": use["redeemed_on"]}).one()
    conn = s.connection()
    if later:
        use_id = conn.execute(_NEW_USE, {**use, "use_number": None}).scalar_one()
        renumber_uses(s, package.id)
        return s.get(Redemption, use_id).use_number  # (renumbered: in the session)
    number = (package.uses_before or 0) + live + 1  # (by date, then id: it is last)
    conn.execute(_NEW_USE, {**use, "use_number": number})
    return number


_R = Redemption.__table__.c
_LIVE_AND_LATER = (select(func.count(_R.id), func.count(_R.id).filter(
    _R.redeemed_on > bindparam("day"))).where(_R.package_id == bindparam("package_id"),
                                              _R.voided_at.is_(None)))
_NEW_USE = insert(Redemption.__table__).returning(_R.id)


def booked_count(s: Session, package_id: int, *, excluding: int | None = None) -> int:
    return ask(s, _BOOKED, {"package_id": package_id,
                              "excluding": 0 if excluding is None else excluding})  # (ids: 1+)


def is_expired(package: Package, on: date) -> bool:
    """Valid to the end of the expiry day (R13)."""
    return domain.is_expired(package.expires_on, on)


def package_status(package: Package, redeemed: int, today: date) -> PackageStatus:
    """The package's status today (the rule: app.domain.packages.package_status)."""
    return domain.package_status(package.status, package.uses_total, redeemed,
                                 package.expires_on, today)


def summarise(s: Session, package: Package, today: date) -> PackageSummary:
    redeemed, booked = redeemed_and_booked(s, package)
    status = package_status(package, redeemed, today)
    frozen, held = freezes.standing(s, package.id, today)  # R39
    if status == PackageStatus.ACTIVE and frozen:
        status = PackageStatus.FROZEN
    return PackageSummary(package.id, package.patient_id, package.name, package.purchased_on,
                          package.expires_on, package.uses_total, redeemed, booked,
                          domain.uses_available(status, package.uses_total, redeemed, booked),
                          domain.uses_remaining(package.uses_total, redeemed), status,
                          package.price, package.invoice_id,
                          held and package.status == PackageStatus.ACTIVE, package.imported_on)


def release_booked(s: Session, package_id: int, *, patient_id: int | None = None) -> list[int]:
    """The package no longer covers its booked visits (refunded, R28, or its sale voided;
    or only `patient_id`'s, when a share ends, R37): each will be billed at the standard
    price. Returns their ids. One UPDATE, each visit's version counted as the mapper would
    (rows.py)."""
    query = _RELEASE if patient_id is None else _RELEASE_MEMBERS
    released = []
    for appointment_id, version in s.connection().execute(
            query, {"package": package_id, "patient": patient_id}).all():
        written(s, Appointment, appointment_id, package_id=None, version=version)
        released.append(appointment_id)
    return sorted(released)


_A = Appointment.__table__.c
_RELEASE = (update(Appointment.__table__)
            .where(_A.package_id == bindparam("package"),
                   _A.status == AppointmentStatus.BOOKED.value)
            .values(package_id=None, version=_A.version + 1)
            .returning(_A.id, _A.version))
_RELEASE_MEMBERS = _RELEASE.where(_A.patient_id == bindparam("patient"))


def copy_coverage(s: Session, package_id: int, template_id: int) -> None:
    """A package sold copies its template's items whole (R40: later edits of the template
    never reach it), in one statement: nothing in the sale reads them back as objects."""
    s.connection().execute(_COVERAGE, {"package": package_id, "template": template_id})


_ITEMS = EligibleItem.__table__.c
_COVERAGE = insert(PackageCoverage.__table__).from_select(
    ["package_id", "treatment_type_id", "patient_pays"],
    select(bindparam("package", type_=Integer), _ITEMS.treatment_type_id, _ITEMS.patient_pays)
    .where(_ITEMS.template_id == bindparam("template")).order_by(_ITEMS.id))


def patient_pays(s: Session, package_id: int, treatment_type_id: int) -> int | None:
    """What the patient pays per use for this treatment, or None if not covered."""
    return ask(s, _PATIENT_PAYS, {"package_id": package_id,
                                    "treatment_type_id": treatment_type_id})


def require_can_cover(s: Session, package: Package, appointment: Appointment, *,
                      treatment_name: str, holding: bool, locale: str) -> int:
    """Refuse, with the rule's sentence, unless `package` may cover `appointment`; else
    return what the patient pays for it (R14), read for the check (arrival bills it).

    `holding`: the appointment already holds one of the package's uses (re-checking at
    arrival, no-show or reschedule) rather than asking for a new one. `locale`: the
    clinic's, for the dates in the sentence.
    """
    locks.package_uses(s, [package])
    if not household_rules.may_use(s, package.id, package.patient_id,
                                   appointment.patient_id):  # R37: or shared with them
        raise NotAllowed(_("The package \u201c{name}\u201d belongs to another patient.")
                         .format(name=package.name))
    if package.status == PackageStatus.REFUNDED:  # R28
        raise NotAllowed(_("The package \u201c{name}\u201d was refunded and can no longer be "
                           "used.").format(name=package.name))
    if package.status == PackageStatus.VOID:
        raise NotAllowed(_("The package \u201c{name}\u201d was voided and cannot be used.")
                         .format(name=package.name))
    if package.status == PackageStatus.TRANSFERRED:  # R38: its uses are the recipient's
        raise NotAllowed(_("The package \u201c{name}\u201d was transferred to another "
                           "patient and can no longer be used.").format(name=package.name))
    pays = patient_pays(s, package.id, appointment.treatment_type_id)
    if pays is None:
        raise NotAllowed(_("The package \u201c{name}\u201d does not cover {treatment}.")
                         .format(name=package.name, treatment=treatment_name))
    day = appointment.start.date()
    if is_expired(package, day):  # R13, R22
        raise NotAllowed(_("The package \u201c{name}\u201d expires on {expiry}, before this "
                           "appointment on {date}. Remove the package from the appointment or "
                           "change its expiry date first.")
                         .format(name=package.name,
                                 expiry=show_date(package.expires_on, locale),
                                 date=show_date(day, locale)))
    if refusal := freezes.frozen_refusal(s, package, day, locale):  # R39
        raise NotAllowed(refusal)
    redeemed, booked = redeemed_and_booked(s, package, excluding=appointment.id)
    if not domain.has_use_for(package.uses_total, redeemed, booked):  # R11
        if redeemed >= package.uses_total:
            raise NotAllowed(ngettext("The only use of \u201c{name}\u201d has been redeemed.",
                                      "All {n} uses of \u201c{name}\u201d have been redeemed.",
                                      package.uses_total)
                             .format(n=package.uses_total, name=package.name))
        raise NotAllowed(_("\u201c{name}\u201d has no use left for this appointment ({total} "
                           "in all; redeemed: {redeemed}; held by other booked appointments: "
                           "{booked}).")
                         .format(name=package.name, total=package.uses_total,
                                 redeemed=redeemed, booked=booked))
    return pays


def eligible(s: Session, patient_id: int, treatment_type_id: int, on: date, today: date,
             *, excluding: int | None = None) -> list[PackageSummary]:
    """Packages that could cover a new appointment, the one to pre-select first (R10):
    the one expiring first, then the oldest; no-expiry packages come last. The patient's
    own packages come before those shared with them (R37)."""
    v.optional_row(s, Appointment, excluding, "appointment")  # (the one being moved)
    return _covering(s, patient_id, treatment_type_id, on, today, excluding, free=True)


def held_in_full(s: Session, patient_id: int, treatment_type_id: int, on: date,
                 today: date) -> list[PackageSummary]:
    """Packages that would cover it, but every use left is held by booked visits (R11)."""
    return _covering(s, patient_id, treatment_type_id, on, today, None, free=False)


def _covering(s: Session, patient_id: int, treatment_type_id: int, on: date, today: date,
              excluding: int | None, *, free: bool) -> list[PackageSummary]:
    packages = s.scalars(
        select(Package).join(PackageCoverage, PackageCoverage.package_id == Package.id)
        .where((Package.patient_id == patient_id)
               | Package.id.in_(household_rules.shared_package_ids(patient_id)),
               Package.status == "active",
               PackageCoverage.treatment_type_id == treatment_type_id)).all()
    result = []
    for package in packages:
        if is_expired(package, on) or freezes.freeze_on(s, package.id, on):  # R39
            continue
        redeemed = redeemed_count(s, package.id)
        if domain.uses_remaining(package.uses_total, redeemed) <= 0 and not free:
            continue  # used up, not held
        booked = booked_count(s, package.id, excluding=excluding)
        if domain.has_use_for(package.uses_total, redeemed, booked) is free:
            result.append(summarise(s, package, today))
    result.sort(key=lambda p: household_domain.booking_key(  # R37: own first, then R10
        patient_id, p.patient_id, p.expires_on, p.purchased_on, p.id))
    return result
