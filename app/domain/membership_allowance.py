"""A membership's allowance per period (R43): the plan's uses per period, plus what earlier
periods left unused, up to the plan's roll-over cap; or no limit at all.

Pure: the service counts the uses (arrived, covered no-shows and booked visits alike, as a
package's booked visits hold its uses, R11) of each of the membership's periods, oldest first,
and asks here.

Why every period is checked and not only the one being booked: a use taken in an earlier
period lowers what rolls over into the later ones, so booking a visit in March can leave
April's booked visits above April's allowance. A use is allowed only if every period stays
within its allowance afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import memberships


def allowances(per_period: int | None, rollover_cap: int,
               used: Sequence[int]) -> list[int | None]:
    """Each period's allowance, given the uses of each period in order (None: unlimited):
    invoicing's chain (app.domain.memberships), what a period leaves unused rolling into the
    next one up to the cap."""
    return memberships.allowances(per_period, rollover_cap, list(used))[:len(used)]


def first_over(per_period: int | None, rollover_cap: int, used: Sequence[int]) -> int | None:
    """The index of the first period whose uses exceed its allowance, or None."""
    for index, (count, allowed) in enumerate(zip(used, allowances(per_period, rollover_cap,
                                                                  used))):
        if allowed is not None and count > allowed:
            return index
    return None


def uses_left(per_period: int | None, rollover_cap: int, used: Sequence[int],
              index: int) -> int | None:
    """How many more uses period `index` can take without any period going over (None:
    unlimited). Later periods limit it too: their roll-over shrinks as this one fills."""
    if per_period is None:
        return None
    used = list(used)
    left = 0
    while True:
        trial = used[:]
        trial[index] += left + 1
        if first_over(per_period, rollover_cap, trial) is not None:
            return left
        left += 1


def allowance_of(per_period: int | None, rollover_cap: int, used: Sequence[int],
                 index: int) -> int | None:
    """Period `index`'s allowance (None: unlimited)."""
    return allowances(per_period, rollover_cap, used)[index]
