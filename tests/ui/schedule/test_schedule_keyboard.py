"""A keyboard-first Schedule (issue 8): the tab's keys (from app.ui.shortcuts) and the methods
the main window's menus call, Tab through every dialog in the order it reads, and a name on
every control for a screen reader."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QApplication, QComboBox,
                               QDialogButtonBox, QLabel, QTabWidget, QWidget)

from app import i18n
from app.ui.dialogs.booking_dialog import BookingDialog
from app.ui.dialogs.no_show_dialog import NoShowDialog
from app.ui.dialogs.reschedule_dialog import RescheduleDialog
from app.ui.forms import FormDialog
from app.ui.schedule import ScheduleTab
from app.ui.schedule.add_package_dialog import AddPackageDialog
from app.ui.schedule.panel import key_text
from app.ui.shortcuts import ARRIVE, BOOK, NEXT_DAY, PREVIOUS_DAY, TODAY

from ui.schedule.test_schedule_panel import Calls, replace_ask

MONDAY = date(2026, 3, 2)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute))


def shown(qtbot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    if not isinstance(widget, FormDialog):
        widget.resize(1200, 800)
    widget.show()
    # Keys and Tab only reach the active window.
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def press(qtbot, key: str) -> None:
    qtbot.keySequence(QApplication.focusWidget(), QKeySequence(key))


@pytest.fixture
def payment(monkeypatch) -> Calls:
    """Receive Payment is Patient Billing's dialog: here, only whether it was asked for."""
    return replace_ask(monkeypatch, "app.ui.dialogs.payment_dialog", "ReceivePaymentDialog")


@pytest.fixture
def covered(clinic, catalog) -> int:
    """A booked visit its package pays in full: arriving it asks for no payment."""
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    return clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                at(10))


# the tab's keys ---------------------------------------------------------------------------

def test_the_day_keys_move_the_day_and_today_comes_back(qtbot, clinic, catalog):
    tab = shown(qtbot, ScheduleTab(clinic))
    tab.grid.setFocus()
    press(qtbot, NEXT_DAY)
    assert tab.day() == date(2026, 3, 3)
    press(qtbot, NEXT_DAY)
    press(qtbot, PREVIOUS_DAY)
    press(qtbot, PREVIOUS_DAY)
    press(qtbot, PREVIOUS_DAY)
    assert tab.day() == date(2026, 3, 1)
    press(qtbot, TODAY)
    assert tab.day() == MONDAY


def test_the_book_key_opens_the_booking_dialog(qtbot, clinic, catalog, drive):
    seen = drive(BookingDialog, lambda dialog: dialog.reject())
    tab = shown(qtbot, ScheduleTab(clinic))
    tab.grid.setFocus()
    press(qtbot, BOOK)
    assert len(seen) == 1


def test_the_arrive_key_arrives_the_selected_visit_and_only_a_booked_one(
        qtbot, clinic, catalog, covered, payment):
    tab = shown(qtbot, ScheduleTab(clinic))
    tab.grid.setFocus()
    press(qtbot, ARRIVE)  # nothing selected: nothing happens
    assert clinic.schedule.appointment(covered).status == "booked"
    tab.select(covered)
    press(qtbot, ARRIVE)
    assert clinic.schedule.appointment(covered).status == "arrived"
    press(qtbot, ARRIVE)  # already arrived: nothing more
    assert payment == []


def test_the_keys_belong_to_the_schedule_tab_only(qtbot, clinic, catalog, covered, drive):
    opened = drive(BookingDialog, lambda dialog: dialog.reject())
    tabs = QTabWidget()
    schedule = ScheduleTab(clinic)
    other = QWidget()
    other.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    tabs.addTab(schedule, "Schedule")
    tabs.addTab(other, "Other")
    shown(qtbot, tabs)
    schedule.select(covered)
    tabs.setCurrentWidget(other)
    other.setFocus()
    for key in (NEXT_DAY, PREVIOUS_DAY, BOOK, ARRIVE):
        press(qtbot, key)
    assert schedule.day() == MONDAY and opened == []
    assert clinic.schedule.appointment(covered).status == "booked"


def test_each_buttons_tooltip_names_its_key_in_either_language(qtbot, clinic, catalog):
    for language in (i18n.ENGLISH, i18n.FRENCH):
        i18n.set_language(language)
        try:
            tab = ScheduleTab(clinic)
            qtbot.addWidget(tab)
        finally:
            i18n.set_language(i18n.ENGLISH)
        for button, key in ((tab.previous_button, PREVIOUS_DAY), (tab.next_button, NEXT_DAY),
                            (tab.today_button, TODAY), (tab.book_button, BOOK),
                            (tab.panel.arrive_button, ARRIVE)):
            assert f"({key_text(key)})" in button.toolTip(), (language, key)


# what the main window's menus call ---------------------------------------------------------

def test_the_methods_the_menus_call(qtbot, clinic, catalog, covered, drive, payment):
    opened = drive(BookingDialog, lambda dialog: dialog.reject())
    tab = shown(qtbot, ScheduleTab(clinic))
    tab.next_day()
    assert tab.day() == date(2026, 3, 3)
    tab.previous_day()
    tab.previous_day()
    assert tab.day() == date(2026, 3, 1)
    tab.go_to(MONDAY)
    assert tab.day() == MONDAY
    tab.book()
    assert len(opened) == 1
    tab.arrive_selected()  # nothing selected: nothing to do
    assert clinic.schedule.appointment(covered).status == "booked"
    tab.select(covered)
    tab.arrive_selected()
    assert clinic.schedule.appointment(covered).status == "arrived"
    assert tab.panel.undo_arrival_button.isVisible()
    tab.arrive_selected()  # arrived already: nothing
    assert payment == []


# Tab goes through each window in the order it reads -----------------------------------------

def owner(widget: QWidget | None, stops: list[QWidget]) -> QWidget | None:
    """The stop a focused widget belongs to (a combo box's line edit is the combo box)."""
    return next((stop for stop in stops if stop is widget or stop.isAncestorOf(widget)),
                widget)


def tab_chain(qtbot, first: QWidget, stops: list[QWidget]) -> list[QWidget]:
    """Press Tab from `first` until focus comes back round; the stops visited, in order.

    A date's day, month and year are stops of one field (Tab walks them first), so a
    field visited several times in a row counts once."""
    first.setFocus()
    qtbot.waitUntil(lambda: owner(QApplication.focusWidget(), stops) is first)
    visited = [first]
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = owner(QApplication.focusWidget(), stops)
        if now is first and len(visited) > 1:
            break
        if now is not visited[-1]:
            visited.append(now)
    return visited


def buttons(dialog) -> list[QWidget]:
    return [dialog.ok_button, dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)]


def test_tab_order_of_the_schedule_tab(qtbot, clinic, catalog, covered):
    tab = shown(qtbot, ScheduleTab(clinic))
    tab.select(covered)
    p = tab.panel
    stops = [tab.previous_button, tab.today_button, tab.next_button, tab.date_edit,
             tab.list_button, tab.book_button, tab.grid, p.arrive_button, p.no_show_button,
             p.reschedule_button, p.cancel_button, p.remove_package_button, p.add_items]
    assert tab_chain(qtbot, tab.previous_button, stops) == stops


def test_tab_order_of_the_booking_dialog(qtbot, clinic, catalog, covered):
    dialog = shown(qtbot, BookingDialog(clinic, start=at(13)))
    dialog.patient.choose(clinic.patients.get(catalog["patient"]))
    dialog.treatment.setCurrentIndex(dialog.treatment.findData(catalog["massage"]))
    [radio] = dialog.packages.buttons.values()
    stops = [dialog.patient, dialog.practitioner, dialog.treatment, dialog.date, dialog.time,
             dialog.notes, dialog.packages.use, radio, *buttons(dialog)]
    assert tab_chain(qtbot, dialog.patient, stops) == stops
    assert dialog.focusWidget() is not None


def test_tab_order_of_the_reschedule_dialog(qtbot, clinic, catalog, covered):
    dialog = shown(qtbot, RescheduleDialog(clinic, covered))
    stops = [dialog.date, dialog.time, dialog.practitioner, *buttons(dialog)]
    assert tab_chain(qtbot, dialog.date, stops) == stops


def test_tab_order_of_the_no_show_dialog(qtbot, clinic, catalog, covered):
    dialog = shown(qtbot, NoShowDialog(clinic, covered))
    # The package choice is one stop, the fees another (arrows move within each, as Qt's
    # radio buttons do), then the buttons.
    dialog.release.setChecked(True)
    fees = dialog.fees.buttons()
    fees[-1].setChecked(True)  # No fee
    stops = [dialog.cover, fees[0], *buttons(dialog)]
    assert tab_chain(qtbot, dialog.cover, stops + [dialog.release, fees[-1]]) == stops
    dialog.release.setFocus()
    qtbot.waitUntil(dialog.release.hasFocus)
    qtbot.keyClick(dialog.release, Qt.Key.Key_Up)
    assert dialog.cover.isChecked()
    assert not fees[0].isEnabled()  # covered by the package: no fee to choose


def test_tab_order_of_the_add_package_dialog(qtbot, clinic, catalog):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                  at(10), package=None)
    a = clinic.schedule.appointment(booked)
    packages = clinic.schedule.eligible_packages(a.patient_id, a.treatment_type_id,
                                                 a.start.date(), excluding=a.id)
    dialog = shown(qtbot, AddPackageDialog(clinic, a, packages))
    [radio] = dialog.choices.buttons.values()
    stops = [radio, *buttons(dialog)]
    assert tab_chain(qtbot, radio, stops) == stops


# a name on every control --------------------------------------------------------------------

def unnamed(window: QWidget) -> list[str]:
    """Controls a person can Tab to that a screen reader could not name: no accessible name,
    no text of their own, and no label pointing at them."""
    buddies = {id(label.buddy()) for label in window.findChildren(QLabel) if label.buddy()}
    missing = []
    for widget in window.findChildren(QWidget):
        if not (widget.isVisible() and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        if isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
            continue  # the line edit inside a field: the field is named
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
            continue
        if widget.accessibleName() or id(widget) in buddies:
            continue
        missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_every_control_has_a_name(qtbot, clinic, catalog, covered):
    tab = shown(qtbot, ScheduleTab(clinic))
    tab.select(covered)
    assert unnamed(tab) == []
    tab.list_button.click()
    assert unnamed(tab) == []
    assert tab.table.accessibleName() == "Day's appointments"

    booking = shown(qtbot, BookingDialog(clinic, start=at(13)))
    booking.patient.choose(clinic.patients.get(catalog["patient"]))
    assert unnamed(booking) == []
    assert booking.patient.accessibleName() == "Patient"
    assert booking.time.accessibleName() == "Start time"
    for dialog in (RescheduleDialog(clinic, covered), NoShowDialog(clinic, covered)):
        assert unnamed(shown(qtbot, dialog)) == [], type(dialog).__name__


def mnemonics(window: QWidget) -> list[str]:
    """The Alt+letter of every visible button and label on `window`."""
    letters = []
    for widget in window.findChildren(QWidget):
        if isinstance(widget, (QAbstractButton, QLabel)) and widget.isVisible():
            found = re.search(r"&(\w)", widget.text().replace("&&", ""))
            if found:
                letters.append(found.group(1).casefold())
    return letters


@pytest.mark.parametrize("language", [i18n.ENGLISH, i18n.FRENCH])
def test_no_two_controls_on_the_tab_share_an_alt_letter(qtbot, clinic, catalog, language,
                                                        payment):
    i18n.set_language(language)
    try:
        clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
        owing = clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["physio"],
                                     at(9))  # Patient Pays $10.00: owed once arrived
        clinic.schedule.arrive(owing)
        booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                      at(11))
        tab = shown(qtbot, ScheduleTab(clinic))
        for appointment in (booked, owing):
            tab.select(appointment)
            letters = mnemonics(tab)
            assert len(letters) == len(set(letters)), (appointment, sorted(letters))
        assert tab.panel.payment_button.isVisible()
    finally:
        i18n.set_language(i18n.ENGLISH)
