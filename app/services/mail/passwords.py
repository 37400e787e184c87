"""The SMTP password (R46): in the operating system's credential store, or only in memory.

`keyring` reaches Windows Credential Manager, macOS Keychain and the Secret Service on Linux.
Where none is available (a Linux desk without a keyring daemon), the password typed at this
start is kept in this process only and asked again at the next: it is never written to the
clinic file, a backup, a CSV, QSettings or the audit trail.
"""

from __future__ import annotations

import keyring
from keyring.backends import fail
from keyring.errors import KeyringError

SERVICE = "ClinicDesk SMTP"


class PasswordStore:
    def __init__(self) -> None:
        self._memory: dict[str, str] = {}

    @staticmethod
    def _name(user: str, host: str) -> str:
        return f"{user}@{host}"

    def has_keyring(self) -> bool:
        """Whether this desk has a credential store to keep the password in."""
        try:
            backend = keyring.get_keyring()
        except KeyringError:
            return False
        return not isinstance(backend, fail.Keyring) and backend.priority > 0

    def get(self, user: str, host: str) -> str | None:
        name = self._name(user, host)
        if name in self._memory:
            return self._memory[name]
        if not self.has_keyring():
            return None
        try:
            return keyring.get_password(SERVICE, name)
        except KeyringError:
            return None

    def put(self, user: str, host: str, password: str) -> bool:
        """Keep `password`; True if it went to the credential store (it outlives this start),
        False if only memory has it."""
        name = self._name(user, host)
        if self.has_keyring():
            try:
                keyring.set_password(SERVICE, name, password)
                self._memory.pop(name, None)
                return True
            except KeyringError:
                pass
        self._memory[name] = password
        return False

    def forget(self, user: str, host: str) -> None:
        name = self._name(user, host)
        self._memory.pop(name, None)
        if self.has_keyring():
            try:
                keyring.delete_password(SERVICE, name)
            except KeyringError:
                pass
