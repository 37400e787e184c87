"""Refund Package… by the package's refund policy (R40): the dialog names the policy, says the
calculation in words and offers its amount; the refund keeps the calculation for the receipt."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.ui.billing.refund_dialog import RefundPackageDialog

from ui.helpers import click, retype


@pytest.fixture
def standard(clinic, catalog):
    """“10 Massages at standard price” ($800.00 paid), two massages ($90.00) given."""
    template = clinic.catalog.add_package_template(
        "10 Massages at standard price", price=80000, uses=10,
        eligible={catalog["massage"]: 0}, refund_policy="standard_price")
    sale = clinic.billing.sell_package(catalog["patient"], template)
    clinic.billing.receive_payment(catalog["patient"], 80000, "cash",
                                   invoice_id=sale.invoice_id)
    for day in (3, 4):
        clinic.schedule.arrive(clinic.schedule.book(catalog["patient"], catalog["ana"],
                                                    catalog["massage"],
                                                    datetime(2026, 3, day, 10)))
    return sale.package_id


def open_dialog(qtbot, clinic, package_id) -> RefundPackageDialog:
    dialog = RefundPackageDialog(clinic, package_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_r40_the_dialog_words_the_standard_price_calculation(qtbot, clinic, standard, shown):
    dialog = open_dialog(qtbot, clinic, standard)
    assert dialog.policy.text() == "Used uses at the standard price"
    assert dialog.suggestion.text() == (
        "2 uses of Massage 60 min at $90.00 standard price = $180.00; "
        "collected $800.00 − $180.00 = $620.00")
    assert dialog.amount.text() == "620.00"
    click(qtbot, dialog.refund_button)
    assert shown.boxes == []
    refund = clinic.packages.refund_receipt(dialog.result_.package_refund_id)
    assert (refund.amount, refund.suggested, refund.basis.charged_uses) == (62000, 62000, 18000)


def test_r40_the_desk_may_still_type_any_amount_up_to_what_was_collected(
        qtbot, clinic, standard, shown):
    dialog = open_dialog(qtbot, clinic, standard)
    retype(qtbot, dialog.amount, "800.01")
    click(qtbot, dialog.refund_button)
    assert "at most $800.00" in shown.last
    assert clinic.packages.summary(standard).status == "active"
    retype(qtbot, dialog.amount, "700.00")
    click(qtbot, dialog.refund_button)
    assert clinic.packages.refund_receipt(dialog.result_.package_refund_id).amount == 70000


def test_r40_a_pro_rata_package_says_what_it_always_said(qtbot, clinic, catalog, shown):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clinic.billing.receive_payment(catalog["patient"], 80000, "cash", invoice_id=sale.invoice_id)
    dialog = open_dialog(qtbot, clinic, sale.package_id)
    assert dialog.policy.text() == "Pro rata"
    assert dialog.suggestion.text() == "$800.00  (price × 10 remaining ÷ 10 uses)"


def test_r40_the_show_page_says_the_policy_the_package_was_sold_with(qtbot, clinic, standard):
    from app.ui.billing.package_page import PackagePage

    template, = clinic.catalog.package_templates(text="at standard price")
    clinic.catalog.update_package_template(template.id, refund_policy="pro_rata")
    page = PackagePage(clinic, standard)
    qtbot.addWidget(page)
    assert page.values["refund_policy"].text() == "Used uses at the standard price"
