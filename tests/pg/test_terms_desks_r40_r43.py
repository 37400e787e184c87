"""R40 and R43 at two desks at once, on PostgreSQL: a package template's refund policy (and
its other terms) and a membership plan's terms are edited or archived at one desk while
another sells from the template, refunds a package sold from it, or enrols a patient in the
plan. A sale or an enrolment waits for the edit and copies one version of the terms whole
(never the old policy and price with the new Patient Pays); an archive it waited for
refuses it; a refund follows the policy its package was sold under and waits for nobody.
(On SQLite BEGIN IMMEDIATE serialises every write.)"""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from sqlalchemy import text

from app.services import ClinicError
from tests.helpers.held_row import while_held

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")

POLICY_AND_PRICE = ("UPDATE package_templates SET refund_policy = 'standard_price', "
                    "price = 90000 WHERE id = :id")
PAYS = "UPDATE package_template_items SET patient_pays = 500 WHERE template_id = :id"


def test_r40_a_sale_waits_for_the_policy_edit_and_copies_the_new_terms_whole(clinic,
                                                                             catalog):
    template = catalog["ten_massages"]
    [sale] = while_held(
        clinic, "package_templates", template,
        lambda: clinic.billing.sell_package(catalog["patient"], template),
        what="the template's edit", commit=True,
        edits=[(POLICY_AND_PRICE, {"id": template}), (PAYS, {"id": template})])
    assert not isinstance(sale, ClinicError), sale
    detail = clinic.packages.detail(sale.package_id)
    assert (detail.refund_policy, detail.summary.price) == ("standard_price", 90000)
    assert [c.patient_pays for c in detail.coverage] == [500]


def test_r40_an_archive_the_sale_waited_for_refuses_it(clinic, catalog):
    template = catalog["ten_massages"]
    [sale] = while_held(
        clinic, "package_templates", template,
        lambda: clinic.billing.sell_package(catalog["patient"], template),
        what="the template's archive", commit=True,
        edits=[("UPDATE package_templates SET archived = true WHERE id = :id",
                {"id": template})])
    assert isinstance(sale, ClinicError) and "archived" in str(sale), sale
    assert clinic.packages.for_patient(catalog["patient"]) == []


def test_r40_a_refund_while_the_template_policy_is_edited_keeps_the_packages_own(clinic,
                                                                                catalog):
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.sign_in(catalog["ana"], "2468")
    template = catalog["ten_massages"]
    sold = clinic.billing.sell_package(catalog["patient"], template)
    clinic.billing.receive_payment(catalog["patient"], 80000, "cash",
                                   invoice_id=sold.invoice_id)
    editing = clinic.db.engine.connect()  # the other desk, mid-edit: the row is its own
    editing.execute(text(POLICY_AND_PRICE), {"id": template})
    done: list = []
    refund = threading.Thread(target=lambda: done.append(
        clinic.packages.refund(sold.package_id, 80000)), daemon=True)
    refund.start()
    refund.join(15)
    try:
        assert done, "the refund waited for the template's edit"
    finally:
        editing.commit()
        editing.close()
    [history] = clinic.packages.detail(sold.package_id).refunds
    assert history.amount == 80000  # pro rata as sold: 10 unused of 10, all collected
    assert clinic.packages.detail(sold.package_id).refund_policy == "pro_rata"
    later = clinic.billing.sell_package(catalog["patient"], template)
    assert clinic.packages.detail(later.package_id).refund_policy == "standard_price"


@pytest.fixture
def plan(clinic, catalog):
    return clinic.catalog.add_membership_plan("Monthly Massage", fee=9000, period="1m",
                                              uses_per_period=2,
                                              eligible={catalog["massage"]: 0})


def test_r43_an_enrolment_waits_for_the_plan_edit_and_copies_the_new_terms_whole(
        clinic, catalog, plan):
    [member] = while_held(
        clinic, "membership_plans", plan,
        lambda: clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 2)),
        what="the plan's edit", commit=True,
        edits=[("UPDATE membership_plans SET fee = 9500, uses_per_period = 3 WHERE id = :id",
                {"id": plan}),
               ("UPDATE membership_plan_items SET patient_pays = 700 WHERE plan_id = :id",
                {"id": plan})])
    assert isinstance(member, int), member
    [m] = clinic.memberships.for_patient(catalog["patient"])
    assert (m.fee, m.uses_per_period) == (9500, 3)
    [choice] = clinic.schedule.eligible_memberships(catalog["patient"], catalog["massage"],
                                                    date(2026, 3, 9))
    assert clinic.billing.invoice(m.periods[0].invoice_id).total == 9500
    with clinic.db.read() as s:
        pays = s.execute(text("SELECT patient_pays FROM membership_coverage "
                              "WHERE membership_id = :id"), {"id": member}).scalars().all()
    assert pays == [700] and choice.id == member


def test_r43_an_archive_the_enrolment_waited_for_refuses_it(clinic, catalog, plan):
    [member] = while_held(
        clinic, "membership_plans", plan,
        lambda: clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 2)),
        what="the plan's archive", commit=True,
        edits=[("UPDATE membership_plans SET active = false WHERE id = :id", {"id": plan})])
    assert isinstance(member, ClinicError) and "no longer offered" in str(member), member
    assert clinic.memberships.for_patient(catalog["patient"]) == []


def test_r43_two_edits_of_one_plan_take_turns(clinic, catalog, plan):
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.sign_in(catalog["ana"], "2468")
    outcomes = while_held(
        clinic, "membership_plans", plan,
        lambda: clinic.catalog.update_membership_plan(plan, fee=9900),
        what="the other edit", commit=True,
        edits=[("UPDATE membership_plans SET fee = 9500, name = 'Massage Monthly' "
                "WHERE id = :id", {"id": plan})])
    assert outcomes == [None]
    [row] = clinic.catalog.membership_plans()
    assert (row.name, row.fee) == ("Massage Monthly", 9900)  # the later edit on the earlier
