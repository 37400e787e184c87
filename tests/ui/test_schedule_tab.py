"""Schedule: one day's appointments, with previous / today / next and a date picker."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate

from app.ui.models.appointments import AppointmentsModel as Cols
from app.ui.schedule import ScheduleTab

from .helpers import cell_texts, click


def make_tab(qtbot, clinic) -> ScheduleTab:
    tab = ScheduleTab(clinic)
    qtbot.addWidget(tab)
    tab.show()
    return tab


def test_shows_todays_appointments_in_time_order(qtbot, clinic, catalog):
    s = clinic.schedule
    late = s.book(catalog["patient"], catalog["ben"], catalog["physio"], datetime(2026, 3, 2, 14))
    s.book(catalog["patient"], catalog["ana"], catalog["massage"], datetime(2026, 3, 2, 9, 30))
    s.book(catalog["patient"], catalog["ana"], catalog["massage"], datetime(2026, 3, 3, 9))
    s.arrive(late)

    tab = make_tab(qtbot, clinic)

    assert tab.day() == date(2026, 3, 2)
    assert cell_texts(tab.model, Cols.TIME) == ["9:30\u202fa.m. – 10:30\u202fa.m.",
                                                "2:00\u202fp.m. – 2:30\u202fp.m."]
    assert cell_texts(tab.model, Cols.PRACTITIONER) == ["Ana Silva", "Ben Okafor"]
    assert cell_texts(tab.model, Cols.PATIENT) == ["Maria Lopez", "Maria Lopez"]
    assert cell_texts(tab.model, Cols.STATUS) == ["Booked", "Arrived"]
    assert cell_texts(tab.model, Cols.BILLING) == ["", "Invoiced"]


def test_r10_a_covered_appointment_shows_its_package(qtbot, clinic, catalog):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                         datetime(2026, 3, 2, 11))
    tab = make_tab(qtbot, clinic)
    assert cell_texts(tab.model, Cols.PACKAGE) == ["10 Massages"]


def test_previous_next_today_and_the_date_picker_move_between_days(qtbot, clinic, catalog):
    clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                         datetime(2026, 3, 3, 9))
    tab = make_tab(qtbot, clinic)
    assert tab.model.rowCount() == 0
    assert tab.stack.currentWidget() is tab.empty

    click(qtbot, tab.next_button)
    assert tab.day() == date(2026, 3, 3)
    assert cell_texts(tab.model, Cols.TREATMENT) == ["Massage 60 min"]
    assert tab.stack.currentWidget() is tab.table

    click(qtbot, tab.previous_button)
    click(qtbot, tab.previous_button)
    assert tab.day() == date(2026, 3, 1)
    assert tab.model.rowCount() == 0

    tab.date_edit.setDate(QDate(2026, 3, 3))
    assert tab.model.rowCount() == 1
    click(qtbot, tab.today_button)
    assert tab.day() == date(2026, 3, 2)
