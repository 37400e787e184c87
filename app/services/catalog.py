"""Treatment types and package templates: what the clinic offers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..i18n import N_, _
from ..models import EligibleItem, PackageTemplate, TreatmentType
from . import locks, refund_policies
from . import validation as v
from .appointment_times import LONGEST_VISIT_MIN
from .audit import snapshot
from .base import Service, lighten
from .eligibility import checked_eligible
from .errors import NotAllowed, ValidationError
from .money import split_evenly, cents as money_cents
from .validity import describe


@dataclass(frozen=True)
class TreatmentTypeRow:
    id: int
    name: str
    duration_min: int
    price: int
    tax_rate: Decimal
    active: bool


@dataclass(frozen=True)
class EligibleRow:
    treatment_type_id: int
    treatment_name: str
    patient_pays: int


@dataclass(frozen=True)
class PackageTemplateRow:
    id: int
    name: str
    price: int
    uses: int
    tax_rate: Decimal
    validity: str | None
    archived: bool
    eligible: tuple[EligibleRow, ...]
    refund_policy: str = "pro_rata"  # R40: a code of app.domain.refund_policy

    @property
    def validity_text(self) -> str:
        return describe(self.validity)

    @property
    def per_use_range(self) -> tuple[int, int]:
        """Smallest and largest per-use value (R3): equal unless the price does not divide."""
        values = split_evenly(self.price, self.uses)
        return values[0], values[-1]


class CleanTreatmentType(dict):
    """A treatment type's fields as `CatalogService.validate_treatment_type` returned them:
    `add_treatment_types` takes nothing else, so no row reaches the table unchecked."""


class CatalogService(Service):
    # treatment types
    def add_treatment_type(self, name: str, *, duration_min, price,
                           tax_rate=Decimal("0")) -> int:
        self._clinic.auth.require_manager(_("change treatment types"))
        clean = self.validate_treatment_type({"name": name, "duration_min": duration_min,
                                              "price": price, "tax_rate": tax_rate})
        return self.add_treatment_types([clean])[0]

    def add_treatment_types(self, rows: list[CleanTreatmentType], *,
                            progress: Callable[[int], None] | None = None) -> list[int]:
        """Write treatment types already checked by `validate_treatment_type`, one audit
        entry each; their ids. One transaction, or the caller's when one is open (the CSV
        import: db.write joins it). `progress(index)` runs before each row, to say how far
        it is or to stop it all by raising."""
        self._clinic.auth.require_manager(_("change treatment types"))
        v.checked_rows(rows, CleanTreatmentType, _("treatment types"),
                       ("name", "duration_min", "price"))
        with self._db.write() as s:
            return self._insert_treatments(s, rows, progress)

    def _insert_treatments(self, s, rows, progress) -> list[int]:
        # The names are read once, not once a row: an import brings hundreds.
        taken = {name.casefold() for name in s.scalars(select(TreatmentType.name))}
        ids = []
        for index, clean in enumerate(rows):
            if progress:
                progress(index)
            if clean["name"].casefold() in taken:
                raise NotAllowed(_(_NAME_TAKEN["treatment type"]).format(name=clean["name"]))
            taken.add(clean["name"].casefold())
            row = TreatmentType(active=True, **clean)
            s.add(row)
            s.flush()
            self._audit(s, "treatment_type.add", "treatment_type", row.id, None, snapshot(row))
            ids.append(row.id)
            lighten(s, index)
        return ids

    def update_treatment_type(self, treatment_type_id: int, **changes) -> None:
        self._clinic.auth.require_manager(_("change treatment types"))
        v.known_fields(changes, ("name", "duration_min", "price", "tax_rate", "active"))
        active = changes.pop("active", None)
        active = None if active is None else v.yes_no(active, "active")
        clean = self.validate_treatment_type(changes)
        with self._db.write() as s:
            row = v.get(s, TreatmentType, treatment_type_id, "treatment type")
            if "name" in clean:
                self._unique_name(s, TreatmentType, clean["name"], row.id, "treatment type")
            if "price" in clean:
                self._price_covers_patient_pays(s, row, clean["price"])
            before = snapshot(row)
            for key, value in clean.items():
                setattr(row, key, value)
            if active is not None:
                row.active = active
            if snapshot(row) != before:  # (an edit that changes nothing is no event)
                self._audit(s, "treatment_type.update", "treatment_type", row.id, before,
                            snapshot(row))

    def treatment_types(self, *, include_inactive: bool = False) -> list[TreatmentTypeRow]:
        include_inactive = v.yes_no(include_inactive, "include_inactive")
        with self._db.read() as s:
            query = select(TreatmentType).order_by(TreatmentType.name)
            if not include_inactive:
                query = query.where(TreatmentType.active.is_(True))
            return [_treatment_row(t) for t in s.scalars(query)]

    def treatment_type(self, treatment_type_id: int) -> TreatmentTypeRow:
        with self._db.read() as s:
            return _treatment_row(v.get(s, TreatmentType, treatment_type_id, "treatment type"))

    # package templates
    def add_package_template(self, name: str, *, price, uses, eligible: dict,
                             validity: str | None = None, tax_rate=Decimal("0"),
                             refund_policy: str = "pro_rata") -> int:
        self._clinic.auth.require_manager(_("change package templates"))
        clean = self._template_fields(name=name, price=price, uses=uses, validity=validity,
                                      tax_rate=tax_rate, refund_policy=refund_policy)
        with self._db.write() as s:
            self._unique_name(s, PackageTemplate, clean["name"], None, "package template")
            items = self._eligible(s, eligible)
            row = PackageTemplate(archived=False, created_at=self._now(), **clean)
            row.eligible = items
            s.add(row)
            s.flush()
            self._audit(s, "package_template.add", "package_template", row.id, None,
                        _template_snapshot(row))
            return row.id

    def add_membership_plan(self, name: str, **terms) -> int:  # R43: app.services.membership_plans
        from .membership_plans import add_plan
        return add_plan(self, name, **terms)

    def membership_plans(self, *, include_inactive: bool = False) -> list:
        from .membership_plans import plans
        return plans(self, include_inactive=include_inactive)

    def update_membership_plan(self, plan_id: int, **changes) -> None:  # R43: new enrolments
        from .membership_plan_edits import update_plan
        update_plan(self, plan_id, **changes)

    def archive_membership_plan(self, plan_id: int, archived: bool = True) -> None:
        from .membership_plan_edits import archive_plan
        archive_plan(self, plan_id, archived)

    def membership_plan(self, plan_id: int):
        from .membership_plan_edits import plan
        return plan(self, plan_id)

    def update_package_template(self, template_id: int, *, eligible: dict | None = None,
                                **changes) -> None:
        """Changes apply to future sales only: sold packages keep their own terms."""
        self._clinic.auth.require_manager(_("change package templates"))
        v.known_fields(changes, ("name", "price", "uses", "validity", "tax_rate",
                                 "refund_policy"))
        clean = self._template_fields(**changes)
        with self._db.write() as s:
            locks.terms(s, "package_templates", template_id, editing=True)  # sales wait (R40)
            row = v.get(s, PackageTemplate, template_id, "package template")
            if "name" in clean:
                self._unique_name(s, PackageTemplate, clean["name"], row.id, "package template")
            before = _template_snapshot(row)
            for key, value in clean.items():
                setattr(row, key, value)
            if eligible is not None:
                row.eligible = self._eligible(s, eligible)
            s.flush()
            if _template_snapshot(row) != before:  # (an edit that changes nothing is no event)
                self._audit(s, "package_template.update", "package_template", row.id, before,
                            _template_snapshot(row))

    def archive_package_template(self, template_id: int, archived: bool = True) -> None:
        """Archived templates are no longer offered for sale; sold packages are untouched."""
        self._clinic.auth.require_manager(_("archive package templates"))
        archived = v.yes_no(archived, "archived")
        with self._db.write() as s:
            locks.terms(s, "package_templates", template_id, editing=True)
            row = v.get(s, PackageTemplate, template_id, "package template")
            before = {"archived": row.archived}
            row.archived = archived
            self._audit(s, "package_template.archive" if archived else
                        "package_template.unarchive", "package_template", row.id, before,
                        {"archived": row.archived})

    def package_templates(self, *, include_archived: bool = False,
                          text: str = "") -> list[PackageTemplateRow]:
        include_archived = v.yes_no(include_archived, "include_archived")
        with self._db.read() as s:
            query = (select(PackageTemplate).options(selectinload(PackageTemplate.eligible))
                     .order_by(PackageTemplate.name))
            if not include_archived:
                query = query.where(PackageTemplate.archived.is_(False))
            text = v.text(text, "text", label=_("package name"), required=False)
            if text:
                query = query.where(PackageTemplate.name.icontains(text, autoescape=True))
            names = _treatment_names(s)
            return [_template_row(t, names) for t in s.scalars(query)]

    def package_template(self, template_id: int) -> PackageTemplateRow:
        with self._db.read() as s:
            row = v.get(s, PackageTemplate, template_id, "package template")
            return _template_row(row, _treatment_names(s))

    # helpers
    def validate_treatment_type(self, fields: dict) -> CleanTreatmentType:
        """The fields given (any of name, duration_min, price, tax_rate) checked as
        `add_treatment_type` and `update_treatment_type` store them; a ValidationError
        naming the first field refused (R30). The name's uniqueness is checked on writing."""
        if not isinstance(fields, dict):
            raise ValidationError("fields", _("The treatment type's details are missing."))
        v.known_fields(fields, ("name", "duration_min", "price", "tax_rate"))
        clean = CleanTreatmentType()
        money = self._clinic.money_context()
        if "name" in fields:
            clean["name"] = v.name(fields["name"], "name", label=_("treatment name"))
        if "duration_min" in fields:
            clean["duration_min"] = v.whole_number(fields["duration_min"], "duration_min",
                                                   label=_("duration in minutes"), minimum=5,
                                                   maximum=LONGEST_VISIT_MIN)
        if "price" in fields:
            clean["price"] = money_cents(fields["price"], field="price", **money)
        if "tax_rate" in fields:
            clean["tax_rate"] = v.tax_rate(fields["tax_rate"])
        return clean

    def _template_fields(self, **fields) -> dict:
        clean = {}
        money = self._clinic.money_context()
        if "name" in fields:
            clean["name"] = v.name(fields["name"], "name", label=_("package name"))
        if "price" in fields:
            clean["price"] = money_cents(fields["price"], field="price", **money)
        if "uses" in fields:
            clean["uses"] = v.whole_number(fields["uses"], "uses", label=_("number of uses"),
                                           minimum=1, maximum=1000)
        if "validity" in fields:
            clean["validity"] = v.validity(fields["validity"])
        if "tax_rate" in fields:
            clean["tax_rate"] = v.tax_rate(fields["tax_rate"])
        if "refund_policy" in fields:  # R40
            clean["refund_policy"] = refund_policies.checked(fields["refund_policy"])
        return clean

    def _eligible(self, session, eligible: dict) -> list[EligibleItem]:
        return [EligibleItem(treatment_type_id=tid, patient_pays=cents)
                for tid, cents in checked_eligible(
                    session, eligible, self._clinic.money_context(), none_chosen=_(
                        "Choose at least one treatment type the package covers."))]

    def _price_covers_patient_pays(self, session, treatment: TreatmentType, price: int) -> None:
        """Patient Pays never exceeds the standard price (same rule as in a template)."""
        above = session.execute(
            select(PackageTemplate.name, EligibleItem.patient_pays)
            .join(EligibleItem, EligibleItem.template_id == PackageTemplate.id)
            .where(EligibleItem.treatment_type_id == treatment.id,
                   PackageTemplate.archived.is_(False), EligibleItem.patient_pays > price)
            .order_by(PackageTemplate.name)).first()
        if above is not None:
            name, pays = above
            raise ValidationError("price", _(
                "The package \u201c{package}\u201d has Patient Pays {amount} for {treatment}; "
                "lower it there first, or choose a price of at least that.").format(
                    package=name, amount=self._clinic.format_money(pays),
                    treatment=treatment.name))

    @staticmethod
    def _unique_name(session, model, name: str, own_id: int | None, what: str) -> None:
        # Compared casefolded in Python: SQLite's lower() knows only ASCII ("Élan" vs "élan").
        folded = name.casefold()
        clash = any(other.casefold() == folded for other in session.scalars(
            select(model.name).where(model.id != (own_id or 0))))
        if clash:
            raise NotAllowed(_(_NAME_TAKEN[what]).format(name=name))


_NAME_TAKEN = {
    "treatment type": N_("There is already a treatment type called \u201c{name}\u201d; "
                         "choose another name."),
    "package template": N_("There is already a package template called \u201c{name}\u201d; "
                           "choose another name."),
}


def _treatment_names(session) -> dict[int, str]:
    return dict(session.execute(select(TreatmentType.id, TreatmentType.name)).all())


def _treatment_row(t: TreatmentType) -> TreatmentTypeRow:
    return TreatmentTypeRow(t.id, t.name, t.duration_min, t.price, t.tax_rate, t.active)


def _template_row(t: PackageTemplate, names: dict[int, str]) -> PackageTemplateRow:
    return PackageTemplateRow(
        t.id, t.name, t.price, t.uses, t.tax_rate, t.validity, t.archived,
        tuple(EligibleRow(e.treatment_type_id, names.get(e.treatment_type_id, "?"),
                          e.patient_pays) for e in t.eligible), t.refund_policy)


def _template_snapshot(t: PackageTemplate) -> dict:
    data = snapshot(t, "name", "price", "uses", "tax_rate", "validity", "archived",
                    "refund_policy")
    data["eligible"] = {str(e.treatment_type_id): e.patient_pays for e in t.eligible}
    return data
