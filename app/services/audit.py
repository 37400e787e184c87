"""Writing and checking the hash-chained audit trail (R29)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEntry
from . import locks


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(row, *fields: str) -> dict:
    """The named columns of a model row (all columns when none named), JSON-ready."""
    names = fields or tuple(c.key for c in row.__table__.columns)
    return {name: _plain(getattr(row, name)) for name in names}


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    payload = json.dumps([prev_hash, entry.at.isoformat(), entry.staff_id, entry.action,
                          entry.entity, entry.entity_id, entry.before, entry.after],
                         separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def record(session: Session, *, at: datetime, staff_id: int | None, action: str, entity: str,
           entity_id: int | None, before: dict | None = None, after: dict | None = None) -> None:
    """Append one entry in the caller's transaction, chained to the previous one."""
    session.flush()
    locks.audit_chain(session)  # several desks on PostgreSQL: one appends at a time
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or ""
    entry = AuditEntry(at=at, staff_id=staff_id, action=action, entity=entity,
                       entity_id=entity_id,
                       before=json.dumps(before, default=_plain, sort_keys=True) if before else "",
                       after=json.dumps(after, default=_plain, sort_keys=True) if after else "",
                       prev_hash=prev)
    entry.hash = _digest(prev, entry)
    session.add(entry)


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    first_broken_id: int | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(session: Session) -> ChainCheck:
    prev = ""
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        count += 1
        if entry.prev_hash != prev or entry.hash != _digest(prev, entry):
            return ChainCheck(count, entry.id)
        prev = entry.hash
    return ChainCheck(count, None)
