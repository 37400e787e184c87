"""Printing invoices, refund receipts and the Day Close as PDF through ReportLab (R31, R32).

Letter, A4 or an 80 mm roll, with the clinic's name, address and tax number, the patient,
lines, tax, total, payments and balance, money and dates formatted by Babel in the clinic's
locale (R4). Data is read through the billing, patients and settings services (never the
database directly), so a PDF shows exactly what the screen shows.

Files are written atomically: the PDF goes to a temporary file beside the target and is
moved over it only when complete, so a crash or a cancelled batch never leaves half a PDF
(and never damages an older copy of the file).
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from ..i18n import _, ngettext
from .base import Service
from .errors import ValidationError
from .file_targets import safe_target
from .files import atomic_write_bytes
from .ledger import METHODS
from .papers import PAPER_NAMES, PAPERS
from .settings import SettingsView

Progress = Callable[[int, int], None]


class PrintingService(Service):
    def invoice_pdf(self, invoice_id: int, path: str | os.PathLike, *,
                    paper: str | None = None) -> Path:
        """Write invoice `invoice_id` to `path` as a PDF; returns the path.

        `paper` is "letter", "a4" or "roll80"; None uses the clinic's setting.
        """
        kit, settings = self._kit(paper)
        target = self._target(path)
        section = self._invoice_section(kit, settings, invoice_id)
        return _write_section(target, kit, section, _("Invoice"))

    def refund_receipt_pdf(self, refund_id: int, path: str | os.PathLike, *,
                           paper: str | None = None) -> Path:
        """Write the receipt of refund payment `refund_id` (R27) to `path` as a PDF."""
        kit, settings = self._kit(paper)
        target = self._target(path)
        refund = self._clinic.billing.payment_refund(refund_id)
        patient = self._clinic.patients.get(refund.patient_id)
        payment = self._clinic.billing.payment(refund.payment_id)
        section = _pdf().refund_section(kit, settings, refund, patient, payment)
        return _write_section(target, kit, section, _("Refund receipt"))

    def package_refund_receipt_pdf(self, package_refund_id: int, path: str | os.PathLike, *,
                                   paper: str | None = None) -> Path:
        """One receipt for a package refund, listing every method it went back by (R27)."""
        kit, settings = self._kit(paper)
        target = self._target(path)
        receipt = self._clinic.packages.refund_receipt(package_refund_id)
        patient = self._clinic.patients.get(receipt.patient_id)
        section = _pdf().package_refund_section(kit, settings, receipt, patient, METHODS)
        return _write_section(target, kit, section, _("Refund receipt"))

    def package_statement_pdf(self, package_id: int, path: str | os.PathLike, *,
                              paper: str = "letter") -> Path:
        """Write package `package_id`'s statement (R41) to `path`: the package, each use,
        what is left and the expiry. `paper` is "letter", "a4" or "roll80" ("80mm" too)."""
        from .package_statement import PackageStatements
        from .pdf.package_statement import package_statement_section

        kit, settings = self._kit({"80mm": "roll80"}.get(paper, paper))
        target = self._target(path)
        statement = PackageStatements(self._clinic).statement(package_id)
        patient = self._clinic.patients.get(statement.summary.patient_id)
        section = package_statement_section(kit, settings, statement, patient)
        return _write_section(target, kit, section, _("Package statement"))

    def gift_card_pdf(self, code: str, path: str | os.PathLike, *,
                      paper: str = "letter") -> Path:
        """Write the printable card with this code (R45): the clinic, what it holds, the code
        as text and as a QR code. `paper` is "letter", "a4" or "roll80" ("80mm" too)."""
        from .pdf.gift_card import gift_card_section

        kit, settings = self._kit({"80mm": "roll80"}.get(paper, paper))
        target = self._target(path)
        section = gift_card_section(kit, settings, self._clinic.gift_cards.card(code))
        return _write_section(target, kit, section, _("Gift card"))

    def batch_invoices_pdf(self, invoice_ids: Iterable[int], path: str | os.PathLike, *,
                           paper: str | None = None, progress: Progress | None = None) -> Path:
        """Write many invoices into one PDF, each starting on its own page (its own length of
        roll on "roll80"), in the order given.

        `progress(done, total)` is called after each invoice is laid out; it may run off the
        GUI thread. Raising from it cancels the batch and leaves `path` untouched.
        """
        try:
            ids = list(invoice_ids)
        except TypeError:  # (None or a number: no invoices were chosen)
            ids = []
        if not ids:
            raise ValidationError("invoice_ids", _("Choose at least one invoice to print."))
        kit, settings = self._kit(paper)
        target = self._target(path)
        # Each invoice is read when the layout reaches it (an unknown id stops the batch
        # there with NotFound, and nothing is written).
        sources = [partial(self._invoice_section, kit, settings, invoice_id)
                   for invoice_id in ids]
        title = _("Invoice") if len(ids) == 1 else ngettext(
            "{count} invoice", "{count} invoices", len(ids)).format(count=len(ids))
        data = _pdf().build(sources, kit, title=title, author=kit.clinic_name,
                            subject=_("Invoices"), progress=progress)
        return atomic_write_bytes(target, data)

    def day_close_pdf(self, on, path: str | os.PathLike, *, paper: str | None = None) -> Path:
        """Write the Day Close sheet of `on` (R32) to `path`: the figures kept at the close,
        or the open day's as of now, said so on the sheet."""
        kit, settings = self._kit(paper)
        target = self._target(path)
        report = self._clinic.reports.day_close(on)
        close = self._clinic.billing.day_close_of(on)
        if close is None:
            words = _("Open (not closed)")
        else:
            words = _("Closed by {name}, {time}").format(
                name=close.closed_by_name or _("the system"), time=kit.datetime(close.closed_at))
        section = _pdf().day_close_section(kit, settings, report, words)
        return _write_section(target, kit, section, _("Day close"))

    # helpers
    def _kit(self, paper: str | None) -> tuple:
        settings = self._clinic.settings.get()
        chosen = settings.paper if paper is None else paper
        if chosen not in PAPERS:
            names = ", ".join(_(PAPER_NAMES[p]) for p in PAPERS[:-1])
            raise ValidationError("paper", _("The paper size \u201c{paper}\u201d is not one "
                                             "ClinicDesk prints on; choose {names} or {last}.")
                                  .format(paper=chosen, names=names,
                                          last=_(PAPER_NAMES[PAPERS[-1]])))
        pdf = _pdf()
        kit = pdf.Kit(pdf.PAPER_SPECS[chosen], currency=settings.currency,
                      locale=settings.locale, clinic_name=settings.name)
        return kit, settings

    def _invoice_section(self, kit, settings: SettingsView, invoice_id: int):
        invoice = self._clinic.billing.invoice(invoice_id)
        patient = self._clinic.patients.get(invoice.patient_id)
        return _pdf().invoice_section(kit, settings, invoice, patient, METHODS)

    def _target(self, path: str | os.PathLike) -> Path:
        return safe_target(self._clinic, path, what=_("the PDF"))


def _write_section(target: Path, kit, section, subject: str) -> Path:
    """One document of one section, titled after it, written whole or not at all."""
    data = _pdf().build([section], kit, title=section.label, author=kit.clinic_name,
                        subject=subject)
    return atomic_write_bytes(target, data)


def _pdf():
    """ReportLab and the layouts, loaded at the first print rather than at start-up."""
    from . import pdf

    return pdf
