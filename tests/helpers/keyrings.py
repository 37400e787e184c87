"""A credential store of the test's own: a real keyring backend, its secrets in a dict.

The desks here have no Secret Service, which CI cannot run either, and a test must never
touch the tester's own store. Below zero, so keyring never picks it by itself: only a
fixture puts it in place (keyring.set_keyring)."""

from __future__ import annotations

import keyring.backend


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = -1

    def __init__(self):
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)
