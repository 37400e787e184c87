"""R50: how long a staff member waits after wrong PINs in a row, as pure arithmetic.

Four misses cost nothing (fingers slip). The fifth starts a wait of 30 seconds, and each
further miss doubles it: 1 min after the sixth, 2 min after the seventh, up to 8 min after
the ninth. The tenth locks the staff member until a manager unlocks them, whatever the time.
A right PIN (or a manager's unlock) sets the count back to nought.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_MISSES = 4  # misses before the fifth, which is the first that makes anyone wait
FIRST_WAIT = timedelta(seconds=30)
MANAGER_UNLOCKS_AT = 10


def wait_after(misses: int) -> timedelta | None:
    """The wait the `misses`-th wrong PIN in a row starts; None when it starts none (fewer
    than five) or when only a manager can end it (ten or more)."""
    if misses <= FREE_MISSES or misses >= MANAGER_UNLOCKS_AT:
        return None
    return FIRST_WAIT * 2 ** (misses - FREE_MISSES - 1)


def needs_manager(misses: int) -> bool:
    return misses >= MANAGER_UNLOCKS_AT


def locked_until(misses: int, now: datetime) -> datetime | None:
    """What the staff row keeps after the `misses`-th miss, made at `now`."""
    wait = wait_after(misses)
    return None if wait is None else now + wait


@dataclass(frozen=True)
class Lock:
    """Where a staff member stands: `misses` in a row, and how long until they may try."""
    misses: int
    seconds_left: int  # 0 when they may type a PIN now (or only a manager can unlock)
    needs_manager: bool

    @property
    def locked(self) -> bool:
        """Whether a PIN typed now is refused without being checked."""
        return self.needs_manager or self.seconds_left > 0


def lock_at(misses: int, until: datetime | None, now: datetime) -> Lock:
    """The lock as of `now`. The wait left is never more than the miss started: a desk
    whose clock was set back an hour must not keep someone out for an hour."""
    if needs_manager(misses):
        return Lock(misses, 0, True)
    wait = wait_after(misses)
    if until is None or wait is None or until <= now:
        return Lock(misses, 0, False)
    left = min(until - now, wait)
    # Rounded up: "0:00" is never shown while the PIN is still refused.
    seconds = int(left.total_seconds()) + (1 if left.total_seconds() % 1 else 0)
    return Lock(misses, seconds, False)
