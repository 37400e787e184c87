"""A real SMTP server on the loopback for the email tests (R46), with aiosmtpd.

    with smtp_server() as server:            # plain, no login
        ...; server.messages                  # each message as it arrived (email.message)
    with smtp_server(user="desk", password="pw") as server: ...   # AUTH PLAIN/LOGIN
    server.refuse("550 5.1.1 No such mailbox here")   # every DATA refused with these words

The login is offered without TLS (auth_require_tls=False) because the test talks to its own
loopback; the STARTTLS/TLS variants are the outbox's tests' own (engineer A).
"""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    """The server's handler: keeps what arrived, or answers with the refusal set."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refusal: str | None = None
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refusal is not None:
            return self.refusal
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                policy=policy.default))
        self.arrived.set()
        return "250 OK queued here"


class Server:
    def __init__(self, controller: Controller, recorder: Recorder) -> None:
        self.controller, self.recorder = controller, recorder
        self.host, self.port = "127.0.0.1", controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages

    def refuse(self, reply: str | None) -> None:
        """Answer every message with `reply` ("550 …", "451 …"); None: take them again."""
        self.recorder.refusal = reply

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[EmailMessage]:
        """Block until `count` messages have arrived (the sender runs on another thread)."""
        import time
        end = time.monotonic() + timeout_s
        while len(self.messages) < count and time.monotonic() < end:
            time.sleep(0.02)
        return self.messages


def free_port() -> int:
    """A loopback port nothing listens on (for "the server does not answer")."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(*, user: str | None = None, password: str | None = None):
    recorder = Recorder()
    kwargs = {}
    if user is not None:
        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login.decode() == user
                  and auth_data.password.decode() == (password or ""))
            return AuthResult(success=ok, handled=False)
        kwargs = dict(authenticator=authenticate, auth_require_tls=False, auth_required=True)
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    try:
        yield Server(controller, recorder)
    finally:
        controller.stop()
