"""R50: five wrong PINs in a row start a wait that doubles with each further miss; after ten
only a manager's PIN unlocks; the same wherever a PIN is typed; misses and lockouts audited,
never the PIN typed. Managers' PINs may be required to be longer (a clinic setting)."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher

from app.domain import pin_lockout as rule
from app.services import NotAllowed, ValidationError, auth
from app.services.pin_lockout import countdown, wait_words
from tests.helpers.audit import audit_count, audit_entries

WRONG = "0000"


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch):
    """Argon2 at its cheapest: these tests type dozens of PINs; the hash's cost is not R50's."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                        parallelism=1))


@pytest.fixture
def staff(clinic, catalog):
    """Ana and Ben managers (2468, 3579), Chloe at the front desk (1111); no one signed in."""
    ben = clinic.staff.add("Ben Okafor", practitioner=True, role="manager")
    for who, pin in ((catalog["ana"], "2468"), (ben, "3579"), (catalog["desk"], "1111")):
        clinic.auth.set_secret(who, pin)
    return dict(catalog, ben=ben)


def miss(clinic, staff_id, times=1):
    refusals = []
    for _ in range(times):
        with pytest.raises(NotAllowed) as refused:
            clinic.auth.sign_in(staff_id, WRONG)
        refusals.append(str(refused.value))
    return refusals


def test_r50_the_waits_double_from_the_fifth_miss_and_the_tenth_needs_a_manager():
    assert [rule.wait_after(n) and rule.wait_after(n).total_seconds() for n in range(1, 11)] \
        == [None, None, None, None, 30, 60, 120, 240, 480, None]
    assert [rule.needs_manager(n) for n in (9, 10, 11)] == [False, True, True]
    assert [wait_words(s) for s in (30, 60, 90, 480)] == ["30 s", "1 min", "1 min 30 s",
                                                          "8 min"]
    assert [countdown(s) for s in (27, 90, 479)] == ["0:27", "1:30", "7:59"]


def test_r50_four_misses_cost_nothing_and_a_right_pin_clears_them(clinic, staff):
    desk = staff["desk"]
    refusals = miss(clinic, desk, 4)
    assert all(r == "That name and PIN do not match. Try again." for r in refusals)
    assert clinic.auth.lockout(desk).misses == 4 and not clinic.auth.lockout(desk).locked
    assert clinic.auth.sign_in(desk, "1111").id == desk
    assert clinic.auth.lockout(desk).misses == 0
    # "in a row": after the right PIN, four more still cost nothing
    clinic.auth.sign_out()
    miss(clinic, desk, 4)
    assert not clinic.auth.lockout(desk).locked


def test_r50_the_fifth_miss_waits_30_s_and_each_further_one_doubles(clinic, staff, clock):
    desk = staff["desk"]
    *_, fifth = miss(clinic, desk, 5)
    assert fifth == ("That name and PIN do not match. Try again. Chloe Desk is locked out for "
                     "30 s after 5 wrong PINs in a row. Try again then, or ask a manager to "
                     "unlock them.")
    for wait in (60, 120, 240, 480):
        clock.advance(seconds=wait // 2)  # the last wait is over
        assert clinic.auth.lockout(desk).seconds_left == 0
        miss(clinic, desk)
        assert clinic.auth.lockout(desk).seconds_left == wait
    clock.advance(seconds=100)
    lock = clinic.auth.lockout(desk)
    assert (lock.misses, lock.seconds_left, lock.locked) == (9, 380, True)


def test_r50_while_locked_even_the_right_pin_is_refused_unchecked_and_uncounted(clinic,
                                                                                staff, clock):
    desk = staff["desk"]
    miss(clinic, desk, 5)
    clock.advance(seconds=30)
    miss(clinic, desk)  # the sixth: 1 min
    clock.advance(seconds=30)
    before = audit_count(clinic)
    for pin in (WRONG, "1111"):
        with pytest.raises(NotAllowed, match="Chloe Desk is locked out for 30 s after 6 wrong "
                                             "PINs in a row"):
            clinic.auth.sign_in(desk, pin)
    assert audit_count(clinic) == before  # nothing counted, nothing written
    assert clinic.auth.lockout(desk).misses == 6 and clinic.auth.current() is None
    clock.advance(seconds=30)
    assert clinic.auth.sign_in(desk, "1111").id == desk


def test_r50_a_clock_set_back_never_makes_the_wait_longer_than_the_miss_started(clinic,
                                                                                 staff, clock):
    desk = staff["desk"]
    miss(clinic, desk, 5)
    clock.advance(hours=-3)  # someone set the desk's clock back
    assert clinic.auth.lockout(desk).seconds_left == 30


def _ten(clinic, staff_id, clock):
    for n in range(1, 11):
        miss(clinic, staff_id)
        clock.advance(minutes=9)  # every wait over before the next guess


def test_r50_after_ten_only_a_managers_pin_unlocks(clinic, staff, clock):
    desk = staff["desk"]
    _ten(clinic, desk, clock)
    lock = clinic.auth.lockout(desk)
    assert (lock.misses, lock.needs_manager, lock.locked) == (10, True, True)
    clock.advance(days=3)  # time does not end it
    with pytest.raises(NotAllowed, match="Chloe Desk is locked out after 10 wrong PINs in a "
                                         "row: a manager must unlock them"):
        clinic.auth.sign_in(desk, "1111")
    assert [lock.name for lock in clinic.auth.lockouts()] == ["Chloe Desk"]
    # a front desk member is not a manager; a wrong manager's PIN leaves the lock
    with pytest.raises(NotAllowed, match="Choose the manager who unlocks"):
        clinic.auth.unlock(desk, manager_id=staff["ben"] + 1000, manager_pin="2468")
    with pytest.raises(NotAllowed, match="Wrong PIN for Ana Silva: Chloe Desk is still "
                                         "locked out"):
        clinic.auth.unlock(desk, manager_id=staff["ana"], manager_pin=WRONG)
    assert clinic.auth.lockout(staff["ana"]).misses == 1  # the manager's own miss
    unlocked = clinic.auth.unlock(desk, manager_id=staff["ana"], manager_pin="2468")
    assert (unlocked.misses, unlocked.locked) == (0, False)
    assert clinic.auth.lockout(staff["ana"]).misses == 0  # her right PIN cleared hers
    assert clinic.auth.sign_in(desk, "1111").id == desk
    (entry,) = audit_entries(clinic, "staff.pin_unlock")
    assert entry.entity_id == desk and json.loads(entry.before) == {"misses": 10}
    assert json.loads(entry.after)["unlocked_by"] == {"staff_id": staff["ana"],
                                                      "name": "Ana Silva"}


def test_r50_unlock_refusals_name_why(clinic, staff, clock):
    ana, desk = staff["ana"], staff["desk"]
    with pytest.raises(NotAllowed, match="Chloe Desk is not locked out"):
        clinic.auth.unlock(desk, manager_id=ana, manager_pin="2468")
    with pytest.raises(NotAllowed, match="Choose the manager who unlocks"):
        clinic.auth.unlock(staff["ana"], manager_id=desk, manager_pin="1111")  # not a manager
    _ten(clinic, ana, clock)
    with pytest.raises(NotAllowed, match="Ana Silva cannot unlock themselves"):
        clinic.auth.unlock(ana, manager_id=ana, manager_pin="2468")
    # the signed-in manager is the one typing by default, and still types their PIN
    clinic.auth.sign_in(staff["ben"], "3579")
    with pytest.raises(NotAllowed, match="Wrong PIN for Ben Okafor"):
        clinic.auth.unlock(ana)
    assert not clinic.auth.unlock(ana, manager_pin="3579").locked


def test_r50_a_locked_manager_cannot_unlock_anyone(clinic, staff, clock):
    _ten(clinic, staff["desk"], clock)
    miss(clinic, staff["ben"], 5)
    with pytest.raises(NotAllowed, match="Ben Okafor is locked out for 30 s"):
        clinic.auth.unlock(staff["desk"], manager_id=staff["ben"], manager_pin="3579")
    assert clinic.auth.lockout(staff["desk"]).needs_manager


def test_r50_manager_approval_counts_a_wrong_pin_against_that_manager(clinic, staff, clock):
    ana = staff["ana"]
    clinic.auth.sign_in(staff["desk"], "1111")
    for _ in range(4):
        with pytest.raises(NotAllowed, match="^Wrong PIN for Ana Silva: nothing was approved. "
                                             "Try again.$"):
            clinic.auth.approve(ana, WRONG, "refund a package")
    with pytest.raises(NotAllowed, match="Ana Silva is locked out for 30 s after 5"):
        clinic.auth.approve(ana, WRONG, "refund a package")
    with pytest.raises(NotAllowed, match="Ana Silva is locked out for 30 s after 5"):
        clinic.auth.approve(ana, "2468", "refund a package")  # unchecked while locked
    # the approval's misses and the sign-in's are one count: the same person's PIN
    clock.advance(seconds=30)
    clinic.auth.sign_out()
    with pytest.raises(NotAllowed, match="Ana Silva is locked out for 1 min after 6"):
        clinic.auth.sign_in(ana, WRONG)
    clock.advance(minutes=1)
    clinic.auth.sign_in(staff["desk"], "1111")
    assert clinic.auth.approve(ana, "2468", "refund a package").manager_id == ana
    assert clinic.auth.lockout(ana).misses == 0


def test_r50_misses_and_lockouts_are_audited_without_the_pin(clinic, staff, clock):
    desk = staff["desk"]
    miss(clinic, desk, 5)
    misses = audit_entries(clinic, "staff.pin_miss")
    assert [json.loads(e.after) for e in misses] == [
        {"misses": n, "where": "sign_in"} for n in range(1, 6)]
    assert all(e.entity == "staff" and e.entity_id == desk and e.staff_id is None
               for e in misses)
    (lockout,) = audit_entries(clinic, "staff.pin_lockout")
    assert json.loads(lockout.after) == {"misses": 5, "locked_until": "2026-03-02T09:00:30",
                                         "manager_must_unlock": False}
    clinic.auth.sign_in(staff["ana"], "2468")
    assert clinic.audit.verify().ok
    for entry in misses + [lockout]:
        assert WRONG not in entry.after and "1111" not in entry.after


def test_r50_unknown_or_inactive_staff_are_refused_as_before_and_nothing_counted(clinic,
                                                                                staff):
    before = audit_count(clinic)
    for who in (999, None, "3", True):
        with pytest.raises(NotAllowed, match="do not match"):
            clinic.auth.sign_in(who, WRONG)
    clinic.staff.update(staff["desk"], active=False)
    before = audit_count(clinic)
    with pytest.raises(NotAllowed, match="do not match"):
        clinic.auth.sign_in(staff["desk"], "1111")
    assert audit_count(clinic) == before


# managers' longer PINs --------------------------------------------------------------------

def test_r50_a_new_clinic_asks_6_of_its_managers_pins(clinic, catalog):
    clinic.settings.update(manager_pin_min_digits=6)
    with pytest.raises(ValidationError, match="A manager's PIN must have at least 6 digits or "
                                              "characters") as refused:
        clinic.auth.create_first_manager("Dana Reyes", "2468")
    assert refused.value.field == "secret"
    assert clinic.auth.needs_first_manager()  # nobody was added
    dana = clinic.auth.create_first_manager("Dana Reyes", "246813")
    with pytest.raises(ValidationError, match="Dana Reyes is a manager: their PIN must have "
                                              "at least 6"):
        clinic.auth.set_secret(dana, "1357")
    clinic.auth.set_secret(catalog["desk"], "1111")  # the front desk keeps 4
    assert clinic.auth.sign_in(dana, "246813").id == dana


def test_r50_becoming_a_manager_needs_a_long_enough_pin(clinic, catalog):
    clinic.settings.update(manager_pin_min_digits=6)
    desk = catalog["desk"]
    clinic.auth.set_secret(desk, "1111")
    with pytest.raises(ValidationError, match="Chloe Desk's PIN is shorter than the 6 digits "
                                              "or characters a manager's PIN must have") as r:
        clinic.staff.update(desk, role="manager")
    assert r.value.field == "role" and clinic.staff.get(desk).role == "front_desk"
    clinic.auth.set_secret(desk, "111122")
    clinic.staff.update(desk, role="manager")
    assert clinic.staff.get(desk).role == "manager"
    # someone with no PIN yet may become a manager: their first PIN is then checked
    ben = catalog["ben"]
    clinic.staff.update(ben, role="manager")
    with pytest.raises(ValidationError, match="at least 6"):
        clinic.auth.set_secret(ben, "3579")


def test_r50_the_setting_is_a_whole_number_from_4_to_12(clinic):
    for bad in (3, 13, "6", 6.0, True, None):
        with pytest.raises(ValidationError, match="from 4 to 12") as refused:
            clinic.settings.update(manager_pin_min_digits=bad)
        assert refused.value.field == "manager_pin_min_digits"
    assert clinic.settings.update(manager_pin_min_digits=8).manager_pin_min_digits == 8
