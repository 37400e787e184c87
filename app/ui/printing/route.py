"""Where a printed document goes (R48): the one function every Print goes through, from the
print dialog and from `clinicdesk print`.

    print_pdf(pdf, paper)                 the desk's printer for the paper
    print_pdf(pdf, paper, printer=NAME)   that printer (Print… with the dialog, --printer)

An 80 mm roll goes to the desk's receipt printer, other paper to its document printer.
Through CUPS the file is sent as it is (spool.py); without CUPS its pages are painted onto
the printer by Qt (raster.py). Either way a failure is a PrintFailed that keeps the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from app.i18n import _
from app.services.errors import ValidationError
from app.services.papers import PAPER_NAMES, PAPERS

from . import desk_printers, raster, spool
from .failure import PrintFailed

MOST_COPIES = 99


@dataclass(frozen=True)
class PrintJob:
    pdf: Path
    paper: str  # "letter" | "a4" | "roll80"
    title: str  # what the spooler's queue shows ("Invoice 1042")
    #: what the PDF is of, for a printer that lays the document out itself:
    #: ("invoice", id), ("refund-receipt", id), ("package-refund-receipt", id),
    #: ("statement", package id), ("gift-card", code), ("day-close", date); None for others
    source: tuple[str, object] | None = None
    copies: int = 1
    clinic: object = None  # for a driver that reads the document itself (ESC/POS)


@dataclass(frozen=True)
class Printed:
    printer: str  # the printer's name ("" when the computer's default had none to tell)
    job: str  # the spooler's job ("ClinicPDF-12"), or "" when it gives none
    how: str  # "cups", "qt", or a receipt driver's own name


#: Receipt printers that are not the computer's printers (issue 21 item 4, ESC/POS): each
#: driver is asked in turn, for an 80 mm roll only and only when no printer was named, and
#: returns Printed when it printed the job (it may use job.source to lay the receipt out for
#: its columns), or None when this desk has no such printer configured (then the next one,
#: then the desk's receipt printer through the spooler). It raises PrintFailed when it has a
#: printer and could not print. The escpos branch appends its driver here.
RECEIPT_DRIVERS: list[Callable[[PrintJob], Printed | None]] = []


def print_pdf(pdf: str | Path, paper: str, *, printer: str | None = None, title: str = "",
              source: tuple[str, object] | None = None, copies: int = 1,
              clinic=None) -> Printed:
    """Print `pdf` (written on `paper`) on this desk's printer for that paper, or on
    `printer` when named. Raises PrintFailed (the PDF kept) or ValidationError."""
    if paper not in PAPERS:
        raise ValidationError("paper", _("The paper size \u201c{paper}\u201d is not one "
                                         "ClinicDesk prints on; choose {names}.").format(
            paper=paper, names=", ".join(_(PAPER_NAMES[p]) for p in PAPERS)))
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= MOST_COPIES:
        raise ValidationError("copies", _("Copies must be a whole number from 1 to {most}.")
                              .format(most=MOST_COPIES))
    job = PrintJob(Path(pdf), paper, title or Path(pdf).stem, source, copies, clinic)
    if printer is None:
        if paper == "roll80":
            for driver in RECEIPT_DRIVERS:
                done = driver(job)
                if done is not None:
                    return done
        printer = desk_printers.for_paper(paper)
    try:
        if spool.available():
            chosen = printer or spool.default_printer()
            return Printed(chosen, spool.send(job.pdf, chosen, paper, title=job.title,
                                              copies=copies), "cups")
        return Printed(raster.paint(job.pdf, raster.printer_named(printer), title=job.title,
                                    copies=copies), "", "qt")
    except PrintFailed as failed:
        failed.pdf = failed.pdf or job.pdf  # whatever refused it, the PDF is kept
        raise


from . import escpos_driver  # noqa: E402 - registers this desk's ESC/POS receipt printer
RECEIPT_DRIVERS.append(escpos_driver.escpos_receipt)
