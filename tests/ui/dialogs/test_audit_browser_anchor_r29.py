"""R29, issue 15 item 3, on screen: File › Audit Trail… › Verify says what was lost when the
trail's end was cut or money lost its entries, not only where the chain breaks."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from app.ui.dialogs.audit_browser import AuditTrailDialog

from ui.helpers import click

pytestmark = pytest.mark.sqlite_only(reason="tampers with the clinic file through sqlite3")


def open_trail(qtbot, clinic) -> AuditTrailDialog:
    today = clinic.today()
    dialog = AuditTrailDialog(clinic, clinic.audit.entries(start=today - timedelta(days=30),
                                                           end=today))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def cut(clinic, entries: int) -> None:
    con = sqlite3.connect(clinic.path)
    with con:
        con.execute("DELETE FROM audit_entries WHERE id > (SELECT max(id) FROM audit_entries)"
                    " - ?", (entries,))
    con.close()


def test_verify_shows_the_entries_cut_from_the_end_and_the_money_they_recorded(
        qtbot, clinic, two_payments, shown):
    clinic.billing.receive_payment(two_payments["patient"], 2500, "cash")
    cut(clinic, 1)
    dialog = open_trail(qtbot, clinic)
    click(qtbot, dialog.verify_button)
    title, text = shown.boxes[-1]
    assert title == "Audit trail altered"
    assert "The last entry of the audit trail is missing" in text
    assert "but this computer recorded it reaching entry" in text
    assert "1 money record has no audit entry" in text and "payment 3" in text
    assert dialog.chain.text() == "✘ Entries missing or rewritten."


def test_verify_in_french_says_what_was_lost(qtbot, clinic, two_payments, shown, french):
    cut(clinic, 2)
    dialog = open_trail(qtbot, clinic)
    click(qtbot, dialog.verify_button)
    title, text = shown.boxes[-1]
    assert title == "Journal de vérification altéré"
    assert "Les 2 dernières entrées du journal de vérification manquent" in text
    assert "cet ordinateur" in text
    assert dialog.chain.text() == "✘ Entrées manquantes ou réécrites."
