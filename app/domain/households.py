"""The household rules over plain values (R37): how two patients are linked, and the order a
booking tries the packages a patient may use.

The services load each patient's current household (or None) and the packages; these decide.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class Link(StrEnum):
    NEW = "new"            # neither is in a household: a new one holds both
    JOIN_FIRST = "join_first"    # the second joins the first's household
    JOIN_SECOND = "join_second"  # the first joins the second's household
    SAME = "same"          # already together: nothing to do, refused as such
    DIFFERENT = "different"  # each in another household: refused, never merged silently


def link(first_household: int | None, second_household: int | None) -> Link:
    """What linking two patients does, from the households they are in now."""
    if first_household is None and second_household is None:
        return Link.NEW
    if second_household is None:
        return Link.JOIN_FIRST
    if first_household is None:
        return Link.JOIN_SECOND
    if first_household == second_household:
        return Link.SAME
    return Link.DIFFERENT


def booking_key(patient_id: int, owner_id: int, expires_on: date | None,
                purchased_on: date, package_id: int) -> tuple:
    """R37 then R10: the patient's own packages before those shared with them; within each,
    the one expiring first, then the oldest; no-expiry packages last."""
    return (owner_id != patient_id, expires_on is None, expires_on or date.max, purchased_on,
            package_id)


def dissolves(members_left: int) -> bool:
    """A household of one shares with nobody: its last member leaves it too."""
    return members_left < 2
