"""Closing the desk's day (R32): the counted cash against the expected, who and when, and the
day's figures kept as they were; a manager can reopen a close (audited, never deleted, R29).

BillingService inherits this (`clinic.billing.close_day`, `reopen_day`, `day_closes`,
`can_close_day`, `can_reopen_day`, `day_close_of`). A day has at most one open close: the
partial unique index ix_day_closes_open (migration 0007) decides, on SQLite and on
PostgreSQL, when two desks close the same day at once; the loser is told who closed it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain.day_close import over_short
from ..i18n import N_, _
from ..models import DayClose as DayCloseRow
from ..models import Staff
from . import day_figures
from . import validation as v
from .base import Service
from .errors import NotAllowed, ValidationError
from .money import cents as money_cents
from .validity import show_time

#: The manager-only action, in auth.MANAGER_ACTIONS' words.
REOPEN = N_("reopen a closed day")


@dataclass(frozen=True)
class DayClose:
    """One close of a day, as the desk reads it (R32)."""

    id: int
    on: date
    expected_cash: int
    counted_cash: int
    over_short: int  # counted - expected: positive is over, negative short
    figures: dict  # the day's figures as they were at the close (day_figures.figures)
    note: str
    closed_at: datetime
    closed_by: int | None
    closed_by_name: str
    reopened_at: datetime | None = None
    reopened_by: int | None = None
    reopened_by_name: str = ""
    reopen_reason: str = ""

    @property
    def is_open(self) -> bool:
        """Still in force: not reopened."""
        return self.reopened_at is None


def view_of(s, row: DayCloseRow) -> DayClose:
    def name(staff_id):
        staff = s.get(Staff, staff_id) if staff_id is not None else None
        return staff.name if staff is not None else ""

    return DayClose(row.id, row.on, row.expected_cash, row.counted_cash, row.over_short,
                    json.loads(row.figures or "{}"), row.note, row.closed_at, row.closed_by,
                    name(row.closed_by), row.reopened_at, row.reopened_by,
                    name(row.reopened_by), row.reopen_reason)


def open_close(s, on: date) -> DayCloseRow | None:
    """The close of `on` in force, if the day is closed."""
    return s.scalar(select(DayCloseRow).where(DayCloseRow.on == on,
                                              DayCloseRow.reopened_at.is_(None)))


class DayCloseDesk(Service):
    """The day close half of clinic.billing."""

    def _close_date(self, on) -> date:
        return v.a_date(on, "on", label=_("day to close"))

    def _closed_by_words(self, close: DayClose) -> str:
        return _("{day} was already closed by {name} at {time}.").format(
            day=v.message_date(close.on), name=close.closed_by_name or _("the system"),
            time=self._clock_time(close.closed_at))

    def _clock_time(self, moment: datetime) -> str:
        return show_time(moment, self._clinic.money_context()["locale"])

    def _future(self, on: date) -> str | None:
        if on > self._today():
            return _("{day} is in the future; a day can be closed on that day or later.")\
                .format(day=v.message_date(on))
        return None

    def _why_not_close(self, s, on: date) -> str | None:
        if refusal := self._future(on):
            return refusal
        existing = open_close(s, on)
        if existing is not None:
            return self._closed_by_words(view_of(s, existing))
        return None

    def can_close_day(self, on) -> str | None:
        """Why `on` cannot be closed now, or None when it can (the Close button's answer)."""
        on = self._close_date(on)
        with self._db.read() as s:
            return self._why_not_close(s, on)

    def close_day(self, on, counted_cash, *, note: str = "") -> DayClose:
        """Close `on`: keep its figures as they are now, with the cash counted in the drawer
        and the over/short against the expected cash (R32). Refused, with nothing written,
        for a day in the future or already closed."""
        on = self._close_date(on)
        counted = money_cents(counted_cash, field="counted_cash", label=_("counted cash"),
                              **self._clinic.money_context())
        note = v.text(note, "note", max_len=500, required=False)
        if refusal := self._future(on):
            raise ValidationError("on", refusal)
        try:
            with self._db.write() as s:
                if refusal := self._why_not_close(s, on):
                    raise NotAllowed(refusal)
                figures = day_figures.figures(s, on)
                expected = figures["expected_cash"]
                difference = over_short(counted, expected)
                row = DayCloseRow(on=on, expected_cash=expected, counted_cash=counted,
                                  over_short=difference,
                                  figures=json.dumps(figures, sort_keys=True), note=note,
                                  closed_at=self._now(), closed_by=self._actor,
                                  reopen_reason="")
                s.add(row)
                s.flush()  # the partial unique index refuses a second open close here
                self._audit(s, "day.close", "day_close", row.id, None,
                            {"on": on.isoformat(), "expected_cash": expected,
                             "counted_cash": counted, "over_short": difference})
                return view_of(s, row)
        except IntegrityError:
            # Another desk closed the day between our look and our write: tell who did.
            with self._db.read() as s:
                existing = open_close(s, on)
                if existing is None:
                    raise
                raise NotAllowed(_("{day} was closed by {name} at {time} on another desk; "
                                   "nothing was recorded here.").format(
                    day=v.message_date(on), name=view_of(s, existing).closed_by_name
                    or _("the system"), time=self._clock_time(existing.closed_at))) from None

    def _why_not_reopen(self, s, on: date) -> str | None:
        if open_close(s, on) is None:
            return _("{day} is not closed, so there is nothing to reopen.").format(
                day=v.message_date(on))
        return None

    def can_reopen_day(self, on) -> str | None:
        """Why `on` cannot be reopened, or None when it can. A front desk may still be
        offered it: the dialog asks a manager's PIN first (auth.needs_approval)."""
        on = self._close_date(on)
        with self._db.read() as s:
            return self._why_not_reopen(s, on)

    def reopen_day(self, on, reason: str = "") -> DayClose:
        """Reopen the close of `on` (manager only, audited). The close stays, marked reopened
        with who, when and why (R29); the day can then be closed again."""
        self._clinic.auth.require_manager(REOPEN)
        on = self._close_date(on)
        reason = v.text(reason, "reason", label=_("reason for reopening"), max_len=500,
                        required=False)
        with self._db.write() as s:
            if refusal := self._why_not_reopen(s, on):
                raise NotAllowed(refusal)
            row = open_close(s, on)
            row.reopened_at = self._now()
            row.reopened_by = self._actor
            row.reopen_reason = reason
            s.flush()
            self._audit(s, "day.reopen", "day_close", row.id, {"status": "closed"},
                        {"status": "reopened", "on": on.isoformat(), "reason": reason})
            return view_of(s, row)

    def day_close_of(self, on) -> DayClose | None:
        """The close of `on` in force, or None when the day is open."""
        on = self._close_date(on)
        with self._db.read() as s:
            row = open_close(s, on)
            return view_of(s, row) if row is not None else None

    def day_closes(self, start=None, end=None) -> list[DayClose]:
        """Every close (reopened ones too), newest day first, optionally of `start`..`end`."""
        query = select(DayCloseRow)
        if start is not None:
            query = query.where(DayCloseRow.on >= v.a_date(start, "start",
                                                           label=_("start date")))
        if end is not None:
            query = query.where(DayCloseRow.on <= v.a_date(end, "end", label=_("end date")))
        with self._db.read() as s:
            rows = s.scalars(query.order_by(DayCloseRow.on.desc(),
                                            DayCloseRow.closed_at.desc(),
                                            DayCloseRow.id.desc())).all()
            return [view_of(s, row) for row in rows]
