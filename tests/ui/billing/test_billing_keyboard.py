"""Patient Billing from the keyboard (issue 8): New Purchase and Receive Payment keys on the
tab for the selected patient, Tab through every dialog in the order it reads, and a name for
every control a screen reader announces."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QApplication,
                               QCheckBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget)

from app.ui import shortcuts
from app.ui.billing import BillingTab, PatientDialog
from app.ui.billing.expiry_dialog import ExpiryDialog
from app.ui.billing.package_page import PackagePage
from app.ui.billing.refund_dialog import RefundPackageDialog
from app.ui.billing.void_dialog import VoidInvoiceDialog
from app.ui.dialogs.payment_dialog import ReceivePaymentDialog
from app.ui.dialogs.print_dialog import PrintDialog
from app.ui.dialogs.refund_payment_dialog import RefundPaymentDialog
from app.ui.dialogs.sale_dialog import CompensationDialog, SaleDialog

from ui.helpers import retype


@pytest.fixture
def account(clinic, catalog):
    """Maria owes on two invoices (so Receive Payment lists them) and has a booked visit."""
    patient = catalog["patient"]
    physio = clinic.billing.sell_package(patient, catalog["three_physio"])
    payment = clinic.billing.receive_payment(patient, 15000, "cash",
                                             invoice_id=physio.invoice_id)
    massages = clinic.billing.sell_package(patient, catalog["ten_massages"])
    clinic.schedule.book(patient, catalog["ana"], catalog["physio"], datetime(2026, 3, 16, 10))
    return {"patient": patient, "physio": physio, "massages": massages, "payment": payment}


def active(qtbot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    return widget


def tab_through(qtbot, window: QWidget, count: int) -> list[QWidget]:
    """The focused widget, then the next `count` widgets Tab goes to. (Tab in a date edit
    first goes through its day, month and year, as Qt's date edits do: one stop here.)"""
    seen = [QApplication.focusWidget()]
    for _ in range(4 * count):
        if len(seen) > count:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is not seen[-1]:
            seen.append(QApplication.focusWidget())
    assert all(window.isAncestorOf(w) for w in seen), "Tab left the window"
    return seen


def assert_tab_order(qtbot, window: QWidget, expected: list[QWidget]) -> None:
    """From the first of `expected` (focused now), Tab goes through the rest, in order."""
    assert QApplication.focusWidget() is expected[0], describe([QApplication.focusWidget()])
    seen = tab_through(qtbot, window, len(expected) - 1)
    assert seen == expected, f"{describe(seen)} != {describe(expected)}"


def describe(widgets) -> list[str]:
    return [f"{type(w).__name__}:{w.accessibleName() or getattr(w, 'text', str)()}"
            if w is not None else "None" for w in widgets]


def buttons_left_to_right(dialog) -> list[QAbstractButton]:
    found = [b for b in dialog.buttons.buttons() if b.isEnabled() and b.isVisible()]
    return sorted(found, key=lambda b: b.mapTo(dialog, b.rect().topLeft()).x())


INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QCheckBox, QAbstractButton,
          QAbstractItemView)


def unnamed_controls(window: QWidget) -> list[str]:
    """Controls a screen reader would announce without a name: no accessible name, no label
    pointing at them (buddy) and, for buttons, no text."""
    buddies = {label.buddy() for label in window.findChildren(QLabel) if label.buddy()}
    unnamed = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if widget.window() is not window:
            continue  # a combo box's popup list: the box has the name
        if isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox)):
            continue  # the editor inside a combo box or date edit: the box has the name
        if isinstance(widget, QAbstractButton) and widget.text().strip():
            continue
        if widget.accessibleName().strip() or widget in buddies:
            continue
        unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return unnamed


# the tab's keys
def test_ctrl_p_opens_the_sale_screen_for_the_selected_patient(qtbot, clinic, account,
                                                                drive):
    opened = []
    drive(SaleDialog, lambda d: opened.append((d.patient_id, d.windowTitle())))
    tab = active(qtbot, BillingTab(clinic))
    retype(qtbot, tab.search, "lopez")
    qtbot.waitUntil(lambda: tab.profile.patient_id is not None, timeout=2000)
    tab.table.setFocus()
    qtbot.keySequence(tab.table, QKeySequence(shortcuts.NEW_PURCHASE))
    assert opened == [(account["patient"], "New Purchase")]
    assert tab.profile.tabs.currentWidget() is tab.profile.purchases


def test_ctrl_m_opens_receive_payment_for_the_selected_patient(qtbot, clinic, account, drive):
    opened = []
    drive(ReceivePaymentDialog, lambda d: opened.append(d.patient_id))
    tab = active(qtbot, BillingTab(clinic))
    retype(qtbot, tab.search, "lopez")
    qtbot.waitUntil(lambda: tab.profile.patient_id is not None, timeout=2000)
    qtbot.keySequence(tab.search, QKeySequence(shortcuts.RECEIVE_PAYMENT))
    assert opened == [account["patient"]]
    assert tab.profile.tabs.currentWidget() is tab.profile.payments


def test_with_no_patient_selected_the_keys_put_the_cursor_in_search(qtbot, clinic, catalog,
                                                                    drive):
    opened = []
    drive(SaleDialog, opened.append)
    drive(ReceivePaymentDialog, opened.append)
    clinic.patients.add("Marc", "Aubin")
    tab = active(qtbot, BillingTab(clinic))
    assert tab.selected() is None
    for key in (shortcuts.NEW_PURCHASE, shortcuts.RECEIVE_PAYMENT):
        tab.table.setFocus()
        qtbot.keySequence(tab.table, QKeySequence(key))
        assert tab.search.hasFocus()
    assert opened == []


def test_the_menus_methods_act_on_the_selected_patient(qtbot, clinic, account, drive):
    opened = []
    drive(SaleDialog, lambda d: opened.append("sale"))
    drive(ReceivePaymentDialog, lambda d: opened.append("payment"))
    tab = active(qtbot, BillingTab(clinic))
    tab.new_purchase()
    tab.receive_payment()
    assert opened == [] and tab.search.hasFocus()
    tab.table.selectRow(0)
    tab.new_purchase()
    tab.receive_payment()
    assert opened == ["sale", "payment"]
    tab.table.setFocus()
    tab.focus_search()
    assert tab.search.hasFocus()


def test_the_tab_leaves_search_to_the_main_window_and_names_its_keys(qtbot, clinic, catalog):
    tab = BillingTab(clinic)
    qtbot.addWidget(tab)
    keys = {s.key().toString() for s in tab.findChildren(QShortcut)}
    assert keys == {shortcuts.NEW_PURCHASE, shortcuts.RECEIVE_PAYMENT}
    assert shortcuts.SEARCH_PATIENT not in keys, "two shortcuts on one key: Qt fires neither"
    purchases, payments = tab.profile.purchases, tab.profile.payments
    assert shortcuts.NEW_PURCHASE in purchases.new_button.toolTip()
    assert shortcuts.NEW_PURCHASE in tab.profile.packages.new_button.toolTip()
    assert shortcuts.RECEIVE_PAYMENT in purchases.pay_button.toolTip()
    assert shortcuts.RECEIVE_PAYMENT in payments.pay_button.toolTip()
    assert shortcuts.SEARCH_PATIENT in tab.search.placeholderText()


# Tab order
def test_tab_goes_down_the_tab_and_into_the_patients_account(qtbot, clinic, account):
    tab = active(qtbot, BillingTab(clinic))
    retype(qtbot, tab.search, "lopez")
    qtbot.waitUntil(lambda: tab.profile.patient_id is not None, timeout=2000)
    p = tab.profile.purchases
    p.table.selectRow(0)  # an invoice chosen: its Actions button is enabled
    tab.search.setFocus()
    assert_tab_order(qtbot, tab, [
        tab.search, tab.table, tab.new_button, tab.edit_button, tab.profile.tabs.tabBar(),
        p.new_button, p.pay_button, p.gift_card_button, p.actions_button, p.table])
    assert unnamed_controls(tab) == []


def test_patient_dialog_tab_order(qtbot, clinic):
    d = active(qtbot, PatientDialog(clinic))
    assert_tab_order(qtbot, d, [
        d.first_name, d.last_name, d.phone, d.email, d.birth_date, d.notes,
        d.reminders.agreed, d.reminders.language, *buttons_left_to_right(d)])
    assert unnamed_controls(d) == []


def test_sale_dialog_tab_order(qtbot, clinic, account):
    d = active(qtbot, SaleDialog(clinic, account["patient"]))
    d.package.setCurrentIndex(0)
    d.package.setFocus()
    buttons = buttons_left_to_right(d)
    assert len(buttons) == 3
    assert_tab_order(qtbot, d, [d.package, d.staff, *buttons])
    assert unnamed_controls(d) == []


def test_double_compensation_tab_order(qtbot, clinic, catalog, account):
    clinic.schedule.book(account["patient"], catalog["ana"], catalog["massage"],
                         datetime(2026, 3, 5, 10), package=None)
    result = clinic.billing.sell_package(account["patient"], catalog["ten_massages"],
                                         staff_id=catalog["ben"])
    d = active(qtbot, CompensationDialog(clinic, result))
    assert_tab_order(qtbot, d, [d.appointments, *buttons_left_to_right(d)])
    assert unnamed_controls(d) == []


def test_receive_payment_tab_order(qtbot, clinic, account):
    d = active(qtbot, ReceivePaymentDialog(clinic, account["patient"]))
    d.oldest_first.setChecked(False)
    assert d.amount.hasFocus() and d.amount.selectedText() == d.amount.text()
    assert_tab_order(qtbot, d, [
        d.amount, d.method, d.reference, d.oldest_first, *d.table.apply,
        *buttons_left_to_right(d)])
    assert unnamed_controls(d) == []


def test_receive_payment_for_one_invoice_tab_order(qtbot, clinic, account):
    d = active(qtbot, ReceivePaymentDialog(clinic, account["patient"],
                                           invoice_id=account["massages"].invoice_id))
    assert_tab_order(qtbot, d, [d.amount, d.method, d.reference,
                                *buttons_left_to_right(d)])
    assert unnamed_controls(d) == []


def test_refund_payment_tab_order(qtbot, clinic, account):
    d = active(qtbot, RefundPaymentDialog(clinic, account["payment"]))
    assert_tab_order(qtbot, d, [d.amount, d.method, d.note, *buttons_left_to_right(d)])
    assert unnamed_controls(d) == []


def test_print_dialog_tab_order(qtbot, clinic, account):
    d = active(qtbot, PrintDialog(clinic, invoice_id=account["physio"].invoice_id))
    assert_tab_order(qtbot, d, [d.paper, *buttons_left_to_right(d)])
    assert unnamed_controls(d) == []


def test_void_dialog_tab_order(qtbot, clinic, account):
    invoice = clinic.billing.account(account["patient"]).invoices[0]
    d = active(qtbot, VoidInvoiceDialog(clinic, invoice))
    assert_tab_order(qtbot, d, [d.reason, *buttons_left_to_right(d)])
    assert unnamed_controls(d) == []


def test_expiry_dialog_tab_order(qtbot, clinic, account):
    summary = clinic.packages.detail(account["massages"].package_id).summary
    d = active(qtbot, ExpiryDialog(clinic, summary))
    assert_tab_order(qtbot, d, [d.expires_on, d.no_expiry, *buttons_left_to_right(d)])
    assert unnamed_controls(d) == []


def test_refund_package_dialog_tab_order(qtbot, clinic, account):
    d = active(qtbot, RefundPackageDialog(clinic, account["physio"].package_id))
    assert_tab_order(qtbot, d, [d.amount, d.booked, d.refund_button, d.cancel_button])
    assert unnamed_controls(d) == []


def test_package_page_tab_order(qtbot, clinic, account):
    d = active(qtbot, PackagePage(clinic, account["physio"].package_id))
    assert_tab_order(qtbot, d, [
        d.payments_table, d.redemptions_table, d.held_table, d.expiry_button,
        d.freeze_button,  # (Unfreeze… is disabled: not frozen, so Tab skips it; R39)
        d.refund_button, d.transfer_button, d.print_button, d.statement_button,
        d.close_button])
    assert unnamed_controls(d) == []
