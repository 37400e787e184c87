"""R9 and R43: a package template's and a membership plan's eligible treatment types are
checked by one function (app.services.eligibility), so both refuse alike: nothing chosen,
an unknown type, a Patient Pays that is not an amount or is above the standard price (the
row named), and nothing is written."""

from __future__ import annotations

import pytest

from app.services.eligibility import checked_eligible
from app.services.errors import NotFound, ValidationError


def _add_template(clinic, eligible):
    return clinic.catalog.add_package_template("5 Massages", price=40000, uses=5,
                                               eligible=eligible, validity="6m")


def _add_plan(clinic, eligible):
    return clinic.catalog.add_membership_plan("Monthly Massage", fee=9000, period="1m",
                                              uses_per_period=2, eligible=eligible)


ADDERS = {"package": _add_template, "membership": _add_plan}


@pytest.mark.parametrize("what", ADDERS)
def test_r9_r43_both_refuse_a_patient_pays_above_the_price_naming_the_row(
        clinic, catalog, what):
    before = (clinic.catalog.package_templates(), clinic.catalog.membership_plans())
    with pytest.raises(ValidationError, match="Patient Pays for Massage 60 min cannot be more "
                                              "than its standard price") as refused:
        ADDERS[what](clinic, {catalog["physio"]: 0, catalog["massage"]: 9001})
    assert (refused.value.field, refused.value.treatment_type_id) == (
        "patient_pays", catalog["massage"])
    with pytest.raises(ValidationError) as refused:
        ADDERS[what](clinic, {catalog["acu"]: "lots"})
    assert (refused.value.field, refused.value.treatment_type_id) == (
        "patient_pays", catalog["acu"])
    with pytest.raises(ValidationError, match=f"treatment type the {what} covers") as refused:
        ADDERS[what](clinic, {})
    assert refused.value.field == "eligible"
    with pytest.raises(NotFound):
        ADDERS[what](clinic, {987654: 0})
    assert (clinic.catalog.package_templates(), clinic.catalog.membership_plans()) == before


def test_r9_r43_the_one_check_gives_each_type_its_cents(clinic, catalog):
    with clinic.db.read() as s:
        assert checked_eligible(s, {catalog["massage"]: 9000, catalog["acu"]: 0},
                                clinic.money_context(), none_chosen="none") == [
            (catalog["massage"], 9000), (catalog["acu"], 0)]
        with pytest.raises(ValidationError, match="^none$"):
            checked_eligible(s, [], clinic.money_context(), none_chosen="none")
