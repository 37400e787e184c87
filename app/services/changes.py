"""Has another desk changed anything? A cheap marker for views to poll.

Every change writes one audit entry (R29), and audit entries are appended in order (on
PostgreSQL one desk at a time, app.services.locks.audit_chain), so the newest entry's id
moves whenever anything changed anywhere:

    changed, token = clinic.changes_since(None)      # first look: changed, and the token
    ...
    changed, token = clinic.changes_since(token)     # later: refresh the view if changed

One primary-key lookup (max(id)) per call, on SQLite and PostgreSQL alike: cheap enough for
a timer every second or two on the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ..models import AuditEntry

if TYPE_CHECKING:
    from .clinic import Clinic


class ChangeMarker:
    def __init__(self, clinic: Clinic):
        self._clinic = clinic

    def token(self) -> int:
        """The marker now: the newest audit entry's id (0 while there is none)."""
        with self._clinic.db.read() as s:
            return s.scalar(select(func.max(AuditEntry.id))) or 0

    def changes_since(self, token: int | None) -> tuple[bool, int]:
        """(changed, new token). `None` (never looked) counts as changed. Any difference
        counts, not only growth: a restored backup can bring the marker back down."""
        now = self.token()
        return token is None or now != token, now
