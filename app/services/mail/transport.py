"""Handing one message to the clinic's SMTP server (R46), and the server's answer.

Plain, STARTTLS or TLS, with a login when the account has a user. Every failure becomes a
MailError carrying the server's own words (for the manager) and whether trying again later
may help: a server that does not answer or says "try later" (4xx) is retried; one that
refuses the login or the recipient (5xx) is not.
"""

from __future__ import annotations

import base64
import smtplib
import ssl

from ...i18n import _
from ..errors import ClinicError
from .account import SmtpAccount
from .message import envelope


class MailError(ClinicError):
    """The mail server did not take a message. `.server_says` is its own reply (or the
    network's error), `.retry` whether a later attempt may succeed."""

    def __init__(self, message: str, *, server_says: str = "", retry: bool = True):
        super().__init__(message)
        self.server_says = server_says
        self.retry = retry


def send(account: SmtpAccount, password: str | None, raw: bytes, *, sender: str,
         recipients: list[str], timeout: float = 30.0,
         context: ssl.SSLContext | None = None) -> None:
    """Send `raw` (the whole message) or raise MailError. `context` lets tests trust the
    certificate they made; otherwise the system's trusted certificates are used."""
    context = context or ssl.create_default_context()
    try:
        with _connect(account, timeout, context) as server:
            if account.security == "starttls":
                server.starttls(context=context)
            if account.user:
                _login(server, account.user, password or "")
            sender, recipients = envelope(sender), [envelope(r) for r in recipients]
            refused = server.sendmail(sender, recipients, raw,
                                      mail_options=_utf8_options(server, [sender, *recipients]))
            if refused:  # some recipients refused, others taken
                words = "; ".join(f"{who}: {code} {_text(msg)}" for who, (code, msg) in
                                  refused.items())
                raise MailError(_("The mail server refused the address {address}.").format(
                    address=", ".join(refused)), server_says=words, retry=False)
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError as error:
        raise MailError(_("The mail server refused the user name or password."),
                        server_says=_reply(error), retry=False) from None
    except smtplib.SMTPRecipientsRefused as error:
        words = "; ".join(f"{who}: {code} {_text(msg)}" for who, (code, msg) in
                          error.recipients.items())
        raise MailError(_("The mail server refused the address {address}.").format(
            address=", ".join(error.recipients)), server_says=words,
            retry=_temporary(error.recipients.values())) from None
    except smtplib.SMTPSenderRefused as error:
        raise MailError(_("The mail server refused the sender address {address}.").format(
            address=sender), server_says=_reply(error), retry=error.smtp_code < 500) from None
    except smtplib.SMTPNotSupportedError as error:
        raise MailError(_("The mail server does not offer STARTTLS; choose TLS or none in "
                          "Settings \u203a Email."), server_says=str(error), retry=False) from None
    except smtplib.SMTPResponseException as error:
        raise MailError(_("The mail server did not take the message."),
                        server_says=_reply(error), retry=error.smtp_code < 500) from None
    except UnicodeError as error:  # (a last net: smtplib speaks ASCII unless told SMTPUTF8)
        raise MailError(_("The mail server could not take this message's addresses."),
                        server_says=str(error), retry=False) from None
    except ssl.SSLError as error:
        raise MailError(_("A secure connection to the mail server failed; check the security "
                          "setting and the port."), server_says=str(error), retry=False) from None
    except (smtplib.SMTPException, OSError) as error:  # refused, unreachable, timed out, DNS
        raise MailError(_("The mail server {host}:{port} did not answer; the message waits "
                          "in the outbox.").format(host=account.host, port=account.port),
                        server_says=str(error) or type(error).__name__, retry=True) from None


def _connect(account: SmtpAccount, timeout: float, context: ssl.SSLContext) -> smtplib.SMTP:
    if not account.host:
        raise MailError(_("No mail server is set; fill in Settings \u203a Email."), retry=False)
    if account.security == "tls":
        return smtplib.SMTP_SSL(account.host, account.port, timeout=timeout, context=context)
    return smtplib.SMTP(account.host, account.port, timeout=timeout)


def _utf8_options(server: smtplib.SMTP, addresses: list[str]) -> list[str]:
    """SMTPUTF8 when an address has letters beyond ASCII before the @, if the server
    offers it; otherwise it cannot be sent at all, and trying later will not help."""
    if all(a.isascii() for a in addresses):
        return []
    server.ehlo_or_helo_if_needed()
    if not server.has_extn("smtputf8"):
        odd = ", ".join(a for a in addresses if not a.isascii())
        raise MailError(_("The mail server cannot send to {address}: it takes only the "
                          "letters A to Z before the @.").format(address=odd),
                        server_says=_("The server does not offer SMTPUTF8."), retry=False)
    return ["SMTPUTF8"]


def _login(server: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib's login encodes the user and password as ASCII (a password with an accent
    raised UnicodeEncodeError, escaping every refusal above); RFC 4616 PLAIN is UTF-8."""
    if (user + password).isascii():
        server.login(user, password)
        return
    server.ehlo_or_helo_if_needed()
    if "plain" not in server.esmtp_features.get("auth", "").lower().split():
        raise MailError(_("The mail server cannot take a password with accents or other "
                          "letters beyond A to Z; change the password at the mail provider."),
                        server_says=server.esmtp_features.get("auth", ""), retry=False)
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
    code, reply = server.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _reply(error: smtplib.SMTPResponseException) -> str:
    return f"{error.smtp_code} {_text(error.smtp_error)}"


def _text(message: bytes | str) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def _temporary(replies) -> bool:
    return all(code < 500 for code, _msg in replies)



