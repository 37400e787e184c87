"""R41 on paper: the package statement (Letter, A4, 80 mm) lists the clinic, the patient, the
package, each use with its date, treatment and practitioner (no-shows and undone uses named
as the package page names them), what is left and the expiry; and the invoice PDF of a
redeemed use carries its use line."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.services import NotFound, ValidationError
from unit.test_printing import A4, LETTER, ROLL_WIDTH, leftovers, media_boxes, pdf_text, \
    same_size


@pytest.fixture
def used(clinic, catalog):
    """10 Massages sold Mar 2: arrived Mar 3 with Ana, a covered no-show Mar 4 with Ben, an
    arrival Mar 5 undone, arrived Mar 6 with Ben."""
    p = catalog["patient"]
    package = clinic.billing.sell_package(p, catalog["ten_massages"]).package_id

    def book(day, staff):
        return clinic.schedule.book(p, catalog[staff], catalog["massage"],
                                    datetime(2026, 3, day, 10))

    clinic.schedule.arrive(book(3, "ana"))
    clinic.schedule.no_show(book(4, "ben"), use_package=True)
    undone = book(5, "ana")
    clinic.schedule.arrive(undone)
    clinic.schedule.undo_arrival(undone)
    last = book(6, "ben")
    clinic.schedule.arrive(last)
    return {"package": package, "last": clinic.schedule.appointment(last).invoice_id}


def test_r41_the_statement_lists_every_use_left_and_expiry(clinic, used, tmp_path):
    path = clinic.printing.package_statement_pdf(used["package"], tmp_path / "s.pdf")
    assert [same_size(box, LETTER) for box in media_boxes(path)] == [True]
    text = pdf_text(path)
    for words in ("Harbour Physio", "12 Main St", "PACKAGE STATEMENT", "Maria Lopez",
                  "10 Massages", "Mar 2, 2026", "$800.00", "Sep 2, 2026", "7 of 10",
                  "Ana Silva", "Ben Okafor", "Massage 60 min", "No-show", "Arrived",
                  "Undone:"):
        assert words in text, (words, text)
    lines = [line.split() for line in text.splitlines()]
    numbered = [line[0] for line in lines if line and line[0] in ("1", "2", "3", "\u2014")]
    assert numbered == ["1", "2", "\u2014", "3"]  # by date; the undone one unnumbered


@pytest.mark.parametrize("paper, size", [("a4", A4), ("80mm", None), ("roll80", None)])
def test_r41_the_statement_on_every_paper(clinic, used, tmp_path, paper, size):
    path = clinic.printing.package_statement_pdf(used["package"], tmp_path / f"{paper}.pdf",
                                                 paper=paper)
    [box] = media_boxes(path)
    if size is None:
        assert abs(box[0] - ROLL_WIDTH) < 0.5 and box[1] > 200
    else:
        assert same_size(box, size)
    text = pdf_text(path)
    assert "Undone:" in text and "Ben Okafor" in text
    assert "7 of 10" in text


def test_r41_a_statement_without_expiry_or_uses(clinic, catalog, tmp_path):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    text = pdf_text(clinic.printing.package_statement_pdf(sale.package_id,
                                                          tmp_path / "n.pdf", paper="80mm"))
    assert "No expiry" in text and "No uses yet." in text and "3 of 3" in text


def test_r41_the_statement_in_french(clinic, used, tmp_path, french):
    clinic.settings.update(locale="fr_CA", language="fr_CA")
    text = pdf_text(clinic.printing.package_statement_pdf(used["package"], tmp_path / "f.pdf"))
    for words in ("RELEVÉ DE FORFAIT", "2 sept. 2026", "800,00 $", "7 sur 10",
                  "Annulée :", "Absence"):
        assert words in text, (words, text)


def test_r41_refusals_write_nothing(clinic, used, tmp_path):
    with pytest.raises(ValidationError, match="paper size"):
        clinic.printing.package_statement_pdf(used["package"], tmp_path / "x.pdf",
                                              paper="legal")
    with pytest.raises(NotFound):
        clinic.printing.package_statement_pdf(999, tmp_path / "y.pdf")
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("paper", ["letter", "roll80"])
def test_r41_the_invoice_pdf_carries_the_use_line(clinic, used, tmp_path, paper):
    path = clinic.printing.invoice_pdf(used["last"], tmp_path / "i.pdf", paper=paper)
    text = " ".join(pdf_text(path).split())
    assert "10 Massages: use 3 of 10, 7 left, expires September 2, 2026" in text, text


@pytest.mark.parametrize("paper", ["letter", "80mm"])
def test_r41_r42_an_imported_packages_statement_starts_with_the_uses_before(
        clinic, catalog, tmp_path, paper):
    """3 of 10 used in the old system: they head the list as uses 1 to 3, and the first
    visit here is use 4."""
    p = catalog["patient"]
    package = clinic.packages.import_existing(
        p, uses_used=3, collected=80000, purchased_on=date(2026, 1, 5),
        expires_on=date(2026, 7, 5), template_id=catalog["ten_massages"])
    clinic.schedule.arrive(clinic.schedule.book(p, catalog["ana"], catalog["massage"],
                                                datetime(2026, 3, 3, 10), package=package))
    text = pdf_text(clinic.printing.package_statement_pdf(package, tmp_path / "s.pdf",
                                                          paper=paper))
    assert "3 uses before ClinicDesk" in text and "6 of 10" in text, text
    assert text.index("3 uses before ClinicDesk") < text.index("Ana Silva")
    numbered = [line.split()[0] for line in text.splitlines()
                if line.strip() and line.split()[0].rstrip(".") in ("1\u20133", "4")]
    assert numbered in (["1\u20133", "4"], ["1\u20133.", "4."])
