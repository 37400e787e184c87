"""The PostgreSQL password of a desk pointed at a clinic server (issue 23): kept in the
operating system's credential store under the server's address, never in QSettings or a file.

The desk's settings keep the address without the password; at start the password is put
back from the store. A desk with no store asks for it once per start (app/ui).
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .credentials import CredentialStore

SERVICE = "ClinicDesk PostgreSQL"
_store = CredentialStore(SERVICE)


def without_password(url: str) -> str:
    """The address as the desk's settings keep it."""
    # (URL.set treats None as "leave it"; URL is a named tuple)
    return make_url(url)._replace(password=None).render_as_string(hide_password=False)


def password_in(url: str) -> str:
    try:
        return make_url(url).password or ""
    except (ArgumentError, ValueError):
        return ""


def with_password(url: str, password: str | None) -> str:
    if not password:
        return url
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def keep(url: str) -> tuple[str, bool]:
    """Put the password of `url` in the store; returns (the address to save, whether it
    outlives this start)."""
    bare = without_password(url)
    password = password_in(url)
    if not password:
        _store.forget(bare)
        return bare, True
    return bare, _store.put(bare, password)


def filled(bare: str) -> str:
    """A saved address with its password from the store, when the store has one."""
    return with_password(bare, _store.get(bare))


def remember_for_now(bare: str, password: str) -> None:
    """The password typed at start on a desk without a store: this process only."""
    _store._memory[bare] = password  # (CredentialStore.put would try the store again)


def has_store() -> bool:
    return _store.has_keyring()
