"""R40 end to end: a clinic sells under a cancellation-fee policy, changes its mind for later
sales, and refunds the first patient by what they bought; the books still balance."""

from __future__ import annotations

from datetime import date

from app.services.integrity import ledger_problems

from scenarios.support import at, paid_sale


def test_r40_the_fee_promised_at_sale_is_the_fee_taken_at_refund(clinic, shop):
    template = clinic.catalog.add_package_template(
        "10 Massages, cancellation fee", price=80000, uses=10,
        eligible={shop["massage"]: 0}, refund_policy="pro_rata_fee:10:5000")
    sale, _payment = paid_sale(clinic, shop["patient"], template)
    for day in (3, 4, 5):
        clinic.schedule.arrive(clinic.schedule.book(
            shop["patient"], shop["ana"], shop["massage"], at(date(2026, 3, day))))
    clinic.catalog.update_package_template(template, refund_policy="standard_price")

    suggested = clinic.packages.suggested_refund(sale.package_id)
    assert suggested == 56000 - 5000  # pro rata $560.00, the fee $56.00 capped at $50.00
    result = clinic.packages.refund(sale.package_id, suggested)

    assert result.credit_created == 51000
    assert clinic.billing.account(shop["patient"]).credit == 51000
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert (invoice.total, invoice.balance) == (80000 - 51000, 0)  # R28a: what was kept
    receipt = clinic.packages.refund_receipt(result.package_refund_id)
    assert (receipt.basis.policy, receipt.basis.fee, receipt.basis.amount) == (
        "pro_rata_fee:10:5000", 5000, 51000)
    assert ledger_problems(clinic) == []
