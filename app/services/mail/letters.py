"""What an emailed document says (R46): a short letter in the patient's language, its PDF.

The words are marked with N_() and put in the patient's language with i18n.translate (the
patient's own `language`, else the clinic's), so a French patient gets French while the desk
stays in English. The PDF is the one Print makes (clinic.printing), on the paper the clinic
prints on, in the desk's language: the same document the patient would be handed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ...i18n import N_, translate
from .message import Attachment, Letter

# kind -> (subject, what is attached, the PDF's file name); {number}/{package}/{clinic}
WORDS = {
    "invoice": (N_("Invoice {number} from {clinic}"),
                N_("Your invoice {number} is attached as a PDF."),
                N_("invoice-{number}.pdf")),
    "refund_receipt": (N_("Your refund receipt from {clinic}"),
                       N_("The receipt for your refund is attached as a PDF."),
                       N_("refund-receipt-{number}.pdf")),
    "package_refund_receipt": (N_("Your refund receipt for {package} from {clinic}"),
                               N_("The receipt for the refund of your package {package} is "
                                  "attached as a PDF."),
                               N_("package-refund-receipt-{number}.pdf")),
    "package_statement": (N_("Your package statement for {package} from {clinic}"),
                          N_("The statement of your package {package} (each use, what is "
                             "left and when it expires) is attached as a PDF."),
                          N_("package-statement-{number}.pdf")),
    "gift_card": (N_("Your gift card from {clinic}"),
                  N_("Your gift card is attached as a PDF; print it or show it on your phone "
                     "when you pay."),
                  N_("gift-card-{number}.pdf")),
}
HELLO = N_("Hello {name},")
HELLO_NOBODY = N_("Hello,")
CALL_US = N_("If you have any questions, call us at {phone}.")
THANKS = N_("Thank you,\n{clinic}")


@dataclass(frozen=True)
class Addressee:
    """The patient a document belongs to, as the letter needs them."""
    first_name: str
    full_name: str
    email: str | None
    language: str | None  # None: the clinic's


def addressee(session, patient_id: int | None) -> Addressee | None:
    from ...models import Patient

    patient = session.get(Patient, patient_id) if patient_id else None
    if patient is None:
        return None
    return Addressee(patient.first_name, patient.full_name, patient.email, patient.language)


@dataclass(frozen=True)
class Document:
    """One document that can be emailed: whose it is, what it is called, its PDF."""
    kind: str
    document_id: int
    patient_id: int | None
    number: str      # the invoice's number, else the record's id
    package: str     # the package's name, for the package documents
    write_pdf: Callable[[Path, str], Path]  # (path, paper) -> path


def document(clinic, kind: str, ident: int) -> Document:
    """The document `ident` of `kind`, read through the services (NotFound when none)."""
    p = clinic.printing
    if kind == "invoice":
        invoice = clinic.billing.invoice(ident)
        return Document(kind, ident, invoice.patient_id, str(invoice.number), "",
                        lambda path, paper: p.invoice_pdf(ident, path, paper=paper))
    if kind == "refund_receipt":
        refund = clinic.billing.payment_refund(ident)
        return Document(kind, ident, refund.patient_id, str(ident), refund.package_name or "",
                        lambda path, paper: p.refund_receipt_pdf(ident, path, paper=paper))
    if kind == "package_refund_receipt":
        receipt = clinic.packages.refund_receipt(ident)
        return Document(kind, ident, receipt.patient_id, str(ident), receipt.package_name,
                        lambda path, paper: p.package_refund_receipt_pdf(ident, path,
                                                                         paper=paper))
    if kind == "package_statement":
        summary = clinic.packages.summary(ident)
        return Document(kind, ident, summary.patient_id, str(ident), summary.name,
                        lambda path, paper: p.package_statement_pdf(ident, path, paper=paper))
    if kind == "gift_card":
        code = clinic.gift_cards.code_of(ident)
        card = clinic.gift_cards.card(code)
        return Document(kind, ident, card.patient_id, str(ident), "",
                        lambda path, paper: p.gift_card_pdf(code, path, paper=paper))
    raise KeyError(kind)


def pdf_bytes(doc: Document, paper: str) -> bytes:
    """The PDF as Print writes it, read back from a folder of its own (never the clinic's)."""
    with tempfile.TemporaryDirectory(prefix="clinicdesk-mail-") as folder:
        return doc.write_pdf(Path(folder) / "document.pdf", paper).read_bytes()


def language_of(patient: Addressee | None, clinic_language: str) -> str:
    return (patient.language if patient is not None and patient.language else
            clinic_language)


def letter(doc: Document, *, to: str, patient: Addressee | None, settings, pdf: bytes
           ) -> Letter:
    """The letter carrying `doc` to `to`, in the patient's language."""
    language = language_of(patient, settings.language)
    subject, attached, filename = (translate(w, language) for w in WORDS[doc.kind])
    facts = {"number": doc.number, "package": doc.package, "clinic": settings.name}
    name = patient.full_name if patient is not None else ""
    paragraphs = [translate(HELLO, language).format(name=patient.first_name) if name
                  else translate(HELLO_NOBODY, language),
                  attached.format(**facts)]
    if settings.phone:
        paragraphs.append(translate(CALL_US, language).format(phone=settings.phone))
    paragraphs.append(translate(THANKS, language).format(clinic=settings.name))
    return Letter(to, name, subject.format(**facts), tuple(paragraphs),
                  (Attachment(filename.format(**facts), pdf),), language)
