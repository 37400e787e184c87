"""Views refresh when another desk changes what they show: clinic.changes_since(token)."""

from __future__ import annotations

from datetime import datetime

from app.services import Clinic


def test_the_first_look_counts_as_a_change_and_gives_the_token(clinic):
    changed, token = clinic.changes_since(None)
    assert changed
    assert isinstance(token, int)
    assert clinic.changes_since(token) == (False, token)


def test_nothing_changed_while_only_reading(clinic, catalog):
    _, token = clinic.changes_since(None)
    clinic.patients.search("mar")
    clinic.billing.account(catalog["patient"])
    clinic.packages.for_patient(catalog["patient"])
    clinic.schedule.day(datetime(2026, 3, 2).date())
    assert clinic.changes_since(token) == (False, token)


def test_a_change_moves_the_token_once(clinic, catalog):
    _, token = clinic.changes_since(None)
    clinic.patients.add("Noor", "Haddad")
    changed, newer = clinic.changes_since(token)
    assert changed and newer != token
    assert clinic.changes_since(newer) == (False, newer)


def test_a_refusal_changes_nothing(clinic, catalog):
    _, token = clinic.changes_since(None)
    try:
        clinic.billing.receive_payment(catalog["patient"], "-5", "cash")
    except Exception:  # noqa: BLE001 - the refusal itself is tested elsewhere
        pass
    assert clinic.changes_since(token) == (False, token)


def test_another_desk_s_change_is_seen(clinic, catalog, clock):
    """Two desks on the same clinic (the same file, or the same server database)."""
    _, token = clinic.changes_since(None)
    other = Clinic.open(clinic.db.url, clock=clock)
    try:
        other.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    finally:
        other.close()
    changed, _ = clinic.changes_since(token)
    assert changed
