"""Issue 7 / R29: File › Audit Trail… (manager only) — filters, the table, and Verify chain."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from PySide6.QtCore import QDate, QSettings, Qt

from app.ui.dialogs.audit_browser import AuditModel, AuditTrailDialog
from app.ui.main_window import MainWindow

from ui.helpers import cell_texts, click


@pytest.fixture
def staffed(clinic, catalog, tmp_path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "config"))
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.set_secret(catalog["desk"], "1111")
    return catalog


@pytest.fixture
def history(clinic, staffed, clock):
    """Chloe adds a patient today; yesterday Ana changed a price; last month, old news."""
    clock.advance(days=-40)
    clinic.patients.add("Old", "News")
    clock.advance(days=39)
    clinic.auth.sign_in(staffed["ana"], "2468")
    clinic.catalog.update_treatment_type(staffed["massage"], price=9500)
    clock.advance(days=1)
    clinic.auth.sign_in(staffed["desk"], "1111")
    ids = dict(staffed, zoe=clinic.patients.add("Zoe", "Young", phone="902-555-0199"))
    clinic.auth.sign_in(staffed["ana"], "2468")
    return ids


def open_trail(qtbot, clinic) -> AuditTrailDialog:
    today = clinic.today()
    from datetime import timedelta
    dialog = AuditTrailDialog(clinic, clinic.audit.entries(start=today - timedelta(days=30),
                                                           end=today))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def search(qtbot, dialog) -> None:
    click(qtbot, dialog.search_button)


def tip(dialog, row: int, column: int) -> str:
    return dialog.model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)


def actions(dialog) -> list[str]:
    return cell_texts(dialog.model, AuditModel.ACTION)


# who may --------------------------------------------------------------------------------------

def test_front_desk_is_refused_and_no_window_opens(qtbot, clinic, staffed, shown, drive):
    clinic.auth.sign_in(staffed["desk"], "1111")
    window = MainWindow(clinic)
    qtbot.addWidget(window)
    drive(AuditTrailDialog, lambda d: pytest.fail("the audit trail opened"))
    window.audit_action.trigger()
    assert shown.boxes == [("Not allowed", "Only a manager can read the audit trail. Ask a "
                                           "manager to sign in and do it.")]


def test_manager_opens_it_from_the_file_menu(qtbot, clinic, history, shown, drive):
    window = MainWindow(clinic)
    qtbot.addWidget(window)
    seen = []
    drive(AuditTrailDialog, lambda d: seen.append(d.model.rowCount()) or d.reject())
    window.audit_action.trigger()
    assert seen and seen[0] > 0 and shown.boxes == []


# the table ------------------------------------------------------------------------------------

def test_newest_first_with_who_and_what(qtbot, clinic, history):
    dialog = open_trail(qtbot, clinic)
    first = {c: dialog.model.index(0, c).data() for c in range(len(AuditModel.COLUMNS))}
    assert first[AuditModel.WHO] == "Ana Silva" and first[AuditModel.ACTION] == "staff.sign_in"
    row = actions(dialog).index("patient.add")
    texts = [dialog.model.index(row, c).data() for c in range(len(AuditModel.COLUMNS))]
    assert texts[:5] == ["2026-03-02 09:00:00", "Chloe Desk", "patient.add", "Patient",
                         str(history["zoe"])]
    assert texts[AuditModel.BEFORE] == ""
    assert texts[AuditModel.AFTER].startswith('{"active": true') and \
        texts[AuditModel.AFTER].endswith("…"), "long changes are shortened in the table"
    assert '"first_name": "Zoe"' in tip(dialog, row, AuditModel.AFTER), "and whole in the tip"
    assert not any("Old" in tip(dialog, r, AuditModel.AFTER)
                   for r in range(dialog.model.rowCount())), "the last 30 days by default"
    assert dialog.model.headerData(AuditModel.NUMBER, Qt.Orientation.Horizontal) == "Number"


def test_choosing_an_entry_shows_before_and_after_in_full(qtbot, clinic, history):
    dialog = open_trail(qtbot, clinic)
    dialog.table.selectRow(actions(dialog).index("treatment_type.update"))
    text = dialog.details.toPlainText()
    assert "treatment_type.update by Ana Silva" in text
    assert '"price": 9000' in text and '"price": 9500' in text
    tip = dialog.model.index(actions(dialog).index("treatment_type.update"),
                             AuditModel.AFTER).data(Qt.ItemDataRole.ToolTipRole)
    assert '"price": 9500' in tip


def test_filter_by_record_and_number(qtbot, clinic, history):
    dialog = open_trail(qtbot, clinic)
    dialog.entity.setCurrentIndex(dialog.entity.findData("patient"))
    search(qtbot, dialog)
    assert actions(dialog) == ["patient.add", "patient.add"]  # Zoe, and Maria earlier today
    dialog.entity_id.setValue(history["zoe"] + 100)
    search(qtbot, dialog)
    assert actions(dialog) == [] and dialog.count.text() == "0 matching entries."
    dialog.entity_id.setValue(history["zoe"])
    search(qtbot, dialog)
    assert actions(dialog) == ["patient.add"] and dialog.count.text() == "1 matching entry."


def test_filter_by_who(qtbot, clinic, history):
    dialog = open_trail(qtbot, clinic)
    dialog.staff.setCurrentIndex(dialog.staff.findData(history["desk"]))
    search(qtbot, dialog)
    assert set(cell_texts(dialog.model, AuditModel.WHO)) == {"Chloe Desk"}
    assert "patient.add" in actions(dialog)


@pytest.mark.parametrize("typed, expected", [
    ("staff.sign", {"staff.sign_in"}),
    ("treatment_type.", {"treatment_type.update", "treatment_type.add"}),
    ("treatment_type.upd", {"treatment_type.update"}),
    ("nothing.like.this", set()),
    ("%", set()),      # a wildcard in SQL, plain text here
    ("_", set()),
    ("'; DROP TABLE audit_entries; --", set()),
    ("\u00e9\u4e2d\U0001F600", set()),
])
def test_filter_by_action_prefix_typed_as_is(qtbot, clinic, history, shown, typed, expected):
    dialog = open_trail(qtbot, clinic)
    dialog.action.setText(typed)
    qtbot.keyClick(dialog.action, Qt.Key.Key_Return)
    assert set(actions(dialog)) == expected
    assert shown.boxes == []


def test_filter_by_dates(qtbot, clinic, history):
    dialog = open_trail(qtbot, clinic)
    dialog.start.setDate(QDate(2026, 1, 1))
    dialog.end.setDate(QDate(2026, 1, 31))
    search(qtbot, dialog)
    assert actions(dialog) == ["patient.add"]
    assert "Old" in tip(dialog, 0, AuditModel.AFTER)
    dialog.start.setDate(QDate(2026, 3, 1))
    dialog.end.setDate(QDate(2026, 3, 1))
    search(qtbot, dialog)
    assert set(actions(dialog)) == {"treatment_type.update", "staff.sign_in"}
    dialog.start.setDate(QDate(2026, 3, 5))  # after the end: nothing, and no complaint
    search(qtbot, dialog)
    assert actions(dialog) == []
    assert dialog.filters()["start"] == date(2026, 3, 5)


def test_a_refusal_while_searching_is_shown_and_the_table_kept(qtbot, clinic, history, shown):
    dialog = open_trail(qtbot, clinic)
    rows = dialog.model.rowCount()
    clinic.auth.sign_in(history["desk"], "1111")  # someone else took over meanwhile
    search(qtbot, dialog)
    assert "Only a manager can read the audit trail" in shown.last
    assert dialog.model.rowCount() == rows


def test_many_entries_say_only_the_newest_are_shown(qtbot, clinic, staffed, monkeypatch):
    from app.ui.dialogs import audit_browser
    monkeypatch.setattr(audit_browser, "LIMIT", 3)
    dialog = open_trail(qtbot, clinic)
    search(qtbot, dialog)
    assert dialog.model.rowCount() == 3
    assert "The newest 3 matching entries are shown" in dialog.count.text()


# Verify chain ---------------------------------------------------------------------------------

def test_verify_an_intact_chain(qtbot, clinic, history, shown):
    dialog = open_trail(qtbot, clinic)
    click(qtbot, dialog.verify_button)
    assert shown.boxes[-1][0] == "Audit trail intact"
    assert dialog.chain.text().startswith("✔ Intact")


def test_verify_finds_an_edited_entry_and_shows_it(qtbot, clinic, history, shown):
    dialog = open_trail(qtbot, clinic)
    row = actions(dialog).index("patient.add")
    entry_id = dialog.model.row_at(row).id
    conn = sqlite3.connect(clinic.path)
    conn.execute("UPDATE audit_entries SET after = replace(after, 'Zoe', 'Zed') WHERE id = ?",
                 (entry_id,))
    conn.commit()
    conn.close()
    dialog.table.clearSelection()
    click(qtbot, dialog.verify_button)
    assert shown.boxes[-1][0] == "Audit trail altered"
    assert f"Entry {entry_id} does not match the chain" in shown.last
    assert dialog.chain.text() == f"✘ Broken at entry {entry_id}."
    assert dialog.table.selectionModel().selectedRows()[0].row() == row


def test_verify_names_an_entry_outside_the_filters(qtbot, clinic, history, shown):
    conn = sqlite3.connect(clinic.path)
    old_news = conn.execute("SELECT id FROM audit_entries WHERE after LIKE '%News%'").fetchone()[0]
    conn.execute("UPDATE audit_entries SET at = '2026-03-02 09:00:00.000000' WHERE id = ?",
                 (old_news,))
    conn.commit()
    conn.close()
    dialog = open_trail(qtbot, clinic)
    click(qtbot, dialog.verify_button)
    assert f"Entry {old_news} does not match" in shown.last
    assert f"The {old_news - 1} entries before it are intact." in shown.last
    assert "Widen the filters to see that entry." not in shown.last, "moved into view"
    dialog.start.setDate(QDate(2026, 3, 2))
    dialog.entity.setCurrentIndex(dialog.entity.findData("staff"))
    search(qtbot, dialog)
    click(qtbot, dialog.verify_button)
    assert "Widen the filters to see that entry." in shown.last
