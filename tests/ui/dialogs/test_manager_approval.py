"""Issue 14, item 10: for the front desk, manager-only actions are marked, and a manager
approves on the spot with their PIN before the form opens (one action, audited with both
names, R29); a manager signed in is never asked."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.models import AuditEntry
from app.ui.billing import BillingTab
from app.ui.billing.expiry_dialog import ExpiryDialog
from app.ui.billing.package_page import PackagePage
from app.ui.billing.refund_dialog import RefundPackageDialog
from app.ui.billing.void_dialog import VoidInvoiceDialog
from app.ui.dialogs.audit_browser import who
from app.ui.dialogs.manager_approval import ManagerApprovalDialog
from app.ui.dialogs.refund_payment_dialog import RefundPaymentDialog

from ui.helpers import click, retype
from ui.billing.test_billing_profile import open_patient, select_invoice


@pytest.fixture
def desk(clinic, catalog):
    """Ana (manager, 2468), Chloe (front desk, 1111) signed in; Maria bought "3 Physio"
    ($100.00) and paid it in cash."""
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.set_secret(catalog["desk"], "1111")
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    clinic.billing.receive_payment(catalog["patient"], 10000, "cash", invoice_id=sale.invoice_id)
    clinic.auth.sign_in(catalog["desk"], "1111")
    return {**catalog, "package": sale.package_id, "invoice": sale.invoice_id}


def entries(clinic) -> list[tuple[str, int | None, str]]:
    """Straight from the table: (action, staff id, after) of every audit entry."""
    with clinic.db.read() as s:
        return [tuple(r) for r in s.execute(sa.select(
            AuditEntry.action, AuditEntry.staff_id, AuditEntry.after).order_by(AuditEntry.id))]


def approver(clinic, action: str) -> dict | None:
    [(_action, _staff, after)] = [e for e in entries(clinic) if e[0] == action]
    return json.loads(after).get("approved_by")


def open_page(qtbot, clinic, package_id) -> PackagePage:
    page = PackagePage(clinic, package_id)
    qtbot.addWidget(page)
    page.show()
    return page


def make_tab(qtbot, clinic) -> BillingTab:
    tab = BillingTab(clinic)
    qtbot.addWidget(tab)
    tab.show()
    return tab


def approve_with(qtbot, pin: str, opened: list[str]):
    def action(d: ManagerApprovalDialog) -> None:
        opened.append("approval")
        assert d.ok_button.text() == "&Approve"
        assert [d.manager.itemText(i) for i in range(d.manager.count())] == ["Ana Silva"]
        qtbot.keyClicks(d.secret, pin)
        click(qtbot, d.ok_button)
        if d.isVisible():  # refused: the desk gives up
            d.reject()
    return action


def test_front_desk_sees_which_actions_need_a_manager(qtbot, clinic, desk):
    page = open_page(qtbot, clinic, desk["package"])
    assert page.refund_button.text() == "&Refund Package… (manager)"
    assert page.expiry_button.text() == "Change &Expiry… (manager)"
    assert page.refund_button.toolTip() == "Needs a manager's PIN"
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    select_invoice(tab, 1)
    purchases, payments = tab.profile.purchases, tab.profile.payments
    assert purchases.void_action.text() == "&Void Invoice… (manager)"
    assert purchases.refund_action.text() == "Refund &Package… (manager)"
    assert purchases.refund_action.toolTip() == "Needs a manager's PIN"
    assert payments.refund_button.text() == "Re&fund Payment… (manager)"
    assert payments.refund_button.toolTip() == ("Hand back credit against the selected "
                                                "payment\nNeeds a manager's PIN")


def test_a_manager_sees_them_plain(qtbot, clinic, desk):
    clinic.auth.sign_in(desk["ana"], "2468")
    page = open_page(qtbot, clinic, desk["package"])
    assert page.refund_button.text() == "&Refund Package…"
    assert page.refund_button.toolTip() == ""
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    assert tab.profile.payments.refund_button.text() == "Re&fund Payment…"


def test_wrong_pin_says_so_and_opens_no_form(qtbot, clinic, desk, shown, drive):
    before, opened = entries(clinic), []
    drive(ManagerApprovalDialog, approve_with(qtbot, "0000", opened))
    drive(RefundPackageDialog, lambda d: opened.append("refund form"))
    page = open_page(qtbot, clinic, desk["package"])
    click(qtbot, page.refund_button)
    assert opened == ["approval"]
    assert shown.boxes == [("Not approved", "Wrong PIN for Ana Silva: nothing was approved. "
                                            "Try again.")]
    assert clinic.packages.summary(desk["package"]).status == "active"
    # R50: the miss is counted against Ana, and that is all that is written
    assert [e[0] for e in entries(clinic)[len(before):]] == ["staff.pin_miss"]
    assert entries(clinic)[:len(before)] == before and not page.changed


def test_cancel_on_the_approval_opens_nothing(qtbot, clinic, desk, shown, drive):
    before, opened = entries(clinic), []
    drive(ManagerApprovalDialog, lambda d: (opened.append("approval"), d.reject()))
    drive(VoidInvoiceDialog, lambda d: opened.append("void form"))
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    select_invoice(tab, 1)
    tab.profile.purchases.void_action.trigger()
    assert opened == ["approval"] and shown.boxes == []
    assert entries(clinic) == before


def test_right_pin_opens_the_form_and_the_refund_is_audited_with_both_names(
        qtbot, clinic, desk, shown, drive):
    opened = []

    def refund(d: RefundPackageDialog) -> None:
        opened.append("refund form")
        click(qtbot, d.refund_button)
        click(qtbot, d.to_payment_button)  # handing the credit back: the same approval
        click(qtbot, d.close_button)

    drive(ManagerApprovalDialog, approve_with(qtbot, "2468", opened))
    drive(RefundPackageDialog, refund)
    drive(RefundPaymentDialog, lambda d: click(qtbot, d.ok_button))
    page = open_page(qtbot, clinic, desk["package"])
    click(qtbot, page.refund_button)

    assert opened == ["approval", "refund form"] and shown.boxes == []
    assert clinic.packages.summary(desk["package"]).status == "refunded"
    ana = {"staff_id": desk["ana"], "name": "Ana Silva"}
    assert approver(clinic, "package.refund") == ana
    assert approver(clinic, "payment.refund") == ana
    assert {staff for action, staff, _after in entries(clinic)
            if action in ("package.refund", "payment.refund")} == {desk["desk"]}
    # the approval went with its form
    assert clinic.auth.approval_in_force() is None
    assert clinic.auth.needs_approval("refund a payment")
    clinic.auth.sign_in(desk["ana"], "2468")
    row = clinic.audit.entries(action="package.refund")[0]
    assert who(row) == "Chloe Desk, approved by Ana Silva"
    assert clinic.audit.verify().ok


def test_change_expiry_from_the_page_after_approval(qtbot, clinic, desk, shown, drive):
    def expire_today(d: ExpiryDialog) -> None:
        click(qtbot, d.no_expiry)  # "3 Physio" has none; the field then offers today
        click(qtbot, d.ok_button)

    drive(ManagerApprovalDialog, approve_with(qtbot, "2468", []))
    drive(ExpiryDialog, expire_today)
    page = open_page(qtbot, clinic, desk["package"])
    click(qtbot, page.expiry_button)
    assert shown.boxes == [] and page.changed
    assert clinic.packages.summary(desk["package"]).expires_on == clinic.today()
    assert approver(clinic, "package.set_expiry")["name"] == "Ana Silva"


def test_void_from_the_purchases_menu_after_approval(qtbot, clinic, desk, shown, drive):
    def void(d: VoidInvoiceDialog) -> None:
        retype(qtbot, d.reason, "Sold the wrong package")
        click(qtbot, d.ok_button)

    drive(ManagerApprovalDialog, approve_with(qtbot, "2468", []))
    drive(VoidInvoiceDialog, void)
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    select_invoice(tab, 1)
    tab.profile.purchases.void_action.trigger()
    assert clinic.billing.invoice(desk["invoice"]).void_reason == "Sold the wrong package"
    assert approver(clinic, "invoice.void")["name"] == "Ana Silva"


def test_refund_payment_from_the_payments_tab_after_approval(qtbot, clinic, desk, shown,
                                                             drive):
    clinic.auth.sign_in(desk["ana"], "2468")
    clinic.billing.receive_payment(desk["patient"], 4000, "debit")  # credit to hand back
    clinic.auth.sign_in(desk["desk"], "1111")
    drive(ManagerApprovalDialog, approve_with(qtbot, "2468", []))
    drive(RefundPaymentDialog, lambda d: click(qtbot, d.ok_button))
    tab = make_tab(qtbot, clinic)
    open_patient(qtbot, tab)
    payments = tab.profile.payments
    tab.profile.tabs.setCurrentWidget(payments)
    payments.table.selectRow(0)
    click(qtbot, payments.refund_button)
    assert shown.boxes == []
    assert approver(clinic, "payment.refund")["name"] == "Ana Silva"


def test_a_manager_signed_in_is_not_asked(qtbot, clinic, desk, shown, drive):
    clinic.auth.sign_in(desk["ana"], "2468")
    opened = []
    drive(ManagerApprovalDialog, lambda d: (opened.append("approval"), d.reject()))
    drive(RefundPackageDialog, lambda d: (opened.append("refund form"),
                                          click(qtbot, d.refund_button),
                                          click(qtbot, d.close_button)))
    page = open_page(qtbot, clinic, desk["package"])
    click(qtbot, page.refund_button)
    assert opened == ["refund form"]
    assert clinic.packages.summary(desk["package"]).status == "refunded"
    assert approver(clinic, "package.refund") is None


def test_the_marks_and_the_approval_in_french(qtbot, clinic, desk, shown, drive, french):
    from ui.i18n_helpers import untranslated_texts

    seen = []

    def look(d: ManagerApprovalDialog) -> None:
        seen.append((d.windowTitle(), d.intro.text(), d.ok_button.text()))
        assert untranslated_texts(d) == []
        qtbot.keyClicks(d.secret, "0000")
        click(qtbot, d.ok_button)
        d.reject()

    drive(ManagerApprovalDialog, look)
    page = open_page(qtbot, clinic, desk["package"])
    assert page.refund_button.text() == "&Rembourser le forfait… (gestionnaire)"
    assert page.refund_button.toolTip() == "Demande le NIP d’un gestionnaire"
    click(qtbot, page.refund_button)
    assert seen == [("Approbation d’un gestionnaire",
                     "Seul un gestionnaire peut rembourser un forfait. Un gestionnaire peut "
                     "l’approuver maintenant avec son NIP; le formulaire s’ouvre ensuite.",
                     "&Approuver")]
    assert shown.boxes == [("Non approuvé", "NIP erroné pour Ana Silva : rien n’a été "
                                            "approuvé. Réessayez.")]
