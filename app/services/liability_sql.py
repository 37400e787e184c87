"""The package liability (R33) of the simple packages, in SQL aggregates.

Most packages are simple: sold, never refunded nor voided, never given another expiry, no
use of theirs dated by the period's end undone at or after its start, and not sold already
expired. Such a package is live once, from its purchase to the end of its expiry day, so
app/domain/liability.steps reduces to a closed form of two counts of its live uses
(ix_redemptions_live): where it enters the period (the day before, or its purchase) and where
it leaves it (the first day it is expired, or the period's last day). The value left after n
uses is R3's spread (formulas.unredeemed_value, app/domain/liability.value_left's twin). What
they earn day by day (R34) is app/services/package_uses_sql.py. Every other package
(`needs_walk`) is walked in Python, app/domain/liability.py being the reference for all:
tests/unit/test_liability_fast_path_r33.py pits this module against the walk of every
package on random clinics and periods.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, and_, case, func, literal, not_, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..domain.liability import ONE_DAY, Movements
from ..models import Package, PackageExpiryChange, PackageTransfer, Redemption
from .day_times import midnight


class next_day(FunctionElement):
    """The day after a date column, on both engines."""

    type = Date()
    inherit_cache = True
    name = "next_day"


@compiles(next_day)
def _next_day(element, compiler, **kw) -> str:  # PostgreSQL: date + integer is a date
    return f"({compiler.process(element.clauses, **kw)} + 1)"


@compiles(next_day, "sqlite")
def _next_day_sqlite(element, compiler, **kw) -> str:  # dates are ISO text on SQLite
    return f"date({compiler.process(element.clauses, **kw)}, '+1 day')"


def walked_ids(start: date, end: date):
    """The ids of the packages the closed form does not cover, walked day by day in Python:
    a refund or a voided sale (they end it early, and a void takes back what it had earned),
    sold already expired, an expiry history (it may die and come back), or a use undone at
    or after the period's start (the count of its uses goes down). Each part is an index
    read of the few packages concerned (ix_packages_status, ix_packages_sold_expired,
    ix_redemptions_voided_at: migration 0009), not a test of every package.

    UNION ALL: the ids only feed an IN, where a repeat costs nothing, and SQLite 3.53 (the
    one SQLCipher ships) makes a plain UNION a merge of sorted parts, reading all of
    ix_redemptions_package in order for the last part instead of the few uses undone: the
    year's revenue took 436 ms there against 245 ms on 3.40 (bench/RESULTS.md)."""
    return union_all(
        select(Package.id).where(Package.status.in_(("refunded", "void", "transferred"))),
        # R38: a transferred package and its successor are one life, walked as a chain
        select(PackageTransfer.to_package_id),
        select(Package.id).where(Package.expires_on < Package.purchased_on),
        select(Package.id).where(Package.imported_on.is_not(None)),  # R42: ix_packages_imported
        select(PackageExpiryChange.package_id)
        .where(PackageExpiryChange.package_id.is_not(None)),
        select(Redemption.package_id)
        .where(Redemption.voided_at >= midnight(start), Redemption.redeemed_on <= end))


def needs_walk(start: date, end: date):
    """Whether a package is one of walked_ids; the ids are never NULL, so NOT IN is the
    complement."""
    return Package.id.in_(walked_ids(start, end))


def live_uses(by, package_id=Package.id):
    """The count of a package's uses not undone and redeemed by the end of the day `by`
    (ix_redemptions_live), correlated to `package_id`."""
    return (select(func.count()).select_from(Redemption)
            .where(Redemption.package_id == package_id, Redemption.voided_at.is_(None),
                   Redemption.redeemed_on <= by)
            .scalar_subquery())


def value_after(price, uses, n):
    """The value left after n uses (R3), n capped at the package's uses as
    app/domain/liability.value_left caps it."""
    from .reports.formulas import unredeemed_value  # here: app.services.reports needs us
    return unredeemed_value(price, uses, case((n > uses, uses), else_=n))


def _edges(start: date, end: date):
    """One row per simple package that is live at some point of the period: whether it was
    live the day before (`live_before`) and its uses then (`n_before`), whether it expires
    in the period (`dies`: the first day it is expired, expires_on + 1, is at most `end`),
    and its uses at the end of the day it leaves (`out_day`, `n_out`). Materialised: each
    count is made once, not once per use of it."""
    before = start - ONE_DAY
    expires = Package.expires_on
    live_before = and_(Package.purchased_on <= before,
                       or_(expires.is_(None), expires >= before))
    dies = and_(expires.is_not(None), expires < end)
    out_day = case((dies, next_day(expires)), else_=literal(end, Date))
    entering = (select(Package.id, Package.template_id.label("tpl"), Package.price,
                       Package.uses_total.label("uses"), Package.purchased_on.label("bought"),
                       expires.label("expires"),
                       case((live_before, 1), else_=0).label("live_before"),
                       case((dies, 1), else_=0).label("dies"), out_day.label("out_day"),
                       case((live_before, live_uses(before)), else_=0).label("n_before"))
                .where(Package.purchased_on <= end,
                       or_(live_before, Package.purchased_on >= start),
                       not_(needs_walk(start, end)))
                .cte("entering").prefix_with("MATERIALIZED"))
    # A package used up before the period (most of those that never expire, after ten
    # years) leaves it as it came: its count is not made a second time. (Undone uses would
    # lower it, but those packages are walked.)
    used_up = entering.c.n_before >= entering.c.uses
    counted = live_uses(entering.c.out_day, entering.c.id)
    return (select(*entering.c, case((used_up, entering.c.n_before),
                                      else_=counted).label("n_out"))
            .cte("edges").prefix_with("MATERIALIZED"))


def _value(edges, n):
    return value_after(edges.c.price, edges.c.uses, n)


def _figures(edges):
    """Each simple package's movements: it enters the period with its value left the day
    before (the opening) or its price (sold that day), gives uses (redeemed) and leaves with
    its value left: expired on its first expired day, or the closing."""
    live_before = edges.c.live_before == 1
    dies = edges.c.dies == 1
    opening = case((live_before, _value(edges, edges.c.n_before)), else_=0)
    entry = case((live_before, opening), else_=edges.c.price)
    out = _value(edges, edges.c.n_out)
    return select(
        edges.c.tpl, edges.c.expires, edges.c.dies, opening.label("opening"),
        case((live_before, 0), else_=edges.c.price).label("sold"),
        (entry - out).label("redeemed"), case((dies, out), else_=0).label("expired"),
        case((dies, 0), else_=out).label("closing")).subquery("figures")


SIMPLE_MOVES = ("opening", "sold", "redeemed", "expired", "closing")


def simple_roll_forward(s, start: date, end: date) -> dict[int, Movements]:
    """R33 per template id, over the simple packages whose movements are not all nil (as
    liability.roll_forward leaves a package out)."""
    from .reports.formulas import whole_sum  # here: app.services.reports needs us
    figures = _figures(_edges(start, end))
    moved = or_(*(figures.c[f] != 0 for f in SIMPLE_MOVES))
    query = (select(figures.c.tpl, *(whole_sum(figures.c[f]) for f in SIMPLE_MOVES))
             .where(moved).group_by(figures.c.tpl))
    return {tpl: Movements(**dict(zip(SIMPLE_MOVES, sums)))
            for tpl, *sums in s.execute(query)}


def simple_opening(s, start: date, end: date) -> int:
    """R33's opening of the period's simple packages: the value left on each one live at the
    end of the day before `start` (the journal's opening deferred revenue, without the rest
    of the roll-forward; the walked ones are the walk's)."""
    from .reports.formulas import whole_sum  # here: app.services.reports needs us
    before = start - ONE_DAY
    live = (select(Package.price, Package.uses_total, live_uses(before).label("n"))
            .where(Package.purchased_on <= before,
                   or_(Package.expires_on.is_(None), Package.expires_on >= before),
                   not_(needs_walk(start, end)))
            .cte("live").prefix_with("MATERIALIZED"))  # n is read six times
    return s.scalar(select(whole_sum(value_after(live.c.price, live.c.uses_total, live.c.n))))
