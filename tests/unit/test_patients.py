"""Patients: adding, editing and the search-as-you-type list (R30 refusals change nothing)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.models import AuditEntry
from app.services import NotFound, ValidationError
from helpers.audit import audit_count


def names(rows):
    return [r.full_name for r in rows]


@pytest.fixture
def people(clinic):
    add = clinic.patients.add
    return {
        "maria": add("Maria", "Lopez", phone="902-555-0101", email="maria.lopez@example.com",
                     birth_date=date(1984, 5, 17)),
        "mark": add("Mark", "MacDonald", phone="(902) 555-0177", email="mmac@example.ca"),
        "marie": add("Marie-Claude", "LeBlanc", phone="+1 902 420 3344",
                     email="mc.leblanc@example.ca"),
        "liam": add("Liam", "Martin", phone="782-555-0123"),
        "sarah": add("Sarah", "O'Brien", email="sarah_ob@example.com"),
    }


def test_add_and_get(clinic, clock):
    pid = clinic.patients.add("Maria", "Lopez", phone="902-555-0101",
                              email="maria@example.com", birth_date="1984-05-17",
                              notes="Prefers mornings")
    row = clinic.patients.get(pid)
    assert (row.first_name, row.last_name, row.phone, row.email, row.birth_date, row.notes,
            row.active) == ("Maria", "Lopez", "902-555-0101", "maria@example.com",
                            date(1984, 5, 17), "Prefers mornings", True)
    assert row.full_name == "Maria Lopez"
    assert row.sort_name == "Lopez, Maria"


def test_add_with_only_names(clinic):
    pid = clinic.patients.add("  Liam ", " Martin ")
    row = clinic.patients.get(pid)
    assert (row.first_name, row.last_name, row.phone, row.email, row.birth_date) == (
        "Liam", "Martin", None, None, None)


def test_add_is_audited(clinic):
    pid = clinic.patients.add("Maria", "Lopez", email="maria@example.com")
    with clinic.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "patient.add")).one()
        assert (entry.entity, entry.entity_id, entry.before) == ("patient", pid, "")
        after = json.loads(entry.after)
    assert after["first_name"] == "Maria"
    assert after["email"] == "maria@example.com"


def test_update(people, clinic):
    clinic.patients.update(people["maria"], last_name="Lopez-Garcia", phone="902 555 0102",
                           email="", birth_date=None)
    row = clinic.patients.get(people["maria"])
    assert (row.last_name, row.phone, row.email, row.birth_date) == (
        "Lopez-Garcia", "902 555 0102", None, None)
    assert row.first_name == "Maria"
    with clinic.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "patient.update")).one()
        before, after = json.loads(entry.before), json.loads(entry.after)
    assert (before["last_name"], after["last_name"]) == ("Lopez", "Lopez-Garcia")
    assert (before["birth_date"], after["birth_date"]) == ("1984-05-17", None)
    # the new phone is found by its digits
    assert names(clinic.patients.search("9025550102")) == ["Maria Lopez-Garcia"]
    assert clinic.patients.search("9025550101") == []


def test_deactivated_patient_leaves_the_search(people, clinic):
    clinic.patients.update(people["liam"], active=False)
    assert clinic.patients.search("Liam") == []
    assert clinic.patients.get(people["liam"]).active is False


# search

@pytest.mark.parametrize("text, expected", [
    ("Maria", ["Maria Lopez"]),
    ("mar", ["Marie-Claude LeBlanc", "Maria Lopez", "Mark MacDonald", "Liam Martin"]),
    ("MARK", ["Mark MacDonald"]),
    ("lopez", ["Maria Lopez"]),
    ("Mac", ["Mark MacDonald"]),
    ("o'b", ["Sarah O'Brien"]),
    ("Maria Lopez", ["Maria Lopez"]),
    ("lopez maria", ["Maria Lopez"]),
    ("  maria   lop ", ["Maria Lopez"]),
    ("mar mart", ["Liam Martin"]),
    ("Maria MacDonald", []),
    ("902555", ["Maria Lopez", "Mark MacDonald"]),
    ("902555010", ["Maria Lopez"]),
    ("9025550177", ["Mark MacDonald"]),
    ("902-555-01", ["Maria Lopez", "Mark MacDonald"]),
    ("(902)555", ["Maria Lopez", "Mark MacDonald"]),
    ("1902420", ["Marie-Claude LeBlanc"]),
    ("782", ["Liam Martin"]),
    ("5550101", []),                     # digits match from the start of the number
    ("maria.lo", ["Maria Lopez"]),
    ("mmac@", ["Mark MacDonald"]),
    ("mc.leblanc@example", ["Marie-Claude LeBlanc"]),
    ("sarah_", ["Sarah O'Brien"]),       # "_" is literal, not a LIKE wildcard
    ("sarah%", []),                      # "%" is literal too
    ("zzz", []),
])
def test_search(people, clinic, text, expected):
    assert names(clinic.patients.search(text)) == expected


def test_search_wildcards_are_literal(people, clinic):
    assert clinic.patients.search("_") == []
    assert clinic.patients.search("%") == []
    assert clinic.patients.search("\\") == []


def test_empty_search_lists_everyone_by_last_name(people, clinic):
    assert names(clinic.patients.search("")) == [
        "Marie-Claude LeBlanc", "Maria Lopez", "Mark MacDonald", "Liam Martin",
        "Sarah O'Brien"]
    assert len(clinic.patients.search("", limit=2)) == 2
    assert len(clinic.patients.search("   ", limit=0)) == 1    # the limit is at least 1


def test_search_returns_plain_rows(people, clinic):
    (row,) = clinic.patients.search("Maria")
    assert row.id == people["maria"]
    assert row.email == "maria.lopez@example.com"
    assert row.birth_date == date(1984, 5, 17)


def test_search_phone_typed_with_spaces(people, clinic):
    assert names(clinic.patients.search("(902) 555-0101")) == ["Maria Lopez"]
    assert names(clinic.patients.search("902 555 0177")) == ["Mark MacDonald"]


def test_search_accented_names_ignore_case(clinic):
    clinic.patients.add("Émilie", "Thériault")
    assert names(clinic.patients.search("émilie")) == ["Émilie Thériault"]
    assert names(clinic.patients.search("THÉRIAULT")) == ["Émilie Thériault"]


def test_search_accented_names_as_typed(clinic):
    clinic.patients.add("Émilie", "Thériault")
    assert names(clinic.patients.search("Émilie")) == ["Émilie Thériault"]
    assert names(clinic.patients.search("thé")) == ["Émilie Thériault"]


# refusals

@pytest.mark.parametrize("kwargs, field, message", [
    (dict(first_name=""), "first_name", "Please enter the first name"),
    (dict(last_name="   "), "last_name", "Please enter the last name"),
    (dict(first_name="x" * 101), "first_name", "at most 100 characters"),
    (dict(email="not-an-email"), "email", "is not an email address"),
    (dict(email="maria@example"), "email", "is not an email address"),
    (dict(email="maria lopez@example.com"), "email", "is not an email address"),
    (dict(phone="call me"), "phone", "is not a phone number"),
    (dict(phone="text"), "phone", "is not a phone number"),
    (dict(phone="902-555-abcd"), "phone", "is not a phone number"),
    (dict(birth_date=date(2026, 3, 3)), "birth_date", "between Jan 1, 1900 and Mar 2, 2026"),
    (dict(birth_date="2030-01-01"), "birth_date", "between Jan 1, 1900 and Mar 2, 2026"),
    (dict(birth_date=date(1899, 12, 31)), "birth_date", "between Jan 1, 1900"),
    (dict(birth_date="17/05/1984"), "birth_date", "must be a date like 2026-03-31"),
    (dict(birth_date="2026-02-30"), "birth_date", "must be a date like 2026-03-31"),
    (dict(birth_date=19840517), "birth_date", "must be a date"),
])
def test_r30_bad_patient_is_refused_and_changes_nothing(people, clinic, kwargs, field,
                                                        message):
    args = dict(first_name="Nora", last_name="Singh")
    args.update(kwargs)
    before = (clinic.patients.search("", limit=500), audit_count(clinic))
    with pytest.raises(ValidationError) as err:
        clinic.patients.add(args.pop("first_name"), args.pop("last_name"), **args)
    assert err.value.field == field
    assert message in str(err.value)
    assert (clinic.patients.search("", limit=500), audit_count(clinic)) == before


def test_birth_date_today_is_allowed(clinic, clock):
    pid = clinic.patients.add("New", "Born", birth_date=clock().date())
    assert clinic.patients.get(pid).birth_date == date(2026, 3, 2)


@pytest.mark.parametrize("phone", ["902-555-0101", "+1 (902) 555-0101", "902.555.0101",
                                   "902-555-0101 ext. 12", "902 555 0101 x3"])
def test_phone_formats_accepted(clinic, phone):
    pid = clinic.patients.add("Nora", "Singh", phone=phone)
    assert clinic.patients.get(pid).phone == phone


@pytest.mark.parametrize("changes, field", [
    ({"first_name": ""}, "first_name"),
    ({"email": "nope"}, "email"),
    ({"phone": "nope"}, "phone"),
    ({"birth_date": date(2027, 1, 1)}, "birth_date"),
    ({"last_name": "Changed", "email": "nope"}, "email"),
])
def test_r30_bad_update_changes_nothing(people, clinic, changes, field):
    before = clinic.patients.get(people["maria"])
    with pytest.raises(ValidationError) as err:
        clinic.patients.update(people["maria"], **changes)
    assert err.value.field == field
    assert clinic.patients.get(people["maria"]) == before


@pytest.mark.parametrize("ident", [999, "1", None])
def test_r30_unknown_patient(people, clinic, ident):
    with pytest.raises(NotFound) as err:
        clinic.patients.get(ident)
    assert "patient" in str(err.value)
    with pytest.raises(NotFound):
        clinic.patients.update(ident, first_name="X")


# short prefixes: the surname's range and the other alternatives are read apart and merged
# (issue 22); on either engine the list is every match in (last name, first name, id) order

CROWD = [("Walter", "Adams"), ("Wanda", "Walker"), ("Carlos", "Walker"), ("Trevor", "Wang"),
         ("Anna", "Tremblay"), ("Tracy", "Walsh"), ("Zoe", "Wade"), ("Wade", "Zimmer"),
         ("Amir", "Smith"), ("Wally", "Trent"), ("Ward", "Adams"), ("Emma", "Zhang")]


@pytest.fixture
def crowd(clinic):
    ids = [clinic.patients.add(first, last, email=f"{last}.{first}{n}@example.com".lower())
           for n in range(3) for first, last in CROWD]
    clinic.patients.update(ids[1], active=False)  # a deactivated Wanda Walker drops out
    return ids


def expected(clinic, crowd, text, limit):
    rows = [clinic.patients.get(pid) for pid in crowd]
    keys = text.lower().split()
    found = [r for r in rows if r.active and all(
        any(v.lower().startswith(k) for v in (r.first_name, r.last_name, r.email or ""))
        for k in keys)]
    return [r.id for r in sorted(found, key=lambda r: (r.last_name.lower(),
                                                       r.first_name.lower(), r.id))][:limit]


@pytest.mark.parametrize("limit", [1, 4, 50])
@pytest.mark.parametrize("text", ["Wa", "wal", "Tr", "Tre", "Sm", "Ad", "Z", "wa wa",
                                  "wade", "Tr Wa", "Walker Carlos"])
def test_short_prefixes_list_every_match_in_name_order(crowd, clinic, text, limit):
    assert [r.id for r in clinic.patients.search(text, limit=limit)] == expected(
        clinic, crowd, text, limit)


@pytest.mark.parametrize("text", ["Wa", "w", "Tr", "a"])
def test_common_prefixes_walk_to_the_same_list(crowd, clinic, monkeypatch, text):
    from app.services.patients import PatientService

    common = PatientService._common
    monkeypatch.setattr(PatientService, "_common",
                        staticmethod(lambda s, query: common(s, query, threshold=3)))
    assert [r.id for r in clinic.patients.search(text, limit=5)] == expected(
        clinic, crowd, text, 5)
