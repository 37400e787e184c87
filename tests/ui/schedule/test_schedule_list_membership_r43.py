"""R43 in the schedule's List view: a visit a membership covers says so in the Covered by
column ("Membership: Monthly Massage"), as the day grid's M badge does; a package's visit
names its package, and a visit nothing covers (or cancelled) says nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.ui.models.appointments import AppointmentsModel as Cols
from app.ui.schedule import ScheduleTab

from ui.helpers import cell_texts, click
from ui.schedule.test_schedule_membership_badge_r43 import at, member  # noqa: F401


@pytest.fixture
def day(clinic, catalog, member):
    s = clinic.schedule
    booked = s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(9))
    arrived = s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(10))
    s.arrive(arrived)
    cancelled = s.book(catalog["patient"], catalog["ben"], catalog["massage"], at(11))
    s.cancel(cancelled)
    other = clinic.patients.add("Tom", "Reid", phone="902-555-0199")
    clinic.billing.sell_package(other, catalog["three_physio"])
    s.book(other, catalog["ben"], catalog["physio"], at(13))
    s.book(other, catalog["ben"], catalog["acu"], at(15))
    return booked, arrived


def test_r43_the_list_view_names_what_covers_each_visit(qtbot, clinic, day):
    tab = ScheduleTab(clinic)
    qtbot.addWidget(tab)
    tab.show()
    click(qtbot, tab.list_button)
    assert tab.stack.currentWidget() is tab.table
    assert tab.model.headerData(Cols.PACKAGE, Qt.Orientation.Horizontal) == "Covered by"
    assert cell_texts(tab.model, Cols.PACKAGE) == [
        "Membership: Monthly Massage", "Membership: Monthly Massage", "", "3 Physio", ""]


def test_r43_the_list_view_in_french(qtbot, clinic, day, french):
    tab = ScheduleTab(clinic)
    qtbot.addWidget(tab)
    tab.show()
    click(qtbot, tab.list_button)
    assert tab.model.headerData(Cols.PACKAGE, Qt.Orientation.Horizontal) == "Couvert par"
    assert cell_texts(tab.model, Cols.PACKAGE)[0] == "Abonnement\u00a0: Monthly Massage"
