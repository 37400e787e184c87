"""A PDF painted onto a QPrinter, page by page (R48): for a computer whose print service does
not take PDF (Windows), and for the print preview.

Each page is rendered by PDFium (pypdfium2) at the printer's own resolution, at most
MAX_DPI, and drawn over the whole sheet of a page size equal to the PDF page's, so an
80 mm receipt stays 80 mm wide. QPainter may paint on a QPrinter off the GUI thread, so
this runs on the worker like the spooler does.
"""

from __future__ import annotations

from pathlib import Path

from app.i18n import _

from .failure import PrintFailed

#: 600 dpi is finer than a receipt (203) or office printer (300–600) shows; a Letter page
#: at 600 dpi is already 100 MB of pixels, and 1200 would be four times that
MAX_DPI = 600


def printer_named(name: str):
    """A QPrinter for the printer `name` ("" = the computer's default), at its resolution."""
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    info = QPrinterInfo.printerInfo(name) if name else QPrinterInfo.defaultPrinter()
    if info.isNull():
        if name:
            raise PrintFailed(_("There is no printer called \u201c{printer}\u201d on this "
                                "computer. Choose one in File \u203a Settings \u203a This "
                                "Desk.").format(printer=name))
        raise PrintFailed(_("No printer is chosen at this desk and the computer has no default "
                            "printer. Choose one in File \u203a Settings \u203a This Desk."))
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


def paint(pdf: Path, printer, *, title: str = "", copies: int = 1,
          most_dpi: int = MAX_DPI) -> str:
    """Paint every page of `pdf` onto `printer` (a QPrinter); returns the printer's name.
    Raises PrintFailed, keeping `pdf`, when the printer will not start or take a page."""
    import pypdfium2 as pdfium
    from PySide6.QtCore import QMarginsF, QRectF, QSizeF
    from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter

    name = printer.printerName() or printer.outputFileName()
    printer.setDocName(title or Path(pdf).stem)
    printer.setFullPage(True)
    printer.setCopyCount(copies)
    printer.setResolution(min(printer.resolution(), most_dpi))
    document = pdfium.PdfDocument(str(pdf))
    painter = QPainter()
    try:
        for number in range(len(document)):
            page = document[number]
            width, height = page.get_size()
            size = QPageSize(QSizeF(width, height), QPageSize.Unit.Point, "",
                             QPageSize.SizeMatchPolicy.ExactMatch)
            printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait,
                                              QMarginsF()))
            started = painter.begin(printer) if number == 0 else printer.newPage()
            if not started:
                raise PrintFailed(_("The printer \u201c{printer}\u201d did not take the "
                                    "document; check it is on and has paper, then print "
                                    "again.").format(printer=name), pdf)
            dpi = printer.resolution()
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB888)
            painter.drawImage(QRectF(0, 0, width * dpi / 72, height * dpi / 72), image)
            del image, bitmap  # one page of pixels at a time
    finally:
        if painter.isActive():
            painter.end()
        document.close()
    return name
