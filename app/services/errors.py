"""The ClinicError family: every refusal the desk can see (SPEC R30).

`str(error)` is always a sentence a receptionist understands; the UI shows it as is.
"""

from __future__ import annotations

from ..i18n import N_, _

#: What a NotFound can be about, in the desk's words (translated when the refusal is made).
THINGS = {
    "account": N_("No account with number {number} exists."),
    "appointment": N_("No appointment with number {number} exists."),
    "gift card": N_("No gift card with number {number} exists."),
    "invoice": N_("No invoice with number {number} exists."),
    "membership": N_("No membership with number {number} exists."),
    "membership plan": N_("No membership plan with number {number} exists."),
    "no-show fee": N_("No no-show fee with number {number} exists."),
    "package refund": N_("No package refund with number {number} exists."),
    "package template": N_("No package template with number {number} exists."),
    "package": N_("No package with number {number} exists."),
    "patient": N_("No patient with number {number} exists."),
    "payment": N_("No payment with number {number} exists."),
    "refund": N_("No refund with number {number} exists."),
    "staff member": N_("No staff member with number {number} exists."),
    "treatment type": N_("No treatment type with number {number} exists."),
}


class ClinicError(Exception):
    """A refusal. Nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(ClinicError):
    """Bad input. `.field` names the field the desk must correct."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class NotAllowed(ClinicError):
    """A rule forbids this. The message says which rule and what to do instead."""


class NotFound(ClinicError):
    """An id that does not exist (or no longer can be used)."""

    def __init__(self, what: str, ident: object):
        # Whole sentences per kind of record: French words agree with the noun they follow.
        sentence = THINGS.get(what)
        message = (_(sentence).format(number=ident) if sentence else
                   _("No {what} with number {number} exists.").format(what=_(what),
                                                                       number=ident))
        super().__init__(message)
        self.what = what
        self.ident = ident


class Conflict(NotAllowed):
    """Another desk changed the same thing first (e.g. took the last use)."""
