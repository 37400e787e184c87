"""A patient's consent to reminders by email, and the language their letters are in (R47).

Read by `clinic.patients.add` and `update`: the checks come before anything is written, and
the consent is set on the row last, after the address, so one save that types an address
and ticks the box is accepted, and one that empties the address turns reminders off.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from ..domain import reminders as rule
from ..i18n import ENGLISH, FRENCH, N_, _
from .errors import ValidationError

#: what a caller may change
CONSENT_FIELDS = ("email_reminders", "language")
#: what is written and audited
STORED = ("email_reminders", "email_reminders_since", "language")

TICK_LABEL = N_("Send reminders by email (the patient agreed)")


def take_consent(changes: dict) -> dict:
    """Pop and check the consent fields out of `changes` (what remains is the patient's
    details, checked by `PatientService.validate`)."""
    clean = {}
    if "email_reminders" in changes:
        ticked = changes.pop("email_reminders")
        if not isinstance(ticked, bool):
            raise ValidationError("email_reminders", _(
                "\u201c{label}\u201d must be yes or no; nothing was changed.").format(
                    label=_(TICK_LABEL)))
        clean["email_reminders"] = ticked
    if "language" in changes:
        clean["language"] = language(changes.pop("language"))
    return clean


def language(value: object) -> str | None:
    """"en", "fr_CA", or None/"" for the clinic's language."""
    if value is None or value == "":
        return None
    if value not in (ENGLISH, FRENCH):
        raise ValidationError("language", _("The patient's language must be English, French "
                                             "(Canada) or the clinic's."))
    return value


def apply_consent(row, consent: dict, today: date) -> None:
    """Set the consent on a patient row whose details are already set; refused (nothing is
    written: the caller's transaction rolls back) when reminders would go to no address."""
    if "language" in consent:
        row.language = consent["language"]
    # Not asked about it: kept while there is an address, off when the address went.
    ticked = consent.get("email_reminders", bool(row.email_reminders) and bool(row.email))
    try:
        on, since = rule.consent(ticked, row.email, bool(row.email_reminders),
                                 row.email_reminders_since, today)
    except rule.NoEmail:
        raise ValidationError("email_reminders", _(
            "Add an email address before turning reminders on.")) from None
    row.email_reminders, row.email_reminders_since = on, since


def new_consent(consent: dict, email: str | None, today: date) -> dict:
    """The consent columns of a new patient."""
    blank = SimpleNamespace(email=email, email_reminders=False, email_reminders_since=None,
                            language=None)
    apply_consent(blank, consent, today)
    return {key: getattr(blank, key) for key in STORED}
