"""The ClinicError family: every refusal the desk can see (SPEC R30).

`str(error)` is always a sentence a receptionist understands; the UI shows it as is.
"""

from __future__ import annotations


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
        super().__init__(f"No {what} with number {ident} exists.")
        self.what = what
        self.ident = ident


class Conflict(NotAllowed):
    """Another desk changed the same thing first (e.g. took the last use)."""
