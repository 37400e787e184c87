"""The account's table models pass Qt's model tester, with every kind of row they show."""

from __future__ import annotations

from app.ui.formats import Formats
from app.ui.models.billing import InvoicesModel, PaymentsModel, RefundsModel

from ui.helpers import cell_texts
from ui.models.test_models import check


def test_account_models(qtmodeltester, clinic, catalog):
    patient = catalog["patient"]
    billing = clinic.billing
    paid = billing.sell_package(patient, catalog["ten_massages"])
    void = billing.sell_package(patient, catalog["three_physio"])
    billing.sell_package(patient, catalog["three_physio"])
    payment = billing.receive_payment(patient, 90000, "debit", invoice_id=paid.invoice_id,
                                      reference="slip 7")
    billing.void_invoice(void.invoice_id, "Sold twice")
    refund = billing.refund_payment(payment, 4000, method="cash", note="At the desk")
    package_refund = clinic.packages.refund(paid.package_id, 10000).package_refund_id
    billing.refund_payment(payment, 10000, package_refund_id=package_refund)
    account = billing.account(patient)
    formats = Formats(clinic)

    check(qtmodeltester, InvoicesModel(formats), account.invoices)
    check(qtmodeltester, PaymentsModel(formats), account.payments)
    check(qtmodeltester, RefundsModel(formats), billing.refunds(patient))

    invoices = InvoicesModel(formats)
    invoices.set_rows(account.invoices)
    assert cell_texts(invoices, InvoicesModel.STATUS) == ["Unpaid", "Void", "Paid"]
    assert cell_texts(invoices, InvoicesModel.BALANCE)[:2] == ["$100.00", "$0.00"]

    payments = PaymentsModel(formats)
    payments.set_rows(account.payments)
    assert [payments.index(0, c).data() for c in range(7)] == [
        "Mar 2, 2026, 9:00\u202fa.m.", "Debit", "$900.00", "$700.00", "$140.00", "$60.00",
        "slip 7"]

    refunds = RefundsModel(formats)
    refunds.set_rows(billing.refunds(patient))
    assert refunds.row_at(0).id == refund
    assert [refunds.index(0, c).data() for c in range(6)] == [
        "Mar 2, 2026, 9:00\u202fa.m.", "$40.00", "Cash", "$900.00 of Mar 2, 2026", "",
        "At the desk"]
    assert cell_texts(refunds, RefundsModel.PACKAGE) == ["", "10 Massages"]
