"""Secrets a desk keeps for itself: in the operating system's credential store, or only in
memory (R46 the SMTP password; issue 23 the PostgreSQL password).

`keyring` reaches Windows Credential Manager, macOS Keychain and the Secret Service on Linux.
Where none is available (a Linux desk without a keyring daemon), what is typed at this start
is kept in this process only and asked again at the next: it is never written to the clinic
file, a backup, a CSV, QSettings or the audit trail.
"""

from __future__ import annotations

import keyring
from keyring.backends import fail, null
from keyring.errors import KeyringError


def has_keyring() -> bool:
    """Whether this desk has a credential store to keep secrets in."""
    try:
        backend = keyring.get_keyring()
    except KeyringError:
        return False
    # (the "fail" and "null" backends are keyring's way of saying there is none)
    return not isinstance(backend, (fail.Keyring, null.Keyring))


class CredentialStore:
    """Secrets of one kind (`service`), each under a name such as user@host."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._memory: dict[str, str] = {}

    def has_keyring(self) -> bool:
        return has_keyring()

    def get(self, name: str) -> str | None:
        if name in self._memory:
            return self._memory[name]
        if not self.has_keyring():
            return None
        try:
            return keyring.get_password(self.service, name)
        except KeyringError:
            return None

    def put(self, name: str, secret: str) -> bool:
        """Keep `secret`; True if it went to the credential store (it outlives this start),
        False if only memory has it."""
        if self.has_keyring():
            try:
                keyring.set_password(self.service, name, secret)
                self._memory.pop(name, None)
                return True
            except KeyringError:
                pass
        self._memory[name] = secret
        return False

    def forget(self, name: str) -> None:
        self._memory.pop(name, None)
        if self.has_keyring():
            try:
                keyring.delete_password(self.service, name)
            except KeyringError:
                pass
