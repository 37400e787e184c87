"""Settings › This Desk (R48): the printers of this computer that Print uses, one for
documents (Letter, A4) and one for receipts (80 mm roll). They are this desk's, not the
clinic's: another reception computer has its own (app/ui/printing/desk_printers.py).
Saved when the desk presses OK."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.i18n import _

from ..forms import beside
from ..printing import desk_printers


def printer_choice(key: str, printers: list[str], name: str) -> QComboBox:
    """The computer's default, then its printers; one remembered but gone stays listed, said
    so, so that opening Settings never quietly forgets it."""
    box = QComboBox()
    box.addItem(_("The computer's default printer"), "")
    for printer in printers:
        box.addItem(printer, printer)
    remembered = desk_printers.chosen(key)
    if remembered and remembered not in printers:
        box.addItem(_("{printer} (not found on this computer)").format(printer=remembered),
                    remembered)
    box.setCurrentIndex(max(0, box.findData(remembered)))
    box.setAccessibleName(name)
    return box


class ThisDeskSettings(QWidget):
    def __init__(self, parent: QWidget | None = None, printers: list[str] | None = None):
        super().__init__(parent)
        found = desk_printers.available() if printers is None else printers
        self.document_printer = printer_choice(desk_printers.DOCUMENT_KEY, found,
                                               _("This desk's document printer"))
        self.receipt_printer = printer_choice(desk_printers.RECEIPT_KEY, found,
                                              _("This desk's receipt printer"))
        note = QLabel(_("Print sends invoices, statements and reports on Letter or A4 paper to "
                        "the document printer, and anything on the 80 mm roll to the receipt "
                        "printer. Print… asks for a printer each time. These are this "
                        "computer's printers: each desk chooses its own."))
        note.setWordWrap(True)
        note.setObjectName("note")
        form = QFormLayout()
        form.addRow(_("&Document printer (Letter, A4):"), beside(self.document_printer))
        form.addRow(_("&Receipt printer (80 mm roll):"), beside(self.receipt_printer))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        if not found:
            missing = QLabel(_("This computer has no printers yet: add one in the computer's "
                               "own printer settings, then come back here."))
            missing.setWordWrap(True)
            layout.addWidget(missing)
        layout.addStretch(1)

    def save(self) -> None:
        desk_printers.remember(desk_printers.DOCUMENT_KEY, self.document_printer.currentData())
        desk_printers.remember(desk_printers.RECEIPT_KEY, self.receipt_printer.currentData())
