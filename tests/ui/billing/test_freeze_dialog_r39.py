"""Freeze… and Unfreeze… on a package's show page (R39), clicked and typed as the desk does."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate

from app.ui.billing.freeze_dialog import FreezeDialog, UnfreezeDialog
from app.ui.billing.package_page import PackagePage
from app.ui.dialogs.manager_approval import ManagerApprovalDialog

from ui.helpers import click, retype


@pytest.fixture
def massages(clinic, catalog):
    """“10 Massages”, sold Mar 2, 2026: it expires Sep 2, 2026."""
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id


def open_page(qtbot, clinic, package_id) -> PackagePage:
    page = PackagePage(clinic, package_id)
    qtbot.addWidget(page)
    page.show()
    return page


def freeze(qtbot, start: date, end: date | None, reason: str):
    def action(dialog: FreezeDialog) -> None:
        dialog.start.setDate(QDate(start))  # as picked from the calendar
        if end is None:
            click(qtbot, dialog.open_ended)
        else:
            dialog.end.setDate(QDate(end))
        retype(qtbot, dialog.reason, reason)
        click(qtbot, dialog.ok_button)
        if dialog.isVisible():  # refused: the desk gives up
            dialog.reject()
    return action


def unfreeze(qtbot, on: date):
    def action(dialog: UnfreezeDialog) -> None:
        dialog.on.setDate(QDate(on))
        click(qtbot, dialog.ok_button)
        if dialog.isVisible():
            dialog.reject()
    return action


def test_r39_freeze_to_a_date_from_the_page(qtbot, clinic, massages, shown, drive, clock):
    page = open_page(qtbot, clinic, massages)
    assert page.freeze_button.isEnabled() and not page.unfreeze_button.isEnabled()
    assert "not frozen" in page.unfreeze_button.toolTip()
    assert page.values["frozen"].isHidden()
    answers = drive(FreezeDialog, freeze(qtbot, date(2026, 3, 10), date(2026, 3, 20),
                                         "Surgery"))

    click(qtbot, page.freeze_button)

    assert answers == [1] and shown.boxes == []
    assert page.values["frozen"].text() == "Mar 10, 2026 to Mar 19, 2026 (10 days): Surgery"
    assert page.values["expires"].text() == "Sep 12, 2026"
    assert page.changed and page.unfreeze_button.isEnabled()
    clock.set(datetime(2026, 3, 12, 9))
    page.reload()
    assert page.values["status"].text() == "Frozen"


def test_r39_freeze_until_unfrozen_then_unfreeze(qtbot, clinic, massages, shown, drive,
                                                 clock):
    page = open_page(qtbot, clinic, massages)
    drive(FreezeDialog, freeze(qtbot, date(2026, 3, 2), None, "Travelling"))
    click(qtbot, page.freeze_button)
    assert page.values["frozen"].text() == "From Mar 2, 2026 until unfrozen: Travelling"
    assert page.values["expires"].text() == (
        "Held while frozen (was Sep 2, 2026); it moves on by the days frozen")
    assert page.values["status"].text() == "Frozen"
    assert page.values["uses"].text() == "10 of 10 left · expiry held while frozen"
    assert not page.freeze_button.isEnabled() and not page.expiry_button.isEnabled()
    assert "Unfreeze it first" in page.expiry_button.toolTip()

    clock.set(datetime(2026, 3, 12, 9))
    drive(UnfreezeDialog, unfreeze(qtbot, date(2026, 3, 12)))
    click(qtbot, page.unfreeze_button)
    assert shown.boxes == []
    assert page.values["expires"].text() == "Sep 12, 2026"
    assert page.values["frozen"].text() == "Mar 2, 2026 to Mar 11, 2026 (10 days): Travelling"
    assert page.values["status"].text() == "Active"


def test_r39_the_dialogs_refusals_keep_them_open_at_the_field(qtbot, clinic, massages, shown,
                                                             drive):
    page = open_page(qtbot, clinic, massages)
    seen = []

    def bad_then_cancel(dialog: FreezeDialog) -> None:
        dialog.start.setDate(QDate(2026, 3, 20))
        dialog.end.setDate(QDate(2026, 3, 10))
        qtbot.keyClicks(dialog.reason, "Away")
        click(qtbot, dialog.ok_button)
        seen.append((dialog.isVisible(), dialog.focusWidget() is dialog.end
                     or dialog.end.isAncestorOf(dialog.focusWidget())))
        dialog.end.setDate(QDate(2026, 3, 25))
        retype(qtbot, dialog.reason, "")
        click(qtbot, dialog.ok_button)
        seen.append((dialog.isVisible(), dialog.focusWidget() is dialog.reason))
        dialog.reject()

    drive(FreezeDialog, bad_then_cancel)
    click(qtbot, page.freeze_button)
    assert seen == [(True, True), (True, True)]
    assert "between Mar 21, 2026" in shown.boxes[0][1]
    assert "reason for the freeze" in shown.boxes[1][1]
    assert clinic.packages.freezes(massages) == [] and not page.changed

    drive(UnfreezeDialog, unfreeze(qtbot, date(2026, 3, 1)))
    clinic.packages.freeze(massages, date(2026, 3, 10), reason="Away")
    page.reload()
    click(qtbot, page.unfreeze_button)
    assert "starts on Mar 10, 2026" in shown.last


def test_r39_the_front_desk_needs_a_managers_pin(qtbot, clinic, desk, massages, shown,
                                                 drive):
    page = open_page(qtbot, clinic, massages)
    assert page.freeze_button.text() == "Free&ze… (manager)"
    steps = []

    def approve(d: ManagerApprovalDialog) -> None:
        steps.append("pin")
        qtbot.keyClicks(d.secret, "2468")
        click(qtbot, d.ok_button)

    def fill(d: FreezeDialog) -> None:
        steps.append("freeze")
        freeze(qtbot, date(2026, 3, 10), None, "Travelling")(d)

    drive(ManagerApprovalDialog, approve)
    drive(FreezeDialog, fill)
    click(qtbot, page.freeze_button)
    assert steps == ["pin", "freeze"]
    assert [f.reason for f in clinic.packages.freezes(massages)] == ["Travelling"]


def test_r39_the_packages_list_says_frozen(qtbot, clinic, catalog, massages):
    from app.ui.models.packages import PatientPackagesModel as PackagesModel
    from app.ui.formats import Formats
    clinic.packages.freeze(massages, date(2026, 3, 2), reason="Travelling")
    model = PackagesModel(Formats(clinic))
    model.set_rows(clinic.packages.for_patient(catalog["patient"]))
    texts = [model.index(0, column).data() for column in range(model.columnCount())]
    assert texts[-2:] == ["Held while frozen", "Frozen"]
    assert texts[3] == "10 of 10 left · expiry held while frozen"


def test_r39_the_page_and_both_dialogs_in_french(qtbot, clinic, massages, french):
    from ui.i18n_helpers import untranslated_texts
    clinic.packages.freeze(massages, date(2026, 3, 2), reason="Voyage")
    page = open_page(qtbot, clinic, massages)
    assert untranslated_texts(page) == []
    assert page.values["status"].text() == "Gelé"
    # the words in French, the dates in the clinic's locale (en_CA here)
    assert page.values["frozen"].text() == "Depuis le Mar 2, 2026, jusqu'au dégel\u00a0: Voyage"
    summary = clinic.packages.summary(massages)
    for dialog in (FreezeDialog(clinic, summary), UnfreezeDialog(clinic, summary)):
        qtbot.addWidget(dialog)
        dialog.show()
        assert untranslated_texts(dialog) == []
    assert dialog.ok_button.text() == "Dégeler"
