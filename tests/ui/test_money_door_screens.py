"""Issue 16, R1: the screens read typed money with money.parse and hand the services cents.

The services now refuse text (tests/unit/test_money_door.py); what the desk types in French,
"12,50 $", is still taken as $12.50 on every screen, and a mistyped amount is refused with
the same sentence as before, the cursor on the field to correct.
"""

from __future__ import annotations

import pytest

from app.ui.dialogs.payment_dialog import ReceivePaymentDialog
from app.ui.dialogs.refund_payment_dialog import RefundPaymentDialog
from app.ui.packages import PackageTemplateDialog
from app.ui.settings.no_show_fees import NoShowFeeDialog
from app.ui.settings.treatment_types import TreatmentTypeDialog

from .helpers import click, retype

FRENCH_TYPED = "12,50 $"


@pytest.fixture
def fr_clinic(clinic, french):
    clinic.settings.update(locale="fr_CA")
    return clinic


def opened(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_r1_a_payment_typed_in_french_is_received_in_cents(qtbot, fr_clinic, catalog, shown):
    dialog = opened(qtbot, ReceivePaymentDialog(fr_clinic, catalog["patient"]))
    retype(qtbot, dialog.amount, FRENCH_TYPED)
    assert "12,50" in dialog.preview.text()  # the preview reads it the same way
    click(qtbot, dialog.ok_button)
    assert shown.boxes == []
    assert fr_clinic.billing.payment(dialog.outcome).amount == 1250


def test_r1_an_allocation_typed_in_french_is_applied_in_cents(qtbot, fr_clinic, catalog,
                                                              shown):
    sale = fr_clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    dialog = opened(qtbot, ReceivePaymentDialog(fr_clinic, catalog["patient"]))
    retype(qtbot, dialog.amount, "20,00 $")
    dialog.oldest_first.setChecked(False)
    retype(qtbot, dialog.table.apply[0], FRENCH_TYPED)
    click(qtbot, dialog.ok_button)
    assert shown.boxes == []
    assert fr_clinic.billing.invoice(sale.invoice_id).paid == 1250
    assert fr_clinic.billing.account(catalog["patient"]).credit == 750


def test_r1_a_refund_typed_in_french_is_refunded_in_cents(qtbot, fr_clinic, catalog, shown):
    paid = fr_clinic.billing.receive_payment(catalog["patient"], 5000, "cash")
    dialog = opened(qtbot, RefundPaymentDialog(fr_clinic, paid))
    retype(qtbot, dialog.amount, FRENCH_TYPED)
    click(qtbot, dialog.ok_button)
    assert shown.boxes == []
    assert fr_clinic.billing.payment_refund(dialog.outcome).amount == 1250


def test_r1_a_no_show_fee_typed_in_french_is_saved_in_cents(qtbot, fr_clinic, catalog, shown):
    dialog = opened(qtbot, NoShowFeeDialog(fr_clinic))
    retype(qtbot, dialog.name, "Annulation tardive")
    retype(qtbot, dialog.amount, FRENCH_TYPED)
    click(qtbot, dialog.ok_button)
    assert shown.boxes == []
    fees = {fee.id: fee.amount for fee in fr_clinic.settings.no_show_fees()}
    assert fees[dialog.outcome] == 1250


def test_r1_a_treatment_price_typed_in_french_is_saved_in_cents(qtbot, fr_clinic, catalog,
                                                                 shown):
    dialog = opened(qtbot, TreatmentTypeDialog(fr_clinic))
    retype(qtbot, dialog.name, "Ventouses")
    retype(qtbot, dialog.price, FRENCH_TYPED)
    click(qtbot, dialog.ok_button)
    assert shown.boxes == []
    assert fr_clinic.catalog.treatment_type(dialog.outcome).price == 1250


def test_r1_a_template_typed_in_french_is_saved_in_cents(qtbot, fr_clinic, catalog, shown):
    dialog = opened(qtbot, PackageTemplateDialog(fr_clinic))
    retype(qtbot, dialog.name, "5 Acupuncture")
    retype(qtbot, dialog.price, "300,00 $")
    row = dialog.eligible.row_of(catalog["acu"])
    dialog.eligible.checks[row].click()
    retype(qtbot, dialog.eligible.pays[row], FRENCH_TYPED)
    click(qtbot, dialog.ok_button)
    assert shown.boxes == []
    made = fr_clinic.catalog.package_template(dialog.outcome)
    assert made.price == 30000
    assert {e.treatment_type_id: e.patient_pays for e in made.eligible} == {
        catalog["acu"]: 1250}


def test_r30_a_mistyped_fee_is_refused_as_before_on_its_field(qtbot, clinic, catalog, shown):
    dialog = opened(qtbot, NoShowFeeDialog(clinic))
    retype(qtbot, dialog.name, "Late")
    retype(qtbot, dialog.amount, "12 50")
    click(qtbot, dialog.ok_button)
    assert shown.last == "The amount \u201c12 50\u201d is not an amount; type a number like 12.50."
    assert dialog.isVisible() and dialog.focusWidget() is dialog.amount
    assert [f.name for f in clinic.settings.no_show_fees()] == ["Missed appointment"]


def test_r30_a_mistyped_patient_pays_points_at_its_row(qtbot, clinic, catalog, shown):
    dialog = opened(qtbot, PackageTemplateDialog(clinic))
    retype(qtbot, dialog.name, "5 Acupuncture")
    retype(qtbot, dialog.price, "300.00")
    row = dialog.eligible.row_of(catalog["acu"])
    dialog.eligible.checks[row].click()
    retype(qtbot, dialog.eligible.pays[row], "abc")
    click(qtbot, dialog.ok_button)
    assert "patient pays" in shown.last and "is not an amount" in shown.last
    assert dialog.focusWidget() is dialog.eligible.pays[row]
    assert [t.name for t in clinic.catalog.package_templates()] == ["10 Massages", "3 Physio"]
