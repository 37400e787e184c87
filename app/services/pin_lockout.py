"""R50: wrong PINs in a row, the wait they start, and a manager's unlock.

Every place a PIN is typed (the sign-in, the idle lock, which is the sign-in again, and a
manager's approval or unlock) checks it through `check_pin`, inside one write transaction
that first locks the staff row (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
writes). The count read, the PIN checked and the count written are thus one step: two desks
guessing at once take turns, and between them get five guesses, not five each.

What can never be a PIN (empty: Enter pressed by mistake; under 4 characters) is refused
uncounted: it tells a guesser nothing. While a wait runs, a PIN is refused without being checked and nothing is counted or written:
guessing then neither tells right from wrong nor makes the wait longer (a receptionist
retyping at another desk is not punished twice). Each miss is an audit entry
(`staff.pin_miss`), a miss that starts a wait or the manager's lock another
(`staff.pin_lockout`); a manager's unlock is `staff.pin_unlock`. No entry holds what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..domain import pin_lockout as rule
from ..i18n import _, ngettext
from ..models import Staff
from .errors import ClinicError, NotAllowed


@dataclass(frozen=True)
class Lockout:
    """A staff member's wrong PINs in a row and what they mean now."""
    staff_id: int
    name: str
    misses: int
    seconds_left: int  # before a PIN is checked again; 0 when it is, or a manager must unlock
    needs_manager: bool

    @property
    def locked(self) -> bool:
        return self.needs_manager or self.seconds_left > 0


def wait_words(seconds: int) -> str:
    """A wait as the desk says it: "30 s", "2 min", "1 min 30 s"."""
    minutes, rest = divmod(max(0, int(seconds)), 60)
    if minutes and rest:
        return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=rest)
    if minutes:
        return _("{minutes} min").format(minutes=minutes)
    return _("{seconds} s").format(seconds=rest)


def countdown(seconds: int) -> str:
    """The wait left as a clock: 0:27, 1:30, 7:59."""
    minutes, rest = divmod(max(0, int(seconds)), 60)
    return f"{minutes}:{rest:02d}"


def lockout_of(row: Staff, now) -> Lockout:
    lock = rule.lock_at(row.pin_misses or 0, row.pin_locked_until, now)
    return Lockout(row.id, row.name, lock.misses, lock.seconds_left, lock.needs_manager)


def locked_words(lock: Lockout) -> str:
    """Why a PIN for `lock`'s staff member is refused now, unchecked."""
    misses = ngettext("{misses} wrong PIN", "{misses} wrong PINs", lock.misses).format(
        misses=lock.misses)
    if lock.needs_manager:
        return _("{name} is locked out after {misses} in a row: a manager must unlock them "
                 "with the manager's PIN.").format(name=lock.name, misses=misses)
    return _("{name} is locked out for {wait} after {misses} in a row. Try again then, or "
             "ask a manager to unlock them.").format(name=lock.name, misses=misses,
                                                     wait=wait_words(lock.seconds_left))


def staff_row_for_pin(s: Session, staff_id: int) -> Staff | None:
    """The staff row whose PIN is about to be checked, locked until commit on PostgreSQL
    (FOR NO KEY UPDATE, as app.services.locks takes staff rows, and before the audit chain
    as its order says), read only once the lock is held."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT id FROM staff WHERE id = :id FOR NO KEY UPDATE"),
                  {"id": staff_id})
    return s.get(Staff, staff_id, populate_existing=True)


def check_pin(service, s: Session, row: Staff, secret: object, *, where: str,
              wrong: str, matches) -> ClinicError | None:
    """None when `secret` is `row`'s PIN (its count then set back to nought); otherwise the
    refusal to raise once the transaction has committed what it wrote: `wrong`, and the
    wait or lock the miss started. `where` names the place for the audit trail ("sign_in",
    "approval", "unlock"); `matches(row, secret)` is the argon2 check."""
    now = service._now()
    lock = lockout_of(row, now)
    if lock.locked:
        return NotAllowed(locked_words(lock))  # unchecked, uncounted, unwritten
    if not isinstance(secret, str) or not 4 <= len(secret) <= 128:
        return NotAllowed(wrong)  # never anyone's PIN (auth.check_secret): a slip, uncounted
    if matches(row, secret):
        if row.pin_misses:
            row.pin_misses, row.pin_locked_until = 0, None
        if row.pin_length is None and isinstance(secret, str):
            row.pin_length = len(secret)  # known now, for the manager length rule
        return None
    misses = (row.pin_misses or 0) + 1
    row.pin_misses = misses
    row.pin_locked_until = rule.locked_until(misses, now)
    service._audit(s, "staff.pin_miss", "staff", row.id, None,
                   {"misses": misses, "where": where})
    started = lockout_of(row, now)
    if not started.locked:
        return NotAllowed(wrong)
    service._audit(s, "staff.pin_lockout", "staff", row.id, None,
                   {"misses": misses, "locked_until": row.pin_locked_until,
                    "manager_must_unlock": started.needs_manager})
    return NotAllowed(f"{wrong} {locked_words(started)}")


class PinLockouts:
    """What AuthService adds for R50 (mixed in; it uses the service's clock and audit)."""

    def lockout(self, staff_id: int) -> Lockout:
        """Where `staff_id` stands now, for the sign-in to show before anything is typed."""
        from .auth import _staff_id
        from . import validation as v

        _staff_id(staff_id)
        with self._db.read() as s:
            return lockout_of(v.get(s, Staff, staff_id, "staff member"), self._now())

    def lockouts(self) -> list[Lockout]:
        """Everyone who cannot type a PIN now (waiting, or until a manager unlocks them)."""
        now = self._now()
        with self._db.read() as s:
            rows = s.scalars(select(Staff).where(Staff.pin_misses > rule.FREE_MISSES)
                             .order_by(Staff.name))
            return [lock for lock in (lockout_of(r, now) for r in rows) if lock.locked]

    def unlock(self, staff_id: int, *, manager_id: int | None = None,
               manager_pin: str | None = None) -> Lockout:
        """A manager ends `staff_id`'s wait or lock with their own PIN, checked (and counted
        against the manager) as at sign-in. `manager_id`: the manager typing it, by default
        whoever is signed in. The PIN is asked even of a signed-in manager: at the sign-in
        screen no one is signed in, and the desk must not be the one to vouch."""
        from .auth import _is_manager, _is_staff_id, _pin_matches, _staff_id
        from . import validation as v

        _staff_id(staff_id)
        manager_id = self._clinic.current_staff_id if manager_id is None else manager_id
        refusal = None
        with self._db.write() as s:
            manager = staff_row_for_pin(s, manager_id) if _is_staff_id(manager_id) else None
            if not _is_manager(manager):
                raise NotAllowed(_("Choose the manager who unlocks, and have them type "
                                   "their PIN."))
            row = v.get(s, Staff, staff_id, "staff member")
            if row.id == manager.id:
                raise NotAllowed(_("{name} cannot unlock themselves: another manager must "
                                   "type their PIN.").format(name=row.name))
            before = lockout_of(row, self._now())
            if not before.locked:
                raise NotAllowed(_("{name} is not locked out: they can sign in with their "
                                   "PIN.").format(name=row.name))
            refusal = check_pin(self, s, manager, manager_pin, where="unlock",
                                matches=_pin_matches,
                                wrong=_("Wrong PIN for {name}: {staff} is still locked "
                                        "out.").format(name=manager.name, staff=row.name))
            if refusal is None:
                row.pin_misses, row.pin_locked_until = 0, None
                self._audit(s, "staff.pin_unlock", "staff", row.id,
                            {"misses": before.misses},
                            {"misses": 0, "unlocked_by": {"staff_id": manager.id,
                                                          "name": manager.name}})
                unlocked = lockout_of(row, self._now())
        if refusal is not None:
            raise refusal  # (the manager's miss is committed: it counts)
        return unlocked
