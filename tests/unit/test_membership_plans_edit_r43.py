"""R43: editing and archiving a membership plan, as package templates are: new enrolments
take the new terms, patients already enrolled keep the ones copied when they enrolled."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.services.errors import ClinicError, NotAllowed, NotFound, ValidationError
from helpers.audit import audit_count, audit_entries


@pytest.fixture
def plan(clinic, catalog):
    return clinic.catalog.add_membership_plan(
        "Monthly Massage", fee=9000, period="1m", uses_per_period=2,
        eligible={catalog["massage"]: 0}, rollover_cap=1, tax_rate=Decimal("0.15"))


def _row(clinic, plan_id):
    return next(p for p in clinic.catalog.membership_plans(include_inactive=True)
                if p.id == plan_id)


def test_an_edit_reaches_new_enrolments_only(clinic, catalog, plan, clock):
    clock.set(datetime(2026, 3, 1, 9))
    before = clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))
    clinic.catalog.update_membership_plan(
        plan, name="Monthly Massage Plus", fee=12000, uses_per_period=4, rollover_cap=2,
        tax_rate=Decimal("0.05"), eligible={catalog["massage"]: 0, catalog["physio"]: 1500})
    row = _row(clinic, plan)
    assert (row.name, row.fee, row.period, row.uses_per_period, row.rollover_cap,
            row.tax_rate) == ("Monthly Massage Plus", 12000, "1m", 4, 2, Decimal("0.05"))
    assert {(e.treatment_type_id, e.patient_pays) for e in row.eligible} == {
        (catalog["massage"], 0), (catalog["physio"], 1500)}
    other = clinic.patients.add("Sam", "Roy", phone="902-555-0102")
    after = clinic.memberships.enroll(other, plan, start=date(2026, 3, 1))
    [kept] = clinic.memberships.for_patient(catalog["patient"])
    [new] = clinic.memberships.for_patient(other)
    assert (kept.id, kept.plan_name, kept.uses_left_this_period) == (
        before, "Monthly Massage", 2)
    assert (new.id, new.plan_name, new.uses_left_this_period) == (
        after, "Monthly Massage Plus", 4)
    assert [clinic.billing.invoice(p.invoice_id).total for p in kept.periods] == [10350]
    assert [clinic.billing.invoice(p.invoice_id).total for p in new.periods] == [12600]


def test_an_edit_is_audited_with_before_and_after(clinic, catalog, plan):
    clinic.catalog.update_membership_plan(plan, fee=9500)
    [entry] = audit_entries(clinic, "membership_plan.update")
    assert entry.entity_id == plan
    assert json.loads(entry.before)["fee"] == 9000
    assert json.loads(entry.after)["fee"] == 9500
    assert json.loads(entry.after)["eligible"] == {str(catalog["massage"]): 0}
    count = audit_count(clinic)
    clinic.catalog.update_membership_plan(plan, fee=9500)  # nothing changes: no event
    assert audit_count(clinic) == count


def test_unlimited_leaves_nothing_to_roll_over(clinic, plan):
    clinic.catalog.update_membership_plan(plan, uses_per_period=None)
    row = _row(clinic, plan)
    assert (row.uses_per_period, row.rollover_cap) == (None, 0)


@pytest.mark.parametrize("changes, field", [
    ({"fee": 0}, "fee"), ({"fee": "-5"}, "fee"), ({"uses_per_period": 0}, "uses_per_period"),
    ({"uses_per_period": 1001}, "uses_per_period"), ({"period": "3d"}, "period"),
    ({"period": "53w"}, "period"), ({"rollover_cap": -1}, "rollover_cap"),
    ({"name": "  "}, "name"), ({"eligible": {}}, "eligible"),
    ({"colour": "red"}, "colour"),
])
def test_an_edit_is_refused_as_adding_is_and_nothing_changes(clinic, catalog, plan, changes,
                                                              field):
    before, count = _row(clinic, plan), audit_count(clinic)
    with pytest.raises(ValidationError) as error:
        clinic.catalog.update_membership_plan(plan, **changes)
    assert error.value.field == field
    assert _row(clinic, plan) == before and audit_count(clinic) == count


def test_patient_pays_above_the_price_is_refused_naming_the_treatment(clinic, catalog, plan):
    with pytest.raises(ValidationError) as error:
        clinic.catalog.update_membership_plan(plan, eligible={catalog["massage"]: 999_999})
    assert error.value.field == "patient_pays"
    assert error.value.treatment_type_id == catalog["massage"]


def test_another_plans_name_is_refused_but_its_own_is_not(clinic, catalog, plan):
    clinic.catalog.add_membership_plan("Yearly Physio", fee=50000, period="1y",
                                       uses_per_period=None, eligible={catalog["physio"]: 0})
    with pytest.raises(NotAllowed, match="(?i)yearly physio"):
        clinic.catalog.update_membership_plan(plan, name="yearly physio")
    clinic.catalog.update_membership_plan(plan, name="MONTHLY MASSAGE")
    assert _row(clinic, plan).name == "MONTHLY MASSAGE"


def test_an_unknown_plan_is_refused(clinic, plan):
    for ident in (plan + 99, "1", True, None):
        with pytest.raises(NotFound):
            clinic.catalog.update_membership_plan(ident, fee=100)
        with pytest.raises(NotFound):
            clinic.catalog.archive_membership_plan(ident)


def test_archiving_stops_enrolment_and_existing_memberships_go_on(clinic, catalog, plan,
                                                                   clock):
    clock.set(datetime(2026, 3, 1, 9))
    mid = clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))
    clinic.catalog.archive_membership_plan(plan)
    assert clinic.catalog.membership_plans() == []
    assert _row(clinic, plan).active is False
    [entry] = audit_entries(clinic, "membership_plan.archive")
    assert (json.loads(entry.before), json.loads(entry.after)) == (
        {"active": True}, {"active": False})
    other = clinic.patients.add("Sam", "Roy", phone="902-555-0102")
    with pytest.raises(NotAllowed):
        clinic.memberships.enroll(other, plan, start=date(2026, 3, 1))
    clock.set(datetime(2026, 4, 1, 9))
    assert len(clinic.memberships.invoice_due()) == 1  # the member's April still comes
    [summary] = clinic.memberships.for_patient(catalog["patient"])
    assert (summary.id, summary.status) == (mid, "active")
    clinic.catalog.archive_membership_plan(plan, archived=False)
    assert [p.id for p in clinic.catalog.membership_plans()] == [plan]
    assert len(audit_entries(clinic, "membership_plan.unarchive")) == 1
    with pytest.raises(ValidationError):
        clinic.catalog.archive_membership_plan(plan, archived="false")


def test_only_a_manager_edits_or_archives(clinic, plan, desk):
    before, count = _row(clinic, plan), audit_count(clinic)
    with pytest.raises(ClinicError, match="manager"):
        clinic.catalog.update_membership_plan(plan, fee=100)
    with pytest.raises(ClinicError, match="manager"):
        clinic.catalog.archive_membership_plan(plan)
    assert _row(clinic, plan) == before and audit_count(clinic) == count
