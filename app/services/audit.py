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
    last = session.execute(select(AuditEntry.id, AuditEntry.hash)
                           .order_by(AuditEntry.id.desc()).limit(1)).first()
    prev = last.hash if last is not None else ""
    entry = AuditEntry(at=at, staff_id=staff_id, action=action, entity=entity,
                       entity_id=entity_id,
                       before=json.dumps(before, default=_plain, sort_keys=True) if before else "",
                       after=json.dumps(after, default=_plain, sort_keys=True) if after else "",
                       prev_hash=prev)
    entry.hash = _digest(prev, entry)
    session.add(entry)
    # What this transaction appended, after which entry: once it commits, this desk's anchor
    # moves to its newest (Database.write -> audit_anchor.after_write), never before, so a
    # rollback leaves no anchor naming an entry that was never kept.
    tail = session.info.get("audit_tail")
    if tail is None:
        session.info["audit_tail"] = {"after": (last.id if last is not None else None, prev),
                                      "appended": 1, "last": entry}
    else:
        tail["appended"] += 1
        tail["last"] = entry


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    first_broken_id: int | None
    # The last entry the walk reached (None when the trail is empty): where the trail ends,
    # for the anchors kept outside it (audit_anchor) to compare against.
    last_id: int | None = None
    last_hash: str = ""
    last_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(session: Session) -> ChainCheck:
    prev = ""
    count = 0
    last = None
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        count += 1
        if entry.prev_hash != prev or entry.hash != _digest(prev, entry):
            return ChainCheck(count, entry.id)
        prev, last = entry.hash, entry
    if last is None:
        return ChainCheck(0, None)
    return ChainCheck(count, None, last.id, last.hash, last.at)
