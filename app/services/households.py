"""Households (R37): linking patients who live together, the members of one, and a member
leaving (which ends every share to or from them). PatientService offers these calls."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from ..domain import households as domain
from ..i18n import _
from ..models import Household, HouseholdMember, Package, PackageShare, Patient
from . import household_rules, locks
from . import validation as v
from .errors import NotAllowed, ValidationError
from .package_shares import Released, end_share


@dataclass(frozen=True)
class HouseholdMemberRow:
    patient_id: int
    patient_name: str
    phone: str | None

    @property
    def id(self) -> int:  # (lists keep their selection by a row's id)
        return self.patient_id


class HouseholdCalls:
    """clinic.patients' household calls; mixed into PatientService."""

    def link_household(self, patient_id: int, other_patient_id: int) -> None:
        """Put two patients in one household: a new one, or the one either is in already.
        Two different households are never merged: that is refused (R37)."""
        if patient_id == other_patient_id:
            raise ValidationError("other_patient_id", _("Choose another patient: a patient "
                                                        "is always in their own household."))
        with self._db.write() as s:
            locks.patients(s, [patient_id, other_patient_id])
            first = v.get(s, Patient, patient_id, "patient")
            second = v.get(s, Patient, other_patient_id, "patient")
            first_home = household_rules.household_of(s, first.id)
            second_home = household_rules.household_of(s, second.id)
            link = domain.link(first_home, second_home)
            if link is domain.Link.SAME:
                raise NotAllowed(_("{first} and {second} are already in the same "
                                   "household.").format(first=first.full_name,
                                                        second=second.full_name))
            if link is domain.Link.DIFFERENT:
                raise NotAllowed(_("{second} is already in another household ({members}). "
                                   "Remove {second} from it first; two households are never "
                                   "merged.").format(
                                       second=second.full_name,
                                       members=", ".join(self._names(s, second_home,
                                                                     second.id))))
            now, actor = self._now(), self._actor
            if link is domain.Link.NEW:
                household = Household(created_at=now, created_by=actor)
                s.add(household)
                s.flush()
                home, joining = household.id, [first.id, second.id]
            elif link is domain.Link.JOIN_FIRST:
                home, joining = first_home, [second.id]
            else:
                home, joining = second_home, [first.id]
            for member in joining:
                s.add(HouseholdMember(household_id=home, patient_id=member, joined_at=now,
                                      joined_by=actor))
            s.flush()
            for member in joining:
                self._audit(s, "patient.join_household", "patient", member, None,
                            {"household_id": home})

    def leave_household(self, patient_id: int) -> Released:
        """Remove a member from their household. Every share to them and of their packages
        to others ends, releasing the booked visits those shares covered (as unshare does);
        a household left with one member is dissolved. Returns the released appointments
        (with `.warnings`)."""
        with self._db.write() as s:
            patient = v.get(s, Patient, patient_id, "patient")
            home = household_rules.household_of(s, patient.id)
            if home is None:
                raise NotAllowed(_("{patient} is not in a household.").format(
                    patient=patient.full_name))
            # Every member may hold a share to or from this one: all of them, in id order.
            locks.patients(s, [m.patient_id for m in household_rules.current_members(s, home)])
            if home != household_rules.household_of(s, patient.id):  # another desk was first
                raise NotAllowed(_("{patient} has just left their household at another "
                                   "desk.").format(patient=patient.full_name))
            for package_id in sorted(s.scalars(select(PackageShare.package_id).where(
                    PackageShare.ended_at.is_(None), PackageShare.patient_id == patient.id))):
                locks.package(s, package_id)
            now, actor = self._now(), self._actor
            released = Released()
            members = household_rules.current_members(s, home)
            leaving = [m for m in members if m.patient_id == patient.id]
            if domain.dissolves(len(members) - 1):
                leaving = members
            for member in leaving:
                for share in self._shares_of(s, member.patient_id):
                    ended = end_share(s, share, now=now, actor=actor, locale=self._locale)
                    released = Released([*released, *ended],
                                        [*released.warnings, *ended.warnings],
                                        [*released.rows, *ended.rows])
                member.left_at, member.left_by = now, actor
                self._audit(s, "patient.leave_household", "patient", member.patient_id,
                            {"household_id": home},
                            {"household_id": None, "released_appointments": list(released)})
            return released

    def household_members(self, patient_id: int) -> list[HouseholdMemberRow]:
        """The other members of the patient's household, by name ([] when in none)."""
        with self._db.read() as s:
            v.get(s, Patient, patient_id, "patient")
            home = household_rules.household_of(s, patient_id)
            if home is None:
                return []
            rows = [HouseholdMemberRow(p.id, p.full_name, p.phone)
                    for p in (s.get(Patient, m.patient_id)
                              for m in household_rules.current_members(s, home))
                    if p.id != patient_id]
            return sorted(rows, key=lambda r: r.patient_name.casefold())

    @property
    def _locale(self) -> str:
        return self._clinic.money_context()["locale"]

    @staticmethod
    def _names(s, household_id: int, but: int) -> list[str]:
        return sorted(s.get(Patient, m.patient_id).full_name
                      for m in household_rules.current_members(s, household_id)
                      if m.patient_id != but)

    @staticmethod
    def _shares_of(s, patient_id: int) -> list[PackageShare]:
        """Live shares given to the patient, or of the patient's packages to others."""
        own = select(Package.id).where(Package.patient_id == patient_id)
        return list(s.scalars(select(PackageShare).where(
            PackageShare.ended_at.is_(None),
            or_(PackageShare.patient_id == patient_id, PackageShare.package_id.in_(own)))
            .order_by(PackageShare.id)))
