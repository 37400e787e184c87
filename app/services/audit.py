"""Writing and checking the hash-chained audit trail (R29)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import bindparam, event, func, insert, select
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


@dataclass
class _Entry:
    """An entry noted in a transaction, chained and written as it commits."""
    at: datetime
    staff_id: int | None
    action: str
    entity: str
    entity_id: int | None
    before: str
    after: str
    savepoint: object  # the savepoint it was noted in (None: the transaction itself)


class Written(NamedTuple):
    id: int
    hash: str
    at: datetime


_NOTED = "audit.noted"  # session.info: the transaction's entries, in order
# Built once: every write runs both, and building a statement costs as much as running it.
_LAST = select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
# The same, with how far the trail has gone since this desk's anchor (audit_anchor): the
# entry it names as the trail has it now, and how many came after it. Asked in the one
# statement the chain needs anyway, so a desk whose writes others' come between (every
# desk on a busy server) pays no query of its own to move its anchor (issue 22).
_since = AuditEntry.__table__.alias("since")
_LAST_SINCE = select(
    AuditEntry.id, AuditEntry.hash,
    select(_since.c.hash).where(_since.c.id == bindparam("anchored"))
    .scalar_subquery().label("anchored_hash"),
    select(func.count()).select_from(_since).where(_since.c.id > bindparam("anchored"))
    .scalar_subquery().label("since"),
).order_by(AuditEntry.id.desc()).limit(1)
ANCHORED = "audit.anchored"  # session.info: () -> this desk's anchored (id, hash), or None
_INSERT = insert(AuditEntry.__table__).returning(AuditEntry.__table__.c.id,
                                                 sort_by_parameter_order=True)


def record(session: Session, *, at: datetime, staff_id: int | None, action: str, entity: str,
           entity_id: int | None, before: dict | None = None, after: dict | None = None) -> None:
    """Append one entry to the caller's transaction's part of the chain.

    Its before and after are taken now; the entry is chained and written as the transaction
    commits (`_append`), all of the transaction's entries in one statement. On a server the
    chain is one desk's at a time (locks.audit_chain, to commit), and taken only then, the
    last of a write's locks, so a write holds it for its commit alone (issue 22)."""
    session.info.setdefault(_NOTED, []).append(_Entry(
        at, staff_id, action, entity, entity_id,
        json.dumps(before, default=_plain, sort_keys=True) if before else "",
        json.dumps(after, default=_plain, sort_keys=True) if after else "",
        session.get_nested_transaction()))


@event.listens_for(Session, "before_commit")
def _append(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint's release: its entries go with the transaction's, at its commit
    noted = session.info.pop(_NOTED, None)
    if not noted:
        return
    session.flush()  # (what the entries describe goes first: the chain is taken last)
    locks.audit_chain(session)
    # On the session's Connection, past the ORM: these are plain columns, and going through
    # Session.execute cost a write a third of a millisecond of its ~4 (issue 22).
    conn = session.connection()
    anchored = session.info.get(ANCHORED)
    anchored = anchored() if anchored is not None else None
    since = None
    if anchored is None:
        last = conn.execute(_LAST).first()
    else:
        last = conn.execute(_LAST_SINCE, {"anchored": anchored[0]}).first()
        if last is not None:
            since = (anchored[0], last.anchored_hash, last.since)
    prev = last.hash if last is not None else ""
    rows = []
    for entry in noted:
        digest = _digest(prev, entry)
        rows.append({"at": entry.at, "staff_id": entry.staff_id, "action": entry.action,
                     "entity": entry.entity, "entity_id": entry.entity_id,
                     "before": entry.before, "after": entry.after, "prev_hash": prev,
                     "hash": digest})
        prev = digest
    if len(rows) == 1:  # (a list, even of one, takes the slower executemany way)
        ids = [conn.execute(_INSERT, rows[0]).scalar_one()]
    else:
        ids = conn.execute(_INSERT, rows).scalars().all()
    # What this transaction appended, after which entry: once it commits, this desk's anchor
    # moves to its newest (Database.write -> audit_anchor), never before, so a rollback
    # leaves no anchor naming an entry that was never kept.
    session.info["audit_tail"] = {
        "after": (last.id if last is not None else None, last.hash if last else ""),
        "appended": len(rows), "last": Written(ids[-1], prev, noted[-1].at),
        "since": since}


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    """A savepoint rolled back takes the entries noted inside it along; the whole
    transaction, all of them."""
    noted = session.info.get(_NOTED)
    if not noted:
        return
    if not previous_transaction.nested:
        session.info.pop(_NOTED, None)
        return
    session.info[_NOTED] = [e for e in noted if not _inside(e.savepoint, previous_transaction)]


def _inside(savepoint, gone) -> bool:
    while savepoint is not None:
        if savepoint is gone:
            return True
        savepoint = savepoint.parent
    return False


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
