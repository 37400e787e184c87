"""The package template dialog, driven by typing and clicking (R3, R9, R30)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.ui.packages import PackageTemplateDialog

from ui.helpers import click, retype


def open_dialog(qtbot, clinic, template=None) -> PackageTemplateDialog:
    dialog = PackageTemplateDialog(clinic, template)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def row_for(dialog, treatment_id: int) -> int:
    return dialog.eligible.row_of(treatment_id)


def fill_valid(qtbot, dialog, catalog, name="5 Acupuncture") -> None:
    retype(qtbot, dialog.name, name)
    retype(qtbot, dialog.price, "300.00")
    retype(qtbot, dialog.uses.lineEdit(), "5")
    retype(qtbot, dialog.tax, "13")
    dialog.eligible.checks[row_for(dialog, catalog["acu"])].click()


def click_ok(qtbot, dialog) -> None:
    click(qtbot, dialog.ok_button)


def templates(clinic):
    return clinic.catalog.package_templates(include_archived=True)


def test_r9_create_template_by_typing(qtbot, clinic, catalog, shown):
    dialog = open_dialog(qtbot, clinic)
    fill_valid(qtbot, dialog, catalog)
    retype(qtbot, dialog.validity_number.lineEdit(), "90")
    dialog.validity_unit.setCurrentIndex(dialog.validity_unit.findData("d"))
    physio = row_for(dialog, catalog["physio"])
    dialog.eligible.checks[physio].click()
    retype(qtbot, dialog.eligible.pays[physio], "12.50")

    click_ok(qtbot, dialog)

    assert shown.boxes == []
    assert not dialog.isVisible()
    made = clinic.catalog.package_template(dialog.outcome)
    assert (made.name, made.price, made.uses, made.tax_rate, made.validity) == (
        "5 Acupuncture", 30000, 5, Decimal("0.13"), "90d")
    assert {e.treatment_type_id: e.patient_pays for e in made.eligible} == {
        catalog["acu"]: 0, catalog["physio"]: 1250}


def test_r9_no_expiry_checkbox_saves_no_validity(qtbot, clinic, catalog, shown):
    dialog = open_dialog(qtbot, clinic)
    fill_valid(qtbot, dialog, catalog)
    dialog.no_expiry.click()
    assert not dialog.validity_number.isEnabled()
    click_ok(qtbot, dialog)
    assert clinic.catalog.package_template(dialog.outcome).validity is None


def test_edit_template_shows_its_terms_and_saves_changes(qtbot, clinic, catalog, shown):
    template = clinic.catalog.package_template(catalog["three_physio"])
    dialog = open_dialog(qtbot, clinic, template)
    assert dialog.name.text() == "3 Physio"
    assert dialog.price.text() == "100.00"
    assert dialog.uses.value() == 3
    assert dialog.no_expiry.isChecked()
    physio = row_for(dialog, catalog["physio"])
    assert dialog.eligible.checks[physio].isChecked()
    assert dialog.eligible.pays[physio].text() == "10.00"

    retype(qtbot, dialog.name, "3 Physio Sessions")
    retype(qtbot, dialog.price, "120")
    dialog.no_expiry.click()
    retype(qtbot, dialog.validity_number.lineEdit(), "1")
    dialog.validity_unit.setCurrentIndex(dialog.validity_unit.findData("y"))
    click_ok(qtbot, dialog)

    assert shown.boxes == []
    changed = clinic.catalog.package_template(template.id)
    assert (changed.name, changed.price, changed.validity) == ("3 Physio Sessions", 12000, "1y")
    assert dialog.outcome == template.id


def test_ask_returns_none_when_cancelled(qtbot, clinic, catalog, monkeypatch):
    monkeypatch.setattr(PackageTemplateDialog, "exec", lambda self: 0)
    before = templates(clinic)
    assert PackageTemplateDialog.ask(None, clinic) is None
    assert templates(clinic) == before


BAD_INPUTS = [
    # (what, how to spoil a valid form, words of the service's message, field focused)
    ("empty name", lambda q, d, c: retype(q, d.name, ""), "Please enter the package name",
     "name"),
    ("negative price", lambda q, d, c: retype(q, d.price, "-5"), "cannot be negative",
     "price"),
    ("price abc", lambda q, d, c: retype(q, d.price, "abc"), "is not an amount", "price"),
    ("price 12.345", lambda q, d, c: retype(q, d.price, "12.345"),
     "at most 2 digits after the decimal point", "price"),
    ("0 uses", lambda q, d, c: retype(q, d.uses.lineEdit(), "0"),
     "number of uses must be between 1 and 1000", "uses"),
    ("tax over 100%", lambda q, d, c: retype(q, d.tax, "150"),
     "tax rate must be between 0% and 100%", "tax_rate"),
    ("validity 0", lambda q, d, c: retype(q, d.validity_number.lineEdit(), "0"),
     "validity must be between 1 and", "validity"),
    ("no eligible treatment",
     lambda q, d, c: d.eligible.checks[row_for(d, c["acu"])].click(),
     "Choose at least one treatment type", None),
    ("patient pays x",
     lambda q, d, c: retype(q, d.eligible.pays[row_for(d, c["acu"])], "x"),
     "is not an amount", "pays"),
    ("patient pays above price",
     lambda q, d, c: retype(q, d.eligible.pays[row_for(d, c["acu"])], "75.01"),
     "Patient Pays for Acupuncture cannot be more than its standard price", "pays"),
    ("duplicate name", lambda q, d, c: retype(q, d.name, "10 Massages"),
     "There is already a package template called \u201c10 Massages\u201d", None),
]


@pytest.mark.parametrize("what, spoil, words, focused", BAD_INPUTS,
                         ids=[case[0] for case in BAD_INPUTS])
def test_r30_bad_new_template_shows_the_service_message_and_saves_nothing(
        qtbot, clinic, catalog, shown, what, spoil, words, focused):
    before = templates(clinic)
    dialog = open_dialog(qtbot, clinic)
    fill_valid(qtbot, dialog, catalog)
    spoil(qtbot, dialog, catalog)

    click_ok(qtbot, dialog)

    assert len(shown.boxes) == 1 and words in shown.last
    assert dialog.isVisible(), "the dialog stays open for the desk to correct"
    assert templates(clinic) == before
    if focused == "pays":
        assert dialog.focusWidget() is dialog.eligible.pays[row_for(dialog, catalog["acu"])]
    elif focused is not None:
        assert dialog.focusWidget() is dialog.fields[focused] or (
            dialog.focusWidget().parent() is dialog.fields[focused])


def test_r30_bad_edit_saves_nothing_and_the_fix_then_saves(qtbot, clinic, catalog, shown):
    template = clinic.catalog.package_template(catalog["ten_massages"])
    dialog = open_dialog(qtbot, clinic, template)
    before = templates(clinic)

    retype(qtbot, dialog.price, "abc")
    retype(qtbot, dialog.name, "Ten Massages")
    click_ok(qtbot, dialog)
    assert "is not an amount" in shown.last
    assert templates(clinic) == before

    retype(qtbot, dialog.price, "850")
    click_ok(qtbot, dialog)
    assert len(shown.boxes) == 1
    changed = clinic.catalog.package_template(template.id)
    assert (changed.name, changed.price) == ("Ten Massages", 85000)
