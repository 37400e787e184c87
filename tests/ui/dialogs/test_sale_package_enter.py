"""Issue 14 item 16: Enter in the sale dialog's package box picks the only match, and only
that: selling still takes the Sell button."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.dialogs.sale_dialog import SaleDialog

from ui.helpers import click


def press_enter(qtbot, dialog: SaleDialog) -> None:
    """Enter as the desk presses it: to the suggestions when they are shown (a pop-up takes
    the keyboard), else to the box."""
    popup = dialog.package.completer().popup()
    qtbot.keyClick(popup if popup.isVisible() else dialog.package.lineEdit(), Qt.Key.Key_Return)


def open_sale(qtbot, clinic, patient) -> SaleDialog:
    dialog = SaleDialog(clinic, patient)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_r5_enter_picks_the_only_matching_package_without_selling(qtbot, clinic, catalog):
    dialog = open_sale(qtbot, clinic, catalog["patient"])
    qtbot.keyClicks(dialog.package.lineEdit(), "mass")
    assert not dialog.ok_button.isEnabled(), "typed, not yet picked"
    press_enter(qtbot, dialog)
    assert dialog.template_id() == catalog["ten_massages"]
    assert dialog.package.currentText() == "10 Massages — $800.00"
    assert dialog.ok_button.isEnabled() and dialog.summary["total"].text() == "$800.00"
    press_enter(qtbot, dialog)  # a second Enter still sells nothing
    assert dialog.isVisible() and dialog.result() == 0
    assert clinic.billing.account(catalog["patient"]).invoices == (), "nothing sold yet"
    click(qtbot, dialog.ok_button)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.outcome.package_id is not None


def test_enter_with_two_matches_picks_neither(qtbot, clinic, catalog):
    dialog = open_sale(qtbot, clinic, catalog["patient"])
    qtbot.keyClicks(dialog.package.lineEdit(), "s")  # "10 Massages" and "3 Physio"
    press_enter(qtbot, dialog)
    assert dialog.template_id() is None and not dialog.ok_button.isEnabled()
    assert dialog.isVisible() and dialog.result() == 0
