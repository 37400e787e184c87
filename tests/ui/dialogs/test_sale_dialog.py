"""The sale screen (R5-R8): type to find a package, choose staff, Sell or Receive Payment."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from app.ui.dialogs.payment_dialog import ReceivePaymentDialog
from app.ui.dialogs.sale_dialog import CompensationDialog, SaleDialog

from ui.helpers import click, retype


def pick_package(qtbot, dialog: SaleDialog, typed: str) -> None:
    """Type part of the name, then take the first suggestion the way the desk does."""
    retype(qtbot, dialog.package.lineEdit(), typed)
    popup = dialog.package.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def pick_staff(dialog: SaleDialog, name: str) -> None:
    dialog.staff.setCurrentIndex(dialog.staff.findText(name))


def staff_items(dialog: SaleDialog) -> list[str]:
    return [dialog.staff.itemText(i) for i in range(dialog.staff.count())]


def test_r5_typing_part_of_the_name_finds_the_package_and_sell_invoices_it(
        qtbot, clinic, catalog, shown, drive):
    def sell(d: SaleDialog) -> None:
        assert not d.ok_button.isEnabled(), "nothing to sell until a package is picked"
        pick_package(qtbot, d, "mass")
        assert d.package.currentText() == "10 Massages — $800.00"
        assert {k: v.text() for k, v in d.summary.items()} == {
            "price": "$800.00", "tax": "$0.00 (0%)", "total": "$800.00",
            "uses": "10", "expires": "Sep 2, 2026"}  # six months from the sale (R9)
        assert d.staff.currentText() == "No Staff Member"
        click(qtbot, d.ok_button)

    drive(SaleDialog, sell)
    result = SaleDialog.ask(clinic, catalog["patient"])

    invoice = clinic.billing.invoice(result.invoice_id)
    assert (invoice.total, invoice.status) == (80000, "unpaid")
    [line] = invoice.lines
    assert (line.description, line.staff_name) == ("Package: 10 Massages", "No Staff Member")
    assert shown.boxes == []


def test_the_summary_shows_tax_and_no_expiry(qtbot, clinic, catalog, drive):
    from decimal import Decimal
    clinic.catalog.update_package_template(catalog["three_physio"], tax_rate=Decimal("0.15"))

    def look(d: SaleDialog) -> None:
        pick_package(qtbot, d, "PHYS")  # any case, any part
        assert d.summary["tax"].text() == "$15.00 (15%)"
        assert d.summary["total"].text() == "$115.00"
        assert d.summary["expires"].text() == "No expiry"
        d.reject()

    drive(SaleDialog, look)
    assert SaleDialog.ask(clinic, catalog["patient"]) is None
    assert clinic.billing.account(catalog["patient"]).invoices == ()


def test_archived_packages_are_not_offered(qtbot, clinic, catalog, drive):
    clinic.catalog.archive_package_template(catalog["three_physio"])

    def look(d: SaleDialog) -> None:
        assert [d.package.itemText(i) for i in range(d.package.count())] == [
            "10 Massages — $800.00"]
        retype(qtbot, d.package.lineEdit(), "phys")
        assert d.package.completer().completionCount() == 0
        assert not d.ok_button.isEnabled() and not d.pay_button.isEnabled()
        d.reject()

    drive(SaleDialog, look)
    SaleDialog.ask(clinic, catalog["patient"])


def test_the_full_name_typed_out_is_enough(qtbot, clinic, catalog, drive):
    def sell(d: SaleDialog) -> None:
        retype(qtbot, d.package.lineEdit(), "3 physio")
        assert d.template_id() == catalog["three_physio"]
        click(qtbot, d.ok_button)

    drive(SaleDialog, sell)
    assert SaleDialog.ask(clinic, catalog["patient"]).package_id is not None


def test_r6_staff_defaults_to_no_staff_member_then_practitioners_then_other_staff(
        qtbot, clinic, catalog, drive):
    def sell(d: SaleDialog) -> None:
        assert staff_items(d) == ["No Staff Member", "Ana Silva", "Ben Okafor", "",
                                  "Chloe Desk"]
        assert "compensated as each use is redeemed" in d.staff_note.text()
        pick_package(qtbot, d, "phys")
        pick_staff(d, "Ben Okafor")
        assert "Ben Okafor is compensated for the whole sale now" in d.staff_note.text()
        click(qtbot, d.ok_button)

    drive(SaleDialog, sell)
    result = SaleDialog.ask(clinic, catalog["patient"])
    assert clinic.billing.invoice(result.invoice_id).lines[0].staff_name == "Ben Okafor"


def test_r8_sell_and_receive_payment_in_one_go(qtbot, clinic, catalog, shown, drive):
    def sell(d: SaleDialog) -> None:
        pick_package(qtbot, d, "mass")
        click(qtbot, d.pay_button)

    def pay(d: ReceivePaymentDialog) -> None:
        assert d.about.text().startswith("New invoice for Maria Lopez: 10 Massages, total "
                                         "$800.00. Nothing is sold until")
        assert clinic.billing.account(catalog["patient"]).invoices == (), "not sold yet"
        assert d.amount.text() == "800.00", "the new invoice's total"
        retype(qtbot, d.amount, "300")
        assert d.preview.text().startswith("Applied to the new invoice: $300.00.")
        d.method.setCurrentIndex(d.method.findText("Debit"))
        click(qtbot, d.ok_button)

    drive(SaleDialog, sell)
    paid = drive(ReceivePaymentDialog, pay)
    result = SaleDialog.ask(clinic, catalog["patient"])

    assert paid == [1]
    account = clinic.billing.account(catalog["patient"])
    assert len(account.invoices) == 1 and len(account.payments) == 1
    invoice = clinic.billing.invoice(result.invoice_id)
    assert (invoice.paid, invoice.balance, invoice.status) == (30000, 50000, "partially paid")
    assert invoice.payments[0].method == "debit"
    assert shown.boxes == []


def test_r8_cancelling_the_payment_sells_nothing_and_says_so(qtbot, clinic, catalog, drive):
    def sell(d: SaleDialog) -> None:
        pick_package(qtbot, d, "mass")
        assert d.payment_note.isHidden()
        click(qtbot, d.pay_button)
        assert d.isVisible(), "the sale screen stays, with its choices"
        assert d.payment_note.isVisible()
        assert d.payment_note.text().startswith("Payment cancelled: nothing was sold.")
        assert clinic.billing.account(catalog["patient"]).invoices == ()
        d.reject()

    drive(SaleDialog, sell)
    cancelled = drive(ReceivePaymentDialog, lambda d: click(
        qtbot, d.buttons.button(d.buttons.StandardButton.Cancel)))
    assert SaleDialog.ask(clinic, catalog["patient"]) is None
    assert cancelled == [0]
    account = clinic.billing.account(catalog["patient"])
    assert (account.invoices, account.payments) == ((), ())
    assert clinic.packages.for_patient(catalog["patient"]) == []


def test_r8_after_a_cancelled_payment_plain_sell_still_sells_unpaid(qtbot, clinic, catalog,
                                                                    drive):
    def sell(d: SaleDialog) -> None:
        pick_package(qtbot, d, "mass")
        click(qtbot, d.pay_button)
        click(qtbot, d.ok_button)

    drive(SaleDialog, sell)
    drive(ReceivePaymentDialog, lambda d: d.reject())
    result = SaleDialog.ask(clinic, catalog["patient"])
    assert clinic.billing.invoice(result.invoice_id).status == "unpaid"
    assert len(clinic.billing.account(catalog["patient"]).invoices) == 1


def test_r29_a_refused_payment_keeps_the_payment_open_and_sells_nothing(
        qtbot, clinic, catalog, shown, drive):
    def sell(d: SaleDialog) -> None:
        pick_package(qtbot, d, "mass")
        click(qtbot, d.pay_button)
        d.reject()

    def pay(d: ReceivePaymentDialog) -> None:
        retype(qtbot, d.amount, "0")
        click(qtbot, d.ok_button)
        assert d.isVisible(), "corrected where it was typed"
        assert clinic.billing.account(catalog["patient"]).invoices == ()
        d.reject()

    drive(SaleDialog, sell)
    drive(ReceivePaymentDialog, pay)
    assert SaleDialog.ask(clinic, catalog["patient"]) is None
    assert "more than zero" in shown.last
    assert clinic.billing.account(catalog["patient"]).invoices == ()


@pytest.fixture
def upcoming(clinic, catalog):
    """A massage with Ana later this week, which the 10 Massages package would cover."""
    return clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                datetime(2026, 3, 5, 10, 0), package=None)


@pytest.mark.parametrize("unassign", [True, False])
def test_r7_assigned_sale_warns_of_double_compensation(qtbot, clinic, catalog, upcoming,
                                                       shown, drive, unassign):
    def sell(d: SaleDialog) -> None:
        pick_package(qtbot, d, "mass")
        pick_staff(d, "Ben Okafor")
        click(qtbot, d.ok_button)

    def decide(d: CompensationDialog) -> None:
        assert [d.appointments.item(i).text() for i in range(d.appointments.count())] == [
            "Mar 5, 2026, 10:00\u202fa.m. — Massage 60 min with Ana Silva"]
        click(qtbot, d.ok_button if unassign else
              d.buttons.button(d.buttons.StandardButton.Cancel))

    drive(SaleDialog, sell)
    asked = drive(CompensationDialog, decide)
    result = SaleDialog.ask(clinic, catalog["patient"])

    assert asked == [1 if unassign else 0]
    assert result.double_compensation == (upcoming,)
    assert clinic.schedule.appointment(upcoming).compensate_staff is not unassign
    assert shown.boxes == []


def test_r7_no_warning_when_left_unassigned(qtbot, clinic, catalog, upcoming, shown, drive):
    def sell(d: SaleDialog) -> None:
        pick_package(qtbot, d, "mass")
        click(qtbot, d.ok_button)

    drive(SaleDialog, sell)
    asked = drive(CompensationDialog, lambda d: d.reject())
    SaleDialog.ask(clinic, catalog["patient"])
    assert asked == [] and shown.boxes == []
    assert clinic.schedule.appointment(upcoming).compensate_staff


def test_add_items_from_an_appointment_covers_it(qtbot, clinic, catalog, upcoming, drive):
    def sell(d: SaleDialog) -> None:
        assert d.windowTitle() == "Add Items"
        pick_package(qtbot, d, "mass")
        click(qtbot, d.ok_button)

    drive(SaleDialog, sell)
    result = SaleDialog.ask(clinic, catalog["patient"], appointment_id=upcoming)
    assert clinic.schedule.appointment(upcoming).package_id == result.package_id


def test_other_warnings_are_shown(qtbot, clinic, catalog, shown, drive):
    physio = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["physio"],
                                  datetime(2026, 3, 5, 11, 0), package=None)

    def sell(d: SaleDialog) -> None:
        pick_package(qtbot, d, "mass")  # does not cover physio
        click(qtbot, d.ok_button)

    drive(SaleDialog, sell)
    assert SaleDialog.ask(clinic, catalog["patient"], appointment_id=physio) is not None
    assert "The new package was not applied to the appointment" in shown.last
    assert clinic.schedule.appointment(physio).package_id is None


@pytest.mark.parametrize("change, words", [
    (lambda clinic, ids: clinic.staff.update(ids["ben"], active=False), "no longer active"),
    (lambda clinic, ids: clinic.catalog.archive_package_template(ids["ten_massages"]),
     "is archived and no longer for sale"),
])
def test_a_refused_sale_shows_why_and_sells_nothing(qtbot, clinic, catalog, shown, drive,
                                                    change, words):
    def sell(d: SaleDialog) -> None:
        pick_package(qtbot, d, "mass")
        pick_staff(d, "Ben Okafor")
        change(clinic, catalog)  # another desk, meanwhile
        click(qtbot, d.ok_button)
        assert d.isVisible(), "the dialog stays open to correct it"
        d.reject()

    answers = drive(SaleDialog, sell)
    assert SaleDialog.ask(clinic, catalog["patient"]) is None
    assert answers == [0]
    assert words in shown.last
    assert clinic.billing.account(catalog["patient"]).invoices == ()
