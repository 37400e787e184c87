"""R45: the printable gift card, Letter/A4 and 80 mm: the clinic's name, the amount on the
card, and its code as text and as a QR code (what a scanner reads is the code itself)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from reportlab.graphics.barcode.qr import QrCodeWidget

from app.domain import gift_cards as rules
from app.services.errors import ValidationError
from app.services.pdf import gift_card as layout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("paper", ["letter", "a4", "roll80", "80mm"])
def test_r45_the_card_prints_the_clinic_the_amount_and_the_code(clinic, tmp_path, paper):
    sale = clinic.gift_cards.sell(5000)
    path = clinic.printing.gift_card_pdf(sale.code, tmp_path / "card.pdf", paper=paper)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Harbour Physio" in text and "GIFT CARD" in text and "$50.00" in text
    assert sale.code in text
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                           check=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.M), pages


def test_r45_the_qr_code_holds_the_code_a_scanner_types_back(clinic, monkeypatch, tmp_path):
    sale = clinic.gift_cards.sell(2500)
    seen = []
    real = layout.QrCodeWidget

    def spy(value, **kwargs):
        seen.append(value)
        return real(value, **kwargs)

    monkeypatch.setattr(layout, "QrCodeWidget", spy)
    clinic.printing.gift_card_pdf(sale.code, tmp_path / "card.pdf", paper="roll80")
    assert seen and rules.normalized(seen[0]) == sale.code.replace("-", "")
    assert isinstance(real(seen[0]), QrCodeWidget)
    assert clinic.gift_cards.balance(seen[0]) == 2500  # the scanned text finds the card


def test_r45_printing_an_unknown_code_is_no_card(clinic, tmp_path):
    with pytest.raises(ValidationError, match="No card with this code"):
        clinic.printing.gift_card_pdf("ABCD", tmp_path / "card.pdf")
    assert not (tmp_path / "card.pdf").exists()
