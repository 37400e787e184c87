"""The SMTP password (R46): in the desk's credential store, or only in memory for this start
(app/services/credentials.py); never in the clinic file, a backup, a CSV or the audit trail."""

from __future__ import annotations

from ..credentials import CredentialStore

SERVICE = "ClinicDesk SMTP"


class PasswordStore:
    def __init__(self) -> None:
        self._store = CredentialStore(SERVICE)

    @staticmethod
    def _name(user: str, host: str) -> str:
        return f"{user}@{host}"

    def has_keyring(self) -> bool:
        return self._store.has_keyring()

    def get(self, user: str, host: str) -> str | None:
        return self._store.get(self._name(user, host))

    def put(self, user: str, host: str, password: str) -> bool:
        """Keep `password`; True if it went to the credential store, False if only memory."""
        return self._store.put(self._name(user, host), password)

    def forget(self, user: str, host: str) -> None:
        self._store.forget(self._name(user, host))
