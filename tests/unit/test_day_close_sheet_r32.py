"""R32 the Day Close sheet: one page on Letter and A4 (with both signature lines), a roll 80 mm
wide, and the figures the report gives, to the cent."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from reportlab.lib.units import mm

from unit.test_day_close_r32 import monday  # noqa: F401 - the fixture
from unit.test_printing import media_boxes

MON = date(2026, 3, 2)


def pages_and_text(path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return pages, text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_r32_the_sheet_is_one_page_with_the_drawer_and_both_signatures(clinic, monday,
                                                                        clock, tmp_path,
                                                                        paper):
    # a clinic as the demo's: a name on two lines and a full address make the page fullest
    clinic.settings.update(name="Harbourview Physiotherapy & Massage",
                           address="1583 Hollis Street, Suite 204\nHalifax NS  B3J 1V4",
                           phone="902-555-0100", email="frontdesk@harbourview.example",
                           tax_number="81234 5678 RT0001")
    clinic.billing.close_day(MON, 12000)
    path = clinic.printing.day_close_pdf(MON, tmp_path / f"day.{paper}.pdf", paper=paper)

    pages, text = pages_and_text(path)
    assert pages == 1
    assert "DAY CLOSE" in text and "Mar 2, 2026" in text
    # $500.00 + $100.00 cash in, $25.00 out: $575.00 expected, $120.00 counted
    assert "$575.00" in text and "$120.00" in text
    assert "Counted by" in text and "Checked by" in text


def test_r32_the_roll_is_one_page_80_mm_wide(clinic, monday, tmp_path):
    path = clinic.printing.day_close_pdf(MON, tmp_path / "roll.pdf", paper="roll80")
    (width, height), = media_boxes(path)
    assert abs(width - 80 * mm) < 1 and height > width
