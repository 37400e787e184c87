"""R43 Billing Info › Add Membership…: a booked visit nothing covers, of a patient with a
membership. Enabled when the service offers a membership that can cover it (one: applied at
a click; several: picked from a menu), disabled with the service's reason as the tooltip
otherwise, hidden when the patient has no membership or the visit is covered or arrived."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from ui.helpers import click
from ui.schedule.test_schedule_tab import make_tab

MONDAY_10 = datetime(2026, 3, 2, 10)


@pytest.fixture
def plan(clinic, catalog):
    return clinic.catalog.add_membership_plan(
        "Monthly Massage", fee=9000, period="1m", uses_per_period=2,
        eligible={catalog["massage"]: 1500})


def booked(clinic, catalog, treatment="massage") -> int:
    return clinic.schedule.book(catalog["patient"], catalog["ana"], catalog[treatment],
                                MONDAY_10, package=None)


def open_on(qtbot, clinic, appointment_id):
    tab = make_tab(qtbot, clinic)
    tab.select(appointment_id)
    return tab.panel


def test_r43_add_membership_covers_a_booked_visit(qtbot, clinic, catalog, plan):
    visit = booked(clinic, catalog)
    clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 2))
    panel = open_on(qtbot, clinic, visit)
    button = panel.add_membership_button
    assert button.isVisible() and button.isEnabled()
    assert button.toolTip() == "Cover this appointment with one of the patient's memberships"
    click(qtbot, button)
    assert "Monthly Massage" in clinic.schedule.covered_by(visit)
    assert "Monthly Massage" in panel.package.text()
    assert not button.isVisible()  # covered now: Remove Membership instead
    assert panel.remove_package_button.isVisible()


def test_r43_two_memberships_are_picked_from_a_menu(qtbot, clinic, catalog, plan):
    visit = booked(clinic, catalog)
    other = clinic.catalog.add_membership_plan("Unlimited Massage", fee=20000, period="1m",
                                               uses_per_period=None,
                                               eligible={catalog["massage"]: 0})
    first = clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))
    second = clinic.memberships.enroll(catalog["patient"], other, start=date(2026, 3, 2))
    assert [c.id for c in clinic.schedule.membership_offer(visit).choices] == [first, second]
    panel = open_on(qtbot, clinic, visit)
    seen = []

    def pick():
        menu = next(w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QMenu) and w.isVisible())
        seen.extend(action.text() for action in menu.actions())
        menu.setActiveAction(menu.actions()[1])
        qtbot.keyClick(menu, Qt.Key.Key_Return)  # as the desk picks it

    QTimer.singleShot(100, pick)
    click(qtbot, panel.add_membership_button)
    assert seen == ["Monthly Massage · 2 left this period · patient pays $15.00",
                    "Unlimited Massage · patient pays $0.00"]
    assert "Unlimited Massage" in clinic.schedule.covered_by(visit)


def test_r43_a_membership_that_cannot_cover_it_says_why(qtbot, clinic, catalog, plan):
    visit = booked(clinic, catalog, "acu")
    clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 2))
    panel = open_on(qtbot, clinic, visit)
    button = panel.add_membership_button
    assert button.isVisible() and not button.isEnabled()
    assert button.toolTip() == ("The membership \u201cMonthly Massage\u201d does not cover "
                                "Acupuncture.")


def test_r43_no_membership_no_button(qtbot, clinic, catalog):
    visit = booked(clinic, catalog)
    panel = open_on(qtbot, clinic, visit)
    assert not panel.add_membership_button.isVisible()
    assert clinic.schedule.membership_offer(visit) is None
