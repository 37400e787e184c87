"""Transfer… on the package's show page (R38): a manager's PIN first for the front desk, the
recipient found by typing, a reason, the booked appointments that will be released shown
before Transfer is pressed; then both pages say where the uses went and came from."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from app.ui.billing.package_page import PackagePage
from app.ui.billing.transfer_dialog import TransferDialog
from app.ui.dialogs.manager_approval import ManagerApprovalDialog

from ui.helpers import click


@pytest.fixture
def physio(clinic, desk):
    """Maria's “3 Physio”, paid, one use given, one visit booked on Mar 16; Joe Bloggs is the
    recipient. Chloe (front desk) is signed in."""
    patient = desk["patient"]
    sale = clinic.billing.sell_package(patient, desk["three_physio"])
    clinic.billing.receive_payment(patient, 10000, "cash", invoice_id=sale.invoice_id)
    clinic.schedule.arrive(clinic.schedule.book(patient, desk["ana"], desk["physio"],
                                                datetime(2026, 3, 2, 10)))
    booked = clinic.schedule.book(patient, desk["ana"], desk["physio"],
                                  datetime(2026, 3, 16, 10))
    joe = clinic.patients.add("Joe", "Bloggs", phone="902-555-0102")
    return {**desk, "package": sale.package_id, "booked": booked, "joe": joe}


def open_page(qtbot, clinic, package_id) -> PackagePage:
    page = PackagePage(clinic, package_id)
    qtbot.addWidget(page)
    page.show()
    return page


def pick(qtbot, dialog, typed: str) -> None:
    dialog.recipient.lineEdit().setFocus()
    qtbot.keyClicks(dialog.recipient.lineEdit(), typed)
    qtbot.keyClick(dialog.recipient.lineEdit(), Qt.Key.Key_Return)


def approve(qtbot, seen):
    def act(d: ManagerApprovalDialog) -> None:
        seen.append("pin")
        qtbot.keyClicks(d.secret, "2468")
        click(qtbot, d.ok_button)
    return act


def test_r38_the_front_desk_is_told_a_manager_is_needed(qtbot, clinic, physio):
    page = open_page(qtbot, clinic, physio["package"])
    assert page.transfer_button.text() == "Trans&fer… (manager)"
    assert page.transfer_button.isEnabled()
    assert page.values["transfer"].isHidden()


def test_r38_transfer_with_pin_recipient_reason_and_the_warning_first(
        qtbot, clinic, physio, drive, shown):
    seen, warned = [], []

    def transfer(d: TransferDialog) -> None:
        seen.append("transfer")
        warned.append(d.warning.text() if d.warning.isVisible() else "")
        # no recipient yet: refused, naming the field, the dialog stays
        qtbot.keyClicks(d.reason, "Moved to Calgary; her son takes the visits")
        click(qtbot, d.ok_button)
        assert "Choose the patient" in shown.last and d.isVisible()
        pick(qtbot, d, "Blogg")
        assert d.recipient.patient_id == physio["joe"]
        click(qtbot, d.ok_button)

    drive(ManagerApprovalDialog, approve(qtbot, seen))
    drive(TransferDialog, transfer)
    page = open_page(qtbot, clinic, physio["package"])
    click(qtbot, page.transfer_button)

    assert seen == ["pin", "transfer"]
    assert warned[0].startswith("This booked appointment will lose the package and be billed "
                                "at the standard price:")
    assert "Mar 16, 2026" in warned[0] and "Physio follow-up with Ana Silva" in warned[0]
    assert shown.last.startswith("2 uses were transferred.")
    assert "1 booked appointment lost this package" in shown.last
    assert page.values["status"].text() == "Transferred"
    assert page.values["transfer"].text() == (
        "Transferred to Joe Bloggs on Mar 2, 2026 (Moved to Calgary; her son takes the visits)")
    assert not page.transfer_button.isEnabled()
    assert "already transferred" in page.transfer_button.toolTip()
    assert not page.refund_button.isEnabled() and not page.expiry_button.isEnabled()
    (new,) = clinic.packages.for_patient(physio["joe"])
    other = open_page(qtbot, clinic, new.id)
    assert other.values["transfer"].text().startswith("Transferred from Maria Lopez on")
    assert other.values["uses"].text().startswith("2 of 2 left")
    assert other.values["total"].text() == "$0.00"


def test_r38_a_package_passed_on_again_says_where_it_came_from_and_went(qtbot, clinic, physio):
    clinic.auth.sign_in(physio["ana"], "2468")
    joes = clinic.packages.transfer(physio["package"], physio["joe"], reason="Moved away")
    ann = clinic.patients.add("Ann", "Bell")
    clinic.packages.transfer(joes, ann, reason="Joe is injured")
    page = open_page(qtbot, clinic, joes)
    assert page.values["transfer"].text() == (
        "Transferred from Maria Lopez on Mar 2, 2026 (Moved away)\n"
        "Transferred to Ann Bell on Mar 2, 2026 (Joe is injured)")


def test_r38_refusals_keep_the_dialog_open_and_write_nothing(qtbot, clinic, physio, shown):
    clinic.auth.sign_in(physio["ana"], "2468")
    dialog = TransferDialog(clinic, clinic.packages.summary(physio["package"]))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.reason, "Gift")
    pick(qtbot, dialog, "Lopez")  # the package's own patient
    click(qtbot, dialog.ok_button)
    assert "already belongs to Maria Lopez" in shown.last and dialog.isVisible()
    assert dialog.focusWidget() in (dialog.recipient, dialog.recipient.lineEdit())
    dialog.recipient.lineEdit().clear()
    dialog.reason.clear()
    pick(qtbot, dialog, "Blogg")
    click(qtbot, dialog.ok_button)  # no reason
    assert shown.last == "Please enter the reason for the transfer." and dialog.isVisible()
    assert dialog.focusWidget() is dialog.reason
    assert clinic.packages.for_patient(physio["joe"]) == []
    assert clinic.packages.summary(physio["package"]).status == "active"


def test_r38_cancelled_pin_opens_nothing(qtbot, clinic, physio, drive):
    opened = []
    drive(ManagerApprovalDialog, lambda d: d.reject())
    drive(TransferDialog, lambda d: opened.append(d))
    page = open_page(qtbot, clinic, physio["package"])
    click(qtbot, page.transfer_button)
    assert opened == [] and clinic.packages.summary(physio["package"]).status == "active"
