"""Help › Keyboard Shortcuts: every key of the desk, read from app/ui/shortcuts.py.

The keys are shown as the desk's system writes them (QKeySequence's native text, which Qt's
own catalogue translates: "Gauche" for Left in French).
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.i18n import N_, _

from .. import shortcuts

#: (where the key works, what it does, the key), in the order the desk reads them.
KEYS: tuple[tuple[str, str, str], ...] = (
    (N_("Anywhere"), N_("Search for a patient"), shortcuts.SEARCH_PATIENT),
    (N_("Anywhere"), N_("Show the Schedule"), shortcuts.SHOW_SCHEDULE),
    (N_("Anywhere"), N_("Show Patient Billing"), shortcuts.SHOW_BILLING),
    (N_("Anywhere"), N_("Show Packages"), shortcuts.SHOW_PACKAGES),
    (N_("Anywhere"), N_("Lock the desk"), shortcuts.LOCK),
    (N_("Schedule"), N_("Book an appointment"), shortcuts.BOOK),
    (N_("Schedule"), N_("Mark the selected appointment arrived"), shortcuts.ARRIVE),
    (N_("Schedule"), N_("Previous day"), shortcuts.PREVIOUS_DAY),
    (N_("Schedule"), N_("Next day"), shortcuts.NEXT_DAY),
    (N_("Schedule"), N_("Today"), shortcuts.TODAY),
    (N_("Schedule"), N_("Undo the last move of a visit"), shortcuts.UNDO_MOVE),
    (N_("Patient Billing"), N_("New Purchase for the selected patient"),
     shortcuts.NEW_PURCHASE),
    (N_("Patient Billing"), N_("Receive Payment from the selected patient"),
     shortcuts.RECEIVE_PAYMENT),
)


def key_text(key: str) -> str:
    """The key as the desk's system (and language) writes it."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


class KeyboardShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Keyboard Shortcuts"))
        self.resize(600, 440)
        intro = QLabel(_("Keys that work anywhere in the window, and keys of one tab "
                         "(they work while that tab is shown)."))
        intro.setWordWrap(True)
        self.table = QTableWidget(len(KEYS), 3)
        self.table.setHorizontalHeaderLabels([_("Where"), _("What"), _("Key")])
        self.table.setAccessibleName(_("Keyboard Shortcuts"))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for row, (where, what, key) in enumerate(KEYS):
            for column, text in enumerate((_(where), _(what), key_text(key))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None) -> None:
        dialog = cls(parent)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
