"""Reminders (R47) over plain values: the patient's consent, when each reminder is due, and
the key that lets each one be queued only once.

The key goes in `outbox_messages.reminder_key`, which is UNIQUE: whichever desk writes a
reminder second cannot, so two desks running the reminders at once never queue one twice.
An expiry's key holds the expiry date and an appointment's its start, because a moved
expiry or a moved visit is news the patient has not been told yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

EXPIRY = "expiry"
LAST_USE = "last_use"
APPOINTMENT = "appointment"
KINDS = (EXPIRY, LAST_USE, APPOINTMENT)

# A use that left one is told about if it was given in the last week: the desk may not run
# every day (a clinic closed on the weekend), and an older one is no longer news.
LAST_USE_LOOKBACK = timedelta(days=7)


class NoEmail(ValueError):
    """Reminders were turned on for a patient who has no email address."""


def consent(ticked: bool, email: str | None, was_on: bool, since: date | None,
            today: date) -> tuple[bool, date | None]:
    """The patient's reminder consent after the box is (un)ticked: (on, the day it was given).

    Ticking keeps the day it was first given while it stays on; unticking clears both; an
    address removed takes consent with it, since it was consent to write to that address."""
    if ticked and not email:
        raise NoEmail()
    if not ticked or not email:
        return False, None
    return True, (since if was_on and since is not None else today)


def expiry_key(package_id: int, expires_on: date) -> str:
    return f"{EXPIRY}:{package_id}:{expires_on.isoformat()}"


def last_use_key(package_id: int) -> str:
    return f"{LAST_USE}:{package_id}"


def appointment_key(appointment_id: int, start: datetime) -> str:
    return f"{APPOINTMENT}:{appointment_id}:{start.isoformat(timespec='minutes')}"


def expiry_window(today: date, days_before: int) -> tuple[date, date]:
    """The expiry dates a reminder is due for today: from today (valid to the end of its
    day, R13) to `days_before` days ahead. A day the desk did not run is caught up: the
    letter names the date, so it is true whenever it goes."""
    return today, today + timedelta(days=days_before)


def expiry_due(expires_on: date | None, uses_left: int, today: date, days_before: int) -> bool:
    if expires_on is None or uses_left <= 0:
        return False
    first, last = expiry_window(today, days_before)
    return first <= expires_on <= last


def last_use_due(uses_total: int, redeemed: int) -> bool:
    """One use left, after a use: a package sold with one use is not "down to one"."""
    return uses_total > 1 and uses_total - redeemed == 1


def tomorrow_span(today: date) -> tuple[datetime, datetime]:
    """The visits a reminder goes out for today: those starting tomorrow."""
    start = datetime.combine(today + timedelta(days=1), datetime.min.time())
    return start, start + timedelta(days=1)


@dataclass(frozen=True)
class AsItStands:
    """What a queued reminder is about, read when the sender comes to it."""
    agreed: bool  # the patient still agrees to reminders, at an address
    live: bool  # the visit is still booked; the package still active
    when: date | datetime | None  # the visit's start; the package's expiry
    uses_left: int = 0


def parse_key(key: str) -> tuple[str, int, str]:
    """A reminder key's kind, the id of what it is about, and what it told (a start or an
    expiry date; "" for a last use)."""
    kind, row_id, told = (key.split(":", 2) + [""])[:3]
    return kind, int(row_id), told


def why_not_true(key: str, facts: AsItStands | None, now: datetime) -> str | None:
    """Why a reminder queued earlier no longer tells the truth (one of WITHDRAWN's keys), or
    None when it still does. The letter was written when it was queued, so one that no
    longer does is withdrawn, not sent."""
    kind, _, told = parse_key(key)
    if facts is None:
        return "gone"
    if not facts.agreed:
        return "no_consent"
    if kind == APPOINTMENT:
        if not facts.live:
            return "visit_ended"
        if not isinstance(facts.when, datetime) or facts.when <= now:
            return "visit_past"
        return None if told == facts.when.isoformat(timespec="minutes") else "visit_moved"
    if not facts.live:
        return "package_ended"
    if kind == EXPIRY:
        if facts.when is None or told != facts.when.isoformat():
            return "expiry_moved"
        if facts.when < now.date():
            return "expired"
        return None if facts.uses_left > 0 else "no_uses_left"
    if kind == LAST_USE and facts.uses_left != 1:
        return "not_one_left"
    return None


def still_true(key: str, facts: AsItStands | None, now: datetime) -> bool:
    return why_not_true(key, facts, now) is None
