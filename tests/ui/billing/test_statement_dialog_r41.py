"""R41 at the desk: Print Statement… on the package's show page asks the paper as every
print dialog does and writes the package statement on the worker; View / Print of a visit's
invoice shows the line's use."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.ui.billing.package_page import PackagePage
from app.ui.billing.statement_dialog import StatementDialog
from app.ui.dialogs.print_dialog import PrintDialog

from ui.helpers import click
from unit.test_printing import A4, LETTER, ROLL_WIDTH, media_boxes, pdf_text, same_size


@pytest.fixture
def massages(clinic, catalog):
    """“10 Massages” sold Mar 2, 2026 (expires Sep 2, 2026), one visit arrived Mar 3."""
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    visit = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                 datetime(2026, 3, 3, 10))
    clinic.schedule.arrive(visit)
    return {"package": sale.package_id, "visit": clinic.schedule.appointment(visit).invoice_id}


@pytest.mark.parametrize("paper, size", [("letter", LETTER), ("a4", A4), ("roll80", None)])
def test_r41_print_statement_from_the_show_page(qtbot, clinic, massages, drive, monkeypatch,
                                                tmp_path, paper, size):
    target = tmp_path / f"statement-{paper}.pdf"
    suggested = []

    def choose(parent, name):
        suggested.append(name)
        return str(target)

    monkeypatch.setattr(StatementDialog, "choose_file", staticmethod(choose))
    seen = {}

    def save(d: StatementDialog) -> None:
        seen["title"], seen["summary"] = d.windowTitle(), d.summary.text()
        seen["papers"] = [d.paper.itemText(i) for i in range(d.paper.count())]
        d.paper.setCurrentIndex(d.paper.findData(paper))
        with qtbot.waitSignal(d.pdf_ready, timeout=20000):
            click(qtbot, d.save_button)
        seen["status"] = d.status.text()
        d.reject()

    drive(StatementDialog, save)
    drive(PackagePage, lambda page: (click(qtbot, page.statement_button),
                                     click(qtbot, page.close_button)))
    PackagePage.ask(clinic, massages["package"])
    assert seen["title"] == "View / Print Package statement \u2013 10 Massages"
    assert "9 of 10 left" in seen["summary"] and "Maria Lopez" in seen["summary"]
    assert seen["papers"] == ["Letter", "A4", "80 mm roll"]
    assert suggested == ["Package statement \u2013 10 Massages - Maria Lopez.pdf"]
    assert seen["status"] == f"Saved: {target}"
    [box] = media_boxes(target)
    assert same_size(box, size) if size else abs(box[0] - ROLL_WIDTH) < 0.5
    text = pdf_text(target)
    assert "PACKAGE STATEMENT" in text and "Ana Silva" in text and "9 of 10" in text


def test_r41_a_failed_statement_writes_nothing_and_says_why(qtbot, clinic, massages, shown,
                                                            monkeypatch, tmp_path):
    dialog = StatementDialog(clinic, massages["package"])
    qtbot.addWidget(dialog)
    monkeypatch.setattr(StatementDialog, "choose_file",
                        staticmethod(lambda *_: str(tmp_path / "gone" / "s.pdf")))
    with qtbot.waitSignal(dialog.pdf_failed, timeout=20000):
        click(qtbot, dialog.save_button)
    assert dialog.status.text() == "Nothing was written."
    assert shown.boxes and not (tmp_path / "gone").exists()


def test_r41_view_print_shows_the_use_of_a_visits_line(qtbot, clinic, massages):
    dialog = PrintDialog(clinic, invoice_id=massages["visit"])
    qtbot.addWidget(dialog)
    assert "10 Massages: use 1 of 10, 9 left, expires September 2, 2026" in \
        dialog.summary.text()


def test_r41_the_purchases_list_shows_the_use_under_the_visit(qtbot, clinic, catalog,
                                                              massages):
    from app.ui.formats import Formats
    from app.ui.models.billing import InvoicesModel

    model = InvoicesModel(Formats(clinic))
    model.set_rows(clinic.billing.account(catalog["patient"]).invoices)
    texts = [model.index(row, InvoicesModel.DESCRIPTION).data()
             for row in range(model.rowCount())]
    visit = [t for t in texts if "covered by" in t]
    assert [t.split("\n")[1] for t in visit] == [
        "10 Massages: use 1 of 10, 9 left, expires September 2, 2026"]
    assert "Package: 10 Massages" in texts  # a sale uses nothing: one line
