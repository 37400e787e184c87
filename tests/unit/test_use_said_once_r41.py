"""R41: a package use's invoice line says its number once. The stored description keeps
"(use 1 of 10)" as written at the visit (R29: never rewritten); shown or printed above its
use line ("10 Massages: use 1 of 10, 9 left, …"), it leaves the number to that line: on the
invoice, the patient's account, and the invoice PDF on Letter and the 80 mm roll."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.models import InvoiceLine

from unit.test_printing import pdf_text


@pytest.fixture
def first_use(clinic, catalog):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    visit = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                 datetime(2026, 3, 9, 10))
    clinic.schedule.arrive(visit)
    return clinic.schedule.appointment(visit).invoice_id


def test_r41_the_invoice_and_the_account_say_the_use_once(clinic, catalog, first_use):
    [line] = clinic.billing.invoice(first_use).lines
    assert line.description == "Massage 60 min (Mar 9, 2026, 10:00\u202fa.m.), covered by " \
                               "10 Massages"
    assert line.use_line.startswith("10 Massages: use 1 of 10, 9 left")
    [account] = [i for i in clinic.billing.account(catalog["patient"]).invoices
                 if i.id == first_use]
    assert f"{account.description} {account.uses}".count("use 1 of 10") == 1
    with clinic.db.read() as s:  # what was written at the visit stays as written
        stored = s.query(InvoiceLine).filter_by(invoice_id=first_use).one().description
    assert stored.endswith("covered by 10 Massages (use 1 of 10)")


@pytest.mark.parametrize("paper", ["letter", "roll80"])
def test_r41_the_printed_invoice_says_the_use_once(clinic, first_use, tmp_path, paper):
    path = clinic.printing.invoice_pdf(first_use, tmp_path / "invoice.pdf", paper=paper)
    text = " ".join(pdf_text(path).split())
    assert text.count("use 1 of 10") == 1, text
    assert "9 left" in text
