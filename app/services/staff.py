"""Staff members: practitioners and desk staff."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ..i18n import _
from ..models import Staff
from . import validation as v
from .audit import snapshot
from .base import Service
from .errors import NotAllowed, ValidationError
from .manager_pins import require_can_become_manager

ROLES = ("front_desk", "manager")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
PALETTE = ("#4a90d9", "#50a773", "#d98a4a", "#9b6dd1", "#d9534f", "#3bb3b3")


@dataclass(frozen=True)
class StaffRow:
    id: int
    name: str
    practitioner: bool
    role: str
    colour: str
    active: bool


class StaffService(Service):
    def add(self, name: str, *, practitioner: bool = True, role: str = "front_desk",
            colour: str | None = None) -> int:
        name = v.name(name, "name", label=_("staff member's name"))
        practitioner = v.yes_no(practitioner, "practitioner")
        role = _role(role)
        self._clinic.auth.require_manager(_("add staff members"))
        with self._db.write() as s:
            count = len(s.scalars(select(Staff.id)).all())
            colour = (_colour(colour) if colour not in (None, "")
                      else PALETTE[count % len(PALETTE)])
            row = Staff(name=name, practitioner=practitioner, role=role, colour=colour,
                        active=True)
            s.add(row)
            s.flush()
            self._audit(s, "staff.add", "staff", row.id, None,
                        snapshot(row, "name", "practitioner", "role", "active"))
            return row.id

    def update(self, staff_id: int, *, name=None, practitioner=None, role=None, colour=None,
               active=None) -> None:
        self._clinic.auth.require_manager(_("change staff members"))
        practitioner = None if practitioner is None else v.yes_no(practitioner, "practitioner")
        active = None if active is None else v.yes_no(active, "active")
        with self._db.write() as s:
            row = v.get(s, Staff, staff_id, "staff member")
            fields = ("name", "practitioner", "role", "colour", "active")
            new_role = _role(role) if role is not None else row.role
            if row.role == "manager" and (new_role != "manager" or active is False) \
                    and not _other_manager_exists(s, row):
                raise NotAllowed(_("{name} is the clinic's only manager; make someone else "
                                   "a manager first.").format(name=row.name))
            if new_role == "manager" and row.role != "manager":
                require_can_become_manager(s, row)  # R50: managers' longer PINs
            before = snapshot(row, *fields)
            if name is not None:
                row.name = v.name(name, "name", label=_("staff member's name"))
            if practitioner is not None:
                row.practitioner = practitioner
            if role is not None:
                row.role = _role(role)
            if colour is not None:
                row.colour = _colour(colour)
            if active is not None:
                row.active = active
            after = snapshot(row, *fields)
            if after != before:  # (an edit that changes nothing is no event to audit)
                self._audit(s, "staff.update", "staff", row.id, before, after)

    def list(self, *, practitioners_only: bool = False,
             include_inactive: bool = False) -> list[StaffRow]:
        practitioners_only = v.yes_no(practitioners_only, "practitioners_only")
        include_inactive = v.yes_no(include_inactive, "include_inactive")
        with self._db.read() as s:
            query = select(Staff).order_by(Staff.name)
            if practitioners_only:
                query = query.where(Staff.practitioner.is_(True))
            if not include_inactive:
                query = query.where(Staff.active.is_(True))
            return [_row(r) for r in s.scalars(query)]

    def get(self, staff_id: int) -> StaffRow:
        with self._db.read() as s:
            return _row(v.get(s, Staff, staff_id, "staff member"))


def _other_manager_exists(s, row: Staff) -> bool:
    return s.scalar(select(Staff.id).where(Staff.role == "manager", Staff.active.is_(True),
                                           Staff.id != row.id).limit(1)) is not None


def _row(r: Staff) -> StaffRow:
    return StaffRow(r.id, r.name, r.practitioner, r.role, r.colour, r.active)


def _role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError("role", _("The role must be front desk or manager."))
    return role


def _colour(colour: str) -> str:
    if not isinstance(colour, str) or not _COLOUR.match(colour):
        raise ValidationError("colour", _("The colour must look like {example}.")
                              .format(example="#4a90d9"))
    return colour
