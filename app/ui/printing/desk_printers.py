"""The printers this desk remembers (R48): one for documents (Letter, A4) and one for
receipts (80 mm roll), in the desk's own settings (app/ui/desk_settings.py), since each
reception computer has its own printers. "" means the computer's default printer."""

from __future__ import annotations

from ..desk_settings import desk_settings

DOCUMENT_KEY = "printers/document"
RECEIPT_KEY = "printers/receipt"


def key_for(paper: str) -> str:
    return RECEIPT_KEY if paper == "roll80" else DOCUMENT_KEY


def chosen(key: str) -> str:
    return str(desk_settings().value(key, "") or "")


def remember(key: str, printer: str) -> None:
    settings = desk_settings()
    settings.setValue(key, printer)
    settings.sync()


def for_paper(paper: str) -> str:
    """The printer this desk prints `paper` on: the receipt printer for a roll, else the
    document printer ("" = the computer's default)."""
    return chosen(key_for(paper))


def available() -> list[str]:
    """The printers this computer knows: CUPS's queues where Print sends files with lp (so
    the list is lp's own), else those Qt's print dialog lists."""
    from . import spool
    from .failure import PrintFailed

    if spool.available():
        try:
            return spool.printers()
        except PrintFailed:  # CUPS did not answer: none to offer, Settings still opens
            return []
    from PySide6.QtPrintSupport import QPrinterInfo

    return list(QPrinterInfo.availablePrinterNames())
