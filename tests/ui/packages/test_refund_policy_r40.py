"""The refund policy in the package template dialog (R40), typed and clicked as the desk does;
the catalogue's refusals point at the field."""

from __future__ import annotations

import pytest

from app.ui.packages import PackageTemplateDialog

from ui.helpers import click, retype


def open_dialog(qtbot, clinic, template=None) -> PackageTemplateDialog:
    dialog = PackageTemplateDialog(clinic, template)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill_valid(qtbot, dialog, catalog, name="5 Acupuncture") -> None:
    retype(qtbot, dialog.name, name)
    retype(qtbot, dialog.price, "300.00")
    retype(qtbot, dialog.uses.lineEdit(), "5")
    dialog.eligible.checks[dialog.eligible.row_of(catalog["acu"])].click()


def choose(dialog, kind: str) -> None:
    rows = dialog.refund_policy
    rows.policy.setCurrentIndex(rows.policy.findData(kind))


def test_r40_a_new_template_is_pro_rata_and_the_fee_fields_wait(qtbot, clinic, catalog, shown):
    dialog = open_dialog(qtbot, clinic)
    rows = dialog.refund_policy
    assert rows.policy.currentText() == "Pro rata"
    assert [rows.policy.itemText(i) for i in range(rows.policy.count())] == [
        "Pro rata", "Used uses at the standard price", "Pro rata less a cancellation fee"]
    assert not rows.percent.isEnabled() and not rows.cap.isEnabled()
    fill_valid(qtbot, dialog, catalog)
    click(qtbot, dialog.ok_button)
    assert shown.boxes == []
    assert clinic.catalog.package_template(dialog.outcome).refund_policy == "pro_rata"


def test_r40_the_fee_is_typed_as_a_percent_and_a_cap(qtbot, clinic, catalog, shown):
    dialog = open_dialog(qtbot, clinic)
    fill_valid(qtbot, dialog, catalog)
    choose(dialog, "pro_rata_fee")
    rows = dialog.refund_policy
    assert rows.percent.isEnabled() and rows.cap.isEnabled()
    retype(qtbot, rows.percent.lineEdit(), "15")
    retype(qtbot, rows.cap, "40.00")
    click(qtbot, dialog.ok_button)
    assert shown.boxes == []
    assert clinic.catalog.package_template(dialog.outcome).refund_policy == \
        "pro_rata_fee:15:4000"


def test_r40_editing_shows_the_policy_and_changes_it(qtbot, clinic, catalog, shown):
    clinic.catalog.update_package_template(catalog["three_physio"],
                                           refund_policy="pro_rata_fee:10:5000")
    dialog = open_dialog(qtbot, clinic, clinic.catalog.package_template(catalog["three_physio"]))
    rows = dialog.refund_policy
    assert (rows.policy.currentData(), rows.percent.value(), rows.cap.text()) == (
        "pro_rata_fee", 10, "50.00")
    choose(dialog, "standard_price")
    assert not rows.percent.isEnabled()
    click(qtbot, dialog.ok_button)
    assert shown.boxes == []
    assert clinic.catalog.package_template(catalog["three_physio"]).refund_policy == \
        "standard_price"


@pytest.mark.parametrize("percent, cap, words, focused", [
    ("101", "50.00", "from 0 to 100 %", "fee_percent"),
    ("10", "-5.00", "0 or more", "fee_cap"),
    ("10", "lots", "is not an amount", "fee_cap"),
])
def test_r40_a_bad_fee_is_refused_naming_the_field(qtbot, clinic, catalog, shown, percent, cap,
                                                    words, focused):
    dialog = open_dialog(qtbot, clinic)
    fill_valid(qtbot, dialog, catalog)
    choose(dialog, "pro_rata_fee")
    retype(qtbot, dialog.refund_policy.percent.lineEdit(), percent)
    retype(qtbot, dialog.refund_policy.cap, cap)
    click(qtbot, dialog.ok_button)
    assert len(shown.boxes) == 1 and words in shown.last
    assert dialog.isVisible()
    widget = dialog.fields[focused]
    assert dialog.focusWidget() is widget or dialog.focusWidget().parent() is widget
    assert [t.name for t in clinic.catalog.package_templates(include_archived=True)] == [
        "10 Massages", "3 Physio"]
