"""Packages › Membership Plans and Patient Billing › Memberships (R43, R44), clicked and typed
as the desk does, refusals included."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate

from app.ui.billing.memberships_view import (CancelDialog, EnrolDialog, MembershipsView,
                                             PauseDialog, ResumeDialog)
from app.ui.dialogs.manager_approval import ManagerApprovalDialog
from app.ui.packages.plans_view import MembershipPlanDialog, MembershipPlansView

from ui.helpers import cell_texts, click, retype


@pytest.fixture
def plan(clinic, catalog):
    return clinic.catalog.add_membership_plan("Monthly Massage", fee=9000, period="1m",
                                              uses_per_period=2,
                                              eligible={catalog["massage"]: 0})


def test_r43_a_plan_typed_in_the_dialog_refusals_first(qtbot, clinic, catalog, shown, drive):
    view = MembershipPlansView(clinic)
    qtbot.addWidget(view)
    seen = []

    def fill(d: MembershipPlanDialog) -> None:
        retype(qtbot, d.name, "Physio Fortnightly")
        retype(qtbot, d.fee, "0")
        click(qtbot, d.ok_button)
        seen.append((d.isVisible(), d.focusWidget() is d.fee))
        retype(qtbot, d.fee, "45.00")
        d.period.setCurrentIndex(d.period.findData("w"))
        d.weeks.setValue(0)
        click(qtbot, d.ok_button)
        seen.append((d.isVisible(), d.focusWidget() is d.weeks))
        d.weeks.setValue(2)
        d.uses.setValue(0)
        click(qtbot, d.ok_button)
        seen.append((d.isVisible(), d.focusWidget() is d.uses))
        click(qtbot, d.unlimited)
        click(qtbot, d.ok_button)
        seen.append((d.isVisible(), d.focusWidget() is d.eligible.checks[0]))
        d.eligible.checks[d.eligible.row_of(catalog["physio"])].click()  # (as the tests of templates)
        click(qtbot, d.ok_button)

    answers = drive(MembershipPlanDialog, fill)
    click(qtbot, view.new_button)
    assert answers == [1], shown.texts
    assert seen == [(True, True), (True, True), (True, True), (True, True)]
    assert "more than zero" in shown.texts[0]
    assert "every N weeks (1w to 52w)" in shown.texts[1]
    assert "uses per period" in shown.texts[2].lower()
    assert "at least one treatment type" in shown.texts[3]
    [row] = clinic.catalog.membership_plans()
    assert (row.name, row.fee, row.period, row.uses_per_period) == (
        "Physio Fortnightly", 4500, "2w", None)
    assert cell_texts(view.model, view.model.USES) == ["unlimited"]
    assert cell_texts(view.model, view.model.PERIOD) == ["every 2 weeks"]


def _view(qtbot, clinic, patient) -> MembershipsView:
    view = MembershipsView(clinic)
    qtbot.addWidget(view)
    view.set_patient(patient)
    view.show()
    return view


def test_r43_enrol_then_pause_and_resume_from_the_sub_tab(qtbot, clinic, catalog, plan, shown,
                                                          drive, clock):
    view = _view(qtbot, clinic, catalog["patient"])
    assert view.enrol_button.isEnabled() and not view.pause_button.isEnabled()
    assert view.history.text().startswith("No memberships. Enrol… signs the patient up")

    def enrol(d: EnrolDialog) -> None:
        d.start.setDate(QDate(2026, 3, 2))
        click(qtbot, d.ok_button)

    drive(EnrolDialog, enrol)
    click(qtbot, view.enrol_button)
    assert cell_texts(view.model, view.model.PLAN) == ["Monthly Massage"]
    assert cell_texts(view.model, view.model.PERIOD) == ["Mar 2, 2026 to Apr 1, 2026"]
    assert cell_texts(view.model, view.model.LEFT) == ["2"]
    assert cell_texts(view.model, view.model.NEXT) == ["Apr 2, 2026"]
    assert "Mar 2, 2026 to Apr 1, 2026: invoiced, 0 used" in view.history.text()

    drive(EnrolDialog, enrol)  # the same plan again: refused, nothing written
    click(qtbot, view.enrol_button)
    assert "already enrolled" in shown.last
    assert len(clinic.memberships.for_patient(catalog["patient"])) == 1

    def pause(d: PauseDialog) -> None:
        d.start.setDate(QDate(2026, 3, 10))
        click(qtbot, d.open_ended)
        click(qtbot, d.ok_button)

    drive(PauseDialog, pause)
    click(qtbot, view.pause_button)
    assert "Paused from Mar 10, 2026 until resumed" in view.history.text()
    assert view.resume_button.isEnabled()
    clock.set(datetime(2026, 4, 20, 9))
    view.refresh()
    assert cell_texts(view.model, view.model.STATUS_) == ["Paused"]
    assert cell_texts(view.model, view.model.NEXT) == [""]

    def resume(d: ResumeDialog) -> None:
        d.on.setDate(QDate(2026, 4, 20))
        click(qtbot, d.ok_button)

    drive(ResumeDialog, resume)
    click(qtbot, view.resume_button)
    assert cell_texts(view.model, view.model.NEXT) == ["Apr 20, 2026"]
    assert not view.resume_button.isEnabled()


def test_r44_cancel_needs_a_manager_and_refuses_a_date_before_the_start(
        qtbot, clinic, plan, desk, shown, drive):
    mid = clinic.memberships.enroll(desk["patient"], plan, start=date(2026, 3, 2))
    view = _view(qtbot, clinic, desk["patient"])
    assert view.cancel_button.text() == "Ca&ncel Membership… (manager)"
    steps = []

    def approve(d: ManagerApprovalDialog) -> None:
        steps.append("pin")
        qtbot.keyClicks(d.secret, "2468")
        click(qtbot, d.ok_button)

    def cancel(d: CancelDialog) -> None:
        steps.append("cancel")
        d.on.setDate(QDate(2026, 3, 1))
        click(qtbot, d.ok_button)
        steps.append(d.isVisible())
        d.on.setDate(QDate(2026, 4, 2))
        click(qtbot, d.ok_button)

    drive(ManagerApprovalDialog, approve)
    drive(CancelDialog, cancel)
    click(qtbot, view.cancel_button)
    assert steps == ["pin", "cancel", True]
    assert "before it starts (Mar 2, 2026)" in shown.texts[0]
    [m] = clinic.memberships.for_patient(desk["patient"])
    assert m.id == mid and m.cancelled_on == date(2026, 4, 2)
    assert "Cancelled from Apr 2, 2026" in view.history.text()
    assert not view.cancel_button.isEnabled() and not view.pause_button.isEnabled()
