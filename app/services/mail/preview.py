"""What the Email dialog shows before anything is queued (R46): the patient's address and
the subject exactly as `queue_…` will write them (app/services/mail/letters.py), in the
patient's language. Words only: no PDF is written, so the dialog opens at once."""

from __future__ import annotations

from dataclasses import dataclass

from ...i18n import translate
from . import letters


@dataclass(frozen=True)
class MailPreview:
    to: str       # the patient's address on file, or "" (a walk-in's gift card)
    to_name: str
    subject: str


def preview(clinic, kind: str, document_id: int) -> MailPreview:
    doc = letters.document(clinic, kind, document_id)  # NotFound when there is none
    settings = clinic.settings.get()
    with clinic.db.read() as s:
        patient = letters.addressee(s, doc.patient_id)
    language = letters.language_of(patient, settings.language)
    facts = {"number": doc.number, "package": doc.package, "clinic": settings.name}
    subject = translate(letters.WORDS[kind][0], language).format(**facts)
    return MailPreview((patient.email or "") if patient else "",
                       patient.full_name if patient else "", subject)
