"""The appointment panel: Arrive bills the visit (R14, R15) and asks for payment only when
something is owed; Billing Info adds and removes packages (R12); Add Items sells one (R5)."""

from __future__ import annotations

import importlib
import sys
import types
from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from app.services.errors import ClinicError
from app.ui.schedule.add_package_dialog import AddPackageDialog

from ui.helpers import click
from ui.schedule.test_schedule_tab import make_tab

MONDAY_10 = datetime(2026, 3, 2, 10)


class Calls(list):
    """What a replaced dialog was asked, and what it does when asked (default: cancel)."""

    def __init__(self):
        super().__init__()
        self.action = lambda *args, **kwargs: None


def replace_ask(monkeypatch, module: str, class_name: str) -> Calls:
    """Replace another tab's dialog's `ask`, whether or not its module exists yet."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as missing:
        if missing.name != module:
            raise
        mod = types.ModuleType(module)
        monkeypatch.setitem(sys.modules, module, mod)
        monkeypatch.setattr(mod, class_name, type(class_name, (), {}), raising=False)
    calls = Calls()

    def ask(*args, **kwargs):
        calls.append((args, kwargs))
        return calls.action(*args, **kwargs)

    monkeypatch.setattr(getattr(mod, class_name), "ask", ask)
    return calls


@pytest.fixture
def payment(monkeypatch) -> Calls:
    return replace_ask(monkeypatch, "app.ui.dialogs.payment_dialog", "ReceivePaymentDialog")


@pytest.fixture
def sale(monkeypatch) -> Calls:
    return replace_ask(monkeypatch, "app.ui.dialogs.sale_dialog", "SaleDialog")


def open_on(qtbot, clinic, appointment_id):
    tab = make_tab(qtbot, clinic)
    tab.select(appointment_id)
    assert tab.panel.appointment.id == appointment_id
    return tab


def book(clinic, catalog, treatment="massage", **kwargs) -> int:
    return clinic.schedule.book(catalog["patient"], catalog["ana"], catalog[treatment],
                                MONDAY_10, **kwargs)


def test_r14_arriving_a_visit_the_package_pays_in_full_asks_for_no_payment(
        qtbot, clinic, catalog, payment):
    package = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id
    booked = book(clinic, catalog)
    tab = open_on(qtbot, clinic, booked)
    panel = tab.panel
    assert panel.package.text() == ("Package: \u201c10 Massages\u201d\n10 of 10 left "
                                    "· 1 booked · expires Sep 2, 2026\n"
                                    "Patient pays $0.00")
    assert panel.invoice.text() == "Not billed yet: arrival bills it."

    click(qtbot, panel.arrive_button)

    assert payment == []
    row = clinic.schedule.appointment(booked)
    assert row.status == "arrived"
    invoice = clinic.billing.invoice(row.invoice_id)
    assert (invoice.total, invoice.balance) == (0, 0)
    assert clinic.packages.summary(package).uses_redeemed == 1
    assert panel.status.text() == "\u2713 Arrived"
    assert panel.invoice.text() == f"Invoice #{invoice.number}: $0.00 · Paid"
    assert not panel.payment_button.isVisible()
    assert panel.undo_arrival_button.isVisible() and not panel.arrive_button.isVisible()
    assert tab.grid.day_layout.block_of(booked).row.status == "arrived"


def test_r14_arriving_with_patient_pays_opens_the_payment_for_that_invoice(
        qtbot, clinic, catalog, payment):
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    booked = book(clinic, catalog, "physio")
    tab = open_on(qtbot, clinic, booked)

    def pay(clinic_, patient_id, *, invoice_id, parent):
        assert parent is tab.panel
        owed = clinic_.billing.invoice(invoice_id).balance
        return clinic_.billing.receive_payment(patient_id, owed, "debit", invoice_id=invoice_id)

    payment.action = pay
    click(qtbot, tab.panel.arrive_button)

    invoice_id = clinic.schedule.appointment(booked).invoice_id
    assert len(payment) == 1
    args, kwargs = payment[0]
    assert args == (clinic, catalog["patient"])
    assert kwargs["invoice_id"] == invoice_id
    invoice = clinic.billing.invoice(invoice_id)
    assert (invoice.total, invoice.balance) == (1150, 0)  # $10.00 Patient Pays + 15% tax
    assert tab.panel.invoice.text() == f"Invoice #{invoice.number}: $11.50 · Paid"


def test_r15_arriving_a_standard_visit_offers_payment_and_it_can_wait(
        qtbot, clinic, catalog, payment):
    booked = book(clinic, catalog)
    tab = open_on(qtbot, clinic, booked)
    assert tab.panel.package.text() == "Standard price: $90.00"

    click(qtbot, tab.panel.arrive_button)  # the desk closes the payment dialog: pay later

    assert len(payment) == 1
    invoice = clinic.billing.invoice(clinic.schedule.appointment(booked).invoice_id)
    assert tab.panel.invoice.text() == f"Invoice #{invoice.number}: $90.00 · Balance $90.00"
    assert tab.panel.payment_button.isVisible()

    click(qtbot, tab.panel.payment_button)
    assert len(payment) == 2
    assert payment[1][1]["invoice_id"] == invoice.id


def test_ctrl_r_arrives_the_selected_appointment(qtbot, clinic, catalog, payment):
    booked = book(clinic, catalog)
    tab = open_on(qtbot, clinic, booked)
    assert "Ctrl+R" in tab.panel.arrive_button.toolTip()
    tab.grid.setFocus()
    qtbot.keyClick(tab.grid, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert clinic.schedule.appointment(booked).status == "arrived"
    # Pressed again there is nothing to arrive: nothing happens, nothing is asked.
    qtbot.keyClick(tab.grid, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert len(payment) == 1


def test_r12_remove_package_after_arrival_is_disabled_with_the_services_reason(
        qtbot, clinic, catalog, payment, shown):
    package = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id
    booked = book(clinic, catalog)
    tab = open_on(qtbot, clinic, booked)
    button = tab.panel.remove_package_button
    assert button.isEnabled() and "only until the appointment is arrived" in button.toolTip()
    clinic.schedule.arrive(booked)
    tab.panel.show_appointment(booked)
    assert button.isVisible(), "shown, so the desk sees why it cannot be done"

    click(qtbot, button)  # a click on a disabled button does nothing

    # The service's own sentence, as is: the one it refuses with.
    with pytest.raises(ClinicError) as refused:
        clinic.schedule.remove_package(booked)
    assert not button.isEnabled() and button.toolTip() == str(refused.value)
    assert "Undo the arrival first." in button.toolTip()
    assert shown.boxes == []
    row = clinic.schedule.appointment(booked)
    assert (row.status, row.package_id) == ("arrived", package)
    assert clinic.packages.summary(package).uses_redeemed == 1
    assert tab.panel.package.text().startswith("Package: \u201c10 Massages\u201d")


def test_r12_remove_and_add_the_package_before_arrival(qtbot, clinic, catalog, drive):
    package = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id
    booked = book(clinic, catalog)
    tab = open_on(qtbot, clinic, booked)

    click(qtbot, tab.panel.remove_package_button)

    assert clinic.schedule.appointment(booked).package_id is None
    assert tab.panel.package.text() == "Standard price: $90.00"
    assert tab.panel.add_package_button.isVisible()
    assert tab.grid.day_layout.block_of(booked).row.package_id is None  # the mark is gone

    offered = {}

    def apply(dialog: AddPackageDialog) -> None:
        offered["ids"] = [p.id for p in dialog.choices.packages]
        offered["chosen"] = dialog.choices.chosen_id()
        offered["note"] = dialog.choices._notes[0].text()
        dialog.ok_button.click()

    drive(AddPackageDialog, apply)
    click(qtbot, tab.panel.add_package_button)

    assert offered == {"ids": [package], "chosen": package,
                       "note": "10 of 10 left · expires Sep 2, 2026 · "
                               "patient pays $0.00"}
    assert clinic.schedule.appointment(booked).package_id == package
    assert tab.grid.day_layout.block_of(booked).row.package_name == "10 Massages"


def test_add_package_when_none_can_cover_it_says_so(qtbot, clinic, catalog, shown, drive):
    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    booked = book(clinic, catalog, "acu")
    opened = drive(AddPackageDialog, lambda d: d.reject())
    tab = open_on(qtbot, clinic, booked)
    click(qtbot, tab.panel.add_package_button)
    assert opened == []
    assert shown.last.startswith("Maria Lopez has no package with a use left that covers "
                                 "Acupuncture on Mar 2, 2026.")


def test_undo_arrival_voids_the_invoice_and_gives_the_use_back(
        qtbot, clinic, catalog, shown):
    package = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id
    booked = book(clinic, catalog)
    invoice = clinic.schedule.arrive(booked)
    tab = open_on(qtbot, clinic, booked)
    shown.answer = shown.answer.Yes

    click(qtbot, tab.panel.undo_arrival_button)

    row = clinic.schedule.appointment(booked)
    assert (row.status, row.package_id, row.invoice_id) == ("booked", package, None)
    assert clinic.billing.invoice(invoice).status == "void"
    assert tab.panel.arrive_button.isVisible()


def test_cancel_appointment_asks_then_keeps_it_on_record_as_cancelled(
        qtbot, clinic, catalog, shown):
    package = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id
    booked = book(clinic, catalog)
    tab = open_on(qtbot, clinic, booked)

    shown.answer = shown.answer.No
    click(qtbot, tab.panel.cancel_button)
    assert clinic.schedule.appointment(booked).status == "booked"

    shown.answer = shown.answer.Yes
    click(qtbot, tab.panel.cancel_button)

    assert shown.boxes[0][1] == ("Cancel Maria Lopez's Massage 60 min at 10:00\u202fa.m. on "
                                 "Mar 2, 2026? It stays on record as cancelled.")
    assert clinic.schedule.appointment(booked).status == "cancelled"
    assert clinic.packages.summary(package).uses_booked == 0
    assert tab.panel.status.text() == "Cancelled"
    assert tab.panel.package.text() == "Cancelled: nothing to bill."
    assert not tab.panel.cancel_button.isVisible()
    assert tab.grid.day_layout.block_of(booked).row.status == "cancelled"


def test_r5_add_items_sells_a_package_from_the_appointment(qtbot, clinic, catalog, sale):
    booked = book(clinic, catalog)
    tab = open_on(qtbot, clinic, booked)
    menu = tab.panel.add_items.menu()
    assert [a.text() for a in menu.actions()] == ["Sell a &Package…"]

    def sell(clinic_, patient_id, *, appointment_id, parent):
        return clinic_.billing.sell_package(patient_id, catalog["ten_massages"],
                                            appointment_id=appointment_id)

    sale.action = sell
    tab.panel.sell_package_action.trigger()

    assert sale[0][0] == (clinic, catalog["patient"])
    assert sale[0][1]["appointment_id"] == booked
    # Sold from the appointment, the package covers it at once.
    assert tab.panel.package.text().startswith("Package: \u201c10 Massages\u201d")
    assert tab.grid.day_layout.block_of(booked).row.package_id is not None


def test_selling_cancelled_changes_nothing(qtbot, clinic, catalog, sale):
    booked = book(clinic, catalog)
    tab = open_on(qtbot, clinic, booked)
    tab.panel.sell_package_action.trigger()
    assert len(sale) == 1
    assert clinic.schedule.appointment(booked).package_id is None


def test_r28b_undo_arrival_of_a_refunded_packages_use_is_disabled_with_the_reason(
        qtbot, clinic, catalog, shown):
    package = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id
    booked = book(clinic, catalog)
    invoice = clinic.schedule.arrive(booked)
    clinic.packages.refund(package, 0)
    tab = open_on(qtbot, clinic, booked)

    button = tab.panel.undo_arrival_button
    assert button.isVisible() and not button.isEnabled()
    assert button.toolTip() == clinic.schedule.can_undo(booked)
    number = clinic.billing.invoice(invoice).number
    assert button.toolTip().endswith(f"void its invoice #{number} in Patient Billing instead.")
    click(qtbot, button)  # disabled: nothing is asked, nothing changes
    assert shown.boxes == []
    assert clinic.schedule.appointment(booked).status == "arrived"


def test_r28b_a_refund_made_elsewhere_meanwhile_is_refused_with_the_services_reason(
        qtbot, clinic, catalog, shown):
    package = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id
    booked = book(clinic, catalog)
    clinic.schedule.no_show(booked, use_package=True)
    tab = open_on(qtbot, clinic, booked)
    button = tab.panel.undo_no_show_button
    assert button.isEnabled()
    assert button.toolTip() == "Back to booked, exactly as before the no-show"
    clinic.packages.refund(package, 0)  # another desk, while this panel is open
    shown.answer = shown.answer.Yes

    click(qtbot, button)

    assert shown.last == clinic.schedule.can_undo(booked)
    assert "the no-show cannot be undone" in shown.last
    row = clinic.schedule.appointment(booked)
    assert row.status == "no_show"
    tab.panel.show_appointment(booked)
    assert not button.isEnabled() and button.toolTip() == shown.last


def test_r7a_billing_info_offers_unassign_then_says_it_was(qtbot, clinic, catalog, drive):
    from app.ui.schedule.compensation_dialog import UnassignCompensationDialog

    clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"],
                                staff_id=catalog["ana"])
    booked = book(clinic, catalog)
    tab = open_on(qtbot, clinic, booked)
    panel = tab.panel
    assert panel.unassign_button.isVisible()
    assert panel.compensation.text().startswith("Ana Silva was compensated up front")
    drive(UnassignCompensationDialog, lambda d: click(qtbot, d.ok_button))
    click(qtbot, panel.unassign_button)
    assert clinic.schedule.appointment(booked).compensate_staff is False
    assert not panel.unassign_button.isVisible()
    assert panel.compensation.text() == ("Compensation unassigned: Ana Silva is not "
                                         "compensated for this visit.")


def test_r7a_add_package_warns_and_offers_unassign(qtbot, clinic, catalog, drive):
    from app.ui.schedule.compensation_dialog import UnassignCompensationDialog

    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"],
                                       staff_id=catalog["ben"])
    booked = book(clinic, catalog, package=None)
    tab = open_on(qtbot, clinic, booked)
    drive(AddPackageDialog, lambda d: d.ok_button.click())
    asked = drive(UnassignCompensationDialog, lambda d: click(qtbot, d.ok_button))
    click(qtbot, tab.panel.add_package_button)
    row = clinic.schedule.appointment(booked)
    assert asked == [1]
    assert (row.package_id, row.compensate_staff) == (sale.package_id, False)
