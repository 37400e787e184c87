"""R42 Import Existing Package… on the patient's Packages tab: typed through as the desk
would, the refusals (more uses used than the package has, more collected than its price,
an expiry before the purchase) shown and nothing written, then the good terms brought in
and listed as imported."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate

from app.ui.billing.import_package_dialog import ImportPackageDialog
from app.ui.billing.packages_view import PatientPackagesView
from app.ui.models.packages import PatientPackagesModel as Cols

from ui.helpers import cell_texts, click, retype
from ui.billing.test_refund_dialog import stand_in


@pytest.fixture
def dialog(qtbot, clinic, catalog):
    made = ImportPackageDialog(clinic, catalog["patient"])
    qtbot.addWidget(made)
    made.show()
    return made


def choose_template(dialog, name: str) -> None:
    dialog.template.setCurrentIndex(dialog.template.findText(name))


def test_r42_typed_through_with_its_refusals(qtbot, clinic, catalog, dialog, shown):
    choose_template(dialog, "10 Massages")
    assert dialog.uses.placeholderText() == "10"
    dialog.purchased_on.setDate(QDate(2025, 11, 20))
    retype(qtbot, dialog.uses_used, "11")
    retype(qtbot, dialog.collected, "500.00")
    click(qtbot, dialog.ok_button)
    assert "(11) cannot be more than the package\u2019s 10 uses" in shown.last
    assert dialog.isVisible() and dialog.focusWidget() is dialog.uses_used

    retype(qtbot, dialog.uses_used, "3")
    retype(qtbot, dialog.price, "400.00")
    click(qtbot, dialog.ok_button)
    assert "($500.00) cannot be more than the package\u2019s price ($400.00)" in shown.last
    assert dialog.focusWidget() is dialog.collected

    retype(qtbot, dialog.price, "")
    dialog.no_expiry.setChecked(False)
    dialog.expires_on.setDate(QDate(2025, 11, 1))
    click(qtbot, dialog.ok_button)
    assert "cannot be before the purchase date (Nov 20, 2025)" in shown.last
    assert clinic.packages.for_patient(catalog["patient"]) == []

    dialog.expires_on.setDate(QDate(2026, 11, 20))
    click(qtbot, dialog.ok_button)
    assert len(shown.boxes) == 3 and not dialog.isVisible()
    (package,) = clinic.packages.for_patient(catalog["patient"])
    assert (package.name, package.price, package.uses_redeemed, package.expires_on,
            package.purchased_on) == ("10 Massages", 80000, 3, date(2026, 11, 20),
                                      date(2025, 11, 20))
    assert package.imported_on == clinic.today()
    assert dialog.outcome == package.id
    assert clinic.billing.account(catalog["patient"]).owing == 30000


def test_r42_terms_typed_without_a_template(qtbot, clinic, catalog, dialog, shown):
    click(qtbot, dialog.ok_button)
    assert "Choose the package template, or enter" in shown.last
    retype(qtbot, dialog.name, "Old 5-pack")
    retype(qtbot, dialog.price, "250.00")
    retype(qtbot, dialog.uses, "5")
    retype(qtbot, dialog.collected, "250")
    click(qtbot, dialog.ok_button)
    (package,) = clinic.packages.for_patient(catalog["patient"])
    assert (package.name, package.price, package.uses_total, package.expires_on) == \
        ("Old 5-pack", 25000, 5, None)


def test_r42_the_packages_tab_imports_and_marks_it(qtbot, clinic, catalog, monkeypatch):
    view = PatientPackagesView(clinic)
    qtbot.addWidget(view)
    view.show()
    view.set_patient(None)
    assert not view.import_button.isEnabled()
    view.set_patient(catalog["patient"])
    assert view.import_button.isEnabled()

    def bring_in(_parent, clinic_, patient_id):
        return clinic_.packages.import_existing(
            patient_id, template_id=catalog["three_physio"], uses_used=1, collected=10000,
            purchased_on=date(2026, 1, 5), expires_on=None)

    stand_in(monkeypatch, "app.ui.billing.import_package_dialog", "ImportPackageDialog",
             bring_in)
    changed = []
    view.changed.connect(lambda: changed.append(True))
    click(qtbot, view.import_button)
    assert cell_texts(view.model, Cols.NAME) == ["3 Physio (imported)"]
    assert cell_texts(view.model, Cols.USED) == ["1 of 3"]
    assert changed == [True]
