"""Loading each package's life for a period, for the liability (R33), revenue (R34) and the
journal (R35). Three statements: the packages that matter, their uses, their expiry changes;
app/domain/liability.py does the arithmetic."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterator

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from ..domain.liability import ONE_DAY, Movements, PackageLife, movements
from ..models import Invoice, Package, PackageExpiryChange, PackageRefund, Redemption
from . import transfer_chains
from .day_times import day_of, midnight
from .liability_sql import needs_walk, simple_roll_forward

CHUNK = 900  # ids per IN (...): under SQLite's old 999-parameter limit


def _packages(s: Session, start: date, end: date, walked_only: bool,
              ids: list[int] | None = None) -> list[tuple]:
    """The packages whose liability is not nil at the end of start-1 or may move in the
    period: sold by its end, not ended before it, not expired before it for good (a voided
    sale may be: its void moves what it had earned). `walked_only`: only those the closed
    form of app/services/liability_sql.py does not cover."""
    day_before = start - ONE_DAY
    refunded_at = (select(func.min(PackageRefund.refunded_at))
                   .where(PackageRefund.package_id == Package.id).scalar_subquery())
    voided_at = (select(Invoice.voided_at).where(Invoice.id == Package.invoice_id)
                 .scalar_subquery())
    changed_late = (select(PackageExpiryChange.id)
                    .where(PackageExpiryChange.package_id == Package.id,
                           PackageExpiryChange.changed_on > day_before).exists())
    ended_at = case((Package.status == "refunded", refunded_at),
                    (Package.status == "void", voided_at), else_=None)
    matters = (or_(Package.purchased_on <= end, Package.imported_on.is_not(None)),
               or_(Package.expires_on.is_(None), Package.expires_on >= day_before,
                   changed_late,
                   # a sale voided after its expiry takes its breakage back (R34)
                   Package.status == "void"))
    if walked_only:  # first: it leaves few packages, whose changed_late is then looked up
        matters = (needs_walk(start, end), *matters)
    if ids is not None:  # the rest of transfer chains (R38), whatever their own dates say
        matters = (Package.id.in_(ids),)
    query = (select(Package.id, Package.template_id, Package.price, Package.uses_total,
                    Package.purchased_on, Package.expires_on, Package.status,
                    ended_at.label("ended_at"), Package.imported_on, Package.uses_before)
             .where(*matters).order_by(Package.id))
    rows = []
    for row in s.execute(query):
        ended = day_of(row.ended_at)
        if ended is None or ended >= start or ids is not None:
            rows.append(row)
    return rows


def _uses(s: Session, ids: list[int], start: date, end: date):
    """package id -> (uses counted before the period and not undone in it, the others)."""
    day_before = start - ONE_DAY
    before: dict[int, int] = defaultdict(int)
    others: dict[int, list] = defaultdict(list)
    after_end = midnight(end + ONE_DAY)
    for chunk in (ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)):
        steady = and_(Redemption.redeemed_on <= day_before,
                      or_(Redemption.voided_at.is_(None), Redemption.voided_at >= after_end))
        s_rows = s.execute(
            select(Redemption.package_id, func.count())
            .where(Redemption.package_id.in_(chunk), steady)
            .group_by(Redemption.package_id))
        before.update(dict(s_rows.all()))
        moving = s.execute(
            select(Redemption.package_id, Redemption.redeemed_on, Redemption.voided_at)
            .where(Redemption.package_id.in_(chunk), Redemption.redeemed_on <= end,
                   or_(Redemption.voided_at.is_(None),
                       Redemption.voided_at >= midnight(start)),
                   ~steady)
            .order_by(Redemption.package_id, Redemption.redeemed_on, Redemption.id))
        for package_id, on, voided_at in moving:
            others[package_id].append((on, day_of(voided_at)))
    return before, others


def _expiry_changes(s: Session, ids: list[int]) -> dict[int, list]:
    changes: dict[int, list] = defaultdict(list)
    for chunk in (ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)):
        for row in s.execute(
                select(PackageExpiryChange.package_id, PackageExpiryChange.changed_on,
                       PackageExpiryChange.old_expires_on, PackageExpiryChange.new_expires_on)
                .where(PackageExpiryChange.package_id.in_(chunk))
                .order_by(PackageExpiryChange.package_id, PackageExpiryChange.changed_at,
                          PackageExpiryChange.id)):
            changes[row.package_id].append(row)
    return changes


def package_lives(s: Session, start: date, end: date, *,
                  walked_only: bool = False) -> Iterator[PackageLife]:
    """Every package whose liability is not nil at the end of start-1 or moves in the
    period, in id order (`walked_only`: those liability_sql.needs_walk names)."""
    packages = _packages(s, start, end, walked_only)
    chain_links = transfer_chains.links(s, [row.id for row in packages])
    if chain_links:  # R38: a chain of transfers is one life; load every link of it
        missing = ({*chain_links, *chain_links.values()} - {row.id for row in packages})
        packages += _packages(s, start, end, walked_only, ids=sorted(missing)) if missing else []
    ids = [row.id for row in packages]
    before, others = _uses(s, ids, start, end)
    changes = _expiry_changes(s, ids)
    lives = {}
    for row in packages:
        history = changes.get(row.id, ())
        initial = history[0].old_expires_on if history else row.expires_on
        expiry = ((row.purchased_on, initial),
                  *((c.changed_on, c.new_expires_on) for c in history))
        ended = day_of(row.ended_at)
        lives[row.id] = PackageLife(row.id, row.template_id, row.price, row.uses_total,
                                    row.purchased_on, ended,
                                    None if ended is None else row.status,
                                    expiry, row.uses_before + before.get(row.id, 0),
                                    tuple(others.get(row.id, ())), row.imported_on is not None)
    if not chain_links:
        yield from lives.values()
        return
    for life in sorted(transfer_chains.merge(lives, chain_links, end),
                       key=lambda life: life.package_id):
        if life.ended_on is None or life.ended_on >= start:
            yield life


def roll_forward(s: Session, start: date, end: date, *,
                 walk_all: bool = False) -> dict[int, Movements]:
    """R33 per template id: every package's movements over the period, added up. The simple
    packages are added up in SQL (app/services/liability_sql.py), the others walked;
    `walk_all` walks every package: the reference the fast path is tested against."""
    totals = {} if walk_all else simple_roll_forward(s, start, end)
    for life in package_lives(s, start, end, walked_only=not walk_all):
        moved = movements(life, start, end)
        if moved != Movements.zero():
            totals[life.template_id] = totals.get(life.template_id, Movements.zero()) + moved
    return totals
