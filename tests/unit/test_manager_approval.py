"""Issue 14, item 10: a manager approves one manager-only action on the spot with their PIN,
and its audit entry names both the front desk and the manager (R29)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.models import AuditEntry
from app.services import NotAllowed


@pytest.fixture
def desk(clinic, catalog):
    """Ana (manager, 2468) and Ben (practitioner, 3579) have PINs; Chloe (front desk, 1111)
    is signed in, with a paid "3 Physio" package sold to Maria."""
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.set_secret(catalog["ben"], "3579")
    clinic.auth.set_secret(catalog["desk"], "1111")
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    clinic.billing.receive_payment(catalog["patient"], 10000, "cash", invoice_id=sale.invoice_id)
    clinic.auth.sign_in(catalog["desk"], "1111")
    return {**catalog, "package": sale.package_id, "invoice": sale.invoice_id}


def last_entry(clinic, action: str) -> tuple[int | None, str]:
    """Straight from the table: (staff id, after) of the newest entry of `action`."""
    with clinic.db.read() as s:
        return s.execute(sa.select(AuditEntry.staff_id, AuditEntry.after)
                         .where(AuditEntry.action == action)
                         .order_by(AuditEntry.id.desc()).limit(1)).one()


def test_front_desk_is_told_up_front_which_actions_need_a_manager(clinic, desk):
    for action in ("refund a package", "change a package's expiry date", "void an invoice",
                   "refund a payment"):
        assert clinic.auth.needs_approval(action)
    assert not clinic.auth.needs_approval("take a payment")  # not manager-only
    clinic.auth.sign_in(desk["ana"], "2468")
    assert not clinic.auth.needs_approval("refund a package")


def test_the_managers_who_can_approve(clinic, desk):
    assert [m.name for m in clinic.auth.can_approve()] == ["Ana Silva"]


def test_approve_with_the_right_pin(clinic, desk):
    approval = clinic.auth.approve(desk["ana"], "2468", "refund a package")
    assert (approval.manager_id, approval.manager_name) == (desk["ana"], "Ana Silva")
    assert approval.staff_id == desk["desk"]


@pytest.mark.parametrize("pin", ["0000", "", "1111", None, "2468 "])
def test_approve_with_a_wrong_pin_is_refused(clinic, desk, pin):
    with pytest.raises(NotAllowed, match="Wrong PIN for Ana Silva"):
        clinic.auth.approve(desk["ana"], pin, "refund a package")


def test_approve_by_someone_not_a_manager_is_refused(clinic, desk):
    with pytest.raises(NotAllowed, match="Ben Okafor is not a manager"):
        clinic.auth.approve(desk["ben"], "3579", "refund a package")


def test_without_approval_the_refund_is_refused_as_before(clinic, desk):
    with pytest.raises(NotAllowed, match="Only a manager can refund a package"):
        clinic.packages.refund(desk["package"], 5000)
    assert clinic.packages.summary(desk["package"]).status == "active"


def test_an_approved_refund_is_done_and_audited_with_both_names(clinic, desk):
    approval = clinic.auth.approve(desk["ana"], "2468", ("refund a package",
                                                         "refund a payment"))
    with clinic.auth.approved(approval):
        result = clinic.packages.refund(desk["package"], 5000)
        payment_id, amount = clinic.packages.refund_offers(result.package_refund_id)[0]
        clinic.billing.refund_payment(payment_id, amount,
                                      package_refund_id=result.package_refund_id)
    assert clinic.packages.summary(desk["package"]).status == "refunded"
    for action in ("package.refund", "payment.refund"):
        staff_id, after = last_entry(clinic, action)
        assert staff_id == desk["desk"]
        assert json.loads(after)["approved_by"] == {"staff_id": desk["ana"],
                                                          "name": "Ana Silva"}
    clinic.auth.sign_in(desk["ana"], "2468")
    row = clinic.audit.entries(action="package.refund")[0]
    assert (row.staff_name, row.approved_by) == ("Chloe Desk", "Ana Silva")
    assert clinic.audit.verify().ok


def test_an_approval_covers_only_its_own_action(clinic, desk):
    approval = clinic.auth.approve(desk["ana"], "2468", "change a package's expiry date")
    with clinic.auth.approved(approval):
        clinic.packages.set_expiry(desk["package"], datetime(2027, 1, 31).date())
        with pytest.raises(NotAllowed, match="Only a manager can void an invoice"):
            clinic.billing.void_invoice(desk["invoice"], "wrong package")
    assert clinic.packages.summary(desk["package"]).expires_on == datetime(2027, 1, 31).date()


def test_an_approval_does_not_outlive_its_action(clinic, desk):
    approval = clinic.auth.approve(desk["ana"], "2468", "refund a package")
    with clinic.auth.approved(approval):
        clinic.auth.require_manager("refund a package")
    assert clinic.auth.approval_in_force() is None
    with pytest.raises(NotAllowed, match="Only a manager can refund a package"):
        clinic.packages.refund(desk["package"], 5000)
    # nor a failed action, nor a sign-in in the middle of one
    with pytest.raises(RuntimeError):
        with clinic.auth.approved(approval):
            raise RuntimeError("the form was closed")
    assert clinic.auth.approval_in_force() is None
    with clinic.auth.approved(approval):
        clinic.auth.sign_out()
        clinic.auth.sign_in(desk["desk"], "1111")
        assert clinic.auth.approval_in_force() is None
        with pytest.raises(NotAllowed):
            clinic.auth.require_manager("refund a package")


def test_an_approval_is_only_for_whom_it_was_given(clinic, desk):
    approval = clinic.auth.approve(desk["ana"], "2468", "refund a package")
    clinic.auth.sign_in(desk["ben"], "3579")
    with pytest.raises(NotAllowed, match="given to someone else"):
        with clinic.auth.approved(approval):
            pass
    assert clinic.packages.summary(desk["package"]).status == "active"


def test_entries_outside_an_approval_name_no_approver(clinic, desk):
    clinic.auth.sign_in(desk["ana"], "2468")
    clinic.packages.refund(desk["package"], 5000)
    assert "approved_by" not in last_entry(clinic, "package.refund")[1]
    assert clinic.audit.entries(action="package.refund")[0].approved_by == ""
    assert clinic.audit.verify().ok
