"""One email as it goes on the wire (R46): the standard library's `email`, `policy.SMTP`.

Date and Message-ID are fixed here, when the message is queued, so every retry sends the
same bytes with the same Message-ID (a server or a mail client that saw it once drops a
repeat). Names go in From/To as display names (encoded when they are not ASCII), the subject
is UTF-8, the text and HTML bodies are alternatives, and each PDF is an attachment.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime, make_msgid

from .account import SmtpAccount


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class Letter:
    """What a message says, before it has headers: the service fills it in the patient's
    language; `paragraphs` become the text body and the HTML body alike."""
    to_address: str
    to_name: str
    subject: str
    paragraphs: tuple[str, ...]
    attachments: tuple[Attachment, ...] = field(default=())
    language: str = "en"


def new_message_id(account: SmtpAccount) -> str:
    """A Message-ID in the sender's domain (RFC 5322: unique, fixed once)."""
    domain = account.sender_email.rpartition("@")[2] or "clinicdesk.invalid"
    return make_msgid(domain=domain)


def build(account: SmtpAccount, letter: Letter, *, message_id: str,
          when: datetime) -> EmailMessage:
    # An address with letters beyond ASCII before the @ (RFC 6531) cannot be written in
    # ASCII headers at all: such a message is written in UTF-8 and sent with SMTPUTF8.
    utf8 = not all(a.rpartition("@")[0].isascii()
                   for a in (account.sender_email, letter.to_address))
    message = EmailMessage(policy=SMTPUTF8 if utf8 else SMTP)
    message["From"] = _address(account.sender_name, account.sender_email)
    message["To"] = _address(letter.to_name, letter.to_address)
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(_aware(when))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n\n".join(letter.paragraphs) + "\n", cte="quoted-printable")
    message.add_alternative(_html(letter), subtype="html")
    for attachment in letter.attachments:
        main, _slash, sub = attachment.mime_type.partition("/")
        message.add_attachment(attachment.content, maintype=main, subtype=sub,
                               filename=attachment.filename)
    return message


def _address(name: str, address: str) -> Address:
    user, _at, domain = address.rpartition("@")
    return Address(display_name=name or "", username=user, domain=ascii_domain(domain))


def ascii_domain(domain: str) -> str:
    """An international domain (exémple.ca) as the DNS and every server know it
    (xn--exmple-cva.ca); one that IDNA cannot spell is left for the server to refuse."""
    try:
        return domain if domain.isascii() else domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def envelope(address: str) -> str:
    user, at, domain = address.rpartition("@")
    return f"{user}{at}{ascii_domain(domain)}"


def _aware(when: datetime) -> datetime:
    # The clinic's clock is naive local time; the Date header needs its offset.
    return when.astimezone() if when.tzinfo is None else when.astimezone(timezone.utc)


def _html(letter: Letter) -> str:
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in letter.paragraphs)
    lang = html.escape(letter.language.replace("_", "-"))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(letter.subject)}</title></head>"
            f'<body style="font-family: sans-serif">{body}</body></html>\n')
