"""Editing and archiving a membership plan (R43), as package templates are edited and archived.

A plan's terms are copied into each membership at enrolment (app.services.memberships), so a
change here reaches new enrolments only: patients already enrolled keep the terms they
signed up for. Archiving stops offering the plan at Enrol…; memberships on it go on.
"""

from __future__ import annotations

from sqlalchemy import select

from ..i18n import _
from ..models import MembershipPlan
from . import locks
from . import validation as v
from .audit import snapshot
from .errors import NotAllowed
from .membership_plans import _eligible, clean_terms

#: what an edit may change (the services' names, as `add_membership_plan` takes them)
TERMS = ("name", "fee", "period", "uses_per_period", "rollover_cap", "tax_rate")


def _snapshot(plan: MembershipPlan) -> dict:
    return {**snapshot(plan, *TERMS),
            "eligible": {str(i.treatment_type_id): i.patient_pays for i in plan.eligible}}


def update_plan(service, plan_id: int, *, eligible: dict | None = None, **changes) -> None:
    clinic = service._clinic
    clinic.auth.require_manager(_("change package templates"))
    v.known_fields(changes, TERMS)
    clean = clean_terms(clinic, **changes)
    if clean.get("uses_per_period", 0) is None:
        clean["rollover_cap"] = 0  # nothing is left over to roll when visits are unlimited
    with service._db.write() as s:
        locks.terms(s, "membership_plans", plan_id, editing=True)  # enrolments wait (R43)
        plan = v.get(s, MembershipPlan, plan_id, "membership plan")
        if "name" in clean:
            folded = clean["name"].casefold()
            taken = s.scalars(select(MembershipPlan.name).where(MembershipPlan.id != plan.id))
            if any(other.casefold() == folded for other in taken):
                raise NotAllowed(_("There is already a membership plan called "
                                   "\u201c{name}\u201d; choose another name.")
                                 .format(name=clean["name"]))
        before = _snapshot(plan)
        for key, value in clean.items():
            setattr(plan, key, value)
        if eligible is not None:
            items = _eligible(s, eligible, clinic.money_context())
            plan.eligible = items
        s.flush()
        after = _snapshot(plan)
        if after != before:  # (an edit that changes nothing is no event)
            service._audit(s, "membership_plan.update", "membership_plan", plan.id, before,
                           after)


def archive_plan(service, plan_id: int, archived: bool = True) -> None:
    service._clinic.auth.require_manager(_("archive package templates"))
    archived = v.yes_no(archived, "archived")
    with service._db.write() as s:
        locks.terms(s, "membership_plans", plan_id, editing=True)
        plan = v.get(s, MembershipPlan, plan_id, "membership plan")
        before = {"active": plan.active}
        plan.active = not archived
        service._audit(s, "membership_plan.archive" if archived else
                       "membership_plan.unarchive", "membership_plan", plan.id, before,
                       {"active": plan.active})


def plan(service, plan_id: int):
    from .membership_plans import plan_row
    from ..models import TreatmentType
    with service._db.read() as s:
        row = v.get(s, MembershipPlan, plan_id, "membership plan")
        names = dict(s.execute(select(TreatmentType.id, TreatmentType.name)).all())
        return plan_row(row, names)
