"""Packages › Membership Plans: Edit… (and double-click) and Archive / Show archived (R43),
typed and clicked as a manager does, refusals included; a receptionist needs a manager's PIN."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.ui.billing.memberships_view import EnrolDialog
from app.ui.dialogs.manager_approval import ManagerApprovalDialog
from app.ui.packages.plans_view import MembershipPlanDialog, MembershipPlansView
from app.ui.tables import select_id

from ui.helpers import cell_texts, click, retype


@pytest.fixture
def plan(clinic, catalog):
    return clinic.catalog.add_membership_plan("Monthly Massage", fee=9000, period="1m",
                                              uses_per_period=2, rollover_cap=1,
                                              eligible={catalog["massage"]: 0})


def _view(qtbot, clinic, plan):
    view = MembershipPlansView(clinic)
    qtbot.addWidget(view)
    view.show()
    assert select_id(view.table, plan)
    return view


def test_r43_edit_typed_in_the_dialog_refusal_first_enrolled_keep_their_terms(
        qtbot, clinic, catalog, plan, shown, drive):
    clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 2))
    view = _view(qtbot, clinic, plan)
    seen = []

    def fill(d: MembershipPlanDialog) -> None:
        seen.append((d.windowTitle(), d.name.text(), d.fee.text(), d.uses.value(),
                     d.rollover.value(), d.eligible.checks[d.eligible.row_of(
                         catalog["massage"])].isChecked()))
        seen.append(any("already enrolled keep their terms" in label.text()
                        for label in d.findChildren(QLabel)))
        retype(qtbot, d.fee, "0")
        click(qtbot, d.ok_button)
        seen.append((d.isVisible(), d.focusWidget() is d.fee))
        retype(qtbot, d.fee, "95.00")
        retype(qtbot, d.name, "Monthly Massage Plus")
        d.uses.setValue(3)
        d.eligible.checks[d.eligible.row_of(catalog["physio"])].click()
        retype(qtbot, d.eligible.pays[d.eligible.row_of(catalog["physio"])], "10.00")
        click(qtbot, d.ok_button)

    answers = drive(MembershipPlanDialog, fill)
    click(qtbot, view.edit_button)
    assert answers == [1], shown.texts
    assert seen == [("Edit Membership Plan", "Monthly Massage", "90.00", 2, 1, True), True,
                    (True, True)]
    assert "more than zero" in shown.texts[0]
    [row] = clinic.catalog.membership_plans()
    assert (row.name, row.fee, row.uses_per_period, row.rollover_cap) == (
        "Monthly Massage Plus", 9500, 3, 1)
    assert {(e.treatment_type_id, e.patient_pays) for e in row.eligible} == {
        (catalog["massage"], 0), (catalog["physio"], 1000)}
    assert cell_texts(view.model, view.model.NAME) == ["Monthly Massage Plus"]
    [kept] = clinic.memberships.for_patient(catalog["patient"])
    assert kept.plan_name == "Monthly Massage"  # enrolled before the edit: its own terms


def test_r43_double_click_opens_edit_and_cancel_changes_nothing(qtbot, clinic, plan, drive):
    view = _view(qtbot, clinic, plan)
    titles = []
    answers = drive(MembershipPlanDialog, lambda d: (titles.append(d.windowTitle()),
                                                     d.reject()))
    index = view.model.index(0, view.model.FEE)
    view.table.doubleClicked.emit(index)
    assert (answers, titles) == ([0], ["Edit Membership Plan"])
    assert clinic.catalog.membership_plans()[0].fee == 9000


def test_r43_archive_hides_the_plan_from_enrol_show_archived_greys_it_and_restores(
        qtbot, clinic, catalog, plan, shown, drive):
    view = _view(qtbot, clinic, plan)
    assert view.archive_button.text() == "&Archive"
    click(qtbot, view.archive_button)
    assert view.model.rowCount() == 0 and not view.edit_button.isEnabled()
    assert [p.active for p in clinic.catalog.membership_plans(include_inactive=True)] == [False]
    offered = []
    drive(EnrolDialog, lambda d: (offered.append(d.plan.count()), d.reject()))
    EnrolDialog.ask(view, clinic, catalog["patient"])
    assert offered == [0]
    click(qtbot, view.show_archived)
    assert cell_texts(view.model, view.model.NAME) == ["Monthly Massage"]
    assert view.model.data(view.model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None
    select_id(view.table, plan)
    assert view.archive_button.text() == "Un&archive"
    click(qtbot, view.archive_button)
    assert view.model.data(view.model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert [p.id for p in clinic.catalog.membership_plans()] == [plan]
    assert shown.texts == []


def test_r43_a_receptionist_edits_with_a_managers_pin(qtbot, clinic, plan, desk, shown, drive):
    view = _view(qtbot, clinic, plan)
    assert view.edit_button.text() == "&Edit… (manager)"
    assert view.archive_button.text() == "&Archive (manager)"
    steps = []

    def approve(d: ManagerApprovalDialog) -> None:
        steps.append("pin")
        qtbot.keyClicks(d.secret, "2468")
        click(qtbot, d.ok_button)

    def fill(d: MembershipPlanDialog) -> None:
        steps.append("edit")
        retype(qtbot, d.fee, "99.00")
        click(qtbot, d.ok_button)

    drive(ManagerApprovalDialog, approve)
    drive(MembershipPlanDialog, fill)
    click(qtbot, view.edit_button)
    assert steps == ["pin", "edit"], shown.texts
    assert clinic.catalog.membership_plans()[0].fee == 9900
