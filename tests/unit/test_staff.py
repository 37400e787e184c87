"""Staff members: practitioners who treat and desk staff who sell (R6, R29 audit)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.models import AuditEntry
from app.services import NotFound, ValidationError
from app.services.staff import PALETTE


def last_audit(clinic, action):
    with clinic.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                          .order_by(AuditEntry.id.desc()).limit(1)).one()
        return entry.entity, entry.entity_id, entry.before, entry.after


def test_add_practitioners_and_desk_staff(clinic):
    ana = clinic.staff.add("Ana Silva", practitioner=True, role="manager")
    chloe = clinic.staff.add("Chloe Tremblay", practitioner=False)
    a, c = clinic.staff.get(ana), clinic.staff.get(chloe)
    assert (a.name, a.practitioner, a.role, a.active) == ("Ana Silva", True, "manager", True)
    assert (c.name, c.practitioner, c.role, c.active) == ("Chloe Tremblay", False,
                                                          "front_desk", True)


def test_default_colours_come_from_the_palette_in_turn(clinic):
    ids = [clinic.staff.add(f"Person {n}") for n in range(len(PALETTE) + 1)]
    colours = [clinic.staff.get(i).colour for i in ids]
    assert colours[:len(PALETTE)] == list(PALETTE)
    assert colours[-1] == PALETTE[0]


def test_explicit_colour(clinic):
    ana = clinic.staff.add("Ana Silva", colour="#123abc")
    assert clinic.staff.get(ana).colour == "#123abc"


def test_list_sorted_and_filtered(catalog, clinic):
    names = [r.name for r in clinic.staff.list()]
    assert names == ["Ana Silva", "Ben Okafor", "Chloe Desk"]
    assert [r.name for r in clinic.staff.list(practitioners_only=True)] == ["Ana Silva",
                                                                            "Ben Okafor"]
    clinic.staff.update(catalog["ben"], active=False)
    assert [r.name for r in clinic.staff.list()] == ["Ana Silva", "Chloe Desk"]
    assert [r.name for r in clinic.staff.list(include_inactive=True)] == names


def test_update(catalog, clinic):
    clinic.staff.update(catalog["desk"], name="Chloe Tremblay", practitioner=True,
                        role="manager", colour="#00aa00")
    row = clinic.staff.get(catalog["desk"])
    assert (row.name, row.practitioner, row.role, row.colour) == (
        "Chloe Tremblay", True, "manager", "#00aa00")
    entity, entity_id, before, after = last_audit(clinic, "staff.update")
    assert (entity, entity_id) == ("staff", catalog["desk"])
    assert json.loads(before)["name"] == "Chloe Desk"
    assert json.loads(after)["name"] == "Chloe Tremblay"


def test_add_is_audited(clinic):
    ana = clinic.staff.add("Ana Silva", role="manager")
    entity, entity_id, before, after = last_audit(clinic, "staff.add")
    assert (entity, entity_id, before) == ("staff", ana, "")
    assert json.loads(after) == {"name": "Ana Silva", "practitioner": True, "role": "manager",
                                 "active": True}


@pytest.mark.parametrize("kwargs, field, message", [
    ({"name": ""}, "name", "Please enter the staff member's name"),
    ({"name": "   "}, "name", "Please enter the staff member's name"),
    ({"name": "x" * 101}, "name", "at most 100 characters"),
    ({"name": "Ana", "role": "owner"}, "role", "front desk or manager"),
    ({"name": "Ana", "colour": "red"}, "colour", "#4a90d9"),
    ({"name": "Ana", "colour": "#12345"}, "colour", "#4a90d9"),
])
def test_r30_bad_staff_member_is_refused(clinic, kwargs, field, message):
    name = kwargs.pop("name")
    with pytest.raises(ValidationError) as err:
        clinic.staff.add(name, **kwargs)
    assert err.value.field == field
    assert message in str(err.value)
    assert clinic.staff.list(include_inactive=True) == []


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"),
    ({"role": "boss"}, "role"),
    ({"colour": "blue"}, "colour"),
    ({"name": "Renamed", "role": "boss"}, "role"),
])
def test_r30_bad_update_changes_nothing(catalog, clinic, changes, field):
    before = clinic.staff.get(catalog["ana"])
    with pytest.raises(ValidationError) as err:
        clinic.staff.update(catalog["ana"], **changes)
    assert err.value.field == field
    assert clinic.staff.get(catalog["ana"]) == before


@pytest.mark.parametrize("ident", [999, "1", None, True])
def test_r30_unknown_staff_member(clinic, ident):
    clinic.staff.add("Ana Silva")
    with pytest.raises(NotFound):
        clinic.staff.get(ident)
    with pytest.raises(NotFound):
        clinic.staff.update(ident, name="x")
