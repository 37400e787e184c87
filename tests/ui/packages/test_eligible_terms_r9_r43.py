"""R9 and R43: the template and plan dialogs share one eligible-treatments table
(app.ui.packages.eligible_terms): both offer an inactive treatment type only where it is
covered already, and both point at the row whose Patient Pays the catalogue refused."""

from __future__ import annotations

import pytest

from app.ui.packages.eligible_terms import EligibleTable, EligibleTermsDialog
from app.ui.packages.plans_view import MembershipPlanDialog
from app.ui.packages.template_dialog import PackageTemplateDialog

from ui.helpers import click, retype


@pytest.fixture
def covered(clinic, catalog):
    """A plan and a template that cover Acupuncture, which is then no longer offered."""
    eligible = {catalog["massage"]: 0, catalog["acu"]: 500}
    plan = clinic.catalog.add_membership_plan("Monthly Massage", fee=9000, period="1m",
                                              uses_per_period=2, eligible=eligible)
    template = clinic.catalog.add_package_template("5 Massages", price=40000, uses=5,
                                                   eligible=eligible, validity="6m")
    clinic.catalog.update_treatment_type(catalog["acu"], active=False)
    return {"plan": (MembershipPlanDialog, clinic.catalog.membership_plan(plan)),
            "template": (PackageTemplateDialog, clinic.catalog.package_template(template))}


@pytest.mark.parametrize("what", ["plan", "template"])
def test_r9_r43_one_table_offers_and_refuses_alike(qtbot, clinic, catalog, covered, shown,
                                                   what):
    dialog_class, row = covered[what]
    new = dialog_class(clinic)
    qtbot.addWidget(new)
    assert isinstance(new, EligibleTermsDialog) and isinstance(new.eligible, EligibleTable)
    assert catalog["acu"] not in new.eligible.treatment_ids  # inactive, covered by nothing new

    dialog = dialog_class(clinic, row)
    qtbot.addWidget(dialog)
    dialog.show()
    acu = dialog.eligible.row_of(catalog["acu"])
    assert dialog.eligible.checks[acu].text() == "Acupuncture (inactive)"
    assert dialog.eligible.checks[acu].isChecked()
    assert dialog.eligible.pays[acu].text() == "5.00"
    massage = dialog.eligible.pays[dialog.eligible.row_of(catalog["massage"])]
    retype(qtbot, massage, "95.00")  # the massage's price is $90.00
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and dialog.focusWidget() is massage
    assert "Patient Pays for Massage 60 min cannot be more than its standard price" in \
        shown.texts[-1]
