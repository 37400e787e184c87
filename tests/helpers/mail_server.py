"""A real SMTP server on the loopback for the outbox's tests (R46): aiosmtpd in a thread.

Plain, STARTTLS or TLS with a certificate made by the test's own authority (trustme), with
or without a login; it keeps every message it took, and refuses the addresses it is told to
refuse with its own words, as a real server would.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "desk@harbour.example", "s3cret-Ü"
REFUSED = "nobody@harbour.example"  # the server says it has no such mailbox


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    """What the server took: (envelope sender, recipients, the bytes), in order."""
    received: list = field(default_factory=list)
    delay: float = 0.0  # seconds the server takes over each message (desks overlap)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 <nobody@harbour.example>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 Message accepted for delivery"

    def messages(self):
        return [message_from_bytes(raw, policy=default) for _f, _t, raw in self.received]


def _login(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


class Authority:
    """A certificate authority of the test's own, a server certificate for the loopback,
    and the client side that trusts it (what the desk is given as `ssl_context`)."""

    def __init__(self) -> None:
        import trustme

        self.ca = trustme.CA()
        self.cert = self.ca.issue_cert("127.0.0.1", "localhost")

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.cert.configure_cert(context)
        return context

    def client_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context


class MailServer:
    """`MailServer(security, login=)`; `.start()`, `.stop()`, `.port`, `.inbox`."""

    def __init__(self, security: str = "none", *, login: bool = False,
                 authority: Authority | None = None, delay: float = 0.0,
                 smtputf8: bool = True) -> None:
        self.security, self.login = security, login
        self.authority = authority or (Authority() if security != "none" else None)
        self.inbox = Inbox(delay=delay)
        self.port = free_port()
        kwargs: dict = {"enable_SMTPUTF8": smtputf8}  # (RFC 6531 addresses; most servers do)
        if security == "starttls":
            kwargs.update(tls_context=self.authority.server_context(), require_starttls=True)
        elif security == "tls":
            kwargs.update(ssl_context=self.authority.server_context())
        if login:
            kwargs.update(authenticator=_login, auth_required=True,
                          # (aiosmtpd counts only STARTTLS as TLS: over implicit TLS it
                          # would refuse AUTH; its warning about this is filtered in tests)
                          auth_require_tls=security == "starttls")
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     **kwargs)

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def client_context(self) -> ssl.SSLContext | None:
        return self.authority.client_context() if self.authority else None

    def wait_for(self, count: int, seconds: float = 10.0) -> None:
        end = time.monotonic() + seconds
        while len(self.inbox.received) < count and time.monotonic() < end:
            time.sleep(0.05)


def use(clinic, server: MailServer, *, user: str = "", sender_name: str = "Harbour Physio",
        sender_email: str = "front@harbour.example") -> None:
    """Point the clinic's account at `server` (the desk trusts its certificate)."""
    clinic.settings.update(smtp_host="127.0.0.1", smtp_port=server.port,
                           smtp_security=server.security, smtp_user=user,
                           sender_name=sender_name, sender_email=sender_email)
    clinic.mail.ssl_context = server.client_context()
    clinic.mail.timeout = 5.0
