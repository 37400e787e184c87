"""Treatment types and package templates: what the clinic offers (R3, R9, R15, R30)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import AuditEntry
from app.services import ClinicError, NotAllowed, NotFound, ValidationError, money
from helpers.audit import audit_count


def last_audit(clinic, action):
    with clinic.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                          .order_by(AuditEntry.id.desc()).limit(1)).one()
        return entry.entity_id, json.loads(entry.before or "null"), json.loads(entry.after)


def everything(clinic):
    """The whole catalogue, to compare before and after a refusal."""
    return (clinic.catalog.treatment_types(include_inactive=True),
            clinic.catalog.package_templates(include_archived=True),
            audit_count(clinic))


# treatment types

def test_add_treatment_type(clinic):
    tid = clinic.catalog.add_treatment_type("Massage 90 min", duration_min=90, price=13500)
    row = clinic.catalog.treatment_type(tid)
    assert (row.name, row.duration_min, row.price, row.tax_rate, row.active) == (
        "Massage 90 min", 90, 13500, Decimal("0"), True)
    assert type(row.price) is int


def test_add_treatment_type_with_tax_and_cents(clinic):
    tid = clinic.catalog.add_treatment_type("Physio assessment", duration_min="45",
                                            price=11050, tax_rate="0.15")
    row = clinic.catalog.treatment_type(tid)
    assert (row.duration_min, row.price, row.tax_rate) == (45, 11050, Decimal("0.15"))


def test_treatment_types_sorted_and_active_only(catalog, clinic):
    assert [t.name for t in clinic.catalog.treatment_types()] == [
        "Acupuncture", "Massage 60 min", "Physio follow-up"]
    clinic.catalog.update_treatment_type(catalog["acu"], active=False)
    assert [t.name for t in clinic.catalog.treatment_types()] == [
        "Massage 60 min", "Physio follow-up"]
    assert len(clinic.catalog.treatment_types(include_inactive=True)) == 3


def test_update_treatment_type(catalog, clinic):
    clinic.catalog.update_treatment_type(catalog["massage"], name="Massage (60 min)",
                                         price=9500, duration_min=60)
    row = clinic.catalog.treatment_type(catalog["massage"])
    assert (row.name, row.price) == ("Massage (60 min)", 9500)
    entity_id, before, after = last_audit(clinic, "treatment_type.update")
    assert entity_id == catalog["massage"]
    assert (before["price"], after["price"]) == (9000, 9500)
    assert (before["name"], after["name"]) == ("Massage 60 min", "Massage (60 min)")


def test_update_treatment_type_keeping_its_own_name(catalog, clinic):
    clinic.catalog.update_treatment_type(catalog["massage"], name="Massage 60 min")
    assert clinic.catalog.treatment_type(catalog["massage"]).name == "Massage 60 min"


def as_a_screen_reads(clinic, fields: dict) -> dict:
    """Typed money read as the forms read it, into the cents the catalogue takes (issue 16):
    these refusals are the form's words, from money.parse or from the service."""
    def read(text, field):
        return money.parse(text, field=field, **clinic.money_context()) \
            if isinstance(text, str) else text
    out = dict(fields)
    if "price" in out:
        out["price"] = read(out["price"], "price")
    if isinstance(out.get("eligible"), dict):
        out["eligible"] = {k: read(v, "patient_pays") for k, v in out["eligible"].items()}
    return out


@pytest.mark.parametrize("kwargs, field, message", [
    (dict(name="", duration_min=30, price=5000), "name", "Please enter the treatment name"),
    (dict(name="  ", duration_min=30, price=5000), "name", "Please enter the treatment name"),
    (dict(name="x" * 101, duration_min=30, price=5000), "name", "at most 100 characters"),
    (dict(name="Cupping", duration_min=30, price="-5"), "price", "cannot be negative"),
    (dict(name="Cupping", duration_min=30, price=-500), "price", "cannot be negative"),
    (dict(name="Cupping", duration_min=30, price="abc"), "price", "is not an amount"),
    (dict(name="Cupping", duration_min=30, price="12.345"), "price", "at most 2 digits"),
    (dict(name="Cupping", duration_min=30, price=""), "price", "Please enter the price"),
    (dict(name="Cupping", duration_min=30, price=50.0), "price", "floating-point"),
    (dict(name="Cupping", duration_min=0, price=5000), "duration_min", "between 5 and 600"),
    (dict(name="Cupping", duration_min=601, price=5000), "duration_min", "between 5 and 600"),
    (dict(name="Cupping", duration_min="abc", price=5000), "duration_min", "whole number"),
    (dict(name="Cupping", duration_min="30.5", price=5000), "duration_min", "whole number"),
    (dict(name="Cupping", duration_min=30, price=5000, tax_rate="1.5"), "tax_rate",
     "between 0% and 100%"),
    (dict(name="Cupping", duration_min=30, price=5000, tax_rate="-0.05"), "tax_rate",
     "between 0% and 100%"),
    (dict(name="Cupping", duration_min=30, price=5000, tax_rate="15%"), "tax_rate",
     "is not a number"),
    (dict(name="Cupping", duration_min=30, price=5000, tax_rate=0.15), "tax_rate",
     "typed exactly"),
])
def test_r30_bad_treatment_type_is_refused_and_changes_nothing(catalog, clinic, kwargs, field,
                                                               message):
    before = everything(clinic)
    name = kwargs.pop("name")
    with pytest.raises(ValidationError) as err:
        clinic.catalog.add_treatment_type(name, **as_a_screen_reads(clinic, kwargs))
    assert err.value.field == field
    assert message in str(err.value)
    assert everything(clinic) == before


def test_r30_duplicate_treatment_name_is_refused(catalog, clinic):
    before = everything(clinic)
    with pytest.raises(NotAllowed) as err:
        clinic.catalog.add_treatment_type("Massage 60 min", duration_min=60, price=9000)
    assert "already a treatment type called \u201cMassage 60 min\u201d" in str(err.value)
    with pytest.raises(NotAllowed):
        clinic.catalog.update_treatment_type(catalog["acu"], name="Massage 60 min")
    assert everything(clinic) == before


@pytest.mark.parametrize("changes, error", [
    ({"price": "-1"}, ValidationError),
    ({"price": "abc"}, ValidationError),
    ({"name": ""}, ValidationError),
    ({"duration_min": 0}, ValidationError),
    ({"tax_rate": "2"}, ValidationError),
    ({"name": "Acupuncture"}, NotAllowed),
])
def test_r30_bad_treatment_update_changes_nothing(catalog, clinic, changes, error):
    before = everything(clinic)
    with pytest.raises(error):
        clinic.catalog.update_treatment_type(catalog["massage"], **changes)
    assert everything(clinic) == before


@pytest.mark.parametrize("ident", [999, "1", None])
def test_r30_unknown_treatment_type(catalog, clinic, ident):
    with pytest.raises(NotFound):
        clinic.catalog.treatment_type(ident)
    before = everything(clinic)
    with pytest.raises(NotFound):
        clinic.catalog.update_treatment_type(ident, price=100)
    assert everything(clinic) == before


# package templates

def test_add_package_template(catalog, clinic):
    tid = clinic.catalog.add_package_template(
        "Acupuncture 6-pack", price=39000, uses=6, validity="1y",
        eligible={catalog["acu"]: 0}, tax_rate=Decimal("0"))
    row = clinic.catalog.package_template(tid)
    assert (row.name, row.price, row.uses, row.validity, row.archived) == (
        "Acupuncture 6-pack", 39000, 6, "1y", False)
    assert [(e.treatment_type_id, e.treatment_name, e.patient_pays) for e in row.eligible] == [
        (catalog["acu"], "Acupuncture", 0)]
    assert row.validity_text == "1 year"


def test_template_with_several_eligible_types_and_patient_pays(catalog, clinic):
    tid = clinic.catalog.add_package_template(
        "Wellness 5", price=40000, uses=5, validity="90D",
        eligible={catalog["massage"]: 0, catalog["physio"]: 1000, catalog["acu"]: 750})
    row = clinic.catalog.package_template(tid)
    assert row.validity == "90d"
    assert row.validity_text == "90 days"
    assert {e.treatment_type_id: e.patient_pays for e in row.eligible} == {
        catalog["massage"]: 0, catalog["physio"]: 1000, catalog["acu"]: 750}


def test_no_expiry_template(catalog, clinic):
    row = clinic.catalog.package_template(catalog["three_physio"])
    assert row.validity is None
    assert row.validity_text == "No expiry"
    tid = clinic.catalog.add_package_template("Empty validity", price=100, uses=1,
                                              eligible={catalog["acu"]: 0}, validity="  ")
    assert clinic.catalog.package_template(tid).validity is None


def test_patient_pays_equal_to_the_price_is_allowed(catalog, clinic):
    tid = clinic.catalog.add_package_template("Pay as you go", price=0, uses=1,
                                              eligible={catalog["massage"]: 9000})
    assert clinic.catalog.package_template(tid).eligible[0].patient_pays == 9000


def test_r3_template_per_use_values(catalog, clinic):
    row = clinic.catalog.package_template(catalog["three_physio"])
    assert (row.price, row.uses) == (10000, 3)
    if hasattr(row, "per_use_range"):
        assert row.per_use_range == (3333, 3334)


def test_template_search_and_archive(catalog, clinic):
    assert [t.name for t in clinic.catalog.package_templates()] == ["10 Massages", "3 Physio"]
    assert [t.name for t in clinic.catalog.package_templates(text="mass")] == ["10 Massages"]
    assert [t.name for t in clinic.catalog.package_templates(text="%")] == []
    clinic.catalog.archive_package_template(catalog["ten_massages"])
    assert [t.name for t in clinic.catalog.package_templates()] == ["3 Physio"]
    assert [t.archived for t in clinic.catalog.package_templates(include_archived=True)] == [
        True, False]
    entity_id, before, after = last_audit(clinic, "package_template.archive")
    assert (entity_id, before, after) == (catalog["ten_massages"], {"archived": False},
                                          {"archived": True})
    clinic.catalog.archive_package_template(catalog["ten_massages"], archived=False)
    assert len(clinic.catalog.package_templates()) == 2


def test_update_package_template(catalog, clinic):
    clinic.catalog.update_package_template(
        catalog["ten_massages"], name="10 Massages (60 min)", price=85000, uses=10,
        validity="1y", eligible={catalog["massage"]: 0, catalog["acu"]: 500})
    row = clinic.catalog.package_template(catalog["ten_massages"])
    assert (row.name, row.price, row.validity) == ("10 Massages (60 min)", 85000, "1y")
    assert {e.treatment_type_id: e.patient_pays for e in row.eligible} == {
        catalog["massage"]: 0, catalog["acu"]: 500}
    entity_id, before, after = last_audit(clinic, "package_template.update")
    assert before["price"] == 80000 and after["price"] == 85000
    assert before["eligible"] == {str(catalog["massage"]): 0}
    assert after["eligible"] == {str(catalog["massage"]): 0, str(catalog["acu"]): 500}


def test_update_template_validity_to_no_expiry(catalog, clinic):
    clinic.catalog.update_package_template(catalog["ten_massages"], validity=None)
    assert clinic.catalog.package_template(catalog["ten_massages"]).validity is None


def _template_args(catalog, **overrides):
    args = dict(name="5 Massages", price=42500, uses=5, validity="6m",
                eligible={catalog["massage"]: 0}, tax_rate="0")
    args.update(overrides)
    return args


@pytest.mark.parametrize("overrides, field, message", [
    (dict(name=""), "name", "Please enter the package name"),
    (dict(name="   "), "name", "Please enter the package name"),
    (dict(price="-5"), "price", "cannot be negative"),
    (dict(price=-1), "price", "cannot be negative"),
    (dict(price="abc"), "price", "is not an amount"),
    (dict(price="12.345"), "price", "at most 2 digits"),
    (dict(price=425.0), "price", "floating-point"),
    (dict(price="5000000"), "price", "cannot be more than"),
    (dict(uses=0), "uses", "between 1 and 1000"),
    (dict(uses=-3), "uses", "between 1 and 1000"),
    (dict(uses=1001), "uses", "between 1 and 1000"),
    (dict(uses="abc"), "uses", "whole number"),
    (dict(uses="2.5"), "uses", "whole number"),
    (dict(uses=2.5), "uses", "whole number"),
    (dict(tax_rate="1.01"), "tax_rate", "between 0% and 100%"),
    (dict(tax_rate="abc"), "tax_rate", "is not a number"),
    (dict(validity="0m"), "validity", "between 1 and 120 months"),
    (dict(validity="0d"), "validity", "between 1 and 3650 days"),
    (dict(validity="11y"), "validity", "between 1 and 10 years"),
    (dict(validity="abc"), "validity", "must look like 90d"),
    (dict(validity="6 weeks"), "validity", "must look like 90d"),
    (dict(validity="-6m"), "validity", "must look like 90d"),
    (dict(validity=6), "validity", "must look like 90d"),
    (dict(eligible={}), "eligible", "at least one treatment type"),
    (dict(eligible=None), "eligible", "at least one treatment type"),
    (dict(eligible=[1]), "eligible", "at least one treatment type"),
    ("massage_pays=-1", "patient_pays", "cannot be negative"),
    ("massage_pays=abc", "patient_pays", "is not an amount"),
    ("massage_pays=1.234", "patient_pays", "at most 2 digits"),
    ("massage_pays=90.01", "patient_pays", "cannot be more than its standard price"),
])
def test_r30_bad_package_template_is_refused_and_changes_nothing(catalog, clinic, overrides,
                                                                 field, message):
    if isinstance(overrides, str):
        overrides = dict(eligible={catalog["massage"]: overrides.split("=", 1)[1]})
    args = _template_args(catalog, **overrides)
    before = everything(clinic)
    name = args.pop("name")
    with pytest.raises(ValidationError) as err:
        clinic.catalog.add_package_template(name, **as_a_screen_reads(clinic, args))
    assert err.value.field == field
    assert message in str(err.value)
    assert everything(clinic) == before


def test_r30_patient_pays_above_price_names_the_treatment(catalog, clinic):
    with pytest.raises(ValidationError) as err:
        clinic.catalog.add_package_template(
            "Physio 3", price=10000, uses=3, eligible={catalog["physio"]: 8501})
    assert "Physio follow-up" in str(err.value)


def test_r30_unknown_eligible_treatment_is_refused(catalog, clinic):
    before = everything(clinic)
    with pytest.raises(NotFound) as err:
        clinic.catalog.add_package_template("Ghost", price=100, uses=1, eligible={999: 0})
    assert "999" in str(err.value)
    with pytest.raises(NotFound):
        clinic.catalog.add_package_template("Ghost", price=100, uses=1,
                                            eligible={catalog["massage"]: 0, "x": 0})
    assert everything(clinic) == before


def test_r30_duplicate_template_name_is_refused(catalog, clinic):
    before = everything(clinic)
    with pytest.raises(NotAllowed) as err:
        clinic.catalog.add_package_template(**_template_args(catalog, name="10 Massages"))
    assert "already a package template called \u201c10 Massages\u201d" in str(err.value)
    with pytest.raises(NotAllowed):
        clinic.catalog.update_package_template(catalog["three_physio"], name="10 Massages")
    assert everything(clinic) == before


@pytest.mark.parametrize("changes", [
    {"price": "-1"},
    {"price": "abc"},
    {"uses": 0},
    {"validity": "0m"},
    {"validity": "abc"},
    {"tax_rate": "5"},
    {"name": ""},
    {"name": "3 Physio"},
    {"eligible": {}},
    {"eligible": {999: 0}},
    {"eligible": {"massage": "-1"}},
    {"eligible": {"massage": "100"}},
    {"name": "Renamed", "eligible": {"massage": "100"}},
])
def test_r30_bad_template_update_changes_nothing(catalog, clinic, changes):
    if "eligible" in changes:
        changes["eligible"] = {catalog.get(k, k) if isinstance(k, str) else k: pays
                               for k, pays in changes["eligible"].items()}
    before = everything(clinic)
    with pytest.raises(ClinicError):
        clinic.catalog.update_package_template(catalog["ten_massages"], **changes)
    assert everything(clinic) == before


@pytest.mark.parametrize("ident", [999, "2", None])
def test_r30_unknown_template(catalog, clinic, ident):
    before = everything(clinic)
    with pytest.raises(NotFound):
        clinic.catalog.package_template(ident)
    with pytest.raises(NotFound):
        clinic.catalog.update_package_template(ident, price=100)
    with pytest.raises(NotFound):
        clinic.catalog.archive_package_template(ident)
    assert everything(clinic) == before


def test_template_add_is_audited(catalog, clinic):
    entity_id, before, after = last_audit(clinic, "package_template.add")
    assert entity_id == catalog["three_physio"]
    assert before is None
    assert after == {"name": "3 Physio", "price": 10000, "uses": 3, "tax_rate": "0",
                     "validity": None, "archived": False, "refund_policy": "pro_rata",
                     "eligible": {str(catalog["physio"]): 1000}}


def test_r30_names_differing_only_in_case_or_accents_case_are_duplicates(clinic, catalog):
    with pytest.raises(NotAllowed, match="already a package template"):
        clinic.catalog.add_package_template("10 MASSAGES", price=80000, uses=10,
                                            eligible={catalog["massage"]: 0})
    clinic.catalog.add_treatment_type("Élan stretch", duration_min=30, price=5000)
    with pytest.raises(NotAllowed, match="already a treatment type"):
        clinic.catalog.add_treatment_type("élan STRETCH", duration_min=30, price=5000)


def test_r30_treatment_price_cannot_drop_below_a_templates_patient_pays(clinic, catalog):
    # "3 Physio" makes the patient pay $10.00 per Physio follow-up.
    with pytest.raises(ValidationError, match="3 Physio") as refusal:
        clinic.catalog.update_treatment_type(catalog["physio"], price=999)
    assert refusal.value.field == "price"
    assert clinic.catalog.treatment_type(catalog["physio"]).price == 8500
    clinic.catalog.update_treatment_type(catalog["physio"], price=1000)
    assert clinic.catalog.treatment_type(catalog["physio"]).price == 1000
