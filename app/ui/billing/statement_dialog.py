"""Print Statement… from a package's show page (R41): the print dialog of invoices and
receipts (paper, Print, Open, Save as PDF, the worker), writing the package statement."""

from __future__ import annotations

import html
import re

from PySide6.QtWidgets import QWidget

from app.i18n import _
from app.services import Clinic
from app.services.package_text import uses_phrase

from ..dialogs.print_dialog import PrintDialog
from ..formats import Formats


class StatementDialog(PrintDialog):
    def __init__(self, clinic: Clinic, package_id: int, parent: QWidget | None = None):
        package = clinic.packages.summary(package_id)
        # also the PDF's file name: no characters a file name cannot hold
        document = _("Package statement \u2013 {package}").format(
            package=re.sub(r'[\\/:*?"<>|]+', "-", package.name).strip())
        patient = clinic.patients.get(package.patient_id).full_name
        e = html.escape
        # Rich text: the message keeps its tags, every value put into it is escaped.
        summary = _("<b>{document}</b> · {patient}<br>{uses}").format(
            document=e(document), patient=e(patient),
            uses=e(uses_phrase(package, Formats(clinic).locale)))
        super().__init__(
            clinic, writer=lambda c, path, paper: c.printing.package_statement_pdf(
                package_id, path, paper=paper),
            document=document, patient_name=patient, summary=summary,
            source=("statement", package_id), parent=parent)
        self.package_id = package_id
