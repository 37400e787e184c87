"""View / Print an invoice, a refund receipt (R31), a Day Close (R32), or any document given
its writer (the package statement, the gift card, a report): choose the paper, then Print it
on this desk's printer for that paper, Print… on another, Preview… it, open the PDF in the
system's viewer or save it (R48). ReportLab and the printing run on the worker thread so the
desk never freezes; a print that fails says why and keeps the PDF to save.
"""

from __future__ import annotations

import html
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QLabel, QProgressBar, QVBoxLayout, QWidget)

from app.i18n import _
from app.services import Clinic
from app.domain.states import PaymentMethod, name_for
from app.services.file_targets import safe_target
from app.services.files import atomic_write_bytes
from app.services.papers import PAPER_NAMES, PAPERS

from .. import file_chooser, msgbox, preload
from ..printing import desk_printers, qt_dialogs, route
from ..printing.failure import PrintFailed
from ..tasks import Running, explain_failure, tasks_for  # the one worker (ARCHITECTURE 4)
from ..formats import Formats
from ..billing.keys import buttons_in_order, tab_order
from ..forms import beside
from ..models.billing import status_name


def choose_file(parent: QWidget, suggested: str) -> str | None:
    return file_chooser.save_file(parent, _("Save as PDF"), suggested, _("PDF files (*.pdf)"))


def open_file(path: str) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


#: what writes a document's PDF, on the worker: (clinic, path, paper) -> the path written
Writer = Callable[[Clinic, Path, str], object]


class PrintDialog(QDialog):
    #: A PDF was written (its path), by Open or by Save as PDF.
    pdf_ready = Signal(str)
    #: Writing failed (the message shown); nothing was written.
    pdf_failed = Signal(str)
    #: The document reached the spooler or printer (a route.Printed) / did not (why; the
    #: PDF is kept in `kept`).
    printed = Signal(object)
    print_failed = Signal(str)

    # Replaceable in tests: the file chooser, the system viewer, Qt's print dialog and
    # preview (app/ui/printing/qt_dialogs.py).
    choose_file = staticmethod(choose_file)
    open_file = staticmethod(open_file)
    ask_printer = staticmethod(qt_dialogs.ask_printer)
    show_preview = staticmethod(qt_dialogs.show_preview)

    def __init__(self, clinic: Clinic, *, invoice_id: int | None = None,
                 refund_id: int | None = None, package_refund_id: int | None = None,
                 day: date | None = None, writer: Writer | None = None, document: str = "",
                 patient_name: str = "", summary: str = "",
                 source: tuple[str, object] | None = None, papers: tuple[str, ...] = PAPERS,
                 parent: QWidget | None = None):
        """One invoice, receipt or day by its id; or any document by its `writer` (called on
        the worker with the clinic, the path and the paper), its `document` title (also its
        file name), the `patient_name` and the rich-text `summary` shown."""
        super().__init__(parent)
        if [invoice_id, refund_id, package_refund_id, day, writer].count(None) != 4:
            raise ValueError("print one invoice, receipt, day or writer")  # i18n: not shown
        self.clinic, self.invoice_id, self.refund_id = clinic, invoice_id, refund_id
        self.package_refund_id, self.day = package_refund_id, day
        preload.document_libraries()  # here, not on the worker (app/ui/preload.py)
        self._f = Formats(clinic)
        self._task: Running | None = None
        self.saved_path: str | None = None
        self.kept: tuple[str, str] | None = None  # a PDF not printed, and its paper
        self.setMinimumWidth(520)
        if writer is not None:
            self.writer, self.document, self.source = writer, document, source
            summary = (patient_name, summary)
        elif invoice_id is not None:
            invoice = clinic.billing.invoice(invoice_id)
            self.document = _("Invoice {number}").format(number=invoice.number)
            summary = self._invoice_summary(invoice)
            self.source = ("invoice", invoice_id)
            self.writer = lambda c, path, paper: c.printing.invoice_pdf(invoice_id, path,
                                                                        paper=paper)
        elif refund_id is not None:
            refund = clinic.billing.payment_refund(refund_id)
            self.document = _("Refund receipt {number}").format(number=refund.id)
            summary = self._refund_summary(refund)
            self.source = ("refund-receipt", refund_id)
            self.writer = lambda c, path, paper: c.printing.refund_receipt_pdf(refund_id, path,
                                                                               paper=paper)
        elif day is not None:
            self.document = _("Day close {day}").format(day=self._f.date(day))
            summary = ("", html.escape(_("The day's figures of {day}, with the cash counted "
                                         "when the day is closed.").format(
                day=self._f.date(day))))
            self.source = ("day-close", day)
            self.writer = lambda c, path, paper: c.printing.day_close_pdf(day, path, paper=paper)
        else:
            receipt = clinic.packages.refund_receipt(package_refund_id)
            self.document = _("Package refund receipt {number}").format(
                number=receipt.package_refund_id)
            summary = self._package_refund_summary(receipt)
            self.source = ("package-refund-receipt", package_refund_id)
            self.writer = lambda c, path, paper: c.printing.package_refund_receipt_pdf(
                package_refund_id, path, paper=paper)
        self.patient_name = summary[0]
        self.setWindowTitle(_("View / Print {document}").format(document=self.document))

        self.summary = QLabel(summary[1])
        self.summary.setWordWrap(True)
        self.paper = QComboBox()
        for code in papers:
            self.paper.addItem(_(PAPER_NAMES[code]), code)  # the services mark paper names
        self.paper.setCurrentIndex(max(0, self.paper.findData(clinic.settings.get().paper)))
        self.paper.setAccessibleName(_("Paper"))
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # no steps to count for one document: just "working"
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName(_("Writing the PDF"))
        self.busy.hide()
        self.status = QLabel()
        self.status.setObjectName("note")
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.open_button = self.buttons.addButton(_("&Open"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setToolTip(_("Show the PDF in the computer's PDF viewer, to print it"))
        self.save_button = self.buttons.addButton(_("Save as &PDF…"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        # R48: Print goes straight to this desk's printer for the paper; Print… asks which
        # printer and how many copies; Preview… shows the pages first
        self.print_button = self.buttons.addButton(_("P&rint"),
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setToolTip(_("Print on this desk's printer for the paper chosen "
                                       "(File \u203a Settings \u203a This Desk)"))
        self.print_as_button = self.buttons.addButton(_("Pr&int…"),
                                                      QDialogButtonBox.ButtonRole.ActionRole)
        self.print_as_button.setToolTip(_("Choose the printer and the copies first"))
        self.preview_button = self.buttons.addButton(_("Pre&view…"),
                                                     QDialogButtonBox.ButtonRole.ActionRole)
        from .email_offer import add_to  # R46: Email… beside them (its own module)
        self.email_button = add_to(self, self.buttons)
        self.open_button.clicked.connect(self.open_pdf)
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_now)
        self.print_as_button.clicked.connect(self.print_with_dialog)
        self.preview_button.clicked.connect(self.preview)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("Pa&per:"), beside(self.paper))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.print_button.setDefault(True)  # once in the dialog, else Qt picks the first
        tab_order(self.paper, *buttons_in_order(self.buttons))
        self.paper.setFocus()

    @classmethod
    def ask(cls, clinic: Clinic, *args, parent: QWidget | None = None,
            **kwargs) -> str | None:
        """Run modally; the path of the PDF last saved, if any."""
        dialog = cls(clinic, *args, parent=parent, **kwargs)
        try:
            dialog.exec()
            return dialog.saved_path
        finally:
            dialog.deleteLater()

    # what is printed
    def _invoice_summary(self, invoice) -> tuple[str, str]:
        money, e = self._f.money, html.escape
        # under a redeemed use's line, which use it was and what it left (R41)
        rows = "".join(f"<tr><td>{e(line.description)}"
                       + (f"<br><small>{e(line.use_line)}</small>" if line.use_line else "")
                       + f"</td><td align=right>{e(money(line.total))}</td></tr>"
                       for line in invoice.lines)
        status = e(status_name(invoice.status))
        title = e(_("Invoice #{number}").format(number=invoice.number))
        text = (f"<b>{title}</b> · {e(invoice.patient_name)} · "
                f"{e(self._f.date(invoice.issued_on))} · {status}"
                f"<table width=100% cellpadding=2>{rows}"
                f"<tr><td><b>{e(_('Total'))}</b></td>"
                f"<td align=right><b>{e(money(invoice.total))}</b></td></tr>"
                f"<tr><td>{e(_('Paid'))}</td><td align=right>{e(money(invoice.paid))}</td></tr>"
                f"<tr><td>{e(_('Balance'))}</td>"
                f"<td align=right>{e(money(invoice.balance))}</td></tr>"
                f"</table>")
        return invoice.patient_name, text

    def _refund_summary(self, refund) -> tuple[str, str]:
        e = html.escape
        # Rich text: the message keeps its <b> tags, every value put into it is escaped.
        text = _("<b>Refund of {amount}</b> to {patient} by {method}, {date}, from the "
                 "{payment} payment of {received}.").format(
            amount=e(self._f.money(refund.amount)), patient=e(refund.patient_name),
            method=e(_(refund.method_name)), date=e(self._f.date(refund.refunded_at)),
            payment=e(self._f.money(refund.payment_amount)),
            received=e(self._f.date(refund.payment_received_at)))
        return refund.patient_name, text

    def _package_refund_summary(self, receipt) -> tuple[str, str]:
        e, money = html.escape, self._f.money
        rows = "".join(f"<tr><td>{e(_(name_for(PaymentMethod, h.method)))}</td>"
                       f"<td align=right>{e(money(h.amount))}</td></tr>"
                       for h in receipt.handed_back)
        text = _("<b>Refund of \u201c{package}\u201d</b> to {patient}, {date}: {amount}, of "
                 "which {back} was handed back:").format(
            package=e(receipt.package_name), patient=e(receipt.patient_name),
            date=e(self._f.date(receipt.refunded_at)), amount=e(money(receipt.amount)),
            back=e(money(receipt.total_handed_back)))
        return receipt.patient_name, f"{text}<table width=100% cellpadding=2>{rows}</table>"

    # writing
    def _temporary(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="clinicdesk-")) / f"{self.document}.pdf"

    def open_pdf(self) -> None:
        self._start(self._temporary(), then_open=True)

    def save_pdf(self) -> None:
        name = f"{self.document} - {self.patient_name}" if self.patient_name else self.document
        path = self.choose_file(self, f"{name}.pdf")
        if not path:
            return
        if not Path(path).suffix:
            path += ".pdf"
        kept = self.kept if self.kept and self.kept[1] == self.paper.currentData() else None
        self._start(Path(path), then_open=False, copy_of=kept[0] if kept else None)

    def print_now(self) -> None:
        self._start(self._temporary(), printing=(None, 1))

    def print_with_dialog(self) -> None:
        chosen = self.ask_printer(self, desk_printers.for_paper(self.paper.currentData()))
        if chosen is not None:
            self._start(self._temporary(), printing=chosen)

    def preview(self) -> None:
        self._start(self._temporary(), previewing=True)

    def _start(self, path: Path, *, then_open: bool = False, copy_of: str | None = None,
               printing: tuple[str | None, int] | None = None,
               previewing: bool = False) -> None:
        paper, writer, title, source = (self.paper.currentData(), self.writer,
                                        self.document, self.source)

        def write(clinic):  # on the worker: plain values in, the path (and print) out
            if copy_of is not None:  # the PDF that did not print, saved as it is
                target = safe_target(clinic, path, what=_("the PDF"))
                return str(atomic_write_bytes(target, Path(copy_of).read_bytes())), None
            written = str(writer(clinic, path, paper))
            if printing is None:
                return written, None
            printed = route.print_pdf(written, paper, printer=printing[0],
                                      copies=printing[1], title=title, source=source,
                                      clinic=clinic)
            # printed: the spooler has its own copy; only a PDF that did not print is kept
            shutil.rmtree(path.parent, ignore_errors=True)
            return written, printed

        self._task = tasks_for(self.clinic).run(
            write, lambda done: self._done(done[0], then_open, done[1], previewing),
            self._failed)
        self._set_busy(True)
        self.status.setText((_("Printing {document} on {paper}…") if printing else
                             _("Writing {document} on {paper}…")).format(
            document=self.document, paper=self.paper.currentText()))

    def _done(self, path: str, then_open: bool, printed=None, previewing=False) -> None:
        self._task = None
        self._set_busy(False)
        if printed is not None:
            self.kept = None
            job = _(" (job {job})").format(job=printed.job) if printed.job else ""
            self.status.setText(_("Sent to {printer}{job}.").format(
                printer=printed.printer or _("the default printer"), job=job))
            self.printed.emit(printed)
            return
        if previewing:
            self.status.setText("")
            self.show_preview(self, path, desk_printers.for_paper(self.paper.currentData()))
            return
        if then_open:
            self.status.setText(_("Opened in the PDF viewer; print from there."))
            if not self.open_file(path):
                msgbox.show(self, _("Could not open the PDF"),
                            _("No program on this computer opened the PDF. It is saved "
                              "here:\n{path}").format(path=path), icon=msgbox.Icon.Warning)
        else:
            self.saved_path = path
            self.status.setText(_("Saved: {path}").format(path=path))
        self.pdf_ready.emit(path)

    def _failed(self, error: BaseException) -> None:
        self._task = None
        self._set_busy(False)
        if isinstance(error, PrintFailed) and error.pdf is not None:
            # R48: the PDF was written and is kept; Save as PDF… saves that very file
            self.kept = (str(error.pdf), self.paper.currentData())
            self.status.setText(_("Not printed: {reason} The PDF is kept: Save as PDF… "
                                  "keeps a copy.").format(reason=error))
            answer = msgbox.show(self, _("Not printed"), _(
                "{reason}\n\nThe PDF is kept. Save it, to print it later or from another "
                "computer?").format(reason=error), icon=msgbox.Icon.Warning,
                buttons=msgbox.Button.Save | msgbox.Button.Close, default=msgbox.Button.Save)
            self.print_failed.emit(str(error))
            if answer == msgbox.Button.Save:
                self.save_pdf()
            return
        self.status.setText(_("Nothing was written."))
        explain_failure(self, error, _("Not printed"))
        self.pdf_failed.emit(str(error))

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.paper, self.open_button, self.save_button, self.print_button,
                       self.print_as_button, self.preview_button):
            widget.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(not busy)

    def reject(self) -> None:
        if self._task is None:  # closing mid-write would drop the PDF the desk asked for
            super().reject()
