"""Qt's own print dialog and preview, for Print… and Preview… of the print dialog (R48).

Print… only asks (which printer, how many copies); the document then goes through
route.print_pdf like Print, so it reaches CUPS as a PDF. The preview paints the PDF's
pages with raster.py, on screen at a screen's resolution; printing from the preview
paints them onto the printer the same way.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget

from app.i18n import _

from . import raster
from .failure import PrintFailed

#: the preview draws pages for a screen: finer would only cost memory and time
PREVIEW_DPI = 150


def _printer(name: str):
    from PySide6.QtPrintSupport import QPrinter

    try:
        return raster.printer_named(name)
    except PrintFailed:  # no such printer, or none at all: Qt's own choice, the dialog says
        return QPrinter(QPrinter.PrinterMode.HighResolution)


def ask_printer(parent: QWidget | None, printer: str) -> tuple[str, int] | None:
    """Qt's print dialog, opened on `printer` ("" = the default): the printer chosen and the
    copies, or None when the desk cancelled. Print to file is Save as PDF…'s, not here."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

    chosen = _printer(printer)
    dialog = QPrintDialog(chosen, parent)
    dialog.setWindowTitle(_("Print"))
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return chosen.printerName(), max(1, chosen.copyCount())
    finally:
        dialog.deleteLater()


def show_preview(parent: QWidget | None, pdf: str | Path, printer: str) -> None:
    """The pages of `pdf` as they will print on `printer`; its Print button prints them."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    chosen = _printer(printer)
    preview = QPrintPreviewDialog(chosen, parent)
    preview.setWindowTitle(_("Print Preview"))
    preview.paintRequested.connect(
        lambda on: raster.paint(Path(pdf), on, most_dpi=PREVIEW_DPI))
    try:
        preview.exec()
    finally:
        preview.deleteLater()
