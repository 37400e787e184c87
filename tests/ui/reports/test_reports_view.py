"""Packages › Reports (R3, R6, R7, R21): each report run through the real widgets on a small
clinic with figures worked out by hand; filters, periods, sorting, refusals, the worker."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QLabel

from app.ui.models.reports import FLAG_BACKGROUND
from app.ui.packages import PackagesTab
from app.ui.reports import ReportsView
from app.ui.tasks import worker_idle

from ui.helpers import cell_texts, click

MAR = lambda day, hour=10: datetime(2026, 3, day, hour, 0)  # noqa: E731


@pytest.fixture(autouse=True)
def idle_worker():
    """No job may outlive its test (the clinic file closes after it)."""
    yield
    assert worker_idle(20)


@pytest.fixture
def march(clinic, catalog):
    """March 2026 (the clock says 2026-03-02): Maria buys 3 Physio ($100, 3 uses, pays $10
    each) and uses it on the 3rd, 10th and 17th with Ana; Ann buys 10 Massages ($800) sold by
    Ben (R6), pays $300, and Ben gives her massages on the 4th and 11th: compensated twice."""
    c = dict(catalog)
    c["ann"] = clinic.patients.add("Ann", "Bell")
    physio = clinic.billing.sell_package(c["patient"], c["three_physio"])
    clinic.billing.receive_payment(c["patient"], 10000, "cash", invoice_id=physio.invoice_id)
    massages = clinic.billing.sell_package(c["ann"], c["ten_massages"], staff_id=c["ben"])
    clinic.billing.receive_payment(c["ann"], 30000, "debit", invoice_id=massages.invoice_id)
    for day in (3, 10, 17):
        clinic.schedule.arrive(clinic.schedule.book(c["patient"], c["ana"], c["physio"],
                                                    MAR(day)))
    for day in (4, 11):
        clinic.schedule.arrive(clinic.schedule.book(c["ann"], c["ben"], c["massage"],
                                                    MAR(day, 14)))
    return c


def make_view(qtbot, clinic) -> ReportsView:
    view = ReportsView(clinic)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    return view


def pick(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(index)


def items(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def type_date(qtbot, edit, text: str) -> None:
    """Type a whole date over the field's and press Enter, as the desk does."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def run(qtbot, view):
    with qtbot.waitSignal(view.report_shown, timeout=20000) as shown:
        click(qtbot, view.controls.run_button)
    return shown.args[0]


def column(section_view, heading: str) -> list[str]:
    model = section_view.model
    headings = [c.heading for c in model.section.columns]
    return cell_texts(section_view.proxy, headings.index(heading))


def totals(section_view) -> list[list[str]]:
    model = section_view.totals_model
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def click_heading(qtbot, table, heading: str) -> None:
    header = table.horizontalHeader()
    model = table.model()
    names = [model.headerData(i, Qt.Orientation.Horizontal).replace("\n", " ")
             for i in range(model.columnCount())]
    section = names.index(heading)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


# ------------------------------------------------------------------------------ the reports

def test_r21_package_sales_with_totals_per_package_and_a_chart(qtbot, clinic, march, shown):
    view = make_view(qtbot, clinic)
    assert view.controls.kind.currentText() == "Package Sales"
    assert view.controls.period.currentText() == "This month"
    assert (view.controls.start.text(), view.controls.end.text()) == ("Sun, Mar 1, 2026",
                                                                      "Tue, Mar 31, 2026")
    assert not view.csv_button.isEnabled(), "nothing to export before a report is run"

    report = run(qtbot, view)

    assert report.kind == "package_sales"
    assert view.heading.text() == "Package Sales · Mar 1, 2026 – Mar 31, 2026"
    sales = view.sections[0]
    assert column(sales, "Patient") == ["Maria Lopez", "Ann Bell"]
    assert column(sales, "Package") == ["3 Physio", "10 Massages"]
    assert column(sales, "Staff") == ["No Staff Member", "Ben Okafor"]  # R6
    assert column(sales, "Price") == ["$100.00", "$800.00"]
    assert column(sales, "Collected") == ["$100.00", "$300.00"]
    assert column(sales, "Status") == ["Used up", "Active"]
    assert sales.count.text() == "2 sales"
    assert totals(sales) == [
        ["10 Massages", "1", "$800.00", "$0.00", "$300.00", "$0.00"],
        ["3 Physio", "1", "$100.00", "$0.00", "$100.00", "$0.00"],
        ["All packages", "2", "$900.00", "$0.00", "$400.00", "$0.00"]]
    assert sales.totals_model.headerData(1, Qt.Orientation.Horizontal) == "Sales"
    assert sales.chart.isVisible() and sales.chart.title == "Collected per package"
    assert [(b.label, b.value, b.text) for b in sales.chart.bars] == [
        ("10 Massages", 30000, "$300.00"), ("3 Physio", 10000, "$100.00")]
    assert view.sections[1].isHidden(), "one section only"
    assert not view.flag.isVisible()
    assert view.csv_button.isEnabled() and shown.boxes == []


def test_r03_usage_spreads_100_over_3_uses_as_3333_3333_3334(qtbot, clinic, march, shown):
    view = make_view(qtbot, clinic)
    pick(view.controls.kind, "Package Usage")
    assert view.controls.staff_label.text() == "Pr&actitioner:"

    run(qtbot, view)

    usage = view.sections[0]
    assert column(usage, "Date") == ["Mar 3, 2026", "Mar 4, 2026", "Mar 10, 2026",
                                     "Mar 11, 2026", "Mar 17, 2026"]
    assert column(usage, "Per-use value") == ["$33.33", "$80.00", "$33.33", "$80.00", "$33.34"]
    assert column(usage, "Use") == ["1 of 3", "1 of 10", "2 of 3", "2 of 10", "3 of 3"]
    assert column(usage, "Patient Pays") == ["$10.00", "$0.00", "$10.00", "$0.00", "$10.00"]
    assert totals(usage) == [["10 Massages", "2", "$160.00", "$0.00"],
                             ["3 Physio", "3", "$100.00", "$30.00"],
                             ["All packages", "5", "$260.00", "$30.00"]]
    assert usage.count.text() == "5 uses"
    assert [(b.label, b.text) for b in usage.chart.bars] == [("10 Massages", "2"),
                                                            ("3 Physio", "3")]
    assert usage.chart.title == "Uses per package"


def test_usage_filtered_by_practitioner_then_by_package(qtbot, clinic, march):
    view = make_view(qtbot, clinic)
    pick(view.controls.kind, "Package Usage")
    pick(view.controls.staff, "Ana Silva")
    report = run(qtbot, view)
    assert report.parameters["staff_id"] == march["ana"]
    assert column(view.sections[0], "Per-use value") == ["$33.33", "$33.33", "$33.34"]
    assert totals(view.sections[0])[-1] == ["All packages", "3", "$100.00", "$30.00"]
    assert view.heading.text().endswith(" · Ana Silva")

    pick(view.controls.staff, "All staff")
    pick(view.controls.template, "10 Massages")
    run(qtbot, view)
    assert column(view.sections[0], "Patient") == ["Ann Bell", "Ann Bell"]
    assert totals(view.sections[0]) == [["10 Massages", "2", "$160.00", "$0.00"],
                                        ["All packages", "2", "$160.00", "$0.00"]]


def test_sales_filtered_by_the_staff_member_the_sale_was_assigned_to(qtbot, clinic, march):
    view = make_view(qtbot, clinic)
    assert view.controls.staff_label.text() == "St&aff:"
    pick(view.controls.staff, "Ben Okafor")
    run(qtbot, view)
    assert column(view.sections[0], "Package") == ["10 Massages"]
    assert view.sections[0].count.text() == "1 sale"


def test_outstanding_liability_on_one_date(qtbot, clinic, march):
    view = make_view(qtbot, clinic)
    pick(view.controls.kind, "Outstanding Packages (liability)")
    controls = view.controls
    assert controls.on.isVisible() and not controls.start.isVisible()
    assert not controls.period.isVisible()
    assert view.controls.template.isVisible() and not view.controls.staff.isVisible()
    type_date(qtbot, view.controls.on, "2026-03-10")

    report = run(qtbot, view)

    assert report.parameters["on"] == date(2026, 3, 10)
    main, expiring = view.sections
    # by the end of the 10th: 2 of 3 physio uses (one left: $33.34), 1 of 10 massages
    assert column(main, "Patient") == ["Maria Lopez", "Ann Bell"]
    assert column(main, "Expires") == ["No expiry", "Sep 2, 2026"]
    assert column(main, "Remaining") == ["1", "9"]
    assert column(main, "Unredeemed value") == ["$33.34", "$720.00"]
    assert totals(main)[-1] == ["All packages", "2", "3", "10", "$753.34"]
    assert main.chart.title == "Unredeemed value per package"
    assert expiring.isVisible() and expiring.title.text() == "Expiring in the next 30 days"
    assert expiring.empty.text() == "No package with uses left expires within 30 days."
    assert expiring.empty.isVisible() and not expiring.table.isVisible()
    assert view.heading.text() == "Outstanding Packages · on Mar 10, 2026"

    pick(view.controls.template, "3 Physio")
    run(qtbot, view)
    assert column(main, "Package") == ["3 Physio"]


def test_r07_compensation_flags_uses_compensated_twice(qtbot, clinic, march):
    view = make_view(qtbot, clinic)
    pick(view.controls.kind, "Staff Compensation")
    assert not view.controls.template.isVisible() and view.controls.staff.isVisible()
    assert view.controls.staff_label.text() == "St&aff member:"

    run(qtbot, view)

    staff, doubles = view.sections
    assert column(staff, "Staff member") == ["No Staff Member", "Ana Silva", "Ben Okafor"]
    assert column(staff, "Sales value") == ["$100.00", "$0.00", "$800.00"]
    assert column(staff, "Uses value") == ["$0.00", "$100.00", "$160.00"]
    assert column(staff, "Double-compensated value") == ["$0.00", "$0.00", "$160.00"]
    assert column(staff, "Flag") == ["", "", "Double compensation"]
    background = Qt.ItemDataRole.BackgroundRole
    assert staff.proxy.index(2, 0).data(background) == FLAG_BACKGROUND
    assert staff.proxy.index(1, 0).data(background) is None
    assert staff.proxy.index(2, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert "Compensated twice:" in staff.proxy.index(2, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert totals(staff) == [["All staff", "3", "2", "$900.00", "5", "$260.00", "5", "$260.00",
                              "2", "$160.00"]]

    assert doubles.title.text() == "Double compensation"
    assert column(doubles, "Patient") == ["Ann Bell", "Ann Bell"]
    assert column(doubles, "Use") == ["1 of 10", "2 of 10"]
    assert doubles.proxy.index(0, 0).data(background) == FLAG_BACKGROUND
    assert totals(doubles) == [["Ben Okafor", "2", "$160.00"],
                               ["All double-compensated uses", "2", "$160.00"]]
    assert view.flag.isVisible()
    assert view.flag.text().startswith("⚠ 2 uses compensated twice, worth $160.00")

    pick(view.controls.staff, "Ana Silva")
    run(qtbot, view)
    assert column(staff, "Staff member") == ["Ana Silva"]
    assert not view.flag.isVisible() and doubles.empty.isVisible()


# ------------------------------------------------------------------------------ sorting

def test_sorting_goes_by_cents_and_by_date_not_by_text(qtbot, clinic, catalog):
    big = clinic.catalog.add_package_template("Big", price=120000, uses=12,
                                              eligible={catalog["massage"]: 0})
    for template in (catalog["three_physio"], big, catalog["ten_massages"]):
        clinic.billing.sell_package(catalog["patient"], template)
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    for day in (3, 10, 17):
        clinic.schedule.arrive(clinic.schedule.book(catalog["patient"], catalog["ana"],
                                                    catalog["physio"], MAR(day)))
    view = make_view(qtbot, clinic)
    run(qtbot, view)
    sales = view.sections[0]
    assert column(sales, "Price") == ["$100.00", "$1,200.00", "$800.00", "$100.00"]

    click_heading(qtbot, sales.table, "Price")
    assert column(sales, "Price") == ["$100.00", "$100.00", "$800.00", "$1,200.00"]
    click_heading(qtbot, sales.table, "Price")
    assert column(sales, "Price") == ["$1,200.00", "$800.00", "$100.00", "$100.00"]

    pick(view.controls.kind, "Package Usage")
    run(qtbot, view)
    usage = view.sections[0]
    click_heading(qtbot, usage.table, "Date")
    click_heading(qtbot, usage.table, "Date")  # newest first: Mar 17, Mar 10, Mar 3
    assert column(usage, "Date") == ["Mar 17, 2026", "Mar 10, 2026", "Mar 3, 2026"]
    click_heading(qtbot, usage.table, "Per-use value")
    assert column(usage, "Per-use value") == ["$33.33", "$33.33", "$33.34"]


def test_a_new_report_shows_in_the_services_order_until_a_heading_is_clicked(
        qtbot, clinic, march):
    view = make_view(qtbot, clinic)
    pick(view.controls.kind, "Staff Compensation")
    run(qtbot, view)
    staff = view.sections[0]
    click_heading(qtbot, staff.table, "Staff member")
    assert column(staff, "Staff member") == ["Ana Silva", "Ben Okafor", "No Staff Member"]
    run(qtbot, view)
    assert column(staff, "Staff member") == ["No Staff Member", "Ana Silva", "Ben Okafor"]


# ------------------------------------------------------------------------------ periods

def test_quick_periods_fill_the_dates_and_typed_dates_say_custom(qtbot, clinic, clock):
    view = make_view(qtbot, clinic)  # today is 2026-03-02
    # Written the clinic's way (R4), not ISO.
    for choice, start, end in (("Last month", "Sun, Feb 1, 2026", "Sat, Feb 28, 2026"),
                               ("This year", "Thu, Jan 1, 2026", "Thu, Dec 31, 2026"),
                               ("Last year", "Wed, Jan 1, 2025", "Wed, Dec 31, 2025"),
                               ("This month", "Sun, Mar 1, 2026", "Tue, Mar 31, 2026")):
        pick(view.controls.period, choice)
        assert (view.controls.start.text(), view.controls.end.text()) == (start, end), choice
    type_date(qtbot, view.controls.start, "2026-03-05")
    assert view.controls.period.currentText() == "Custom"
    assert view.controls.parameters()["start"] == date(2026, 3, 5)
    type_date(qtbot, view.controls.start, "2026-03-01")
    assert view.controls.period.currentText() == "This month", "typed back to a whole month"
    clock.set(datetime(2026, 4, 1, 8, 0))  # the desk left the program open overnight
    view.refresh()
    assert (view.controls.start.text(), view.controls.end.text()) == ("Wed, Apr 1, 2026",
                                                                      "Thu, Apr 30, 2026")


def test_an_end_before_the_start_shows_the_services_message(qtbot, clinic, march, shown):
    view = make_view(qtbot, clinic)
    pick(view.controls.period, "Custom")
    type_date(qtbot, view.controls.end, "2026-02-01")

    with qtbot.waitSignal(view.run_failed, timeout=20000):
        click(qtbot, view.controls.run_button)

    assert [title for title, _text in shown.boxes] == ["Report not run"]
    assert "must be on or after the start date" in shown.last  # the service's own words
    assert view.report is None and view.placeholder.isVisible()
    assert view.controls.end.hasFocus(), "the cursor goes where the desk must correct it"
    assert view.controls.run_button.isEnabled() and not view.controls.busy.isVisible()


# ------------------------------------------------------------------------------ the worker

def test_a_slow_report_runs_on_the_worker_and_cancel_discards_it(qtbot, clinic, march,
                                                                  monkeypatch):
    real = clinic.reports.package_usage
    started, release = threading.Event(), threading.Event()
    threads = []

    def slow(*args, **kwargs):
        threads.append(threading.current_thread())
        started.set()
        release.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(clinic.reports, "package_usage", slow)
    view = make_view(qtbot, clinic)
    pick(view.controls.kind, "Package Usage")
    try:
        click(qtbot, view.controls.run_button)
        qtbot.waitUntil(started.is_set, timeout=20000)
        assert view.controls.busy.isVisible() and view.controls.cancel_button.isEnabled()
        assert not view.controls.run_button.isEnabled() and not view.csv_button.isEnabled()
        # the GUI thread goes on handling events while the report waits on the worker
        ticked = []
        QTimer.singleShot(0, lambda: ticked.append(True))
        qtbot.waitUntil(lambda: ticked == [True], timeout=5000)
        pick(view.controls.kind, "Package Sales")  # and the desk can change what comes next
        assert view.report is None and view.running

        click(qtbot, view.controls.cancel_button)
        assert not view.controls.busy.isVisible() and view.controls.run_button.isEnabled()
        assert view.status.text() == "Cancelled: that report's result will not be shown."
    finally:
        release.set()
    assert threads and threads[0] is not threading.main_thread()

    # the cancelled usage report finishes first on the one worker; only the sales report shows
    reports = []
    view.report_shown.connect(reports.append)
    report = run(qtbot, view)
    assert [r.kind for r in reports] == ["package_sales"] and report.kind == "package_sales"
    assert view.heading.text().startswith("Package Sales")


def test_escape_cancels_a_running_report(qtbot, clinic, march, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(clinic.reports, "package_sales",
                        lambda *a, **k: release.wait(20))
    view = make_view(qtbot, clinic)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    try:
        click(qtbot, view.controls.run_button)
        assert view.running
        view.controls.kind.setFocus()
        qtbot.keyClick(view.controls.kind, Qt.Key.Key_Escape)
        assert not view.running and view.controls.run_button.isEnabled()
    finally:
        release.set()


# ------------------------------------------------------------------------------ the tab

def test_reports_sit_under_the_packages_tab_beside_the_templates(qtbot, clinic, catalog):
    tab = PackagesTab(clinic)
    qtbot.addWidget(tab)
    tab.show()
    assert [tab.views.tabText(i) for i in range(tab.views.count())] == [
        "&Templates", "Mem&bership Plans", "&Reports"]  # (the plans: R43)
    assert tab.views.widget(2) is tab.reports
    tab.views.setCurrentWidget(tab.reports)
    templates, staff = tab.reports.controls.template, tab.reports.controls.staff
    assert items(templates) == ["All packages", "10 Massages", "3 Physio"]

    clinic.catalog.archive_package_template(catalog["three_physio"])
    clinic.staff.update(catalog["ben"], active=False)
    pick(templates, "10 Massages")
    tab.refresh()  # as when the desk comes back to the Packages tab
    assert items(templates) == ["All packages", "10 Massages", "3 Physio (archived)"]
    assert templates.currentText() == "10 Massages", "the choice is kept"
    assert "Ben Okafor (inactive)" in items(staff)


@pytest.mark.parametrize("kind", ["Package Sales", "Package Usage",
                                  "Outstanding Packages (liability)", "Staff Compensation"])
def test_every_control_has_a_name_and_no_two_mnemonics_clash(qtbot, clinic, catalog, kind):
    tab = PackagesTab(clinic)
    qtbot.addWidget(tab)
    tab.show()
    tab.views.setCurrentWidget(tab.reports)
    view = tab.reports
    pick(view.controls.kind, kind)
    controls = view.controls
    for widget in (controls.kind, controls.period, controls.start, controls.end, controls.on,
                   controls.template, controls.staff):
        assert widget.accessibleName(), widget
    letters = []
    for label in view.findChildren(QLabel):
        if label.isVisible() and "&" in label.text():
            assert label.buddy() is not None, label.text()
            letters.append(label.text().split("&")[1][0].lower())
    buttons = (controls.run_button, controls.cancel_button, view.csv_button,
               view.xlsx_button, view.pdf_button)
    letters += [b.text().split("&")[1][0].lower() for b in buttons]
    letters += [tab.views.tabText(i).split("&")[1][0].lower()
                for i in range(tab.views.count())]
    letters += ["f", "h"]  # the File and Help menus
    assert len(letters) == len(set(letters)), sorted(letters)
