"""Print Statement… from a package's show page (R41): the print dialog of invoices and
receipts (paper, Open, Save as PDF, the worker), writing the package statement instead."""

from __future__ import annotations

import html
import re
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.i18n import _
from app.services import Clinic
from app.services.package_text import uses_phrase

from ..dialogs.print_dialog import PrintDialog
from ..tasks import tasks_for


class StatementDialog(PrintDialog):
    def __init__(self, clinic: Clinic, package_id: int, parent: QWidget | None = None):
        package = clinic.packages.summary(package_id)
        # The print dialog is built around the sale invoice, then told what it prints.
        super().__init__(clinic, invoice_id=package.invoice_id, parent=parent)
        self.package_id = package_id
        # also the PDF's file name: no characters a file name cannot hold
        self.document = _("Package statement \u2013 {package}").format(
            package=re.sub(r'[\\/:*?"<>|]+', "-", package.name).strip())
        self.patient_name = clinic.patients.get(package.patient_id).full_name
        self.setWindowTitle(_("View / Print {document}").format(document=self.document))
        e = html.escape
        # Rich text: the message keeps its tags, every value put into it is escaped.
        self.summary.setText(_("<b>{document}</b> · {patient}<br>{uses}").format(
            document=e(self.document), patient=e(self.patient_name),
            uses=e(uses_phrase(package, self._f.locale))))

    @classmethod
    def ask(cls, clinic: Clinic, package_id: int, parent: QWidget | None = None) -> str | None:
        """Run modally; the path of the PDF last saved, if any."""
        dialog = cls(clinic, package_id, parent=parent)
        try:
            dialog.exec()
            return dialog.saved_path
        finally:
            dialog.deleteLater()

    def _start(self, path: Path, *, then_open: bool) -> None:
        paper, package_id = self.paper.currentData(), self.package_id

        def write(clinic) -> str:  # on the worker: plain ids in, the path out
            return str(clinic.printing.package_statement_pdf(package_id, path, paper=paper))

        self._task = tasks_for(self.clinic).run(
            write, lambda written: self._done(written, then_open), self._failed)
        self._set_busy(True)
        self.status.setText(_("Writing {document} on {paper}…").format(
            document=self.document, paper=self.paper.currentText()))
