"""R37 on screen: Patient Billing > Household (Add Member…, Remove from Household) and the
package page's Share… and "Redeemed by", clicked and typed as the desk does, refusals too."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt

from app.ui import msgbox
from app.ui.billing.household_view import AddMemberDialog, HouseholdView
from app.ui.billing.package_page import PackagePage
from app.ui.billing.share_dialog import ShareDialog
from app.ui.models.packages import RedemptionsModel

from ui.helpers import cell_texts, click


@pytest.fixture
def family(clinic, catalog):
    maria = catalog["patient"]
    leo = clinic.patients.add("Leo", "Lopez", phone="902-555-0144")
    sam = clinic.patients.add("Sam", "Quintal")
    tom = clinic.patients.add("Tom", "Reid")
    ada = clinic.patients.add("Ada", "Reid")
    clinic.patients.link_household(tom, ada)
    package = clinic.billing.sell_package(maria, catalog["ten_massages"]).package_id
    return dict(catalog, maria=maria, leo=leo, sam=sam, tom=tom, package=package)


def open_view(qtbot, clinic, patient_id) -> HouseholdView:
    view = HouseholdView(clinic)
    qtbot.addWidget(view)
    view.set_patient(patient_id)
    view.show()
    return view


def tick(qtbot, box) -> None:
    """Click the box itself (the row is wider than its label)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def pick(qtbot, dialog, typed: str) -> None:
    line = dialog.picker.lineEdit()
    line.setFocus()
    qtbot.keyClicks(line, typed)
    qtbot.keyClick(line, Qt.Key.Key_Return)  # the only match is chosen


def test_r37_add_member_by_typing_then_remove(qtbot, clinic, family, shown, drive):
    f = family
    view = open_view(qtbot, clinic, f["maria"])
    assert view.stack.currentWidget() is view.empty
    assert "Not in a household" in view.empty.text()
    assert not view.remove_button.isEnabled()

    drive(AddMemberDialog, lambda d: (pick(qtbot, d, "quint"), click(qtbot, d.ok_button)))
    click(qtbot, view.add_button)
    assert cell_texts(view.model, 0) == ["Sam Quintal"]

    # Tom is in another household: refused, the dialog stays open, nothing changes.
    stayed = []
    drive(AddMemberDialog, lambda d: (pick(qtbot, d, "tom"), click(qtbot, d.ok_button),
                                      stayed.append(d.isVisible()), d.reject()))
    click(qtbot, view.add_button)
    assert stayed == [True]
    assert "Tom Reid is already in another household (Ada Reid)" in shown.last
    assert cell_texts(view.model, 0) == ["Sam Quintal"]

    # Nothing chosen: the dialog names the field.
    drive(AddMemberDialog, lambda d: (click(qtbot, d.ok_button), d.reject()))
    click(qtbot, view.add_button)
    assert shown.last.startswith("Choose the patient to add")

    view.table.selectRow(0)
    assert view.remove_button.isEnabled()
    shown.answer = msgbox.Button.No
    click(qtbot, view.remove_button)
    assert cell_texts(view.model, 0) == ["Sam Quintal"]  # not confirmed: kept
    shown.answer = msgbox.Button.Yes
    click(qtbot, view.remove_button)
    assert "Remove Sam Quintal from the household?" in shown.boxes[-1][1]
    assert view.stack.currentWidget() is view.empty
    assert clinic.patients.household_members(f["maria"]) == []


def test_r37_removing_a_member_warns_about_their_released_visits(qtbot, clinic, family,
                                                                 shown):
    f = family
    clinic.patients.link_household(f["maria"], f["leo"])
    clinic.packages.share(f["package"], f["leo"])
    visit = clinic.schedule.book(f["leo"], f["ana"], f["massage"], datetime(2026, 3, 10, 10))
    view = open_view(qtbot, clinic, f["maria"])
    assert cell_texts(view.model, 1) == ["902-555-0144"]
    view.table.selectRow(0)
    shown.answer = msgbox.Button.Yes
    click(qtbot, view.remove_button)
    assert shown.boxes[-1][0] == "Booked appointments released"
    assert shown.last.startswith("1 booked appointment lost this package")
    assert clinic.schedule.appointment(visit).package_id is None


def test_r37_share_on_the_package_page_ticks_members(qtbot, clinic, family, shown, drive):
    f = family
    page = PackagePage(clinic, f["package"])
    qtbot.addWidget(page)
    page.show()
    assert not page.share_button.isEnabled()  # no household yet: says why
    assert page.share_button.toolTip() == ("Maria Lopez is not in a household. Link household "
                                           "members on the patient's profile first.")
    assert page.values["shared"].isHidden()
    page.close()

    clinic.patients.link_household(f["maria"], f["leo"])
    clinic.patients.link_household(f["maria"], f["sam"])
    page = PackagePage(clinic, f["package"])
    qtbot.addWidget(page)
    page.show()
    assert page.share_button.isEnabled()

    def tick_leo(dialog):
        assert [b.text() for b in dialog.boxes.values()] == ["Leo Lopez", "Sam Quintal"]
        tick(qtbot, dialog.boxes[f["leo"]])
        click(qtbot, dialog.ok_button)

    drive(ShareDialog, tick_leo)
    click(qtbot, page.share_button)
    assert page.values["shared"].text() == "Leo Lopez"
    assert page.changed

    # Leo redeems a use; the uses table says who.
    clinic.schedule.arrive(clinic.schedule.book(f["leo"], f["ana"], f["massage"],
                                                datetime(2026, 3, 3, 10)))
    later = clinic.schedule.book(f["leo"], f["ana"], f["massage"], datetime(2026, 3, 17, 10))
    page.reload()
    assert cell_texts(page.redemptions, RedemptionsModel.REDEEMED_BY) == ["Leo Lopez"]

    # Unticking Leo releases his booked visit, with the warning; his use stays.
    drive(ShareDialog, lambda d: (tick(qtbot, d.boxes[f["leo"]]), click(qtbot, d.ok_button)))
    click(qtbot, page.share_button)
    assert shown.boxes[-1][0] == "Booked appointments released"
    assert "Mar 17, 2026" in shown.last
    assert page.values["shared"].isHidden()
    assert clinic.schedule.appointment(later).package_id is None
    assert cell_texts(page.redemptions, RedemptionsModel.REDEEMED_BY) == ["Leo Lopez"]


def test_r37_a_refunded_package_offers_no_sharing(qtbot, clinic, family):
    f = family
    clinic.patients.link_household(f["maria"], f["leo"])
    clinic.packages.refund(f["package"], 0)
    page = PackagePage(clinic, f["package"])
    qtbot.addWidget(page)
    page.show()
    assert not page.share_button.isEnabled()
    assert "can no longer be shared" in page.share_button.toolTip()


def test_r37_booking_a_member_offers_the_shared_package_naming_its_purchaser(qtbot, clinic,
                                                                             family):
    from app.ui.dialogs.booking_dialog import BookingDialog
    f = family
    clinic.patients.link_household(f["maria"], f["leo"])
    clinic.packages.share(f["package"], f["leo"])
    dialog = BookingDialog(clinic, start=datetime(2026, 3, 5, 13))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.patient.choose(clinic.patients.get(f["leo"]))
    dialog.treatment.setCurrentIndex(dialog.treatment.findData(f["massage"]))
    [radio] = dialog.packages.buttons.values()
    assert radio.text() == "10 Massages, bought Mar 2, 2026 by Maria Lopez (shared)"
    assert radio.isChecked() and dialog.packages.chosen_id() == f["package"]
