"""R50: managers' PINs may be required to be longer than everyone else's (a clinic setting,
`manager_pin_min_digits`: 6 for a new clinic, 4 for a file from before R50).

The length is checked when a manager's PIN is set or changed, when the first manager is
made, and when someone becomes a manager (against the length kept beside their PIN's hash;
a PIN set before R50 counted has none, and is taken as the 4 every PIN has at least). Raising
the setting never stops a manager's present PIN from working: it applies to the next one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..i18n import _
from ..models import ClinicSettings, Staff
from .errors import ValidationError

FEWEST, MOST = 4, 12  # every PIN has 4 at least (auth.check_secret); 12 is a long PIN already
NEW_CLINIC = 6


def clean_min_digits(value: object) -> int:
    if (not isinstance(value, int) or isinstance(value, bool)
            or not FEWEST <= value <= MOST):
        raise ValidationError("manager_pin_min_digits", _(
            "The length of managers' PINs must be a whole number from {fewest} to {most}.")
            .format(fewest=FEWEST, most=MOST))
    return value


def min_digits(s: Session) -> int:
    row = s.get(ClinicSettings, 1)
    return NEW_CLINIC if row is None else row.manager_pin_min_digits


def require_manager_length(s: Session, secret: str, name: str | None) -> None:
    """Refuse `secret` as the PIN of a manager (`name`, or the first manager) if short."""
    least = min_digits(s)
    if len(secret) >= least:
        return
    if name is None:
        message = _("A manager's PIN must have at least {least} digits or characters. "
                    "Choose a longer one.").format(least=least)
    else:
        message = _("{name} is a manager: their PIN must have at least {least} digits or "
                    "characters. Choose a longer one.").format(name=name, least=least)
    raise ValidationError("secret", message)


def require_can_become_manager(s: Session, row: Staff) -> None:
    """Refuse making `row` a manager while their PIN may be shorter than a manager's."""
    least = min_digits(s)
    if not row.secret_hash or (row.pin_length or FEWEST) >= least:
        return
    if row.pin_length is None:
        message = _("{name}'s PIN was set before ClinicDesk counted its length, and a "
                    "manager's PIN must have at least {least} digits or characters: set a new "
                    "PIN for {name} first, then make them a manager.")
    else:
        message = _("{name}'s PIN is shorter than the {least} digits or characters a "
                    "manager's PIN must have: set a longer PIN for {name} first, then make "
                    "them a manager.")
    raise ValidationError("role", message.format(name=row.name, least=least))
