"""At start, the password of the clinic's PostgreSQL server when this desk does not have it:
a desk with no credential store, or a password changed on the server (issue 23)."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit

from app.i18n import _
from app.services import server_password
from app.services.transfer import hidden


def asks_for_password(error: BaseException) -> bool:
    """Whether the server's refusal was about the password (libpq's words)."""
    detail = str(getattr(error, "orig", None) or error).lower()
    return "password" in detail and ("authentication" in detail or "supplied" in detail)


def ask(url: str) -> str | None:
    """The address with the password typed, kept in memory for this start (or in the store,
    where there is one); None if the desk cancelled."""
    bare = server_password.without_password(url)
    password, ok = QInputDialog.getText(
        None, _("Clinic Server Password"),
        _("The clinic server {server} asks for the password of this desk's user.\n\n"
          "Password:").format(server=hidden(bare)), QLineEdit.EchoMode.Password)
    if not ok or not password:
        return None
    full = server_password.with_password(bare, password)
    if server_password.has_store():
        server_password.keep(full)
    else:
        server_password.remember_for_now(bare, password)
    return full
