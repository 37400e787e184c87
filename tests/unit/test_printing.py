"""Invoices and refund receipts as PDF: Letter, A4 and 80 mm roll (SPEC R31), money and dates
formatted by Babel in the clinic's locale (R4), refusals that change nothing (R30).

Page sizes are read from the PDF's /MediaBox entries; text is extracted with poppler's
`pdftotext` (poppler-utils, installed by .ci/setup); the text checks are skipped, with the
reason, where that program is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.models import Invoice
from app.services import NotFound, ValidationError, ledger
from app.services.pdf import layout
from app.services.pdf.fonts import FontSet, default_fonts, find_font_files

LETTER = (612.0, 792.0)
A4 = (595.276, 841.89)
ROLL_WIDTH = 226.772  # 80 mm


# helpers
def media_boxes(path: Path) -> list[tuple[float, float]]:
    """(width, height) of every page, in points, from the PDF's /MediaBox entries."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]",
                       data)
    return [(float(x2) - float(x1), float(y2) - float(y1)) for x1, y1, x2, y2 in boxes]


def same_size(actual: tuple[float, float], expected: tuple[float, float]) -> bool:
    return all(abs(a - e) < 0.5 for a, e in zip(actual, expected))


def pdf_text(path: Path) -> str:
    """The PDF's text, pages separated by form feeds; no-break spaces made plain."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian package poppler-utils) is not installed, so the PDF's "
                    "text cannot be checked here; .ci/setup installs it")
    result = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                            capture_output=True, check=True)
    return plain(result.stdout.decode("utf-8"))


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# data, made through the Clinic API
@pytest.fixture
def shop(clinic, catalog):
    """A clinic with HST, a taxed package ($100 + 15% = $115) and a patient who bought it and
    paid $50 of it in cash."""
    clinic.settings.update(phone="902-555-0100", email="desk@harbour.example", tax_name="HST")
    ids = dict(catalog)
    ids["posture"] = clinic.catalog.add_package_template(
        "Posture Program", price=10000, uses=3, eligible={catalog["physio"]: 0},
        tax_rate=Decimal("0.15"))
    sale = clinic.billing.sell_package(catalog["patient"], ids["posture"])
    ids["invoice"] = sale.invoice_id
    ids["package"] = sale.package_id
    ids["payment"] = clinic.billing.receive_payment(catalog["patient"], 5000, "cash",
                                                    invoice_id=sale.invoice_id)
    return ids


@pytest.fixture
def refunded(clinic, catalog, clock):
    """10 Massages sold for $800 and paid by debit, two used, then refunded: the suggested
    $640 becomes credit and is handed back to the debit card by Ana, the manager."""
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["ten_massages"])
    payment = clinic.billing.receive_payment(patient, 80000, "debit",
                                             invoice_id=sale.invoice_id)
    for day in (3, 4):
        appointment = clinic.schedule.book(patient, catalog["ana"], catalog["massage"],
                                           datetime(2026, 3, day, 10, 0))
        assert clinic.schedule.appointment(appointment).package_id == sale.package_id
        clinic.schedule.arrive(appointment)
    clock.set(datetime(2026, 3, 10, 14, 30))
    clinic.current_staff_id = catalog["ana"]  # refunds need a manager
    amount = clinic.packages.suggested_refund(sale.package_id)
    assert amount == 64000
    result = clinic.packages.refund(sale.package_id, amount)
    refund_id = clinic.billing.refund_payment(payment, amount, note="Moving to Toronto",
                                              package_refund_id=result.package_refund_id)
    return {"refund": refund_id, "invoice": sale.invoice_id, "payment": payment}


# the invoice
def test_r31_letter_invoice_has_clinic_patient_lines_tax_payments_and_balance(clinic, shop,
                                                                             tmp_path):
    number = clinic.billing.invoice(shop["invoice"]).number
    path = clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "invoice.pdf",
                                       paper="letter")
    assert path == tmp_path / "invoice.pdf"
    boxes = media_boxes(path)
    assert len(boxes) == 1 and same_size(boxes[0], LETTER)

    text = pdf_text(path)
    for expected in ("Harbour Physio", "12 Main St", "Halifax NS", "902-555-0100",
                     "desk@harbour.example", "HST no. 123456789 RT0001",
                     f"INVOICE #{number}", "Mar 2, 2026", "Partially paid",
                     "BILL TO", "Maria Lopez", "902-555-0101", "maria@example.com",
                     "Package: Posture Program", "No Staff Member",
                     "$100.00", "$15.00", "$115.00", "Cash", "$50.00", "Amount paid",
                     "Balance due", "$65.00", "Page 1 of 1"):
        assert expected in text, expected
    assert "VOID" not in text


@pytest.mark.parametrize("paper, size", [("letter", LETTER), ("a4", A4)])
def test_r31_pages_are_letter_or_a4(clinic, shop, tmp_path, paper, size):
    number = clinic.billing.invoice(shop["invoice"]).number
    path = clinic.printing.invoice_pdf(shop["invoice"], tmp_path / f"{paper}.pdf", paper=paper)
    boxes = media_boxes(path)
    assert len(boxes) == 1 and same_size(boxes[0], size)
    text = pdf_text(path)
    assert f"INVOICE #{number}" in text and "$115.00" in text and "$65.00" in text


def test_r31_roll80_is_80mm_wide_one_page_fitted_to_its_content(clinic, shop, tmp_path):
    number = clinic.billing.invoice(shop["invoice"]).number
    path = clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "roll.pdf", paper="roll80")
    boxes = media_boxes(path)
    assert len(boxes) == 1
    width, height = boxes[0]
    assert abs(width - ROLL_WIDTH) < 0.5
    assert 200 < height < 600  # as long as the receipt, not a whole page
    text = pdf_text(path)
    for expected in ("Harbour Physio", "HST no. 123456789 RT0001", f"INVOICE #{number}",
                     "Maria Lopez", "Package: Posture Program", "1 × $100.00 + $15.00 HST",
                     "No Staff Member", "TOTAL", "$115.00", "Cash", "$50.00",
                     "BALANCE DUE", "$65.00"):
        assert expected in text, expected


def test_r31_roll_grows_with_the_lines(clinic, shop, catalog, tmp_path):
    short = clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "short.pdf",
                                        paper="roll80")
    long_id = _invoice_with_lines(clinic, catalog, 20)
    long = clinic.printing.invoice_pdf(long_id, tmp_path / "long.pdf", paper="roll80")
    (short_box,), (long_box,) = media_boxes(short), media_boxes(long)
    assert long_box[1] > short_box[1] + 20 * 20  # at least 20 pt more per extra line


def test_r31_paper_defaults_to_the_clinic_setting(clinic, shop, tmp_path):
    clinic.settings.update(paper="a4")
    boxes = media_boxes(clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "a.pdf"))
    assert same_size(boxes[0], A4)
    clinic.settings.update(paper="roll80")
    boxes = media_boxes(clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "b.pdf"))
    assert abs(boxes[0][0] - ROLL_WIDTH) < 0.5


def test_r31_staff_member_and_arrival_lines(clinic, catalog, tmp_path):
    """A sale assigned to Ana (R6) and an arrival covered by a package (R14) print the
    staff member on their line."""
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["three_physio"], staff_id=catalog["ana"])
    appointment = clinic.schedule.book(patient, catalog["ben"], catalog["physio"],
                                       datetime(2026, 3, 3, 11, 0))
    visit = clinic.schedule.arrive(appointment)
    sale_text = pdf_text(clinic.printing.invoice_pdf(sale.invoice_id, tmp_path / "s.pdf"))
    assert "Ana Silva" in sale_text and "No Staff Member" not in sale_text
    visit_text = pdf_text(clinic.printing.invoice_pdf(visit, tmp_path / "v.pdf"))
    assert "Physio follow-up" in visit_text and "Ben Okafor" in visit_text
    assert "$11.50" in visit_text  # Patient Pays $10.00 + 15% tax
    assert "Unpaid" in visit_text


def test_r31_void_invoice_is_marked_void_with_its_reason(clinic, shop, tmp_path):
    clinic.billing.void_invoice(shop["invoice"], "Sold twice by mistake")
    for paper in ("letter", "roll80"):
        text = pdf_text(clinic.printing.invoice_pdf(shop["invoice"], tmp_path / f"{paper}.pdf",
                                                    paper=paper))
        assert "VOID" in text
        assert "Sold twice by mistake" in text
        assert "Void" in text  # the status


def test_r31_package_refund_line_prints_negative(clinic, refunded, tmp_path):
    text = pdf_text(clinic.printing.invoice_pdf(refunded["invoice"], tmp_path / "i.pdf"))
    assert "Unused uses cancelled: 10 Massages" in text
    assert "-$640.00" in text
    assert "Paid" in text


def test_r31_r4_fr_ca_money_and_dates_use_babel_and_printable_glyphs(clinic, shop, catalog,
                                                                     tmp_path):
    clinic.settings.update(locale="fr_CA", name="Clinique Hélène Côté")
    clinic.patients.update(catalog["patient"], first_name="Éloïse")
    path = clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "fr.pdf")
    text = pdf_text(path)
    # Babel writes "115,00 $" with a no-break space; the PDF must carry it as text.
    assert clinic.format_money(11500) in {"115,00\u00a0$", "115,00\u202f$"}
    for expected in ("115,00 $", "15,00 $", "65,00 $", "2 mars 2026", "Clinique Hélène Côté",
                     "Éloïse Lopez"):
        assert expected in text, expected
    assert "$115.00" not in text


def test_r31_font_has_every_glyph_babel_uses_for_fr_ca():
    """No black boxes: DejaVu Sans covers U+202F, U+00A0 and accents; without it, the
    Helvetica fallback gets plain spaces instead."""
    if find_font_files() is None:
        pytest.skip("DejaVu Sans is not installed (Debian package fonts-dejavu-core); "
                    "the Helvetica fallback is tested separately")
    chosen = default_fonts()
    assert chosen.embedded
    for sample in ("1\u202f234,50\u00a0$", "1\u00a0234,50\u00a0$", "Hélène Côté, Québec — ç à ù",
                   "2 mars 2026", "1 × 100,00 $ · 15 %"):
        assert chosen.missing_glyphs(sample) == set(), sample


def test_r31_dejavu_is_embedded_when_found(clinic, shop, tmp_path):
    if find_font_files() is None:
        pytest.skip("DejaVu Sans is not installed (Debian package fonts-dejavu-core)")
    data = clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "i.pdf").read_bytes()
    assert b"DejaVuSans" in data


def test_r31_helvetica_fallback_prints_plain_spaces(clinic, shop, tmp_path, monkeypatch):
    fallback = FontSet("Helvetica", "Helvetica-Bold", False)
    monkeypatch.setattr(layout, "default_fonts", lambda: fallback)
    assert fallback.printable("1\u202f234,50\u00a0$") == "1 234,50 $"
    assert fallback.printable("Hélène") == "Hélène"  # cp1252 has the accents
    assert fallback.printable("\u4e2d") == "?"       # never a box
    clinic.settings.update(locale="fr_CA")
    path = clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "fr.pdf")
    data = path.read_bytes()
    assert b"DejaVuSans" not in data
    text = pdf_text(path)
    assert "115,00 $" in text and "2 mars 2026" in text


def test_r31_text_is_printed_literally_not_as_markup(clinic, shop, tmp_path):
    clinic.settings.update(name="Smith & <Jones> Physio")
    text = pdf_text(clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "i.pdf"))
    assert "Smith & <Jones> Physio" in text


def test_r31_patient_without_phone_or_email(clinic, catalog, tmp_path):
    patient = clinic.patients.add("Sam", "Ng")
    sale = clinic.billing.sell_package(patient, catalog["ten_massages"])
    text = pdf_text(clinic.printing.invoice_pdf(sale.invoice_id, tmp_path / "i.pdf",
                                                paper="roll80"))
    assert "Sam Ng" in text and "$800.00" in text


# many lines, many pages
def _invoice_with_lines(clinic, catalog, extra: int) -> int:
    """A real invoice with `extra` more lines. There is no public "add item" yet, so the lines
    go through the ledger, the same code every sale and arrival uses (totals kept with them)."""
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    with clinic.db.write() as s:
        invoice = s.get(Invoice, sale.invoice_id)
        for i in range(extra):
            ledger.add_line(s, invoice, kind="item",
                            description=f"Exercise band, level {i % 5 + 1}, item {i + 2}",
                            unit_price=1250, tax_rate=Decimal("0.15"), quantity=1 + i % 3,
                            staff_id=catalog["ben"] if i % 2 else None)
    return sale.invoice_id


def test_r31_sixty_line_invoice_runs_over_pages_with_page_numbers(clinic, catalog, tmp_path):
    invoice_id = _invoice_with_lines(clinic, catalog, 59)
    view = clinic.billing.invoice(invoice_id)
    assert len(view.lines) == 60
    clinic.billing.receive_payment(catalog["patient"], 10000, "e_transfer",
                                   invoice_id=invoice_id)
    path = clinic.printing.invoice_pdf(invoice_id, tmp_path / "long.pdf", paper="letter")
    boxes = media_boxes(path)
    pages = len(boxes)
    assert pages >= 2 and all(same_size(b, LETTER) for b in boxes)
    text = pdf_text(path)
    page_texts = [t for t in text.split("\f") if t.strip()]
    assert len(page_texts) == pages
    for n, page in enumerate(page_texts, start=1):
        assert f"Page {n} of {pages}" in page
        if "item " in page:  # the header row repeats on every page with lines
            assert "Description" in page and "Unit price" in page
    assert "(continued)" in page_texts[1]
    for i in range(2, 61):
        assert f"item {i}" in text, i
    assert "Balance due" in page_texts[-1]
    assert clinic.format_money(view.total) in page_texts[-1]
    assert clinic.format_money(view.total - 10000) in page_texts[-1]
    assert "E-transfer" in page_texts[-1]


def test_r31_sixty_line_invoice_on_roll_is_one_long_page(clinic, catalog, tmp_path):
    invoice_id = _invoice_with_lines(clinic, catalog, 59)
    boxes = media_boxes(clinic.printing.invoice_pdf(invoice_id, tmp_path / "r.pdf",
                                                    paper="roll80"))
    assert len(boxes) == 1
    assert abs(boxes[0][0] - ROLL_WIDTH) < 0.5 and boxes[0][1] > 1500


# the refund receipt
@pytest.mark.parametrize("paper", ["letter", "a4", "roll80"])
def test_r31_r27_refund_receipt(clinic, refunded, tmp_path, paper):
    path = clinic.printing.refund_receipt_pdf(refunded["refund"], tmp_path / "r.pdf",
                                              paper=paper)
    boxes = media_boxes(path)
    assert len(boxes) == 1
    expected_width = {"letter": LETTER[0], "a4": A4[0], "roll80": ROLL_WIDTH}[paper]
    assert abs(boxes[0][0] - expected_width) < 0.5
    text = pdf_text(path)
    for expected in ("Harbour Physio", "123456789 RT0001",
                     f"REFUND RECEIPT #{refunded['refund']}", "Mar 10, 2026", "Maria Lopez",
                     "$640.00", "Debit", "Mar 2, 2026", "$800.00", "10 Massages",
                     "Moving to Toronto", "Ana Silva"):
        assert expected in text, expected


def test_r31_refund_receipt_without_package_or_staff(clinic, catalog, tmp_path):
    patient = catalog["patient"]
    payment = clinic.billing.receive_payment(patient, 3000, "cash")  # all credit
    refund = clinic.billing.refund_payment(payment, 3000)
    text = pdf_text(clinic.printing.refund_receipt_pdf(refund, tmp_path / "r.pdf"))
    assert f"REFUND RECEIPT #{refund}" in text and "$30.00" in text and "Cash" in text
    assert "Package" not in text and "Processed by" not in text


# batches
def test_r31_batch_writes_every_invoice_and_reports_progress(clinic, shop, catalog, tmp_path):
    patient = catalog["patient"]
    second = clinic.billing.sell_package(patient, catalog["three_physio"]).invoice_id
    third = _invoice_with_lines(clinic, catalog, 59)
    ids = [shop["invoice"], second, third]
    numbers = [clinic.billing.invoice(i).number for i in ids]
    calls = []
    path = clinic.printing.batch_invoices_pdf(ids, tmp_path / "batch.pdf", paper="letter",
                                              progress=lambda done, total: calls.append(
                                                  (done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]
    boxes = media_boxes(path)
    assert len(boxes) >= 4
    text = pdf_text(path)
    pages = [t for t in text.split("\f") if t.strip()]
    # each invoice starts on its own page, and pages are numbered within each invoice
    assert f"INVOICE #{numbers[0]}" in pages[0] and "Page 1 of 1" in pages[0]
    assert f"INVOICE #{numbers[1]}" in pages[1] and "Page 1 of 1" in pages[1]
    assert f"INVOICE #{numbers[2]}" in pages[2]
    last = len(pages) - 2
    assert f"Page 1 of {last}" in pages[2] and f"Page {last} of {last}" in pages[-1]


def test_r31_batch_on_roll_gives_each_invoice_its_own_length(clinic, shop, catalog, tmp_path):
    long_id = _invoice_with_lines(clinic, catalog, 10)
    boxes = media_boxes(clinic.printing.batch_invoices_pdf(
        [shop["invoice"], long_id], tmp_path / "b.pdf", paper="roll80"))
    assert len(boxes) == 2
    assert all(abs(w - ROLL_WIDTH) < 0.5 for w, _ in boxes)
    assert boxes[1][1] > boxes[0][1] + 150


def test_r31_cancelled_batch_leaves_the_old_file_untouched(clinic, shop, catalog, tmp_path):
    target = tmp_path / "batch.pdf"
    target.write_bytes(b"the old PDF")
    second = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"]).invoice_id

    class Cancelled(Exception):
        pass

    def progress(done, total):
        if done == 1:
            raise Cancelled

    with pytest.raises(Cancelled):
        clinic.printing.batch_invoices_pdf([shop["invoice"], second], target,
                                           progress=progress)
    assert target.read_bytes() == b"the old PDF"
    assert leftovers(tmp_path) == []


def test_r31_r30_batch_refusals(clinic, shop, tmp_path):
    with pytest.raises(ValidationError) as empty:
        clinic.printing.batch_invoices_pdf([], tmp_path / "b.pdf")
    assert empty.value.field == "invoice_ids"
    with pytest.raises(NotFound):
        clinic.printing.batch_invoices_pdf([shop["invoice"], 9999], tmp_path / "b.pdf")
    assert list(tmp_path.glob("b.pdf*")) == [] and leftovers(tmp_path) == []


# refusals and atomic writing
def test_r31_r30_bad_paper_is_refused_and_writes_nothing(clinic, shop, refunded, tmp_path):
    calls = [
        lambda p: clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "x.pdf", paper=p),
        lambda p: clinic.printing.refund_receipt_pdf(refunded["refund"], tmp_path / "x.pdf",
                                                     paper=p),
        lambda p: clinic.printing.batch_invoices_pdf([shop["invoice"]], tmp_path / "x.pdf",
                                                     paper=p),
    ]
    for call in calls:
        for bad in ("legal", "A4", "", "roll58"):
            with pytest.raises(ValidationError) as refused:
                call(bad)
            assert refused.value.field == "paper"
            assert "Letter, A4 or 80 mm roll" in str(refused.value)
    assert not (tmp_path / "x.pdf").exists() and leftovers(tmp_path) == []


def test_r31_r30_unknown_ids_are_refused(clinic, shop, tmp_path):
    with pytest.raises(NotFound) as invoice:
        clinic.printing.invoice_pdf(424242, tmp_path / "x.pdf")
    assert "424242" in str(invoice.value)
    with pytest.raises(NotFound):
        clinic.printing.refund_receipt_pdf(424242, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists() and leftovers(tmp_path) == []


def test_r31_r30_missing_folder_or_a_folder_as_target_is_refused(clinic, shop, tmp_path):
    with pytest.raises(ValidationError) as missing:
        clinic.printing.invoice_pdf(shop["invoice"], tmp_path / "nowhere" / "i.pdf")
    assert missing.value.field == "path" and "does not exist" in str(missing.value)
    with pytest.raises(ValidationError) as folder:
        clinic.printing.invoice_pdf(shop["invoice"], tmp_path)
    assert folder.value.field == "path"


def test_r31_writing_replaces_the_file_atomically(clinic, shop, tmp_path, monkeypatch):
    target = tmp_path / "invoice.pdf"
    target.write_bytes(b"an older copy")
    target.chmod(0o640)
    clinic.printing.invoice_pdf(shop["invoice"], target)
    assert target.read_bytes().startswith(b"%PDF-")
    assert target.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []

    # a crash while moving the finished file into place leaves the old file and no temp file
    import app.services.printing as printing

    def fail(*args):
        raise OSError("disk full")

    target.write_bytes(b"an older copy")
    monkeypatch.setattr(printing.os, "replace", fail)
    with pytest.raises(OSError):
        clinic.printing.invoice_pdf(shop["invoice"], target)
    assert target.read_bytes() == b"an older copy"
    assert leftovers(tmp_path) == []
