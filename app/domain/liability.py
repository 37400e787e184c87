"""Package liability, the clinic's deferred revenue (R33), one package at a time.

A package owes its patient the value (R3, before tax) of its unredeemed uses while it is live:
sold, not refunded, its sale not voided, not expired. Every figure is computed from what was
true at the end of each day, so the roll-forward of any period adds up by construction and two
adjacent periods chain (one's closing is the next one's opening). The journal (R35) posts the
same day-by-day steps, so its deferred revenue and this report cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Iterator

from .packages import is_expired

ONE_DAY = timedelta(days=1)


def value_left(price: int, uses: int, redeemed: int) -> int:
    """The value of the uses not yet redeemed: price less the first `redeemed` values of R3's
    spread (the remainder cents sit on the last uses, so they are released last)."""
    base, remainder = divmod(price, uses)
    if redeemed <= 0:
        return price
    if redeemed >= uses:
        return 0
    extra = redeemed - (uses - remainder)  # comparisons, not min/max: the walk's hot spot
    return price - base * redeemed - (extra if extra > 0 else 0)


def refund_adjustment(unredeemed_value: int, cancelled_net: int) -> int:
    """R34's refund adjustment: the unredeemed value released at a refund less the pre-tax
    part of the "unused uses cancelled" line. The SPEC says "less the amount refunded": the
    same number for a package paid in full before tax, and the one that keeps the books
    right otherwise (an unpaid package refunded for 0 earns nothing)."""
    return unredeemed_value - cancelled_net


@dataclass(frozen=True, slots=True)
class PackageLife:
    """What one package's liability depends on, for one period."""

    package_id: int
    template_id: int
    price: int
    uses: int
    purchased_on: date
    ended_on: date | None  # the day it was refunded or its sale voided
    ended_by: str | None  # "refunded" | "void"
    expiry: tuple[tuple[date, date | None], ...]  # (in force from this day, expiry or None)
    redeemed_before: int  # live uses at the end of the day before the period
    redemptions: tuple[tuple[date, date | None], ...]  # the other uses: (redeemed, undone)
    # Sold before ClinicDesk (R42): owed since before the books began, so in every period's
    # opening and never sold in one (redeemed_before counts the uses had before)
    imported: bool = False

    def expiry_on(self, day: date) -> date | None:
        current = self.expiry[0][1] if self.expiry else None
        for since, expires_on in self.expiry:
            if since > day:
                break
            current = expires_on
        return current

    def redeemed_on(self, day: date) -> int:
        count = self.redeemed_before  # a plain loop: called on every change day of the walk
        for on, undone in self.redemptions:
            if on <= day and (undone is None or undone > day):
                count += 1
        return count

    def live_on(self, day: date) -> bool:
        return ((self.imported or self.purchased_on <= day)
                and (self.ended_on is None or self.ended_on > day)
                and not is_expired(self.expiry_on(day), day))


@dataclass(frozen=True, slots=True)
class Step:
    """One day's movement of one package's liability, in cents. Positive, except a use undone
    (negative redeemed) and what a voided sale had earned, taken back (negative redeemed and
    expired)."""

    on: date
    sold: int = 0
    redeemed: int = 0
    refunded: int = 0
    voided: int = 0
    expired: int = 0
    reinstated: int = 0


@dataclass(frozen=True, slots=True)
class Movements:
    """R33's roll-forward. closing = opening + sold - redeemed - refunded - voided - expired
    + reinstated (voided: a package sale voided, which R33 does not name)."""

    opening: int = 0
    sold: int = 0
    redeemed: int = 0
    refunded: int = 0
    voided: int = 0
    expired: int = 0
    reinstated: int = 0
    closing: int = 0

    @classmethod
    def zero(cls) -> Movements:
        return cls()

    def __add__(self, other: Movements) -> Movements:
        return Movements(*(getattr(self, f.name) + getattr(other, f.name)
                           for f in fields(self)))


MOVES = ("sold", "redeemed", "refunded", "voided", "expired", "reinstated")


def liability_at(life: PackageLife, day: date) -> int:
    """The package's liability at the end of `day` (0 unless live then)."""
    if not life.live_on(day):
        return 0
    return value_left(life.price, life.uses, life.redeemed_on(day))


def _change_days(life: PackageLife, start: date, end: date) -> list[date]:
    """The days of start..end on which something about the package may have changed."""
    days = {None if life.imported else life.purchased_on, life.ended_on}
    for since, expires_on in life.expiry:
        days.add(since)
        if expires_on is not None:
            days.add(expires_on + ONE_DAY)  # the first day it is expired
    for on, undone in life.redemptions:
        days.update((on, undone))
    return sorted(d for d in days if d is not None and start <= d <= end)


def steps(life: PackageLife, start: date, end: date) -> Iterator[Step]:
    """Each day of start..end on which the package's liability moved, and how."""
    day_before = start - ONE_DAY
    live = life.live_on(day_before)
    left = value_left(life.price, life.uses, life.redeemed_on(day_before)) if live else 0
    for day in _change_days(life, start, end):
        sold = 0
        if day == life.purchased_on and not life.imported:
            sold, live, left = life.price, True, life.price
        if day == life.ended_on and life.ended_by == "void":
            yield _voided(life, day, sold, left if live else 0)
            live, left = False, 0
            continue
        now_live = life.live_on(day)
        now_left = value_left(life.price, life.uses, life.redeemed_on(day))
        move: dict[str, int] = {}
        if live and now_live:  # negative when a use was undone: it is owed again
            move["redeemed"] = left - now_left
        elif live:
            move["redeemed"] = left - now_left  # uses given that day, before it ended
            move["refunded" if life.ended_on == day else "expired"] = now_left
        elif now_live:
            move["reinstated"] = now_left
        if sold or any(move.values()):
            yield Step(day, sold=sold, **move)
        live, left = now_live, (now_left if now_live else 0)


def _voided(life: PackageLife, day: date, sold: int, owed: int) -> Step:
    """A voided sale never happened: its whole price leaves the liability ("voided"; the
    invoice's void takes the sale back), and what it had earned by then is taken back on the
    void's day, as an undone use is: its uses given (negative redeemed) and its breakage, if
    its expiry had passed (negative expired). `owed`: its liability the day before."""
    if sold:  # sold and voided the same day: nothing was owed or earned overnight
        return Step(day, sold=sold, voided=life.price)
    used = life.price - value_left(life.price, life.uses, life.redeemed_on(day - ONE_DAY))
    return Step(day, redeemed=-used, expired=-(life.price - used - owed), voided=life.price)


def movements(life: PackageLife, start: date, end: date) -> Movements:
    opening = liability_at(life, start - ONE_DAY)
    # the six MOVES, added up by name: called for every package of a period
    sold = redeemed = refunded = voided = expired = reinstated = 0
    for step in steps(life, start, end):
        sold += step.sold
        redeemed += step.redeemed
        refunded += step.refunded
        voided += step.voided
        expired += step.expired
        reinstated += step.reinstated
    return Movements(opening, sold, redeemed, refunded, voided, expired, reinstated,
                     liability_at(life, end))
