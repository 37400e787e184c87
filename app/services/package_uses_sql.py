"""What the simple packages earn (R34) and post (R35), use by use, in SQL: no walk, no count
of uses per package for the uses given.

A simple package (app/services/liability_sql.walked_ids names the others) never had a use
undone at or after the period's start that was dated by its end. So the number each of its
live uses carries now (Redemption.use_number, R3's "use n of N", kept by
package_rules.renumber_uses by date then id) is the number the day-by-day walk gives it in the
period, and its value is R3's for that number (formulas.use_value); nothing past the last use
(app/domain/liability.value_left caps the count). The walk books a use on its date, or on the
purchase day for one dated before it, through the first expired day (expires_on + 1), when what
is left expires: the breakage, one count of live uses per package that dies in the period.
tests/unit/test_liability_fast_path_r33.py pits these against the walk of every package.
"""

from __future__ import annotations

from datetime import date
from typing import Iterator

from sqlalchemy import and_, case, not_, or_, select, union_all

from ..domain.liability import ONE_DAY
from ..models import Package, Redemption
from .liability_sql import live_uses, needs_walk, next_day, value_after


def _formulas():
    from .reports import formulas  # here: app.services.reports needs the liability modules
    return formulas


def _given():
    """A live use's value (R3), nothing for one past the package's last use."""
    f = _formulas()
    return case((Redemption.use_number <= Package.uses_total,
                 f.use_value(Package.price, Package.uses_total, Redemption.use_number)),
                else_=0)


def _keys(day, per_package: bool):
    return (day, Package.id) if per_package else (day,)


def uses_given(start: date, end: date, *, per_package: bool = False):
    """(day, [package id,] cents) of the uses the simple packages gave in the period: the uses
    dated in it (ix_redemptions_redeemed_on) of packages bought by its end and not yet dead
    that day, and those dated before it of packages bought in it (given on the purchase
    day)."""
    f = _formulas()
    day = case((Redemption.redeemed_on < Package.purchased_on, Package.purchased_on),
               else_=Redemption.redeemed_on)
    dated_in = (
        select(*_keys(day, per_package), f.whole_sum(_given()).label("cents"))
        .join_from(Redemption, Package, Package.id == Redemption.package_id)
        .where(Redemption.redeemed_on.between(start, end), Redemption.voided_at.is_(None),
               Package.purchased_on <= end,
               # through the first expired day (purchased_on <= expires_on: others are walked)
               or_(Package.expires_on.is_(None),
                   Redemption.redeemed_on <= next_day(Package.expires_on)),
               not_(needs_walk(start, end)))
        .group_by(*_keys(day, per_package)))
    before_sale = (
        select(*_keys(Package.purchased_on, per_package), f.whole_sum(_given()))
        .join_from(Package, Redemption, and_(Redemption.package_id == Package.id,
                                             Redemption.voided_at.is_(None),
                                             Redemption.redeemed_on < start))
        .where(Package.purchased_on.between(start, end), not_(needs_walk(start, end)))
        .group_by(*_keys(Package.purchased_on, per_package)))
    return union_all(dated_in, before_sale)


def breakage(start: date, end: date, *, per_package: bool = False):
    """(the day before the first expired day, [package id,] cents) of the simple packages
    that die in the period: their first expired day, expires_on + 1, falls in it, and what
    is left then (the uses given through that day counted) expires. The day is expires_on:
    the caller adds the day, so the statement stays one engine-neutral date column."""
    f = _formulas()
    dying = (select(Package.id, Package.price, Package.uses_total, Package.expires_on,
                    live_uses(next_day(Package.expires_on)).label("n"))
             .where(Package.expires_on >= start - ONE_DAY, Package.expires_on < end,
                    Package.purchased_on <= end, not_(needs_walk(start, end)))
             .cte("dying").prefix_with("MATERIALIZED"))  # n is read six times
    left = value_after(dying.c.price, dying.c.uses_total, dying.c.n)
    keys = (dying.c.expires_on, dying.c.id) if per_package else (dying.c.expires_on,)
    return select(*keys, f.whole_sum(left)).group_by(*keys)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def simple_revenue(s, start: date, end: date) -> Iterator[tuple[date, str, int]]:
    """(day, "package_uses" | "breakage", cents) of the simple packages, per day."""
    for day, cents in s.execute(uses_given(start, end)):
        yield _as_date(day), "package_uses", cents
    for day, cents in s.execute(breakage(start, end)):
        yield _as_date(day) + ONE_DAY, "breakage", cents
