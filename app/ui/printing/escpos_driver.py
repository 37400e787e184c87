"""Print on an 80 mm roll through this desk's ESC/POS receipt printer (R48), when it has one:
the receipt laid out as text for the printer's columns (app/services/receipt_text.py), not
the PDF, which a thermal printer would only print as a blurred picture.

Asked by route.print_pdf for a roll only, and only when no printer was named; a document
that has no text layout (a statement, a gift card, a day close) passes to the spooler.
"""

from __future__ import annotations

from app.services import escpos_printer as escpos
from app.services.receipt_text import ReceiptTexts

from .failure import PrintFailed

# what Print calls the document -> what the receipt layout calls it
KINDS = {"invoice": "invoice", "refund-receipt": "refund",
         "package-refund-receipt": "package_refund"}


def escpos_receipt(job):
    from ..receipt_printing import desk_printer  # (the desk's settings, read when printing)
    from .route import Printed

    kind = KINDS.get((job.source or ("", None))[0])
    config = desk_printer()
    if kind is None or job.clinic is None or not config.configured:
        return None
    lines = ReceiptTexts(job.clinic).lines(kind, job.source[1], config.columns)
    try:
        for _copy in range(job.copies):
            escpos.send(config, lines)
    except escpos.PrinterUnavailable as error:
        raise PrintFailed(str(error), job.pdf) from None
    return Printed(config.where(), "", "escpos")
