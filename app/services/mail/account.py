"""The clinic's SMTP account as settings (R46): what may be typed, and the account read back.

The password is not one of these settings: it lives in the desk's credential store
(app/services/mail/passwords.py), never in the clinic file, a backup, a CSV or the audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...i18n import _
from .. import validation as v
from ..errors import ValidationError

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
# A host name (RFC 1123 labels) or an IPv4/IPv6 literal: enough to catch a typed address or
# a URL pasted into the host field, without resolving anything (the desk may be offline).
_HOST = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
                   r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")
_IPV6 = re.compile(r"^\[?[0-9A-Fa-f:.]{2,45}\]?$")

SMTP_KEYS = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "sender_name",
             "sender_email", "reminders_enabled", "reminder_days_before_expiry")


@dataclass(frozen=True)
class SmtpAccount:
    host: str
    port: int
    security: str  # "starttls" | "tls" | "none"
    user: str
    sender_name: str
    sender_email: str

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender_email)


def clean(key: str, value: object):
    """One mail setting as the clinic file keeps it, or a ValidationError naming the field."""
    if key == "smtp_host":
        host = v.text(value, key, label=_("mail server"), max_len=200, required=False) or ""
        if host and not (_HOST.match(host) or (":" in host and _IPV6.match(host))):
            raise ValidationError(key, _("\u201c{value}\u201d is not a mail server name; type "
                                         "a name such as smtp.example.com, without http:// or "
                                         "a port.").format(value=host))
        return host
    if key == "smtp_port":
        return _port(value)
    if key == "smtp_security":
        if not isinstance(value, str) or value.strip().lower() not in SECURITY:
            raise ValidationError(key, _("The security must be STARTTLS, TLS or none."))
        return value.strip().lower()
    if key == "smtp_user":
        return v.text(value, key, label=_("mail user name"), max_len=200, required=False) or ""
    if key == "sender_name":
        name = v.text(value, key, label=_("sender name"), max_len=200, required=False) or ""
        if any(c in name for c in "\r\n"):
            raise ValidationError(key, _("The sender name must be on one line."))
        return name
    if key == "sender_email":
        return v.email(value, key) or ""
    if key == "reminders_enabled":
        if not isinstance(value, bool):
            raise ValidationError(key, _("Reminders must be on (True) or off (False)."))
        return value
    if key == "reminder_days_before_expiry":
        return _days(value)
    raise KeyError(key)


def _port(value: object) -> int:
    try:
        port = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        port = None
    if port is None or not 1 <= port <= 65535:
        raise ValidationError("smtp_port", _("The port must be a whole number from 1 to 65535 "
                                             "(usually 587 for STARTTLS, 465 for TLS)."))
    return port


def _days(value: object) -> int:
    try:
        days = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        days = None
    if days is None or not 1 <= days <= 365:
        raise ValidationError("reminder_days_before_expiry",
                              _("The reminder must come 1 to 365 days before a package "
                                "expires."))
    return days


def account_of(row) -> SmtpAccount:
    """The account from the clinic's settings row (or view)."""
    return SmtpAccount(row.smtp_host or "", int(row.smtp_port or 587),
                       row.smtp_security or "starttls", row.smtp_user or "",
                       row.sender_name or "", row.sender_email or "")
