"""Patient Billing > Packages: the list (R19), New Package (R5) and View (R20)."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from app.ui.billing.expiry_dialog import ExpiryDialog
from app.ui.billing.package_page import PackagePage
from app.ui.billing.packages_view import PatientPackagesView
from app.ui.formats import Formats
from app.ui.models.packages import PatientPackagesModel as Cols

from ui.helpers import cell_texts, click
from ui.billing.test_refund_dialog import stand_in


@pytest.fixture
def history(clinic, catalog, clock):
    """Maria's four packages: expired, used up, refunded and active, bought in that order."""
    patient, massage = catalog["patient"], catalog["massage"]
    two = clinic.catalog.add_package_template("2 Massages", price=17000, uses=2,
                                              eligible={massage: 0}, validity="1y")
    ids = {}
    clock.set(datetime(2025, 6, 2, 9))
    ids["expired"] = clinic.billing.sell_package(patient, catalog["ten_massages"]).package_id
    for day in (3, 10, 17, 24):
        clinic.schedule.arrive(clinic.schedule.book(patient, catalog["ana"], massage,
                                                    datetime(2025, 6, day, 10)))
    clock.set(datetime(2026, 1, 12, 9))
    ids["used_up"] = clinic.billing.sell_package(patient, two).package_id
    for day in (13, 20):
        clinic.schedule.arrive(clinic.schedule.book(patient, catalog["ben"], massage,
                                                    datetime(2026, 1, day, 14)))
    clock.set(datetime(2026, 2, 2, 9))
    ids["refunded"] = clinic.billing.sell_package(patient, catalog["three_physio"]).package_id
    clinic.packages.refund(ids["refunded"], 0)
    clock.set(datetime(2026, 3, 2, 9))
    ids["active"] = clinic.billing.sell_package(patient, catalog["three_physio"]).package_id
    clinic.schedule.arrive(clinic.schedule.book(patient, catalog["ana"], catalog["physio"],
                                                datetime(2026, 3, 2, 10)))
    clinic.schedule.book(patient, catalog["ana"], catalog["physio"], datetime(2026, 3, 9, 10))
    return ids


def make_view(qtbot, clinic, patient_id=None) -> PatientPackagesView:
    view = PatientPackagesView(clinic)
    qtbot.addWidget(view)
    view.show()
    view.set_patient(patient_id)
    return view


def column(view, col: int) -> list[str]:
    return cell_texts(view.model, col)


def test_r19_each_package_with_its_uses_expiry_and_status(qtbot, clinic, catalog, history):
    view = make_view(qtbot, clinic, catalog["patient"])
    assert column(view, Cols.NAME) == ["3 Physio", "3 Physio", "2 Massages", "10 Massages"]
    assert column(view, Cols.PURCHASED) == ["Mar 2, 2026", "Feb 2, 2026", "Jan 12, 2026",
                                            "Jun 2, 2025"]
    assert column(view, Cols.USED) == ["1 of 3", "0 of 3", "2 of 2", "4 of 10"]
    assert column(view, Cols.USES) == ["2 of 3 left · 1 booked · no expiry",
                                       "refunded · 0 of 3 uses used",
                                       "used up · 2 of 2 uses used",
                                       "6 of 10 left · expired Dec 2, 2025"]
    assert column(view, Cols.EXPIRY) == ["No expiry", "No expiry", "Jan 12, 2027",
                                         "Dec 2, 2025"]
    assert column(view, Cols.STATUS) == ["Active", "Refunded", "Used up", "Expired"]
    # Only the active one is shown in full colour; the rest are history.
    dimmed = [view.model.index(r, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
              for r in range(4)]
    assert dimmed == [False, True, True, True]
    alignment = view.model.index(0, Cols.USED).data(Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight
    assert view.selected().id == history["active"], "the newest is selected, ready for View"


def test_model_passes_qts_model_tester(qtmodeltester, clinic, catalog, history):
    from ui.models.test_models import check
    check(qtmodeltester, Cols(Formats(clinic)), clinic.packages.for_patient(catalog["patient"]))


def test_no_patient_and_no_packages_say_so(qtbot, clinic, catalog):
    view = make_view(qtbot, clinic)
    assert view.stack.currentWidget() is view.empty
    assert view.empty.text() == "Choose a patient to see their packages."
    assert not view.new_button.isEnabled() and not view.view_button.isEnabled()
    view.set_patient(catalog["patient"])
    assert view.empty.text() == "No packages yet. New Package… sells one."
    assert view.new_button.isEnabled() and not view.view_button.isEnabled()


def test_another_patient_replaces_the_list(qtbot, clinic, catalog, history):
    view = make_view(qtbot, clinic, catalog["patient"])
    other = clinic.patients.add("Ann", "Bell")
    view.set_patient(other)
    assert view.model.rowCount() == 0 and view.selected() is None
    assert view.stack.currentWidget() is view.empty


def test_r5_new_package_opens_the_sale_and_shows_what_was_sold(qtbot, clinic, catalog,
                                                                monkeypatch):
    calls = []

    def sell(clinic_, patient_id, *, parent):
        calls.append((patient_id, parent))
        return clinic_.billing.sell_package(patient_id, catalog["ten_massages"])

    stand_in(monkeypatch, "app.ui.dialogs.sale_dialog", "SaleDialog", sell)
    view = make_view(qtbot, clinic, catalog["patient"])

    with qtbot.waitSignal(view.changed, timeout=1000):
        click(qtbot, view.new_button)

    assert calls == [(catalog["patient"], view)]
    assert column(view, Cols.NAME) == ["10 Massages"]
    assert view.selected().id == clinic.packages.for_patient(catalog["patient"])[0].id
    assert column(view, Cols.EXPIRY) == ["Sep 2, 2026"]  # R9: six months from today
    assert view.stack.currentWidget() is view.table


def test_new_package_cancelled_changes_nothing(qtbot, clinic, catalog, monkeypatch):
    stand_in(monkeypatch, "app.ui.dialogs.sale_dialog", "SaleDialog", lambda *a, **k: None)
    view = make_view(qtbot, clinic, catalog["patient"])
    with qtbot.assertNotEmitted(view.changed):
        click(qtbot, view.new_button)
    assert view.model.rowCount() == 0


def test_r20_view_opens_the_selected_packages_page(qtbot, clinic, catalog, history, drive):
    opened = []
    drive(PackagePage, lambda page: (opened.append(page.package_id),
                                     click(qtbot, page.close_button)))
    view = make_view(qtbot, clinic, catalog["patient"])
    view.table.selectRow(2)
    with qtbot.assertNotEmitted(view.changed):
        click(qtbot, view.view_button)
    assert opened == [history["used_up"]]


def test_r20_double_click_opens_it_too(qtbot, clinic, catalog, history, drive):
    opened = []
    drive(PackagePage, lambda page: (opened.append(page.package_id), page.accept()))
    view = make_view(qtbot, clinic, catalog["patient"])
    rect = view.table.visualRect(view.model.index(3, Cols.NAME))
    # A real double-click is a press and release, then the double-click itself.
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [history["expired"]]


def test_r23_a_change_on_the_page_shows_in_the_list(qtbot, clinic, catalog, history, drive,
                                                      shown):
    def clear_expiry(dialog: ExpiryDialog) -> None:
        click(qtbot, dialog.no_expiry)
        click(qtbot, dialog.ok_button)

    drive(ExpiryDialog, clear_expiry)
    drive(PackagePage, lambda page: (click(qtbot, page.expiry_button),
                                     click(qtbot, page.close_button)))
    view = make_view(qtbot, clinic, catalog["patient"])
    view.table.selectRow(3)  # the expired one: a new expiry brings it back

    with qtbot.waitSignal(view.changed, timeout=1000):
        click(qtbot, view.view_button)

    assert shown.boxes == []
    assert column(view, Cols.EXPIRY)[3] == "No expiry"
    assert column(view, Cols.STATUS)[3] == "Active"
    assert view.selected().id == history["expired"], "the selection stays on it"
