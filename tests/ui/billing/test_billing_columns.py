"""The package page's tables and Purchases show every header and cell whole, at their
default size, in English and in French (issue 14, item 16): no "…" where the desk reads money,
dates or a refund's story."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyle, QTableView

from app.ui.billing import BillingTab
from app.ui.billing.package_page import PackagePage

from ui.test_date_fields import the_desks_look  # noqa: F401  (fixtures)
from ui.packages.test_packages_french import french  # noqa: F401


#: resources/style.qss: "QTableView::item { padding: 0 6px }", "QHeaderView::section
#: { padding: 5px 8px; font-weight: 600 }" and its 1px right border.
CELL_PADDING, HEADER_PADDING = 12, 17


def elided(view: QTableView) -> list[str]:
    """Each header or cell of `view` whose text is wider than its column (on one line, or on
    the lines of its row when the table wraps), or that lies past the visible width (a scroll
    bar hiding it is elision too), described for the failure."""
    header, model = view.horizontalHeader(), view.model()
    style = view.style()
    cell_margin = (2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view)
                        + 1) + CELL_PADDING)
    cells = view.fontMetrics()
    bold = QFont(header.font())
    bold.setWeight(QFont.Weight.DemiBold)
    titles = QFontMetrics(bold)
    problems = []
    for column in range(model.columnCount()):
        width = header.sectionSize(column)
        title = model.headerData(column, header.orientation())
        if max(titles.horizontalAdvance(title) + HEADER_PADDING,
               header.sectionSizeFromContents(column).width()) > width:
            problems.append(f"header {title!r}: {width}px")
        for row in range(model.rowCount()):
            text = model.index(row, column).data() or ""
            if cells.horizontalAdvance(text) + cell_margin <= width:
                continue
            # A wrapping table may put it on more lines, if the row is tall enough.
            room = QRect(0, 0, width - cell_margin, 10000)
            lines = cells.boundingRect(room, Qt.TextFlag.TextWordWrap, text)
            if not (view.wordWrap() and lines.width() <= room.width()
                    and lines.height() <= view.rowHeight(row)):
                problems.append(f"{title!r} row {row} {text!r}: {width}px")
    used = header.length()
    if used > view.viewport().width():
        problems.append(f"columns need {used}px, {view.viewport().width()}px shown")
    return problems


@pytest.fixture
def account(clinic, catalog, the_desks_look):
    """A demo-like patient: a 10-massage package paid in two methods, partly handed back,
    used twice, one visit still booked; and a physio package sold and paid in full."""
    patient = catalog["patient"]
    massages = clinic.billing.sell_package(patient, catalog["ten_massages"],
                                           staff_id=catalog["ana"])
    cash = clinic.billing.receive_payment(patient, 70000, "cash",
                                          invoice_id=massages.invoice_id)
    clinic.billing.receive_payment(patient, 10000, "debit", invoice_id=massages.invoice_id)
    for day in (3, 4):
        clinic.schedule.arrive(clinic.schedule.book(patient, catalog["ben"], catalog["massage"],
                                                    datetime(2026, 3, day, 10)))
    clinic.schedule.book(patient, catalog["ben"], catalog["massage"],
                         datetime(2026, 3, 16, 14, 30))
    physio = clinic.billing.sell_package(patient, catalog["three_physio"])
    clinic.billing.receive_payment(patient, 10000, "credit_card",
                                   invoice_id=physio.invoice_id)
    return {"patient": patient, "massages": massages.package_id, "cash": cash}


def refunded(clinic, account) -> None:
    """The massages refunded for $500.00, $300.00 of it handed back in cash."""
    clinic.packages.refund(account["massages"], 50000)
    clinic.billing.refund_payment(account["cash"], 30000)


def open_page(qtbot, clinic, package_id) -> PackagePage:
    page = PackagePage(clinic, package_id)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


def tables_of(page: PackagePage) -> dict[str, QTableView]:
    return {"payments": page.payments_table, "redemptions": page.redemptions_table,
            "held": page.held_table}


def open_billing(qtbot, clinic, patient) -> BillingTab:
    """Purchases as the main window shows it, at the window's default size (1280 × 800)."""
    tab = BillingTab(clinic)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    tab.show()
    qtbot.waitExposed(tab)
    tab.refresh(select=patient)
    assert tab.profile.patient_id == patient
    return tab


def check(tables: dict[str, QTableView]) -> None:
    for name, view in tables.items():
        assert view.model().rowCount() > 0, f"{name}: demo rows expected"
        assert elided(view) == [], name


def test_package_page_columns_fit_their_text(qtbot, clinic, account):
    page = open_page(qtbot, clinic, account["massages"])
    check(tables_of(page))


def test_package_page_columns_fit_a_refunds_story(qtbot, clinic, account):
    refunded(clinic, account)
    page = open_page(qtbot, clinic, account["massages"])
    tables = tables_of(page)
    assert tables.pop("held").model().rowCount() == 0, "a refund releases the booked visits"
    check(tables)


def test_package_page_columns_fit_their_text_in_french(qtbot, clinic, account, french):
    page = open_page(qtbot, clinic, account["massages"])
    check(tables_of(page))
    refunded(clinic, account)
    page = open_page(qtbot, clinic, account["massages"])
    check({"payments": page.payments_table, "redemptions": page.redemptions_table})


def test_purchases_columns_fit_their_text(qtbot, clinic, account):
    refunded(clinic, account)
    tab = open_billing(qtbot, clinic, account["patient"])
    check({"purchases": tab.profile.purchases.table})


def test_purchases_columns_fit_their_text_in_french(qtbot, clinic, account, french):
    refunded(clinic, account)
    tab = open_billing(qtbot, clinic, account["patient"])
    check({"purchases": tab.profile.purchases.table})


def test_package_page_columns_fit_the_demos_long_names_in_french(qtbot, clinic, catalog,
                                                                  the_desks_look, french):
    """The demo clinic's longest treatment name, redeemed and booked, French headings."""
    assessment = clinic.catalog.add_treatment_type("Physiotherapy Initial Assessment",
                                                   duration_min=60, price=12500)
    template = clinic.catalog.add_package_template(
        "3 Initial Assessments", price=30000, uses=3, eligible={assessment: 1000},
        validity=None)
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, template)
    clinic.billing.receive_payment(patient, 30000, "credit_card", invoice_id=sale.invoice_id)
    clinic.schedule.arrive(clinic.schedule.book(patient, catalog["ben"], assessment,
                                                datetime(2026, 3, 2, 13, 0)))
    clinic.schedule.book(patient, catalog["ben"], assessment, datetime(2026, 3, 23, 13, 0))
    page = open_page(qtbot, clinic, sale.package_id)
    check(tables_of(page))


@pytest.mark.parametrize("language", ["english", "french"])
def test_r19_the_patients_packages_list_fits_its_text(qtbot, clinic, catalog, account,
                                                      language, request):
    # Seen in the walk-through: "10 Massages (60 …" beside the long uses phrase.
    if language == "french":
        request.getfixturevalue("french")
    name = clinic.catalog.add_package_template(
        "10 Massages (60 min) Winter Special", price=80000, uses=10,
        eligible={catalog["massage"]: 0}, validity="6m")
    clinic.billing.sell_package(account["patient"], name)
    tab = open_billing(qtbot, clinic, account["patient"])
    tab.profile.tabs.setCurrentWidget(tab.profile.packages)
    view = tab.profile.packages.table
    qtbot.waitUntil(lambda: view.viewport().width() > 600)
    check({"packages": view})
