"""`clinicdesk print`: a document to a printer from a script (R48).

    clinicdesk [--db PATH | --demo] print invoice|refund-receipt|statement|day-close ID \\
        [--printer NAME] [--paper letter|a4|roll80]

ID is the invoice's number, the refund's, the package's (its statement), or the day
(YYYY-MM-DD) of a Day Close: a day has one close in force, and a reopened day prints as it
is now, as Desk › Day Close prints it. Without --printer the document goes where Print
sends it at this desk (its receipt printer for a roll, its document printer otherwise);
without --paper on the clinic's paper. A refusal is exit code 2 and a failed print exit
code 1, both with their sentence on stderr; a failed print keeps its PDF and names it.
With --db-url the document is the clinic's on that server (`on_server`).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import Callable

NAME = "print"
REFUSED = 2
NOT_PRINTED = 1
KINDS = ("invoice", "refund-receipt", "statement", "day-close")


def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(NAME, help="print an invoice, a refund receipt, a package "
                                 "statement or a day's close on this desk's printer")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("ident", metavar="ID", help="its number; a day close's date")
    parser.add_argument("--printer", metavar="NAME", help="this printer, not the desk's")
    parser.add_argument("--paper", metavar="letter|a4|roll80")
    return parser


def _write(clinic, kind: str, ident: str, path: Path, paper: str):
    """The PDF of the document; (its title, its source for a receipt printer)."""
    from .i18n import _
    from .services.errors import ValidationError
    from .services.typed_dates import typed_date

    if kind == "day-close":
        on = typed_date(ident, field="id", label=_("day of the close"),
                        locale=clinic.money_context()["locale"])
        clinic.printing.day_close_pdf(on, path, paper=paper)
        return _("Day close {day}").format(day=on.isoformat()), ("day-close", on)
    if not ident.isdigit():
        raise ValidationError("id", _("\u201c{ident}\u201d is not a number: give the "
                                      "document's number in digits.").format(ident=ident))
    number = int(ident)
    if kind == "invoice":
        clinic.printing.invoice_pdf(number, path, paper=paper)
        return _("Invoice {number}").format(number=clinic.billing.invoice(number).number), \
            ("invoice", number)
    if kind == "refund-receipt":
        clinic.printing.refund_receipt_pdf(number, path, paper=paper)
        return _("Refund receipt {number}").format(number=number), ("refund-receipt", number)
    clinic.printing.package_statement_pdf(number, path, paper=paper)
    return _("Package statement {number}").format(number=number), ("statement", number)


def run(clinic, args: argparse.Namespace, out: Callable[[str], None],
        err: Callable[[str], None]) -> int:
    from .i18n import _
    from .services.errors import ClinicError
    from .ui.printing import route, spool
    from .ui.printing.failure import PrintFailed

    if not spool.available():  # Qt paints the pages: it needs its application
        from PySide6.QtGui import QGuiApplication
        QGuiApplication.instance() or QGuiApplication(["clinicdesk"])
    folder = Path(tempfile.mkdtemp(prefix="clinicdesk-print-"))
    path = folder / f"{args.kind}-{args.ident}.pdf"
    paper = args.paper or clinic.settings.get().paper
    try:
        title, source = _write(clinic, args.kind, args.ident, path, paper)
        done = route.print_pdf(path, paper, printer=args.printer, title=title, source=source,
                               clinic=clinic)
    except PrintFailed as failed:
        err(str(failed))
        err(_("Not printed; the PDF is kept at {path}").format(path=failed.pdf or path))
        return NOT_PRINTED
    except ClinicError as refusal:
        shutil.rmtree(folder, ignore_errors=True)
        err(str(refusal))
        return REFUSED
    shutil.rmtree(folder, ignore_errors=True)  # the spooler has its own copy now
    out(_("{document} sent to {printer}{job}").format(
        document=title, printer=done.printer or _("the default printer"),
        job=_(" (job {job})").format(job=done.job) if done.job else ""))
    return 0


def on_server(args: argparse.Namespace, out: Callable[[str], None],
              err: Callable[[str], None]) -> int:
    """`--db-url URL print ...`: a document of the clinic on a server, opened as the journal
    export opens it."""
    from . import journal_command

    return journal_command.on_server(args, out, err, command=run)
