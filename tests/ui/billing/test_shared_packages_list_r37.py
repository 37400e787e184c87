"""R37 in a member's own Packages list: a package someone in the household shares with them
is listed after their own, marked "Shared by Maria Lopez", with the actions a member may
take: View… (the page offers only reading and Print Statement…: the package's changes are
the purchaser's) and Stop Sharing (their booked visits released, with R28's warning)."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.ui import msgbox
from app.ui.billing.package_page import PackagePage
from app.ui.billing.packages_view import PatientPackagesView
from app.ui.models.packages import PatientPackagesModel as Cols

from ui.helpers import cell_texts, click


@pytest.fixture
def shared(clinic, catalog):
    maria = catalog["patient"]
    leo = clinic.patients.add("Leo", "Lopez", phone="902-555-0144")
    clinic.patients.link_household(maria, leo)
    package = clinic.billing.sell_package(maria, catalog["ten_massages"]).package_id
    clinic.packages.share(package, leo)
    own = clinic.billing.sell_package(leo, catalog["three_physio"]).package_id
    visit = clinic.schedule.book(leo, catalog["ana"], catalog["massage"],
                                 datetime(2026, 3, 20, 10), package=package)
    return dict(catalog, maria=maria, leo=leo, package=package, own=own, visit=visit)


def _view(qtbot, clinic, patient_id) -> PatientPackagesView:
    view = PatientPackagesView(clinic)
    qtbot.addWidget(view)
    view.set_patient(patient_id)
    view.show()
    return view


def test_r37_a_members_list_shows_the_package_shared_with_them(qtbot, clinic, shared):
    assert [p.shared_by for p in clinic.packages.shared_with(shared["leo"])] == ["Maria Lopez"]
    assert clinic.packages.shared_with(shared["maria"]) == []
    view = _view(qtbot, clinic, shared["leo"])
    assert cell_texts(view.model, Cols.NAME) == ["3 Physio",
                                                 "10 Massages \u2014 Shared by Maria Lopez"]
    assert cell_texts(view.model, Cols.USES)[1].startswith("10 of 10 left · 1 booked")
    view.table.selectRow(0)  # their own: no Stop Sharing
    assert view.stop_sharing_button.isHidden()
    view.table.selectRow(1)
    assert not view.stop_sharing_button.isHidden()
    assert "Maria Lopez" in view.stop_sharing_button.toolTip()
    maria = _view(qtbot, clinic, shared["maria"])  # the purchaser's list is as before
    assert cell_texts(maria.model, Cols.NAME) == ["10 Massages"]


def test_r37_a_member_views_it_without_the_purchasers_actions(qtbot, clinic, shared, drive):
    view = _view(qtbot, clinic, shared["leo"])
    view.table.selectRow(1)
    seen = []

    def look(page: PackagePage) -> None:
        hidden = [b.isHidden() for b in (page.expiry_button, page.freeze_button,
                                          page.refund_button, page.share_button,
                                          page.transfer_button, page.print_button)]
        seen.append((all(hidden), page.statement_button.isVisible(),
                     page.statement_button.isEnabled(), page.heading.text()))
        page.accept()

    drive(PackagePage, look)
    click(qtbot, view.view_button)
    assert seen == [(True, True, True,
                     "10 Massages — Maria Lopez's, shared with this patient")]
    seen.clear()
    maria = _view(qtbot, clinic, shared["maria"])  # the purchaser's page keeps them all
    maria.table.selectRow(0)
    drive(PackagePage, lambda page: (seen.append(page.refund_button.isHidden()),
                                     page.accept()))
    click(qtbot, maria.view_button)
    assert seen == [False]


def test_r37_stop_sharing_from_the_members_list_releases_their_visit(qtbot, clinic, shared,
                                                                    shown):
    view = _view(qtbot, clinic, shared["leo"])
    view.table.selectRow(1)
    shown.answer = msgbox.Button.No
    click(qtbot, view.stop_sharing_button)
    assert "Stop sharing \u201c10 Massages\u201d" in shown.texts[0]
    assert view.model.rowCount() == 2  # No: nothing changed
    shown.answer = msgbox.Button.Yes
    click(qtbot, view.stop_sharing_button)
    assert any("released" in text or "standard price" in text for text in shown.texts[2:]), \
        shown.texts
    assert cell_texts(view.model, Cols.NAME) == ["3 Physio"]
    assert clinic.schedule.appointment(shared["visit"]).package_id is None
    assert clinic.packages.shared_with(shared["leo"]) == []
