"""View / Print an invoice, a refund receipt (R31) or a Day Close (R32): choose the paper,
then open the PDF in the system's viewer or save it. ReportLab runs on a worker thread so the
desk never freezes.
"""

from __future__ import annotations

import html
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QLabel, QProgressBar, QVBoxLayout, QWidget)

from app.i18n import _
from app.services import Clinic
from app.domain.states import PaymentMethod, name_for
from app.services.papers import PAPER_NAMES, PAPERS

from .. import file_chooser, msgbox, preload
from ..tasks import Running, explain_failure, tasks_for  # the one worker (ARCHITECTURE 4)
from ..formats import Formats
from ..billing.keys import buttons_in_order, tab_order
from ..forms import beside
from ..models.billing import status_name


def choose_file(parent: QWidget, suggested: str) -> str | None:
    return file_chooser.save_file(parent, _("Save as PDF"), suggested, _("PDF files (*.pdf)"))


def open_file(path: str) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


class PrintDialog(QDialog):
    #: A PDF was written (its path), by Open or by Save as PDF.
    pdf_ready = Signal(str)
    #: Writing failed (the message shown); nothing was written.
    pdf_failed = Signal(str)

    # Replaceable in tests: the file chooser and the system viewer.
    choose_file = staticmethod(choose_file)
    open_file = staticmethod(open_file)

    def __init__(self, clinic: Clinic, *, invoice_id: int | None = None,
                 refund_id: int | None = None, package_refund_id: int | None = None,
                 day: date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        if [invoice_id, refund_id, package_refund_id, day].count(None) != 3:
            raise ValueError("print one invoice, receipt or day")  # i18n: not shown
        self.clinic, self.invoice_id, self.refund_id = clinic, invoice_id, refund_id
        self.package_refund_id, self.day = package_refund_id, day
        preload.document_libraries()  # here, not on the worker (app/ui/preload.py)
        self._f = Formats(clinic)
        self._task: Running | None = None
        self.saved_path: str | None = None
        self.setMinimumWidth(480)
        if invoice_id is not None:
            invoice = clinic.billing.invoice(invoice_id)
            self.document = _("Invoice {number}").format(number=invoice.number)
            summary = self._invoice_summary(invoice)
        elif refund_id is not None:
            refund = clinic.billing.payment_refund(refund_id)
            self.document = _("Refund receipt {number}").format(number=refund.id)
            summary = self._refund_summary(refund)
        elif day is not None:
            self.document = _("Day close {day}").format(day=self._f.date(day))
            summary = ("", html.escape(_("The day's figures of {day}, with the cash counted "
                                         "when the day is closed.").format(
                day=self._f.date(day))))
        else:
            receipt = clinic.packages.refund_receipt(package_refund_id)
            self.document = _("Package refund receipt {number}").format(
                number=receipt.package_refund_id)
            summary = self._package_refund_summary(receipt)
        self.patient_name = summary[0]
        self.setWindowTitle(_("View / Print {document}").format(document=self.document))

        self.summary = QLabel(summary[1])
        self.summary.setWordWrap(True)
        self.paper = QComboBox()
        for code in PAPERS:
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
        from .email_offer import add_to  # R46: Email… beside them (its own module)
        self.email_button = add_to(self, self.buttons)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_pdf)
        self.save_button.clicked.connect(self.save_pdf)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("Pa&per:"), beside(self.paper))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        tab_order(self.paper, *buttons_in_order(self.buttons))
        self.paper.setFocus()

    @classmethod
    def ask(cls, clinic: Clinic, *, invoice_id: int | None = None,
            refund_id: int | None = None, package_refund_id: int | None = None,
            day: date | None = None, parent: QWidget | None = None) -> str | None:
        """Run modally; the path of the PDF last saved, if any."""
        dialog = cls(clinic, invoice_id=invoice_id, refund_id=refund_id,
                     package_refund_id=package_refund_id, day=day, parent=parent)
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
    def open_pdf(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="clinicdesk-"))
        self._start(folder / f"{self.document}.pdf", then_open=True)

    def save_pdf(self) -> None:
        name = f"{self.document} - {self.patient_name}" if self.patient_name else self.document
        path = self.choose_file(self, f"{name}.pdf")
        if not path:
            return
        if not Path(path).suffix:
            path += ".pdf"
        self._start(Path(path), then_open=False)

    def _start(self, path: Path, *, then_open: bool) -> None:
        paper = self.paper.currentData()
        invoice_id, refund_id = self.invoice_id, self.refund_id
        package_refund_id, day = self.package_refund_id, self.day

        def write(clinic) -> str:  # on the worker: plain ids in, the path out
            if day is not None:
                return str(clinic.printing.day_close_pdf(day, path, paper=paper))
            if invoice_id is not None:
                return str(clinic.printing.invoice_pdf(invoice_id, path, paper=paper))
            if refund_id is not None:
                return str(clinic.printing.refund_receipt_pdf(refund_id, path, paper=paper))
            return str(clinic.printing.package_refund_receipt_pdf(package_refund_id, path,
                                                                  paper=paper))

        self._task = tasks_for(self.clinic).run(
            write, lambda written: self._done(written, then_open), self._failed)
        self._set_busy(True)
        self.status.setText(_("Writing {document} on {paper}…").format(
            document=self.document, paper=self.paper.currentText()))

    def _done(self, path: str, then_open: bool) -> None:
        self._task = None
        self._set_busy(False)
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
        self.status.setText(_("Nothing was written."))
        explain_failure(self, error, _("Not printed"))
        self.pdf_failed.emit(str(error))

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.paper, self.open_button, self.save_button):
            widget.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(not busy)

    def reject(self) -> None:
        if self._task is None:  # closing mid-write would drop the PDF the desk asked for
            super().reject()
