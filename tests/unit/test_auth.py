"""Sign-in with argon2id-hashed PINs, and manager-only actions (issue 7)."""

from __future__ import annotations

import pytest

from app.models import Staff
from app.services import NotAllowed, ValidationError


def test_first_run_creates_the_first_manager(clinic):
    assert clinic.auth.needs_first_manager()
    manager = clinic.auth.create_first_manager("Ana Silva", "2468")
    assert not clinic.auth.needs_first_manager()
    with pytest.raises(NotAllowed):
        clinic.auth.create_first_manager("Someone Else", "1357")
    assert clinic.staff.get(manager).role == "manager"


def test_secrets_are_stored_as_argon2id_hashes_only(clinic):
    manager = clinic.auth.create_first_manager("Ana Silva", "2468")
    with clinic.db.read() as s:
        stored = s.get(Staff, manager).secret_hash
    assert stored.startswith("$argon2id$") and "2468" not in stored


def test_sign_in_with_the_right_pin_only(clinic):
    manager = clinic.auth.create_first_manager("Ana Silva", "2468")
    with pytest.raises(NotAllowed, match="do not match"):
        clinic.auth.sign_in(manager, "0000")
    assert clinic.auth.current() is None
    assert clinic.auth.sign_in(manager, "2468").name == "Ana Silva"
    assert clinic.auth.current().id == manager
    clinic.auth.sign_out()
    assert clinic.auth.current() is None


def test_short_pin_refused(clinic):
    desk = clinic.staff.add("Chloe", practitioner=False)
    with pytest.raises(ValidationError, match="at least 4"):
        clinic.auth.set_secret(desk, "12")


def test_front_desk_is_told_a_manager_is_needed(clinic):
    manager = clinic.auth.create_first_manager("Ana Silva", "2468")
    desk = clinic.staff.add("Chloe", practitioner=False)
    clinic.auth.set_secret(desk, "1111")
    clinic.auth.sign_in(desk, "1111")
    with pytest.raises(NotAllowed, match="Only a manager can refund a package"):
        clinic.auth.require_manager("refund a package")
    clinic.auth.sign_in(manager, "2468")
    clinic.auth.require_manager("refund a package")


def test_audit_trail_is_manager_only_and_verifiable(clinic, catalog):
    rows = clinic.audit.entries(entity="package_template")
    assert {r.action for r in rows} >= {"package_template.add"}
    assert all(r.staff_name == "System" for r in rows)
    assert clinic.audit.verify().ok
    desk = clinic.staff.add("Chloe", practitioner=False)
    clinic.auth.set_secret(desk, "1111")
    clinic.auth.sign_in(desk, "1111")
    with pytest.raises(NotAllowed, match="Only a manager can read the audit trail"):
        clinic.audit.entries()


def test_front_desk_cannot_promote_themself_or_change_the_catalogue(clinic):
    manager = clinic.auth.create_first_manager("Ana Silva", "2468")
    desk = clinic.staff.add("Chloe", practitioner=False)
    clinic.auth.set_secret(desk, "1111")
    clinic.auth.sign_in(desk, "1111")
    with pytest.raises(NotAllowed, match="Only a manager can change staff members"):
        clinic.staff.update(desk, role="manager")
    with pytest.raises(NotAllowed, match="Only a manager can change the clinic's settings"):
        clinic.settings.update(name="Mine now")
    with pytest.raises(NotAllowed, match="Only a manager can change package templates"):
        clinic.catalog.add_package_template("Free", price=0, uses=1, eligible={})
    assert clinic.staff.get(desk).role == "front_desk"
    clinic.auth.sign_in(manager, "2468")
    with pytest.raises(NotAllowed, match="only manager"):
        clinic.staff.update(manager, active=False)


def test_front_desk_sells_and_takes_payments_but_a_manager_refunds_and_voids(clinic, catalog):
    desk = clinic.staff.add("Dina Desk", practitioner=False)
    clinic.auth.set_secret(desk, "1111")
    clinic.auth.sign_in(desk, "1111")
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    payment = clinic.billing.receive_payment(catalog["patient"], 15000, "cash",
                                             invoice_id=sale.invoice_id)
    before = clinic.billing.account(catalog["patient"])
    refusals = {
        "refund a payment": lambda: clinic.billing.refund_payment(payment, 100),
        "void an invoice": lambda: clinic.billing.void_invoice(sale.invoice_id, "typo"),
        "refund a package": lambda: clinic.packages.refund(sale.package_id, 1000),
        "change a package's expiry date": lambda: clinic.packages.set_expiry(sale.package_id,
                                                                            None),
    }
    for action, attempt in refusals.items():
        with pytest.raises(NotAllowed, match=f"Only a manager can {action}"):
            attempt()
    assert clinic.billing.account(catalog["patient"]) == before
    assert clinic.packages.summary(sale.package_id).status == "active"


def test_the_desk_hashes_pins_at_argon2s_recommended_cost(quick_pins):
    """The tests hash PINs cheaply (tests/conftest.py, quick_pins); the desk does not."""
    from argon2 import PasswordHasher, Type

    recommended = PasswordHasher()
    assert quick_pins.type is Type.ID
    assert (quick_pins.time_cost, quick_pins.memory_cost, quick_pins.parallelism) == (
        recommended.time_cost, recommended.memory_cost, recommended.parallelism)


def test_a_pin_hashed_at_another_cost_signs_in_and_is_hashed_again(clinic, quick_pins):
    manager = clinic.auth.create_first_manager("Ana Silva", "2468")
    with clinic.db.write() as s:
        s.get(Staff, manager).secret_hash = quick_pins.hash("2468")  # the desk's own cost
    clinic.auth.sign_in(manager, "2468")
    with clinic.db.read() as s:
        stored = s.get(Staff, manager).secret_hash
    # hashed again at the cost of the moment (here the tests')
    assert stored.startswith("$argon2id$") and ",t=1," in stored
    clinic.auth.sign_out()
    clinic.auth.sign_in(manager, "2468")
