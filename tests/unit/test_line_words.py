"""Invoice lines are written in the desk's language when shown and printed, not frozen in the
language of the sale (R4, R31; issue 14, item 14)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime

import pytest

from app import i18n
from app.services.line_words import describe


@pytest.fixture
def sold_in_english(clinic, catalog):
    """10 Massages sold and one visit covered, with the desk in English."""
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    visit = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                 datetime(2026, 3, 9, 10))
    clinic.schedule.arrive(visit)
    return {"sale": sale.invoice_id, "visit": clinic.schedule.appointment(visit).invoice_id}


def descriptions(clinic, invoice_id) -> list[str]:
    return [line.description for line in clinic.billing.invoice(invoice_id).lines]


def test_r4_lines_sold_in_english_are_shown_in_french(clinic, catalog, sold_in_english):
    sale, visit = sold_in_english["sale"], sold_in_english["visit"]
    assert descriptions(clinic, sale) == ["Package: 10 Massages"]
    english_visit = descriptions(clinic, visit)
    i18n.set_language(i18n.FRENCH)
    clinic.settings.update(locale="fr_CA", language="fr_CA")
    try:
        assert descriptions(clinic, sale) == ["Forfait\u00a0: 10 Massages"]
        [line] = descriptions(clinic, visit)
        # the use's number is said once, on its R41 use line under it
        assert line.startswith("Massage") and line.endswith("couvert par 10 Massages"), line
        [use] = [u.use_line for u in clinic.billing.invoice(visit).lines]
        assert use.startswith("10 Massages\u00a0: utilisation 1 sur 10"), use
        assert "9 mars 2026" in line  # the visit's time in the clinic's locale now
        summary = clinic.billing.account(catalog["patient"]).invoices
        assert any(i.description == "Forfait\u00a0: 10 Massages" for i in summary)
    finally:
        i18n.set_language(i18n.ENGLISH)
    clinic.settings.update(locale="en_CA", language="en")
    assert descriptions(clinic, visit) == english_visit


def test_r4_lines_sold_in_french_are_shown_in_english(clinic, catalog):
    i18n.set_language(i18n.FRENCH)
    try:
        sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
        assert descriptions(clinic, sale.invoice_id) == ["Forfait\u00a0: 10 Massages"]
    finally:
        i18n.set_language(i18n.ENGLISH)
    assert descriptions(clinic, sale.invoice_id) == ["Package: 10 Massages"]


def test_r31_the_printed_invoice_is_in_the_desks_language(clinic, sold_in_english, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian package poppler-utils) is not installed")
    i18n.set_language(i18n.FRENCH)
    try:
        path = clinic.printing.invoice_pdf(sold_in_english["sale"], tmp_path / "f.pdf")
    finally:
        i18n.set_language(i18n.ENGLISH)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Forfait" in text and "Package: 10 Massages" not in text


def test_r19_the_use_number_is_the_redemptions_own_now(clinic, catalog):
    """Uses are numbered by date: a visit entered late, before another, renumbers it."""
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    later = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                 datetime(2026, 3, 9, 10))
    clinic.schedule.arrive(later)
    earlier = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                   datetime(2026, 3, 2, 9))
    clinic.schedule.arrive(earlier)
    assert sale.package_id
    [line] = clinic.billing.invoice(clinic.schedule.appointment(later).invoice_id).lines
    assert line.use_line.startswith("10 Massages: use 2 of 10,"), line
    assert describe("patient_pays", "Massage (Mar 9, 2026, 10:00\u202fa.m.), covered by "
                    "10 Massages (use 1 of 10)", use=2) == \
        "Massage (Mar 9, 2026, 10:00\u202fa.m.), covered by 10 Massages (use 2 of 10)"


def test_r4_a_line_no_message_made_is_shown_as_stored():
    assert describe("item", "Knee brace (large)") == "Knee brace (large)"
    assert describe("package", "Something typed by hand") == "Something typed by hand"
    assert describe("treatment", "Massage (60 min) (Mar 2, 2026, 10:00\u202fa.m.)") == \
        "Massage (60 min) (Mar 2, 2026, 10:00\u202fa.m.)"


def test_r28a_the_refunds_credit_line_is_shown_in_the_desks_language(clinic, catalog):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clinic.packages.refund(sale.package_id, 0)
    assert descriptions(clinic, sale.invoice_id)[-1] == "Unused uses cancelled: 10 Massages"
    i18n.set_language(i18n.FRENCH)
    try:
        assert descriptions(clinic, sale.invoice_id)[-1] == \
            "Utilisations restantes annulées\u00a0: 10 Massages"
    finally:
        i18n.set_language(i18n.ENGLISH)


def test_r4_the_purchases_list_writes_a_visits_time_in_the_desks_language(
        clinic, catalog, sold_in_english):
    i18n.set_language(i18n.FRENCH)
    clinic.settings.update(locale="fr_CA", language="fr_CA")
    try:
        [summary] = [i for i in clinic.billing.account(catalog["patient"]).invoices
                     if i.id == sold_in_english["visit"]]
        [line] = descriptions(clinic, sold_in_english["visit"])
        assert summary.description == line
        assert "9 mars 2026" in summary.description, summary.description
    finally:
        i18n.set_language(i18n.ENGLISH)
