"""Delivering the outbox (R46): one message at a time, claimed by the database first.

Never twice: a desk claims a due row (state "sending", claimed_by, claimed_until) in a
transaction of its own and commits BEFORE it talks to the server, so no other desk can take
it: PostgreSQL picks it with FOR UPDATE SKIP LOCKED (a second desk skips the row the first is
claiming and takes the next), SQLite's write lock (BEGIN IMMEDIATE) lets one desk claim at a
time. After the server answers, the row is marked sent, or queued again for later, or failed.

A row still "sending" after its lease belonged to a desk that stopped between handing it to
the server and marking it: the server may have it, so it is never sent again by itself; it
is marked failed saying so, and a person decides (Resend). One Message-ID per message lets a
mail client drop a copy it already has, if Retry sends it again.
"""

from __future__ import annotations

import os
import signal
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update

from ...i18n import _
from ...models import OutboxMessage as M
from .transport import MailError

# Longer than any one send can take (30 s a step, a few steps, a large PDF on a slow line),
# so a desk that is merely slow is never overtaken; short enough to be told the same morning.
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 10        # about 6 hours of growing delays, then a person looks at it
LONGEST_WAIT = timedelta(hours=1)
# Only the crash test sets it: the process dies right after the server took the message and
# before the outbox says so, as a desk losing power would.
KILL_AFTER_SEND = "CLINICDESK_TEST_KILL_AFTER_SEND"


@dataclass(frozen=True)
class Claimed:
    id: int
    to_address: str
    raw: bytes
    attempts: int
    reminder_key: str | None = None


def desk_name() -> str:
    """Who claims: this computer and process, and a fresh part per delivery, so a desk
    never mistakes an older claim of its own for this one."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def wait_after(attempts: int) -> timedelta:
    """1, 2, 4, 8… minutes after the 1st, 2nd, 3rd… failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 10)), LONGEST_WAIT)


def may_have_arrived() -> str:
    return _("The desk stopped while sending this; it may have arrived. Resend if the "
             "patient did not get it.")


def anything_due(s, now: datetime) -> bool:
    """A read first: the worker asks every minute or so, and on SQLite a write would take
    the clinic's write lock from every other desk each time, for nothing."""
    due = or_(and_(M.state == "queued", M.next_attempt_at <= now),
              and_(M.state == "sending", M.claimed_until < now))
    return s.scalar(select(exists().where(due)))


def give_up_stopped(s, now: datetime) -> list[int]:
    """Rows whose sending desk stopped (lease over): failed, never sent again by itself.
    claimed_by is kept, so that desk, if it was only slow, can still mark it sent."""
    stopped = s.execute(update(M).where(M.state == "sending", M.claimed_until < now)
                        .values(state="failed", last_error=may_have_arrived(),
                                claimed_until=None)
                        .returning(M.id).execution_options(synchronize_session=False)
                        ).scalars().all()
    return sorted(stopped)


def claim_next(s, me: str, now: datetime) -> Claimed | None:
    """Take the next due message for this desk (committed by the caller before sending)."""
    due = (select(M.id).where(M.state == "queued", M.next_attempt_at <= now)
           .order_by(M.next_attempt_at, M.id).limit(1))
    if s.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    row = s.execute(update(M).where(M.id == due.scalar_subquery())
                    .values(state="sending", claimed_by=me, claimed_until=now + LEASE)
                    .returning(M.id, M.to_address, M.raw, M.attempts, M.reminder_key)
                    .execution_options(synchronize_session=False)).first()
    return Claimed(*row) if row is not None else None


def withdraw(s, claimed: Claimed, me: str, why: str) -> None:
    """A reminder no longer true (R47): never sent, kept with why (R29)."""
    s.execute(update(M).where(M.id == claimed.id, M.claimed_by == me)
              .values(state="withdrawn", claimed_until=None, last_error=why)
              .execution_options(synchronize_session=False))


def after_send() -> None:
    if os.environ.get(KILL_AFTER_SEND):
        os.kill(os.getpid(), signal.SIGKILL)


def mark_sent(s, claimed: Claimed, me: str, now: datetime) -> bool:
    """Sent. Matched by this desk's claim: a row another desk gave up on meanwhile is
    corrected (it did arrive)."""
    done = s.execute(update(M).where(M.id == claimed.id, M.claimed_by == me)
                     .values(state="sent", sent_at=now, attempts=claimed.attempts + 1,
                             claimed_until=None, last_error="")
                     .returning(M.id).execution_options(synchronize_session=False)).first()
    return done is not None


def mark_unsent(s, claimed: Claimed, me: str, now: datetime, error: MailError) -> str | None:
    """The server did not take it: queued again after a longer wait, or failed (refused, or
    tried enough). Returns the new state (None if the claim was no longer this desk's)."""
    attempts = claimed.attempts + 1
    words = (error.server_says or str(error))[:2000]
    again = error.retry and attempts < MAX_ATTEMPTS
    state = "queued" if again else "failed"
    values = {"state": state, "attempts": attempts, "last_error": words,
              "claimed_until": None}
    if again:
        values["next_attempt_at"] = now + wait_after(attempts)
    done = s.execute(update(M).where(M.id == claimed.id, M.claimed_by == me)
                     .values(**values).returning(M.id)
                     .execution_options(synchronize_session=False)).first()
    return state if done is not None else None
