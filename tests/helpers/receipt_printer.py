"""A network receipt printer stood in for by a TCP server on the loopback (R48): it takes
connections the way a printer's port 9100 does and keeps every connection's bytes."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from contextlib import contextmanager


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        chunks = []
        while True:
            data = self.request.recv(65536)
            if not data:
                break
            chunks.append(data)
        with self.server.lock:
            self.server.received.append(b"".join(chunks))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.received: list[bytes] = []


class LoopbackPrinter:
    def __init__(self, server: _Server):
        self._server = server
        self.host, self.port = server.server_address

    def jobs(self, count: int = 1, timeout_s: float = 5.0) -> list[bytes]:
        """Every connection's bytes once `count` have been closed by the sender (or the
        time is up); each connection is one print job."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._server.lock:
                if len(self._server.received) >= count:
                    break
            time.sleep(0.02)
        time.sleep(0.1)  # (a job more than expected would have arrived by now)
        with self._server.lock:
            return list(self._server.received)


@contextmanager
def loopback_printer():
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LoopbackPrinter(server)
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (taken and let go at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
