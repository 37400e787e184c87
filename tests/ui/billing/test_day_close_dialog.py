"""R32 Desk › Day Close…: the desk types the counted cash and sees the over/short as it
types, closes the day, prints its sheet, and a manager reopens it with their PIN; bad input
is refused in words naming the field and nothing is written."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.ui.billing.day_close_dialog import DayCloseDialog, ReopenDayDialog
from app.ui.dialogs.manager_approval import ManagerApprovalDialog
from app.ui.dialogs.print_dialog import PrintDialog
from app.ui.main_window import MainWindow
from tests.helpers.audit import audit_count, audit_entries

from ui.helpers import cell_texts, click, retype

MON = date(2026, 3, 2)


@pytest.fixture
def day(clinic, catalog, clock):
    """Monday: $120.00 cash and $80.00 debit taken, $20.00 cash handed back; then Chloe (front
    desk, 1111) signs in; Ana (manager, 2468) can approve."""
    patient = catalog["patient"]
    cash = clinic.billing.receive_payment(patient, 12000, "cash")
    clinic.billing.receive_payment(patient, 8000, "debit")
    clinic.billing.refund_payment(cash, 2000)
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.set_secret(catalog["desk"], "1111")
    clinic.auth.sign_in(catalog["desk"], "1111")
    clock.set(datetime(2026, 3, 2, 18, 0))
    return catalog


def make(qtbot, clinic) -> DayCloseDialog:
    dialog = DayCloseDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_r32_typing_the_count_shows_over_short_and_close_records_it(qtbot, clinic, day, shown):
    dialog = make(qtbot, clinic)
    assert dialog.expected.text() == "$100.00"
    methods = cell_texts(dialog.methods_model, 0)
    cash = methods.index("Cash")
    assert [cell_texts(dialog.methods_model, c)[cash] for c in (2, 4, 5)] == [
        "$120.00", "$20.00", "$100.00"]
    assert cell_texts(dialog.methods_model, 2)[methods.index("Debit")] == "$80.00"
    assert dialog.close_button.isEnabled() and not dialog.reopen_button.isEnabled()
    retype(qtbot, dialog.counted, "95.50")
    assert dialog.difference.text() == "$4.50 short"
    retype(qtbot, dialog.counted, "101")
    assert dialog.difference.text() == "$1.00 over"
    retype(qtbot, dialog.counted, "100.00")
    assert dialog.difference.text() == "Even: the drawer holds what is expected."
    click(qtbot, dialog.close_button)
    assert shown.boxes == []
    (close,) = clinic.billing.day_closes()
    assert (close.counted_cash, close.over_short, close.closed_by) == (10000, 0, day["desk"])
    assert not dialog.close_button.isEnabled() and "already closed" in \
        dialog.close_button.toolTip()
    assert dialog.counted.isReadOnly() and dialog.history.rowCount() == 1
    assert dialog.history.item(0, 1).text() == "Chloe Desk"
    assert dialog.reopen_button.isEnabled()
    assert dialog.reopen_button.text() == "&Reopen… (manager)"


def test_r32_enter_in_the_day_field_shows_that_day_and_closes_nothing(qtbot, clinic, day,
                                                                      shown):
    """Walk-through: a date typed and Enter used to press Close Day, which asked for the
    count. Enter in Counted cash is the one that closes."""
    from ui.test_date_fields import type_over
    from PySide6.QtCore import Qt

    dialog = make(qtbot, clinic)
    type_over(qtbot, dialog.day, "2026-03-01")
    qtbot.keyClick(dialog.day, Qt.Key.Key_Return)
    assert dialog.on() == date(2026, 3, 1) and dialog.isVisible()
    assert shown.boxes == [] and clinic.billing.day_closes() == []
    type_over(qtbot, dialog.day, "2026-03-02")
    qtbot.keyClick(dialog.day, Qt.Key.Key_Return)
    retype(qtbot, dialog.counted, "100")
    qtbot.keyClick(dialog.counted, Qt.Key.Key_Return)
    (close,) = clinic.billing.day_closes()
    assert close.on == MON and close.over_short == 0


@pytest.mark.parametrize("typed, words", [
    ("lots", "counted cash \u201clots\u201d is not an amount"), ("-5", "counted cash")])
def test_r32_a_count_that_is_not_an_amount_is_refused_naming_the_field(
        qtbot, clinic, day, shown, typed, words):
    dialog = make(qtbot, clinic)
    entries = audit_count(clinic)
    retype(qtbot, dialog.counted, typed)
    assert words in dialog.difference.text()
    click(qtbot, dialog.close_button)
    assert len(shown.boxes) == 1 and shown.boxes[0][0] == "Not closed"
    assert words in shown.last
    assert clinic.billing.day_closes() == [] and audit_count(clinic) == entries
    assert dialog.focusWidget() is dialog.counted


def test_r32_a_day_in_the_future_cannot_be_closed(qtbot, clinic, day, shown):
    dialog = make(qtbot, clinic)
    dialog.show_day(date(2026, 3, 3))
    assert not dialog.close_button.isEnabled()
    assert "in the future" in dialog.close_button.toolTip()
    retype(qtbot, dialog.counted, "0")
    dialog.close_day()  # Enter in the field: refused as the button is
    assert clinic.billing.day_closes() == [] and shown.boxes == []


def test_r32_print_offers_the_day_close_sheet(qtbot, clinic, day, drive, tmp_path):
    asked = []

    def save(d: PrintDialog) -> None:
        asked.append(d.windowTitle())
        d.paper.setCurrentIndex(d.paper.findData("roll80"))
        d.choose_file = lambda parent, suggested: str(tmp_path / "day.pdf")
        with qtbot.waitSignal(d.pdf_ready, timeout=20000):
            click(qtbot, d.save_button)
        d.reject()

    drive(PrintDialog, save)
    dialog = make(qtbot, clinic)
    click(qtbot, dialog.print_button)
    assert asked == ["View / Print Day close Mar 2, 2026"]
    assert (tmp_path / "day.pdf").read_bytes().startswith(b"%PDF")


def test_r32_reopen_asks_a_managers_pin_and_a_reason(qtbot, clinic, day, shown, drive):
    clinic.billing.close_day(MON, 9000)
    steps = []

    def approve(d: ManagerApprovalDialog) -> None:
        steps.append("pin")
        qtbot.keyClicks(d.secret, "2468")
        click(qtbot, d.ok_button)

    def reason(d: ReopenDayDialog) -> None:
        steps.append("reason")
        qtbot.keyClicks(d.reason, "Found $10.00 under the tray")
        click(qtbot, d.ok_button)

    drive(ManagerApprovalDialog, approve)
    drive(ReopenDayDialog, reason)
    dialog = make(qtbot, clinic)
    assert dialog.counted.text() == "$90.00" and dialog.difference.text() == "$10.00 short"
    click(qtbot, dialog.reopen_button)
    assert steps == ["pin", "reason"] and shown.boxes == []
    (entry,) = audit_entries(clinic, "day.reopen")
    assert "Ana Silva" in entry.after and "under the tray" in entry.after
    assert dialog.close_button.isEnabled() and not dialog.counted.isReadOnly()
    assert dialog.history.item(0, 6).text().endswith("Found $10.00 under the tray")
    retype(qtbot, dialog.counted, "100")
    click(qtbot, dialog.close_button)
    assert [c.counted_cash for c in clinic.billing.day_closes()] == [10000, 9000]


def test_r32_desk_menu_opens_day_close(qtbot, clinic, day, monkeypatch):
    opened = []
    monkeypatch.setattr(DayCloseDialog, "exec", lambda self: opened.append(self) or 0)
    window = MainWindow(clinic)
    qtbot.addWidget(window)
    assert window.day_close_action in window.desk_menu.actions()
    assert window.day_close_action.text() == "Day &Close…"
    window.day_close_action.trigger()
    assert len(opened) == 1 and opened[0].on() == MON


def test_r32_the_dialog_speaks_french(qtbot, clinic, day, shown, french):
    clinic.auth.sign_out()
    clinic.settings.update(locale="fr_CA")
    clinic.auth.sign_in(day["desk"], "1111")
    dialog = make(qtbot, clinic)
    assert dialog.windowTitle() == "Fermeture de caisse"
    assert dialog.close_button.text() == "&Fermer la journée"
    retype(qtbot, dialog.counted, "99,50")
    assert dialog.difference.text() == "0,50\u00a0$ de manque"
    retype(qtbot, dialog.counted, "beaucoup")
    click(qtbot, dialog.close_button)
    assert shown.boxes[0][0] == "Non fermée" and "encaisse comptée" in shown.last
    assert clinic.billing.day_closes() == []


@pytest.mark.parametrize("typed", ["", " ", "1e5", "NaN", "0x10", "12.505", "$-3", "１２.５０",
                                   "\u202e12.50", "99999999999999"])
def test_r30_whatever_is_typed_closes_once_or_is_refused_once(qtbot, clinic, day, shown,
                                                              typed):
    dialog = make(qtbot, clinic)
    dialog.counted.setText(typed)  # (pasted: QTest types ASCII only)
    entries = audit_count(clinic)
    click(qtbot, dialog.close_button)
    closes = clinic.billing.day_closes()
    if closes:
        assert shown.boxes == [] and audit_count(clinic) == entries + 1
    else:
        assert len(shown.boxes) == 1 and audit_count(clinic) == entries
        assert "counted cash" in shown.last
