"""`clinic.mail` (R46, R47): the outbox as the desk sees it and acts on it."""

from __future__ import annotations

from ..base import Service
from .account import SmtpAccount, account_of
from .outbox import MessageRow, newest_first
from .passwords import PasswordStore
from .reminders import ReminderCalls


class MailService(ReminderCalls, Service):
    def __init__(self, clinic) -> None:
        super().__init__(clinic)
        self.passwords = PasswordStore()  # this desk's, for this start

    def account(self) -> SmtpAccount:
        return account_of(self._clinic.settings.get())

    def outbox(self, *, limit: int | None = None,
               patient_id: int | None = None) -> list[MessageRow]:
        """Every message, newest first (R46: queued, sent or failed with the reason)."""
        with self._db.read() as s:
            return newest_first(s, limit=limit, patient_id=patient_id)
