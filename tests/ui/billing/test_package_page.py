"""A package's show page: what it says, and Change Expiry, Refund Package, Print (R20-R28)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate

from app.ui.billing.expiry_dialog import ExpiryDialog
from app.ui.billing.package_page import PackagePage
from app.ui.billing.refund_dialog import RefundPackageDialog
from app.ui.formats import Formats
from app.ui.models.packages import HeldAppointmentsModel, RedemptionsModel, SalePaymentsModel

from ui.helpers import cell_texts, click
from ui.billing.test_refund_dialog import stand_in


@pytest.fixture
def physio(clinic, catalog):
    """“3 Physio” ($100.00, 3 uses, Patient Pays $10.00): paid, one visit arrived, one a
    no-show covered by the package, one booked."""
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["three_physio"])
    clinic.billing.receive_payment(patient, 6000, "cash", invoice_id=sale.invoice_id)
    clinic.billing.receive_payment(patient, 4000, "debit", invoice_id=sale.invoice_id)
    arrived = clinic.schedule.book(patient, catalog["ana"], catalog["physio"],
                                   datetime(2026, 3, 2, 10))
    clinic.schedule.arrive(arrived)
    missed = clinic.schedule.book(patient, catalog["ben"], catalog["physio"],
                                  datetime(2026, 3, 2, 15))
    clinic.schedule.no_show(missed, use_package=True)
    booked = clinic.schedule.book(patient, catalog["ana"], catalog["physio"],
                                  datetime(2026, 3, 16, 10))
    return {"package": sale.package_id, "invoice": sale.invoice_id, "booked": booked,
            "patient": patient}


@pytest.fixture
def massages(clinic, catalog):
    """“10 Massages”, sold today (Mar 2, 2026) so it expires Sep 2, 2026; one visit booked
    on Jun 1, 2026."""
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    booked = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                  datetime(2026, 6, 1, 9))
    return {"package": sale.package_id, "booked": booked}


def open_page(qtbot, clinic, package_id) -> PackagePage:
    page = PackagePage(clinic, package_id)
    qtbot.addWidget(page)
    page.show()
    return page


def value(page, key: str) -> str:
    return page.values[key].text()


def test_r20_the_summary_and_the_sale_invoice(qtbot, clinic, physio):
    page = open_page(qtbot, clinic, physio["package"])
    assert page.heading.text() == "3 Physio — Maria Lopez"
    assert {key: value(page, key) for key in (
        "status", "uses", "expires", "purchased", "price",
        "collected", "staff", "coverage", "invoice", "lines", "total", "paid", "balance",
        "invoice_status")} == {
        "status": "Active", "uses": "1 of 3 left · all uses are booked · no expiry",
        "expires": "No expiry", "purchased": "Mar 2, 2026", "price": "$100.00",
        "collected": "$100.00", "staff": "No Staff Member",
        "coverage": "Physio follow-up — Patient Pays $10.00",
        "invoice": "#1, Mar 2, 2026", "lines": "Package: 3 Physio: $100.00",
        "total": "$100.00", "paid": "$100.00", "balance": "$0.00", "invoice_status": "Paid"}
    assert page.values["refund"].isHidden(), "no refund yet, so no empty row"
    assert cell_texts(page.payments, SalePaymentsModel.METHOD) == ["Cash", "Debit"]
    assert cell_texts(page.payments, SalePaymentsModel.AMOUNT) == ["$60.00", "$40.00"]


def test_r20_every_redemption_and_the_invoice_it_was_billed_on(qtbot, clinic, physio):
    page = open_page(qtbot, clinic, physio["package"])
    model, cols = page.redemptions, RedemptionsModel
    rows = [[model.index(r, c).data() for c in range(len(cols.COLUMNS))]
            for r in range(model.rowCount())]
    assert rows == [
        ["1", "Mar 2, 2026", "Mar 2, 2026 10:00\u202fa.m.", "Physio follow-up", "Ana Silva",
         "#2", "$10.00", "$33.33", "Arrived", "Maria Lopez"],
        ["2", "Mar 2, 2026", "Mar 2, 2026 3:00\u202fp.m.", "Physio follow-up", "Ben Okafor",
         "#3", "$10.00", "$33.33", "No-show", "Maria Lopez"]]
    assert page.redemptions_box.title() == "Redemptions (2)"
    assert cell_texts(page.held, HeldAppointmentsModel.APPOINTMENT) == [
        "Mar 16, 2026 10:00\u202fa.m."]
    assert page.held_box.title() == "Booked appointments holding a use (1)"


def test_models_pass_qts_model_tester(qtmodeltester, clinic, physio):
    from ui.models.test_models import check
    formats = Formats(clinic)
    detail = clinic.packages.detail(physio["package"])
    check(qtmodeltester, RedemptionsModel(formats), detail.redemptions)
    check(qtmodeltester, HeldAppointmentsModel(formats), detail.booked)
    check(qtmodeltester, SalePaymentsModel(formats), detail.invoice.payments)


def set_expiry(qtbot, day: date | None):
    def action(dialog: ExpiryDialog) -> None:
        if day is None:
            if not dialog.no_expiry.isChecked():
                click(qtbot, dialog.no_expiry)
        else:
            if dialog.no_expiry.isChecked():
                click(qtbot, dialog.no_expiry)
            dialog.expires_on.setDate(QDate(day))  # as picked from the calendar
        click(qtbot, dialog.ok_button)
        if dialog.isVisible():  # refused: the desk gives up
            click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))
    return action


def test_r23_change_the_expiry(qtbot, clinic, massages, shown, drive):
    page = open_page(qtbot, clinic, massages["package"])
    assert value(page, "expires") == "Sep 2, 2026"
    answers = drive(ExpiryDialog, set_expiry(qtbot, date(2026, 12, 31)))

    click(qtbot, page.expiry_button)

    assert answers == [1] and shown.boxes == []
    assert clinic.packages.summary(massages["package"]).expires_on == date(2026, 12, 31)
    assert value(page, "expires") == "Dec 31, 2026"
    assert page.changed


def test_r23_clear_the_expiry_then_set_one_again(qtbot, clinic, massages, shown, drive):
    page = open_page(qtbot, clinic, massages["package"])
    drive(ExpiryDialog, set_expiry(qtbot, None))
    click(qtbot, page.expiry_button)
    assert clinic.packages.summary(massages["package"]).expires_on is None
    assert value(page, "expires") == "No expiry"

    seen = []
    drive(ExpiryDialog, lambda d: (seen.append((d.no_expiry.isChecked(),
                                                d.expires_on.isEnabled())),
                                   set_expiry(qtbot, date(2026, 7, 1))(d)))
    click(qtbot, page.expiry_button)
    assert seen == [(True, False)], "a package without expiry opens with the box ticked"
    assert value(page, "expires") == "Jul 1, 2026"


def test_r24_an_expiry_before_a_booked_covered_visit_is_refused(
        qtbot, clinic, massages, shown, drive):
    page = open_page(qtbot, clinic, massages["package"])
    answers = drive(ExpiryDialog, set_expiry(qtbot, date(2026, 5, 1)))

    click(qtbot, page.expiry_button)

    assert answers == [0]
    assert len(shown.boxes) == 1
    # Dates in a refusal are written the clinic's way (en_CA here).
    assert "booked appointment" in shown.last and "Jun 1, 2026" in shown.last
    assert clinic.packages.summary(massages["package"]).expires_on == date(2026, 9, 2)
    assert value(page, "expires") == "Sep 2, 2026"
    assert not page.changed


def test_r30_an_expiry_before_the_purchase_is_refused(qtbot, clinic, massages, shown, drive):
    page = open_page(qtbot, clinic, massages["package"])
    drive(ExpiryDialog, set_expiry(qtbot, date(2026, 3, 1)))
    click(qtbot, page.expiry_button)
    assert "expiry date" in shown.last and "Mar 2, 2026" in shown.last
    assert clinic.packages.summary(massages["package"]).expires_on == date(2026, 9, 2)


def test_the_expiry_picker_speaks_the_clinics_locale(qtbot, clinic, massages):
    dialog = ExpiryDialog(clinic, clinic.packages.summary(massages["package"]))
    qtbot.addWidget(dialog)
    assert dialog.expires_on.text() == "Wednesday, September 2, 2026"
    assert dialog.chosen() == date(2026, 9, 2)


def test_r25_refund_from_the_show_page(qtbot, clinic, physio, shown, drive):
    page = open_page(qtbot, clinic, physio["package"])
    drive(RefundPackageDialog, lambda d: (click(qtbot, d.refund_button),
                                          click(qtbot, d.close_button)))

    click(qtbot, page.refund_button)

    # One use left of three, so a third of $100.00; the booked visit loses the package.
    assert value(page, "status") == "Refunded"
    assert value(page, "refund") == "$33.33 on Mar 2, 2026 (suggested $33.33)"
    assert value(page, "lines") == ("Package: 3 Physio: $100.00\n"
                                    "Unused uses cancelled: 3 Physio: -$33.33")
    assert page.held.rowCount() == 0
    assert clinic.schedule.appointment(physio["booked"]).package_id is None
    assert clinic.billing.account(physio["patient"]).credit == 3333
    assert not page.refund_button.isEnabled() and not page.expiry_button.isEnabled()
    # R25: the service's own refusal, asked before anything is typed (one rule, one place).
    assert page.refund_button.toolTip() == "The package \u201c3 Physio\u201d was already refunded."
    assert page.expiry_button.toolTip() == ("The package \u201c3 Physio\u201d was refunded; its "
                                            "expiry can no longer be changed.")
    assert page.changed


def test_r25_refund_cancelled_changes_nothing(qtbot, clinic, physio, drive):
    page = open_page(qtbot, clinic, physio["package"])
    drive(RefundPackageDialog, lambda d: click(qtbot, d.cancel_button))
    click(qtbot, page.refund_button)
    assert value(page, "status") == "Active"
    assert not page.changed


def test_r31_print_the_sale_invoice(qtbot, clinic, physio, monkeypatch):
    printed = []
    stand_in(monkeypatch, "app.ui.dialogs.print_dialog", "PrintDialog",
             lambda clinic_, **kwargs: printed.append((clinic_, kwargs)))
    page = open_page(qtbot, clinic, physio["package"])
    click(qtbot, page.print_button)
    assert printed == [(clinic, {"invoice_id": physio["invoice"], "parent": page})]


def test_ask_says_whether_anything_changed(qtbot, clinic, massages, drive):
    drive(PackagePage, lambda page: click(qtbot, page.close_button))
    assert PackagePage.ask(clinic, massages["package"]) is False
