"""A package refund the patient can follow on paper and on the invoice (R20, R27, R31)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime

import pytest


def pdf_text(path) -> str:
    """The PDF's words, spaces of every kind made one plain space."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian package poppler-utils) is not installed; .ci/setup "
                    "installs it")
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    return " ".join(out.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def spread(clinic, catalog, clock, two_payments):
    """“10 Massages” ($800.00) paid $700.00 cash then $100.00 debit, two uses given, refunded
    for the suggested $640.00 by Ana: $100.00 back to the debit card, $500.00 in cash, and
    $40.00 left as credit."""
    sale, cash, debit = (two_payments[k] for k in ("sale", "cash", "debit"))
    clock.set(datetime(2026, 3, 10, 14, 30))
    clinic.current_staff_id = catalog["ana"]
    refund = clinic.packages.refund(sale.package_id, 64000).package_refund_id
    clinic.billing.refund_payment(debit, 10000, package_refund_id=refund)
    clinic.billing.refund_payment(cash, 50000, package_refund_id=refund)
    return {"sale": sale, "refund": refund, "cash": cash, "debit": debit}


def test_r27_the_sale_invoice_keeps_every_payment_with_what_went_back(clinic, spread):
    invoice = clinic.billing.invoice(spread["sale"].invoice_id)
    rows = [(p.payment_id, p.received, p.refunded, p.amount,
             [(h.method, h.amount) for h in p.handed_back]) for p in invoice.payments]
    assert rows == [(spread["cash"], 70000, 54000, 16000, [("cash", 50000)]),
                    (spread["debit"], 10000, 10000, 0, [("debit", 10000)])]
    assert sum(p.amount for p in invoice.payments) == invoice.paid == invoice.total == 16000


def test_r6_a_refunds_line_names_no_staff_member(clinic, spread):
    (sale_line, cancel) = clinic.billing.invoice(spread["sale"].invoice_id).lines
    assert (sale_line.staff_name, cancel.staff_name) == ("No Staff Member", "")


def test_r27_one_package_refund_receipt_lists_every_method(clinic, spread):
    receipt = clinic.packages.refund_receipt(spread["refund"])
    assert [(h.method, h.amount, h.payment_amount) for h in receipt.handed_back] == [
        ("debit", 10000, 10000), ("cash", 50000, 70000)]
    assert (receipt.amount, receipt.total_handed_back, receipt.still_credit,
            receipt.uses_remaining, receipt.uses_total, receipt.staff_name) == \
        (64000, 60000, 4000, 8, 10, "Ana Silva")


@pytest.mark.parametrize("paper", ["letter", "roll80"])
def test_r31_the_package_refund_receipt_prints_both_methods_and_the_credit(
        clinic, spread, tmp_path, paper):
    text = pdf_text(clinic.printing.package_refund_receipt_pdf(
        spread["refund"], tmp_path / "r.pdf", paper=paper))
    for expected in ("PACKAGE REFUND #1", "Maria Lopez", "10 Massages", "$640.00", "$600.00",
                     "Debit, from the $100.00 payment of Mar 2, 2026", "$500.00",
                     "Kept as credit on the patient's account", "$40.00", "Ana Silva"):
        assert expected in text, expected
    assert "No Staff Member" not in text


@pytest.mark.parametrize("paper", ["letter", "roll80"])
def test_r31_the_sale_invoice_pdf_keeps_the_700_cash_payment(clinic, spread, tmp_path, paper):
    text = pdf_text(clinic.printing.invoice_pdf(spread["sale"].invoice_id, tmp_path / "i.pdf",
                                                paper=paper))
    for expected in ("$700.00", "-$540.00", "$500.00 refunded by Cash on Mar 10, 2026",
                     "$100.00 refunded by Debit on Mar 10, 2026", "Unused uses cancelled"):
        assert expected in text, expected
