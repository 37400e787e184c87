"""What every service area shares: the clinic's database, clock and signed-in staff member."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from . import audit

if TYPE_CHECKING:
    from .clinic import Clinic


class Service:
    def __init__(self, clinic: Clinic):
        self._clinic = clinic

    @property
    def _db(self):
        return self._clinic.db

    def _now(self) -> datetime:
        return self._clinic.now()

    def _today(self) -> date:
        return self._clinic.now().date()

    @property
    def _actor(self) -> int | None:
        return self._clinic.current_staff_id

    def _audit(self, session: Session, action: str, entity: str, entity_id: int | None,
               before: dict | None = None, after: dict | None = None) -> None:
        auth = getattr(self._clinic, "auth", None)  # (made after the other services)
        approval = auth.approval_in_force() if auth is not None else None
        if approval is not None:
            # Inside `after`, which the hash chain covers: no new column, no migration.
            after = {**(after or {}), "approved_by": {"staff_id": approval.manager_id,
                                                      "name": approval.manager_name}}
        audit.record(session, at=self._now(), staff_id=self._actor, action=action,
                     entity=entity, entity_id=entity_id, before=before, after=after)


def lighten(session: Session, index: int) -> None:
    """Every flush looks at every object the session holds: when many rows are written in
    one transaction (an import), the written ones are let go now and then, or 50,000
    patients take minutes instead of seconds."""
    if index % 500 == 499:
        session.flush()
        session.expunge_all()
