"""Membership plans (R43): what the clinic offers by the period, beside package templates.

Reached through `clinic.catalog.add_membership_plan` / `membership_plans`: a plan is part of
what the clinic offers, like a template, and changing it is a manager's, like a template's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from ..domain.memberships import valid_period
from ..i18n import _, ngettext
from ..models import MembershipPlan, MembershipPlanItem, TreatmentType
from . import validation as v
from .audit import snapshot
from .eligibility import checked_eligible
from .errors import NotAllowed, ValidationError
from .money import cents as money_cents


@dataclass(frozen=True)
class PlanItemRow:
    treatment_type_id: int
    treatment_name: str
    patient_pays: int


@dataclass(frozen=True)
class MembershipPlanRow:
    id: int
    name: str
    fee: int
    period: str
    uses_per_period: int | None  # None: unlimited
    rollover_cap: int
    tax_rate: Decimal
    active: bool
    eligible: tuple[PlanItemRow, ...]

    @property
    def period_text(self) -> str:
        return period_words(self.period)

    @property
    def uses_text(self) -> str:
        return uses_words(self.uses_per_period)


def period_words(code: str) -> str:
    if code == "1m":
        return _("monthly")
    if code == "1y":
        return _("yearly")
    weeks = int(code[:-1])
    return ngettext("every week", "every {n} weeks", weeks).format(n=weeks)


def uses_words(uses: int | None) -> str:
    if uses is None:
        return _("unlimited")
    return ngettext("{n} visit a period", "{n} visits a period", uses).format(n=uses)


def checked_period(value: object) -> str:
    code = value.strip().lower() if isinstance(value, str) else value
    if not valid_period(code):
        raise ValidationError("period", _(
            "The period must be monthly (1m), every N weeks (1w to 52w) or yearly (1y)."))
    return code


def add_plan(service, name, *, fee, period, uses_per_period, eligible: dict,
             rollover_cap=0, tax_rate=Decimal("0")) -> int:
    clinic = service._clinic
    clinic.auth.require_manager(_("change package templates"))
    clean = clean_terms(clinic, name=name, fee=fee, period=period, tax_rate=tax_rate,
                        uses_per_period=uses_per_period, rollover_cap=rollover_cap)
    money = clinic.money_context()
    with service._db.write() as s:
        folded = clean["name"].casefold()
        if any(other.casefold() == folded for other in s.scalars(select(MembershipPlan.name))):
            raise NotAllowed(_("There is already a membership plan called \u201c{name}\u201d; "
                               "choose another name.").format(name=clean["name"]))
        items = _eligible(s, eligible, money)
        row = MembershipPlan(active=True, created_at=service._now(), **clean)
        row.eligible = items
        s.add(row)
        s.flush()
        service._audit(s, "membership_plan.add", "membership_plan", row.id, None,
                       {**snapshot(row, "name", "fee", "period", "uses_per_period",
                                   "rollover_cap", "tax_rate"),
                        "eligible": {str(i.treatment_type_id): i.patient_pays
                                     for i in items}})
        return row.id


def clean_terms(clinic, **fields) -> dict:
    """The plan's terms as typed, checked (R30); only the fields given: adding gives them
    all, an edit (app.services.membership_plan_edits) the ones it changes."""
    money = clinic.money_context()
    clean = {}
    if "name" in fields:
        clean["name"] = v.name(fields["name"], "name", label=_("plan name"))
    if "fee" in fields:
        clean["fee"] = money_cents(fields["fee"], field="fee", **money)
        if clean["fee"] <= 0:
            raise ValidationError("fee", _("The fee must be more than zero."))
    if "period" in fields:
        clean["period"] = checked_period(fields["period"])
    if "tax_rate" in fields:
        clean["tax_rate"] = v.tax_rate(fields["tax_rate"])
    if "uses_per_period" in fields:
        uses = fields["uses_per_period"]
        clean["uses_per_period"] = None if uses is None or uses == "" else v.whole_number(
            uses, "uses_per_period", label=_("uses per period"), minimum=1, maximum=1000)
    if "rollover_cap" in fields:
        clean["rollover_cap"] = v.whole_number(fields["rollover_cap"], "rollover_cap",
                                               label=_("roll-over cap"), minimum=0,
                                               maximum=1000)
    return clean


def _eligible(s, eligible, money) -> list[MembershipPlanItem]:
    return [MembershipPlanItem(treatment_type_id=tid, patient_pays=cents)
            for tid, cents in checked_eligible(s, eligible, money, none_chosen=_(
                "Choose at least one treatment type the membership covers."))]


def plans(service, *, include_inactive: bool = False) -> list[MembershipPlanRow]:
    with service._db.read() as s:
        names = dict(s.execute(select(TreatmentType.id, TreatmentType.name)).all())
        query = select(MembershipPlan).order_by(MembershipPlan.name)
        if not include_inactive:
            query = query.where(MembershipPlan.active.is_(True))
        return [plan_row(p, names) for p in s.scalars(query)]


def plan_row(p: MembershipPlan, names: dict[int, str]) -> MembershipPlanRow:
    return MembershipPlanRow(
        p.id, p.name, p.fee, p.period, p.uses_per_period, p.rollover_cap, p.tax_rate,
        p.active, tuple(PlanItemRow(i.treatment_type_id, names.get(i.treatment_type_id, ""),
                                    i.patient_pays) for i in p.eligible))
