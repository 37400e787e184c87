"""Packages › Reports › Export CSV… / Export Excel… / Print to PDF…: written on the worker
from the report shown, through report_export; refusals and disk trouble shown calmly."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, datetime

import pytest

from app.ui.reports import ReportsView
from app.ui.tasks import worker_idle

from ui.helpers import click

MAR = lambda day, hour=10: datetime(2026, 3, day, hour, 0)  # noqa: E731


@pytest.fixture(autouse=True)
def idle_worker():
    yield
    assert worker_idle(20)


@pytest.fixture
def usage_view(qtbot, clinic, catalog):
    """The Package Usage report of March: 3 Physio ($100) used on the 3rd, 10th and 17th."""
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    for day in (3, 10, 17):
        clinic.schedule.arrive(clinic.schedule.book(catalog["patient"], catalog["ana"],
                                                    catalog["physio"], MAR(day)))
    view = ReportsView(clinic)
    qtbot.addWidget(view)
    view.show()
    view.controls.kind.setCurrentIndex(view.controls.kind.findText("Package Usage"))
    with qtbot.waitSignal(view.report_shown, timeout=20000):
        click(qtbot, view.controls.run_button)
    return view


@pytest.fixture
def chooser(monkeypatch, tmp_path):
    """The file chooser, replaced: answers `answer` (a name in tmp_path, or None)."""
    class Chooser:
        answer: str | None = "report"
        asked: list[tuple[str, str]] = []

        def __call__(self, parent, suggested, kind):
            self.asked.append((suggested, kind))
            return None if self.answer is None else str(tmp_path / self.answer)

    fake = Chooser()
    fake.asked = []
    monkeypatch.setattr(ReportsView, "choose_file", staticmethod(fake))
    return fake


def export(qtbot, view, button) -> str:
    with qtbot.waitSignal(view.exported, timeout=30000) as written:
        click(qtbot, button)
    return written.args[0]


def test_csv_holds_the_report_with_exact_money(qtbot, usage_view, chooser, tmp_path, shown):
    chooser.answer = "usage.csv"
    path = export(qtbot, usage_view, usage_view.csv_button)

    assert path == str(tmp_path / "usage.csv")
    # the view names the file, with dates that sort (not the subtitle's words)
    assert chooser.asked == [("Package Usage 2026-03-01 to 2026-03-31.csv", "csv")]
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["Package Usage", usage_view.report.subtitle]  # the service's words
    header = lines.index(["Date", "Patient", "Package", "Treatment", "Practitioner", "Use",
                          "Per-use value (CAD)", "Patient Pays (CAD)", "Uses remaining",
                          "Redeemed by"])  # (R37: the purchaser or a household member)
    body = lines[header + 1:]
    assert [r[6] for r in body[:3]] == ["33.33", "33.33", "33.34"]  # R3
    assert body[3][0] == "Total \u2014 Package: 3 Physio (3 rows)" and body[3][6] == "100.00"
    assert body[4][0] == "Grand total (3 rows)"
    assert usage_view.status.text() == f"Saved: {path}"
    assert usage_view.csv_button.isEnabled() and shown.boxes == []


def test_excel_gets_its_suffix_and_one_sheet_per_section(qtbot, clinic, catalog, chooser,
                                                         tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    view = ReportsView(clinic)
    qtbot.addWidget(view)
    view.show()
    kind = view.controls.kind
    kind.setCurrentIndex(kind.findText("Outstanding Packages (liability)"))
    with qtbot.waitSignal(view.report_shown, timeout=20000):
        click(qtbot, view.controls.run_button)
    chooser.answer = "liability"  # no suffix typed

    path = export(qtbot, view, view.xlsx_button)

    assert path == str(tmp_path / "liability.xlsx")
    assert chooser.asked == [("Outstanding Packages On 2026-03-02.xlsx", "xlsx")]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Outstanding packages", "Expiring in the next 30 days"]
    rows = list(book["Outstanding packages"].iter_rows(values_only=True))
    assert rows[2][1:] == ("Maria Lopez", "3 Physio", "No expiry", 3, 0, 3, 100)
    assert rows[2][0].date() == date(2026, 3, 2)


def test_print_to_pdf_writes_the_report(qtbot, usage_view, chooser, tmp_path):
    chooser.answer = "usage.pdf"
    path = export(qtbot, usage_view, usage_view.pdf_button)

    data = open(path, "rb").read()
    assert data.startswith(b"%PDF") and b"/MediaBox [ 0 0 792 612 ]" in data
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "Package Usage" in text and "$33.34" in text and "Grand total" in text


def test_a_pdf_over_the_row_limit_is_refused_with_the_way_out(qtbot, usage_view, chooser,
                                                              tmp_path, shown, monkeypatch):
    monkeypatch.setattr("app.services.reports.export.PDF_MAX_ROWS", 2)
    chooser.answer = "usage.pdf"

    with qtbot.waitSignal(usage_view.export_failed, timeout=30000):
        click(qtbot, usage_view.pdf_button)

    ((title, text),) = shown.boxes
    assert title == "Print to PDF not done"
    assert text.startswith("This report has 3 rows; a PDF can hold at most 2.")
    assert "CSV or Excel" in text
    assert not (tmp_path / "usage.pdf").exists()
    assert usage_view.status.text() == "Nothing was written."
    assert usage_view.pdf_button.isEnabled()


def test_a_folder_that_cannot_be_written_is_explained(qtbot, usage_view, chooser, tmp_path,
                                                      shown):
    (tmp_path / "a file").write_text("not a folder")
    chooser.answer = "a file/usage.csv"

    with qtbot.waitSignal(usage_view.export_failed, timeout=30000):
        click(qtbot, usage_view.csv_button)

    ((title, text),) = shown.boxes
    assert title == "Export to CSV not done"
    # refused in words before anything is written (R30), not an OSError from the disk
    assert text.endswith("a file\u201d is a file, not a folder; choose another place to save "
                         "the CSV file.")
    assert (tmp_path / "a file").read_text() == "not a folder"


def test_closing_the_chooser_writes_nothing(qtbot, usage_view, chooser, tmp_path, shown):
    chooser.answer = None
    click(qtbot, usage_view.csv_button)
    assert chooser.asked and usage_view.status.text().startswith("Generated")
    assert not list(tmp_path.glob("*.csv")) and shown.boxes == []


def test_a_slow_export_keeps_the_desk_working_with_the_bar_moving(qtbot, usage_view, chooser,
                                                                  monkeypatch):
    import threading

    from PySide6.QtCore import QTimer

    from app.services.reports import export as report_export
    release = threading.Event()
    real = report_export.to_xlsx

    def slow(report, path, **guard):  # (guard: the clinic whose files it must not touch)
        release.wait(20)
        return real(report, path, **guard)

    monkeypatch.setattr(report_export, "to_xlsx", slow)
    chooser.answer = "usage.xlsx"
    try:
        click(qtbot, usage_view.xlsx_button)
        assert usage_view.controls.busy.isVisible()
        assert not usage_view.csv_button.isEnabled(), "one export at a time"
        assert usage_view.status.text() == "Writing usage.xlsx…"
        ticked = []
        QTimer.singleShot(0, lambda: ticked.append(True))
        qtbot.waitUntil(lambda: ticked == [True], timeout=5000)
    finally:
        release.set()
    with qtbot.waitSignal(usage_view.exported, timeout=30000):
        pass
    assert not usage_view.controls.busy.isVisible() and usage_view.csv_button.isEnabled()
