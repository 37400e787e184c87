"""Schedule tab: a column per practitioner on a 15-minute grid, blocks coloured by status with
a package mark, day navigation, double-click to book, click to open the panel."""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QDate, QPoint, Qt

from app.ui.dialogs.booking_dialog import BookingDialog
from app.ui.models.appointments import AppointmentsModel as Cols
from app.ui.schedule import ScheduleTab
from app.ui.schedule.day_layout import SLOT_HEIGHT
from app.ui.schedule.painting import tooltip
from app.ui.tables import selected_row

from ui.helpers import cell_texts, click

MONDAY = date(2026, 3, 2)


def make_tab(qtbot, clinic) -> ScheduleTab:
    tab = ScheduleTab(clinic)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    # Shortcuts only reach the active window.
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    return tab


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute))


def press_on(qtbot, grid, point: QPoint) -> None:
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=point)


def test_a_column_per_practitioner_quarter_hours_from_7_and_the_view_starts_at_8(
        qtbot, clinic, catalog):
    tab = make_tab(qtbot, clinic)
    layout = tab.grid.day_layout
    # Chloe works the desk and sees no patients: no column.
    assert [c.name for c in layout.columns] == ["Ana Silva", "Ben Okafor"]
    assert (layout.first_hour, layout.last_hour) == (7, 20)
    assert layout.slots() == 13 * 4
    assert layout.time_at(SLOT_HEIGHT * 4 + 1) == at(8)
    assert layout.time_at(SLOT_HEIGHT * 5 + 1) == at(8, 15)
    qtbot.waitUntil(lambda: tab.view.top_time() == at(8))
    assert tab.panel.stack.currentWidget() is tab.panel.hint


def test_blocks_show_status_patient_treatment_and_a_package_mark(qtbot, clinic, catalog):
    s = clinic.schedule
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    covered = s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(9, 30))
    arrived = s.book(catalog["patient"], catalog["ben"], catalog["physio"], at(14))
    s.arrive(arrived)
    cancelled = s.book(catalog["patient"], catalog["ben"], catalog["acu"], at(16),
                       package=None)
    s.cancel(cancelled)
    s.book(catalog["patient"], catalog["ben"], catalog["physio"], at(16, 15))  # over it
    s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(9, 0, date(2026, 3, 3)))

    tab = make_tab(qtbot, clinic)

    blocks = {b.row.id: b for b in tab.grid.day_layout.blocks}
    assert len(blocks) == 4  # only this day's
    assert blocks[covered].row.package_name == "10 Massages"
    assert blocks[covered].column == 0 and blocks[arrived].column == 1
    assert blocks[covered].rect.height() == 4 * SLOT_HEIGHT - 2  # an hour
    # The cancelled visit and the one booked over it share the column, side by side.
    rebooked = next(b for b in blocks.values() if b.row.start == at(16, 15))
    assert blocks[cancelled].rect.left() > rebooked.rect.right()
    tip = tooltip(blocks[covered].row, tab.grid._f)
    assert "Covered by the package \u201c10 Massages\u201d" in tip
    assert "Maria Lopez" in tip and "Massage 60 min" in tip
    assert [tab.model.index(r, 4).data() for r in range(tab.model.rowCount())] == [
        "Booked", "Arrived", "Cancelled", "Booked"]


def test_previous_today_next_the_date_picker_and_their_keys(qtbot, clinic, catalog):
    clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                         at(9, day=date(2026, 3, 3)))
    tab = make_tab(qtbot, clinic)
    assert tab.day() == MONDAY and tab.grid.rows() == []

    click(qtbot, tab.next_button)
    assert tab.day() == date(2026, 3, 3)
    assert [r.treatment_name for r in tab.grid.rows()] == ["Massage 60 min"]

    click(qtbot, tab.previous_button)
    click(qtbot, tab.previous_button)
    assert tab.day() == date(2026, 3, 1)
    assert tab.grid.rows() == []

    tab.date_edit.setDate(QDate(2026, 3, 3))
    assert len(tab.grid.rows()) == 1
    click(qtbot, tab.today_button)
    assert tab.day() == MONDAY

    tab.grid.setFocus()
    qtbot.keyClick(tab.grid, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert tab.day() == date(2026, 3, 3)
    qtbot.keyClick(tab.grid, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(tab.grid, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert tab.day() == date(2026, 3, 1)
    qtbot.keyClick(tab.grid, Qt.Key.Key_Home, Qt.KeyboardModifier.AltModifier)
    assert tab.day() == MONDAY
    assert "Alt+Right" in tab.next_button.toolTip()


def test_r10_double_click_an_empty_slot_books_there_with_the_package_pre_selected(
        qtbot, clinic, catalog, drive):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    seen = {}

    def fill(dialog: BookingDialog) -> None:
        seen["practitioner"] = dialog.practitioner.currentText()
        seen["time"] = dialog.time.currentText()
        dialog.patient.choose(clinic.patients.get(catalog["patient"]))
        dialog.treatment.setCurrentIndex(dialog.treatment.findData(catalog["massage"]))
        seen["package"] = dialog.packages.chosen_id()
        dialog.ok_button.click()

    drive(BookingDialog, fill)
    tab = make_tab(qtbot, clinic)
    slot = tab.grid.slot_center(catalog["ben"], at(10, 30))

    qtbot.mouseDClick(tab.grid, Qt.MouseButton.LeftButton, pos=slot)

    assert seen == {"practitioner": "Ben Okafor", "time": "10:30\u202fa.m.",
                    "package": sale.package_id}
    [row] = tab.grid.rows()
    assert (row.staff_id, row.start, row.package_id) == (catalog["ben"], at(10, 30),
                                                        sale.package_id)
    # The new appointment is selected and its panel open.
    assert tab.grid.selected_id == row.id
    assert tab.panel.title.text() == "Maria Lopez"


def test_double_click_on_an_appointment_does_not_book(qtbot, clinic, catalog, drive):
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                  at(9))
    opened = drive(BookingDialog, lambda d: d.reject())
    tab = make_tab(qtbot, clinic)
    qtbot.mouseDClick(tab.grid, Qt.MouseButton.LeftButton, pos=tab.grid.block_center(booked))
    assert opened == []
    assert tab.grid.selected_id == booked


def test_cancelling_the_booking_dialog_books_nothing(qtbot, clinic, catalog, drive):
    drive(BookingDialog, lambda d: d.reject())
    tab = make_tab(qtbot, clinic)
    qtbot.mouseDClick(tab.grid, Qt.MouseButton.LeftButton,
                      pos=tab.grid.slot_center(catalog["ana"], at(9)))
    assert tab.grid.rows() == []


def test_click_selects_and_shows_the_panel_click_empty_clears(qtbot, clinic, catalog):
    booked = clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["physio"],
                                  at(11), notes="Bring MRI report")
    tab = make_tab(qtbot, clinic)

    press_on(qtbot, tab.grid, tab.grid.block_center(booked))

    assert tab.grid.selected_id == booked
    panel = tab.panel
    assert panel.stack.currentWidget() is panel.details
    assert panel.title.text() == "Maria Lopez"
    assert panel.status.text() == "Booked"
    assert panel.when.text() == "Mar 2, 2026, 11:00\u202fa.m. – 11:30\u202fa.m."
    assert panel.practitioner.text() == "Ben Okafor"
    assert panel.treatment.text() == "Physio follow-up"
    assert panel.notes.text() == "Bring MRI report"
    assert panel.package.text() == "Standard price: $85.00"
    assert "Maria Lopez" in tab.grid.accessibleDescription()

    press_on(qtbot, tab.grid, tab.grid.slot_center(catalog["ana"], at(15)))
    assert tab.grid.selected_id is None
    assert panel.stack.currentWidget() is panel.hint


def test_up_and_down_keys_walk_through_the_days_appointments(qtbot, clinic, catalog):
    s = clinic.schedule
    first = s.book(catalog["patient"], catalog["ben"], catalog["physio"], at(9))
    second = s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(13))
    tab = make_tab(qtbot, clinic)
    tab.grid.setFocus()
    qtbot.keyClick(tab.grid, Qt.Key.Key_Down)
    assert tab.grid.selected_id == first
    qtbot.keyClick(tab.grid, Qt.Key.Key_Down)
    assert tab.grid.selected_id == second
    assert tab.panel.treatment.text() == "Massage 60 min"
    qtbot.keyClick(tab.grid, Qt.Key.Key_Up)
    assert tab.grid.selected_id == first


def test_ctrl_n_books_at_the_last_clicked_slot(qtbot, clinic, catalog, drive):
    seen = []

    def note(dialog: BookingDialog) -> None:
        seen.append((dialog.practitioner.currentData(), dialog.start()))
        dialog.reject()

    drive(BookingDialog, note)
    tab = make_tab(qtbot, clinic)
    tab.grid.setFocus()
    qtbot.keyClick(tab.grid, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    press_on(qtbot, tab.grid, tab.grid.slot_center(catalog["ben"], at(15, 45)))
    qtbot.keyClick(tab.grid, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    # First: nothing clicked yet, so now (the clock says 9:00) with the first practitioner.
    assert seen == [(catalog["ana"], at(9)), (catalog["ben"], at(15, 45))]


def test_a_visit_with_someone_no_longer_seeing_patients_keeps_its_column(
        qtbot, clinic, catalog):
    clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["physio"], at(9))
    clinic.staff.update(catalog["ben"], active=False)
    tab = make_tab(qtbot, clinic)
    assert [c.name for c in tab.grid.day_layout.columns] == ["Ana Silva", "Ben Okafor"]
    click(qtbot, tab.next_button)
    assert [c.name for c in tab.grid.day_layout.columns] == ["Ana Silva"]


def test_no_practitioners_yet_says_where_to_add_them(qtbot, clinic):
    tab = make_tab(qtbot, clinic)
    assert tab.stack.currentWidget() is tab.empty
    assert "File › Settings" in tab.empty.text()


def test_late_visits_widen_the_day(qtbot, clinic, catalog):
    clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"], at(20, 30))
    tab = make_tab(qtbot, clinic)
    assert tab.grid.day_layout.last_hour == 22


def test_the_day_as_a_list_shares_the_selection_with_the_grid(qtbot, clinic, catalog):
    s = clinic.schedule
    first = s.book(catalog["patient"], catalog["ben"], catalog["physio"], at(9))
    second = s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(13))
    tab = make_tab(qtbot, clinic)
    tab.select(first)

    click(qtbot, tab.list_button)

    assert tab.stack.currentWidget() is tab.table
    assert cell_texts(tab.model, Cols.TIME) == ["9:00\u202fa.m. – 9:30\u202fa.m.",
                                                "1:00\u202fp.m. – 2:00\u202fp.m."]
    assert selected_row(tab.table).id == first
    tab.table.selectRow(1)
    assert tab.grid.selected_id == second
    assert tab.panel.treatment.text() == "Massage 60 min"
    click(qtbot, tab.next_button)
    assert tab.stack.currentWidget() is tab.table  # the list stays until switched back
    click(qtbot, tab.list_button)
    assert tab.stack.currentWidget() is tab.view
