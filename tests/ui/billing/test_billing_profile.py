"""Patient Billing: the patient's profile beside the search list, with their account summary
and the Purchases, Packages and Payments sub-tabs (R5, R8, R19, R25, R27)."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt

from app.services import NotAllowed
from app.ui.billing import BillingTab
from app.ui.billing.void_dialog import VoidInvoiceDialog
from app.ui.dialogs.payment_dialog import ReceivePaymentDialog
from app.ui.dialogs.print_dialog import PrintDialog
from app.ui.dialogs.refund_payment_dialog import RefundPaymentDialog
from app.ui.dialogs.sale_dialog import SaleDialog
from app.ui.models.billing import InvoicesModel as Inv
from app.ui.models.billing import PaymentsModel as Pay
from app.ui.models.billing import RefundsModel as Ref

from ui.helpers import cell_texts, click, retype
from ui.dialogs.test_sale_dialog import pick_package


def make_tab(qtbot, clinic) -> BillingTab:
    tab = BillingTab(clinic)
    qtbot.addWidget(tab)
    tab.show()
    return tab


def open_patient(qtbot, tab: BillingTab, typed: str = "lopez") -> None:
    retype(qtbot, tab.search, typed)
    qtbot.waitUntil(lambda: tab.profile.patient_id is not None, timeout=2000)


def invoices(tab: BillingTab, column: int) -> list[str]:
    return cell_texts(tab.profile.purchases.table.model(), column)


def select_invoice(tab: BillingTab, number: int) -> None:
    view = tab.profile.purchases
    view.table.selectRow(invoices(tab, Inv.NUMBER).index(f"#{number}"))
    assert view.selected().number == number


def summary(tab: BillingTab) -> tuple[str, str]:
    return tab.profile.owing[1].text(), tab.profile.credit[1].text()


def test_one_match_opens_the_patients_profile(qtbot, clinic, catalog):
    clinic.patients.add("Marc", "Aubin", phone="902-555-0177")
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    tab = make_tab(qtbot, clinic)
    assert tab.profile.stack.currentWidget() is tab.profile.empty
    open_patient(qtbot, tab, "maria@")
    assert tab.profile.name.text() == "Maria Lopez"
    assert tab.profile.contact.text() == "902-555-0101   ·   maria@example.com"
    assert summary(tab) == ("$100.00", "$0.00")
    assert invoices(tab, Inv.DESCRIPTION) == ["Package: 3 Physio"]
    assert tab.profile.packages.model.rowCount() == 1

    retype(qtbot, tab.search, "902-555")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=2000)
    assert tab.profile.patient_id == catalog["patient"], "still selected"
    retype(qtbot, tab.search, "aubin")
    qtbot.waitUntil(lambda: tab.profile.name.text() == "Marc Aubin", timeout=2000)
    assert summary(tab) == ("$0.00", "$0.00") and invoices(tab, Inv.NUMBER) == []


def test_enter_in_the_search_goes_to_the_first_match(qtbot, clinic, catalog):
    clinic.patients.add("Marc", "Aubin")
    tab = make_tab(qtbot, clinic)
    with qtbot.waitActive(tab):
        tab.activateWindow()
    qtbot.keyClicks(tab.search, "ma")
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert tab.selected().last_name == "Aubin"
    assert tab.profile.name.text() == "Marc Aubin"
    assert tab.table.hasFocus()


def test_focus_search_goes_back_to_the_search(qtbot, clinic, catalog):
    # Ctrl+F is the main window's (Search Patient, from any tab); it calls focus_search.
    tab = make_tab(qtbot, clinic)
    with qtbot.waitActive(tab):
        tab.activateWindow()
    qtbot.keyClicks(tab.search, "lopez")
    tab.table.setFocus()
    tab.focus_search()
    assert tab.search.hasFocus()
    assert tab.search.selectedText() == "lopez", "typing replaces the last search"


def test_editing_the_patient_updates_the_header(qtbot, clinic, catalog, drive):
    from app.ui.billing import PatientDialog
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    drive(PatientDialog, lambda d: (retype(qtbot, d.email, ""), click(qtbot, d.ok_button)))
    click(qtbot, tab.edit_button)
    assert tab.profile.contact.text() == "902-555-0101"


# Purchases

def test_r5_new_purchase_sells_and_shows_the_invoice(qtbot, clinic, catalog, shown, drive):
    def sell(d: SaleDialog) -> None:
        pick_package(qtbot, d, "mass")
        d.staff.setCurrentIndex(d.staff.findText("Ana Silva"))
        click(qtbot, d.ok_button)

    drive(SaleDialog, sell)
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    click(qtbot, tab.profile.purchases.new_button)

    assert [invoices(tab, c)[0] for c in range(7)] == [
        "#1", "Mar 2, 2026", "Package: 10 Massages", "$800.00", "$0.00", "$800.00", "Unpaid"]
    assert tab.profile.purchases.selected().number == 1, "the new invoice is selected"
    assert summary(tab) == ("$800.00", "$0.00")
    assert cell_texts(tab.profile.packages.model, 0) == ["10 Massages"]
    assert shown.boxes == []


def test_r8_pay_part_from_the_invoice_menu_then_the_rest(qtbot, clinic, catalog, drive):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    amounts = []

    def pay(d: ReceivePaymentDialog) -> None:
        amounts.append(d.amount.text())
        if len(amounts) == 1:
            retype(qtbot, d.amount, "300")
        click(qtbot, d.ok_button)

    drive(ReceivePaymentDialog, pay)
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    purchases = tab.profile.purchases
    assert not purchases.actions_button.isEnabled(), "no invoice chosen yet"
    select_invoice(tab, 1)
    assert purchases.pay_action.isEnabled()
    purchases.pay_action.trigger()
    assert invoices(tab, Inv.PAID) == ["$300.00"]
    assert invoices(tab, Inv.STATUS) == ["Partially paid"]
    assert summary(tab) == ("$500.00", "$0.00")

    purchases.pay_action.trigger()  # the invoice stays selected
    assert amounts == ["800.00", "500.00"]
    assert invoices(tab, Inv.STATUS) == ["Paid"]
    assert not purchases.pay_action.isEnabled(), "nothing left to pay"
    assert summary(tab) == ("$0.00", "$0.00")


def test_receive_payment_button_pays_the_oldest_first(qtbot, clinic, catalog, drive):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    drive(ReceivePaymentDialog, lambda d: (retype(qtbot, d.amount, "850"),
                                           click(qtbot, d.ok_button)))
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    click(qtbot, tab.profile.purchases.pay_button)
    assert invoices(tab, Inv.STATUS) == ["Partially paid", "Paid"]  # newest first
    assert summary(tab) == ("$50.00", "$0.00")


@pytest.mark.parametrize("answer", ["Yes", "No"])
def test_apply_credit(qtbot, clinic, catalog, shown, answer):
    clinic.billing.receive_payment(catalog["patient"], 10000, "cash")
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    shown.answer = getattr(shown.answer, answer)
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    assert summary(tab) == ("$800.00", "$100.00")
    select_invoice(tab, 1)
    tab.profile.purchases.credit_action.trigger()
    assert shown.last == ("Use the patient's credit ($100.00) to pay invoice #1 "
                          "(balance $800.00)?")
    if answer == "Yes":
        assert summary(tab) == ("$700.00", "$0.00")
        assert invoices(tab, Inv.PAID) == ["$100.00"]
        assert not tab.profile.purchases.credit_action.isEnabled(), "no credit left"
    else:
        assert summary(tab) == ("$800.00", "$100.00")


def test_void_asks_a_reason_and_what_was_paid_becomes_credit(qtbot, clinic, catalog, shown,
                                                             drive):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clinic.billing.receive_payment(catalog["patient"], 30000, "debit",
                                   invoice_id=sale.invoice_id)

    def void(d: VoidInvoiceDialog) -> None:
        click(qtbot, d.ok_button)
        assert "reason for voiding" in shown.last and d.focusWidget() is d.reason
        retype(qtbot, d.reason, "Sold the wrong package")
        click(qtbot, d.ok_button)

    answers = drive(VoidInvoiceDialog, void)
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    select_invoice(tab, 1)
    tab.profile.purchases.void_action.trigger()

    assert answers == [1]
    assert shown.last == "Invoice #1 is void. $300.00 paid on it is now the patient's credit."
    assert invoices(tab, Inv.STATUS) == ["Void"]
    assert summary(tab) == ("$0.00", "$300.00")
    purchases = tab.profile.purchases
    assert purchases.view_action.isEnabled()
    assert not any(a.isEnabled() for a in (purchases.pay_action, purchases.credit_action,
                                           purchases.void_action, purchases.refund_action))
    assert clinic.billing.invoice(sale.invoice_id).void_reason == "Sold the wrong package"


def test_void_refused_where_the_rules_forbid_changes_nothing(qtbot, clinic, catalog, shown,
                                                             drive):
    visit = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                 datetime(2026, 3, 2, 9, 0), package=None)
    clinic.schedule.arrive(visit)

    def void(d: VoidInvoiceDialog) -> None:
        retype(qtbot, d.reason, "Mistake")
        click(qtbot, d.ok_button)
        assert d.isVisible()
        d.reject()

    answers = drive(VoidInvoiceDialog, void)
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    select_invoice(tab, 1)
    assert not tab.profile.purchases.refund_action.isEnabled(), "no package on a visit"
    tab.profile.purchases.void_action.trigger()
    assert answers == [0]
    assert "undo the arrival or the no-show on the schedule instead" in shown.last
    assert invoices(tab, Inv.STATUS) == ["Unpaid"]
    assert summary(tab) == ("$90.00", "$0.00")


def test_r25_refund_package_opens_the_package_refund(qtbot, clinic, catalog, monkeypatch):
    refund_dialog = pytest.importorskip("app.ui.billing.refund_dialog")
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    calls = []

    def fake_ask(clinic_, package_id, parent):
        calls.append(package_id)
        clinic_.packages.refund(package_id, 0)  # nothing was collected
        return True

    monkeypatch.setattr(refund_dialog.RefundPackageDialog, "ask", staticmethod(fake_ask))
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    select_invoice(tab, 1)
    assert tab.profile.purchases.refund_action.isEnabled()
    tab.profile.purchases.refund_action.trigger()
    assert calls == [sale.package_id]
    assert cell_texts(tab.profile.packages.model, 0) == ["10 Massages"]
    assert clinic.packages.summary(sale.package_id).status == "refunded"
    assert invoices(tab, Inv.DESCRIPTION) == ["Package: 10 Massages"]


def test_view_print_from_the_menu_and_by_double_click(qtbot, clinic, catalog, drive):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    titles = []
    drive(PrintDialog, lambda d: (titles.append(d.windowTitle()), d.reject()))
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    select_invoice(tab, 1)
    tab.profile.purchases.view_action.trigger()
    table = tab.profile.purchases.table
    cell = table.visualRect(table.model().index(0, 2)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert titles == ["View / Print Invoice 1"] * 2


def test_right_click_opens_the_invoice_menu(qtbot, clinic, catalog):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    purchases = tab.profile.purchases
    select_invoice(tab, 1)
    row = purchases.table.visualRect(purchases.table.model().index(0, 2)).center()
    purchases.table.customContextMenuRequested.emit(row)
    qtbot.waitUntil(purchases.menu.isVisible, timeout=2000)
    assert [a.text() for a in purchases.menu.actions() if a.text()] == [
        "&View / Print…", "&Receive Payment…", "Apply &Credit", "&Void Invoice…",
        "Refund &Package…"]
    purchases.menu.hide()
    purchases.table.customContextMenuRequested.emit(QPoint(5, 500))  # below the rows
    assert not purchases.menu.isVisible()


# Payments

def test_r27_payments_tab_refunds_a_payment_and_prints_the_receipt(
        qtbot, clinic, catalog, shown, drive, monkeypatch, tmp_path):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clinic.billing.receive_payment(catalog["patient"], 90000, "debit",
                                   invoice_id=sale.invoice_id, reference="slip 7")

    def refund(d: RefundPaymentDialog) -> None:
        retype(qtbot, d.amount, "150")
        click(qtbot, d.ok_button)
        assert "You can refund at most $100.00" in shown.last
        retype(qtbot, d.amount, "100")
        click(qtbot, d.ok_button)

    def save(d: PrintDialog) -> None:
        with qtbot.waitSignal(d.pdf_ready, timeout=20000):
            click(qtbot, d.save_button)
        d.reject()

    drive(RefundPaymentDialog, refund)
    drive(PrintDialog, save)
    receipt = tmp_path / "receipt.pdf"
    monkeypatch.setattr(PrintDialog, "choose_file", staticmethod(lambda *_: str(receipt)))
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    payments = tab.profile.payments
    tab.profile.tabs.setCurrentWidget(payments)
    assert summary(tab) == ("$0.00", "$100.00")
    assert [payments.model.index(0, c).data() for c in range(1, 7)] == [
        "Debit", "$900.00", "$800.00", "$0.00", "$100.00", "slip 7"]
    assert not payments.refund_button.isEnabled()
    payments.table.selectRow(0)
    click(qtbot, payments.refund_button)

    assert summary(tab) == ("$0.00", "$0.00")
    assert cell_texts(payments.model, Pay.REFUNDED) == ["$100.00"]
    assert cell_texts(payments.refunds_model, Ref.AMOUNT) == ["$100.00"]
    assert payments.selected_refund() is not None, "the refund just made is selected"
    click(qtbot, payments.receipt_button)
    assert receipt.stat().st_size > 0


def test_receive_payment_from_the_payments_tab(qtbot, clinic, catalog, drive):
    drive(ReceivePaymentDialog, lambda d: (retype(qtbot, d.amount, "25"),
                                           click(qtbot, d.ok_button)))
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    click(qtbot, tab.profile.payments.pay_button)
    assert cell_texts(tab.profile.payments.model, Pay.UNAPPLIED) == ["$25.00"]
    assert tab.profile.payments.selected() is not None
    assert summary(tab) == ("$0.00", "$25.00")


# Packages

def test_a_change_in_the_packages_tab_refreshes_the_account(qtbot, clinic, catalog):
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])  # as its New
    tab.profile.packages.changed.emit()
    assert summary(tab) == ("$100.00", "$0.00")
    assert invoices(tab, Inv.DESCRIPTION) == ["Package: 3 Physio"]


def test_sub_tabs_are_named_as_the_clinic_says_them(qtbot, clinic, catalog):
    tab = make_tab(qtbot, clinic)
    tabs = tab.profile.tabs
    assert [tabs.tabText(i).replace("&", "") for i in range(tabs.count())] == [
        "Purchases", "Packages", "Payments", "Household", "Memberships"]


def test_offer_only_what_can_be_done_refund_and_apply_credit_say_why_not(qtbot, clinic,
                                                                          catalog):
    """Issue 14: disabled with the services' own refusal as the tooltip (one rule)."""
    p = catalog["patient"]
    sale = clinic.billing.sell_package(p, catalog["three_physio"])
    clinic.billing.receive_payment(p, 15000, "cash", invoice_id=sale.invoice_id)  # $35 credit
    clinic.packages.refund(sale.package_id, 0)
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    select_invoice(tab, 1)
    purchases = tab.profile.purchases
    assert purchases.menu.toolTipsVisible()
    for action, call in ((purchases.refund_action,
                          lambda: clinic.packages.refund(sale.package_id, 0)),
                         (purchases.credit_action,
                          lambda: clinic.billing.apply_credit(p, sale.invoice_id))):
        with pytest.raises(NotAllowed) as refused:
            call()
        assert not action.isEnabled()
        assert action.toolTip() == str(refused.value)
    assert purchases.refund_action.toolTip() == \
        "The package \u201c3 Physio\u201d was already refunded."
    assert purchases.credit_action.toolTip() == (  # R28a: why, not only that it is paid
        "Invoice #1 was settled when the package \u201c3 Physio\u201d was refunded; nothing "
        "more can be paid on it. Take the money as the patient's credit instead.")


def test_apply_credit_is_offered_on_an_owing_invoice_when_there_is_credit(qtbot, clinic,
                                                                          catalog):
    p = catalog["patient"]
    sale = clinic.billing.sell_package(p, catalog["three_physio"])
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    select_invoice(tab, 1)
    credit = tab.profile.purchases.credit_action
    assert not credit.isEnabled()
    assert credit.toolTip() == "This patient has no credit to apply."
    clinic.billing.receive_payment(p, 2000, "cash", allocations={})
    tab.profile.purchases._changed(select=sale.invoice_id)  # as after any change of the view
    qtbot.waitUntil(lambda: tab.profile.purchases.credit_action.isEnabled(), timeout=2000)
    assert clinic.why_not.apply_credit(sale.invoice_id) is None
