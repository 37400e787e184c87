"""R41 end to end: a ten-visit package used four times, then a fifth, the expiry extended,
the fourth visit's invoice reprinted, and the statement printed, in English and in French.

The reprinted invoice says what was true at its use (use 4 of 10, 6 left, the expiry then);
the statement says where the package stands now (5 used, the expiry as extended)."""

from __future__ import annotations

from datetime import date, datetime

from app import i18n

from scenarios.support import at, paid_sale
from unit.test_printing import pdf_text


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_r41_a_reprinted_invoice_keeps_its_use_the_statement_is_today(
        clinic, shop, clock, tmp_path):
    clinic.auth.set_secret(shop["ana"], "2468")
    clinic.auth.sign_in(shop["ana"], "2468")
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["ten_massages"])[0].package_id
    visits = []
    for day in ("2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-09"):
        visit = clinic.schedule.book(p, shop["ana"], shop["massage"], at(day))
        clinic.schedule.arrive(visit)
        visits.append(clinic.schedule.appointment(visit).invoice_id)
    fourth = visits[3]
    first_print = one_line(pdf_text(clinic.printing.invoice_pdf(fourth, tmp_path / "a.pdf")))
    assert "10 Massages: use 4 of 10, 6 left, expires September 2, 2026" in first_print

    clock.set(datetime(2026, 3, 20, 9))
    clinic.packages.set_expiry(package, date(2026, 12, 31))
    reprint = one_line(pdf_text(clinic.printing.invoice_pdf(fourth, tmp_path / "b.pdf")))
    assert "10 Massages: use 4 of 10, 6 left, expires September 2, 2026" in reprint

    statement = pdf_text(clinic.printing.package_statement_pdf(package, tmp_path / "s.pdf"))
    assert "5 of 10" in statement and "Dec 31, 2026" in statement
    assert "Sep 2, 2026" not in statement

    i18n.set_language(i18n.FRENCH)
    clinic.settings.update(locale="fr_CA", language="fr_CA")
    try:
        french = one_line(pdf_text(clinic.printing.invoice_pdf(fourth, tmp_path / "c.pdf",
                                                               paper="roll80")))
        assert "10 Massages : utilisation 4 sur 10, 6 restantes, expire le 2 septembre 2026" \
            in french.replace("\u00a0", " "), french
        relevé = pdf_text(clinic.printing.package_statement_pdf(package, tmp_path / "f.pdf",
                                                                paper="a4"))
        assert "RELEVÉ DE FORFAIT" in relevé and "31 déc. 2026" in relevé
    finally:
        i18n.set_language(i18n.ENGLISH)
