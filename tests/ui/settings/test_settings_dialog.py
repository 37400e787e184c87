"""File > Settings…: clinic details and the lists the clinic keeps, all through services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.ui.settings import SettingsDialog
from app.ui.settings.no_show_fees import NoShowFeeDialog
from app.ui.settings.staff import StaffDialog
from app.ui.settings.treatment_types import TreatmentTypeDialog

from ui.helpers import cell_texts, click, retype


def open_settings(qtbot, clinic) -> SettingsDialog:
    dialog = SettingsDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def select(page, name: str) -> None:
    page.table.selectRow(cell_texts(page.model, 0).index(name))


# clinic details

def test_update_clinic_details(qtbot, clinic, shown):
    dialog = open_settings(qtbot, clinic)
    fields = dialog.details.fields
    retype(qtbot, fields["name"], "Harbour Physio & Massage")
    retype(qtbot, fields["phone"], "902-555-0100")
    retype(qtbot, fields["tax_name"], "HST")
    retype(qtbot, fields["default_tax_rate"], "15")
    fields["paper"].setCurrentIndex(fields["paper"].findData("a4"))
    click(qtbot, dialog.ok_button)

    assert shown.boxes == []
    assert not dialog.isVisible()
    saved = clinic.settings.get()
    assert (saved.name, saved.phone, saved.tax_name, saved.default_tax_rate, saved.paper) == (
        "Harbour Physio & Massage", "902-555-0100", "HST", Decimal("0.15"), "a4")
    assert saved.address == "12 Main St\nHalifax NS", "untouched fields keep their value"


def test_r4_changing_currency_and_locale_changes_how_money_looks(qtbot, clinic, shown):
    dialog = open_settings(qtbot, clinic)
    dialog.details.fields["currency"].setCurrentText("EUR")
    dialog.details.fields["locale"].setCurrentText("fr_FR")
    click(qtbot, dialog.ok_button)
    assert clinic.format_money(123450) == "1\u202f234,50\u00a0€"


@pytest.mark.parametrize("field, typed, words", [
    ("name", "", "Please enter the clinic name"),
    ("email", "not-an-email", "is not an email address"),
    ("default_tax_rate", "101", "tax rate must be between 0% and 100%"),
    ("currency", "DOLLARS", "is not a currency code"),
])
def test_r30_bad_clinic_detail_is_refused_and_nothing_saved(qtbot, clinic, shown, field, typed,
                                                            words):
    before = clinic.settings.get()
    dialog = open_settings(qtbot, clinic)
    dialog.tabs.setCurrentWidget(dialog.staff)
    widget = dialog.details.fields[field]
    if field == "currency":
        widget.setCurrentText(typed)
    else:
        retype(qtbot, widget, typed)
    retype(qtbot, dialog.details.fields["phone"], "902-555-0199")  # a good change beside it
    click(qtbot, dialog.ok_button)

    assert len(shown.boxes) == 1 and words in shown.last
    assert dialog.isVisible()
    assert clinic.settings.get() == before
    assert dialog.tabs.currentWidget() is dialog.details, "the tab with the bad field is shown"
    assert dialog.focusWidget() in (widget, getattr(widget, "lineEdit", lambda: None)())


# treatment types

def test_add_treatment_type(qtbot, clinic, shown, drive):
    def fill(d: TreatmentTypeDialog) -> None:
        retype(qtbot, d.name, "Chiropractic adjustment")
        retype(qtbot, d.duration.lineEdit(), "20")
        retype(qtbot, d.price, "65.50")
        retype(qtbot, d.tax, "15")
        click(qtbot, d.ok_button)

    drive(TreatmentTypeDialog, fill)
    dialog = open_settings(qtbot, clinic)
    page = dialog.treatment_types
    click(qtbot, page.add_button)

    [made] = clinic.catalog.treatment_types()
    assert (made.name, made.duration_min, made.price, made.tax_rate) == (
        "Chiropractic adjustment", 20, 6550, Decimal("0.15"))
    assert cell_texts(page.model, 0) == ["Chiropractic adjustment"]
    assert page.selected().id == made.id
    assert shown.boxes == []


@pytest.mark.parametrize("spoil, words", [
    (lambda q, d: retype(q, d.price, "12.345"), "at most 2 digits after the decimal point"),
    (lambda q, d: retype(q, d.price, "-1"), "cannot be negative"),
    (lambda q, d: retype(q, d.duration.lineEdit(), "0"), "duration in minutes must be between"),
    (lambda q, d: retype(q, d.name, "Massage 60 min"), "already a treatment type called"),
])
def test_r30_bad_treatment_type_is_refused(qtbot, clinic, catalog, shown, drive, spoil, words):
    def fill(d: TreatmentTypeDialog) -> None:
        retype(qtbot, d.name, "Cupping")
        retype(qtbot, d.price, "50")
        spoil(qtbot, d)
        click(qtbot, d.ok_button)

    before = clinic.catalog.treatment_types(include_inactive=True)
    answers = drive(TreatmentTypeDialog, fill)
    dialog = open_settings(qtbot, clinic)
    click(qtbot, dialog.treatment_types.add_button)
    assert answers == [0]
    assert len(shown.boxes) == 1 and words in shown.last
    assert clinic.catalog.treatment_types(include_inactive=True) == before


def test_edit_and_deactivate_treatment_type(qtbot, clinic, catalog, shown, drive):
    def reprice(d: TreatmentTypeDialog) -> None:
        assert d.price.text() == "75.00"
        retype(qtbot, d.price, "80")
        click(qtbot, d.ok_button)

    drive(TreatmentTypeDialog, reprice)
    dialog = open_settings(qtbot, clinic)
    page = dialog.treatment_types
    select(page, "Acupuncture")
    click(qtbot, page.edit_button)
    assert clinic.catalog.treatment_type(catalog["acu"]).price == 8000

    assert page.active_button.text() == "&Deactivate"
    click(qtbot, page.active_button)
    assert not clinic.catalog.treatment_type(catalog["acu"]).active
    assert page.selected().name == "Acupuncture" and page.active_button.text() == "&Reactivate"
    click(qtbot, page.active_button)
    assert clinic.catalog.treatment_type(catalog["acu"]).active


# staff

def test_add_staff_member(qtbot, clinic, shown, drive):
    def fill(d: StaffDialog) -> None:
        retype(qtbot, d.name, "Dana Reyes")
        d.practitioner.click()  # desk staff, not a practitioner
        d.role.setCurrentIndex(d.role.findData("manager"))
        click(qtbot, d.ok_button)

    drive(StaffDialog, fill)
    dialog = open_settings(qtbot, clinic)
    page = dialog.staff
    click(qtbot, page.add_button)

    [member] = clinic.staff.list()
    assert (member.name, member.practitioner, member.role) == ("Dana Reyes", False, "manager")
    assert cell_texts(page.model, 0) == ["Dana Reyes"]
    assert shown.boxes == []


def test_r30_staff_member_without_a_name_is_refused(qtbot, clinic, shown, drive):
    answers = drive(StaffDialog, lambda d: click(qtbot, d.ok_button))
    dialog = open_settings(qtbot, clinic)
    click(qtbot, dialog.staff.add_button)
    assert answers == [0]
    assert "Please enter the staff member's name" in shown.last
    assert clinic.staff.list(include_inactive=True) == []


def test_deactivate_staff_member(qtbot, clinic, catalog, shown):
    dialog = open_settings(qtbot, clinic)
    page = dialog.staff
    select(page, "Ben Okafor")
    click(qtbot, page.active_button)
    assert not clinic.staff.get(catalog["ben"]).active
    assert cell_texts(page.model, 3)[cell_texts(page.model, 0).index("Ben Okafor")] == "Inactive"


# no-show fees

def test_add_no_show_fee(qtbot, clinic, shown, drive):
    def fill(d: NoShowFeeDialog) -> None:
        retype(qtbot, d.name, "Late cancellation")
        retype(qtbot, d.amount, "25")
        click(qtbot, d.ok_button)

    drive(NoShowFeeDialog, fill)
    dialog = open_settings(qtbot, clinic)
    page = dialog.no_show_fees
    click(qtbot, page.add_button)

    [fee] = clinic.settings.no_show_fees()
    assert (fee.name, fee.amount, fee.tax_rate) == ("Late cancellation", 2500, Decimal("0"))
    assert cell_texts(page.model, 1) == ["$25.00"]
    assert shown.boxes == []


@pytest.mark.parametrize("amount, words", [("abc", "is not an amount"),
                                           ("", "Please enter the amount"),
                                           ("-40", "cannot be negative")])
def test_r30_bad_no_show_fee_is_refused(qtbot, clinic, shown, drive, amount, words):
    def fill(d: NoShowFeeDialog) -> None:
        retype(qtbot, d.name, "Missed")
        retype(qtbot, d.amount, amount)
        click(qtbot, d.ok_button)

    answers = drive(NoShowFeeDialog, fill)
    dialog = open_settings(qtbot, clinic)
    click(qtbot, dialog.no_show_fees.add_button)
    assert answers == [0]
    assert words in shown.last
    assert clinic.settings.no_show_fees(include_inactive=True) == []


def test_edit_and_deactivate_no_show_fee(qtbot, clinic, catalog, shown, drive):
    def change(d: NoShowFeeDialog) -> None:
        assert d.amount.text() == "40.00"
        retype(qtbot, d.amount, "45")
        click(qtbot, d.ok_button)

    drive(NoShowFeeDialog, change)
    dialog = open_settings(qtbot, clinic)
    page = dialog.no_show_fees
    select(page, "Missed appointment")
    click(qtbot, page.edit_button)
    click(qtbot, page.active_button)
    [fee] = clinic.settings.no_show_fees(include_inactive=True)
    assert (fee.amount, fee.active) == (4500, False)
    assert clinic.settings.no_show_fees() == []
