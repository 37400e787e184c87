"""R35 Settings › Accounts: the chart with its codes and names, what each account is for;
a manager edits a code and a name and saves; the front desk is told up front that it is a
manager's, Save is off, and a manager's PIN saves what was typed (a wrong PIN saves nothing);
a code already taken is refused in words, on its cell."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from app.ui.dialogs.manager_approval import ManagerApprovalDialog
from app.ui.settings import SettingsDialog
from app.ui.settings.accounts import CODE, NAME, PURPOSE

from ui.helpers import click


def open_accounts(qtbot, clinic):
    dialog = SettingsDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.accounts)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Accounts"
    return dialog.accounts


def row_of(page, name: str) -> int:
    [row] = [r for r in range(page.table.rowCount())
             if page.table.item(r, NAME).text() == name]
    return row


def type_in_cell(qtbot, page, row: int, column: int, text: str) -> None:
    """Go to the cell, F2 to edit it, type over it, Tab to the next: as the desk does."""
    page.table.setFocus()
    page.table.setCurrentCell(row, column)
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    [editor] = [e for e in page.table.findChildren(QLineEdit) if e.isVisible()]  # it opened
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)


def by_role(clinic) -> dict[str, tuple[str, str]]:
    return {a.role: (a.code, a.name) for a in clinic.accounting.accounts()}


def test_r35_a_manager_edits_a_code_and_a_name(qtbot, clinic, desk, shown):
    clinic.auth.sign_in(desk["ana"], "2468")
    page = open_accounts(qtbot, clinic)
    assert page.save_button.isEnabled() and not page.approval_button.isVisible()
    cash = row_of(page, "Cash clearing")
    assert page.table.item(cash, PURPOSE).text() == (
        "Payments received \u2014 Cash \u2014 until they reach the bank")
    assert page.table.item(row_of(page, "Accounts Receivable"), PURPOSE).text() == (
        "What patients owe on invoices")
    type_in_cell(qtbot, page, cash, CODE, "1001")
    type_in_cell(qtbot, page, cash, NAME, "Till float")
    click(qtbot, page.save_button)
    assert by_role(clinic)["clearing:cash"] == ("1001", "Till float")
    assert shown.boxes == []
    assert page.table.item(row_of(page, "Till float"), CODE).text() == "1001"


def test_r35_a_code_already_taken_is_refused_on_its_cell(qtbot, clinic, desk, shown):
    clinic.auth.sign_in(desk["ana"], "2468")
    page = open_accounts(qtbot, clinic)
    cash = row_of(page, "Cash clearing")
    type_in_cell(qtbot, page, cash, CODE, "1200")  # Accounts Receivable's
    click(qtbot, page.save_button)
    assert shown.last == "Another account already has the code 1200."
    assert page.table.currentRow() == cash and page.table.currentColumn() == CODE
    assert by_role(clinic)["clearing:cash"] == ("1010", "Cash clearing")


def test_r35_front_desk_is_told_and_saves_with_a_managers_pin(qtbot, clinic, desk, shown,
                                                              drive):
    page = open_accounts(qtbot, clinic)  # Chloe, front desk, is signed in
    assert "Only a manager can change the chart of accounts" in page.note.text()
    assert not page.save_button.isEnabled() and page.approval_button.isVisible()
    receivable = row_of(page, "Accounts Receivable")
    type_in_cell(qtbot, page, receivable, NAME, "Patients owing")
    pins = iter(["0000", "2468"])

    def approve(dialog: ManagerApprovalDialog) -> None:
        qtbot.keyClicks(dialog.secret, next(pins))
        click(qtbot, dialog.ok_button)
        if dialog.isVisible():  # refused: the desk gives up
            dialog.reject()

    drive(ManagerApprovalDialog, approve)
    click(qtbot, page.approval_button)  # the wrong PIN: nothing saved
    assert by_role(clinic)["receivable"] == ("1200", "Accounts Receivable")
    assert page.table.item(receivable, NAME).text() == "Patients owing"  # kept as typed
    click(qtbot, page.approval_button)
    assert by_role(clinic)["receivable"] == ("1200", "Patients owing")
    # the approval was for that save: the page is the front desk's again
    assert not page.save_button.isEnabled() and page.approval_button.isVisible()
