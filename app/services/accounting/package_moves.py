"""The packages' entries of the journal (R35), from the liability core's steps (R33).

Each step is one package's movement on one day (app/domain/liability.steps): the uses it gave,
the uses that expired or came back, the value its refund released. One entry per package and
day: each entry stays one patient's package, and a day's uses of one package (rarely more
than one) make one entry. What the sale and its void post is the invoice's (journal.py).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Iterator, NamedTuple

from sqlalchemy import func, or_, select

from ...domain.liability import PackageLife, Step, liability_at, steps, value_left
from ...i18n import _
from ...models import Invoice, Package, Patient, Redemption
from ..liability import package_lives
from .journal import ORDER, Keyed, make_entry

ONE_DAY = timedelta(days=1)
CHUNK = 900


class Move(NamedTuple):
    on: date
    package_id: int
    step: Step | None
    unsold: tuple[int, int] = (0, 0)  # a voided sale's earnings taken back: (uses, breakage)


def _unsold(life: PackageLife, voided: int) -> tuple[int, int]:
    """What a voided sale had earned before its void (the invoice's void takes back the whole
    price, R33 only the `voided` value still owed): its uses given, and the rest breakage."""
    earned = life.price - voided
    given = life.price - value_left(life.price, life.uses, life.redeemed_on(life.ended_on))
    used = max(0, min(given, earned))
    return used, earned - used


def moves(s, start: date, end: date) -> tuple[list[Move], int]:
    """The period's package steps that post something (a sale posts through its invoice), in
    date then package order, and R33's liability at the end of the day before the period."""
    found: list[Move] = []
    opening = 0
    seen: set[int] = set()
    for life in package_lives(s, start, end):
        seen.add(life.package_id)
        opening += liability_at(life, start - ONE_DAY)
        voided = 0
        for step in steps(life, start, end):
            voided += step.voided
            if step.redeemed or step.expired or step.reinstated or step.refunded:
                found.append(Move(step.on, life.package_id, step))
        if life.ended_by == "void" and start <= life.ended_on <= end:
            unsold = _unsold(life, voided)
            if any(unsold):
                found.append(Move(life.ended_on, life.package_id, None, unsold))
    found += _voided_long_expired(s, start, end, seen)
    found.sort(key=lambda m: (m.on, m.package_id, m.step is None))
    return found, opening


def _voided_long_expired(s, start: date, end: date, seen: set[int]) -> list[Move]:
    """Sales voided in the period whose uses had all expired before it: R33 does not load
    them (nothing of theirs moves), yet the void takes their whole price back from Deferred,
    so what they had earned is taken back too."""
    since, until = datetime.combine(start, time()), datetime.combine(end + ONE_DAY, time())
    found = []
    for row in s.execute(select(Package.id, Package.price, Package.uses_total,
                                Invoice.voided_at)
                         .join(Invoice, Invoice.id == Package.invoice_id)
                         .where(Package.status == "void", Invoice.voided_at >= since,
                                Invoice.voided_at < until)):
        if row.id in seen:
            continue
        on = row.voided_at.date() if isinstance(row.voided_at, datetime) else \
            datetime.fromisoformat(str(row.voided_at)).date()
        given = s.scalar(select(func.count(Redemption.id)).where(
            Redemption.package_id == row.id, Redemption.redeemed_on <= on,
            or_(Redemption.voided_at.is_(None),
                Redemption.voided_at >= datetime.combine(on + ONE_DAY, time()))))
        used = row.price - value_left(row.price, row.uses_total, given)
        if row.price:
            found.append(Move(on, row.id, None, (used, row.price - used)))
    return found


def _who(s, ids: list[int]) -> dict[int, tuple[str, str]]:
    """package id -> (its name, its patient's name)."""
    out = {}
    for i in range(0, len(ids), CHUNK):
        for row in s.execute(select(Package.id, Package.name, Patient.first_name,
                                    Patient.last_name)
                             .join(Patient, Patient.id == Package.patient_id)
                             .where(Package.id.in_(ids[i:i + CHUNK]))):
            out[row.id] = (row.name, f"{row.first_name} {row.last_name}".strip())
    return out


def _description(step: Step) -> str:
    if step.refunded:
        return _("Package refunded")
    if step.expired:
        return _("Package expired")
    if step.reinstated:
        return _("Package reinstated")
    return _("Package use") if step.redeemed > 0 else _("Package use undone")


def entries(s, names: dict[str, str], found: list[Move]) -> Iterator[Keyed]:
    """The entries of these moves, in their order."""
    who = _who(s, sorted({m.package_id for m in found}))
    for on, package_id, step, (used, broken) in found:
        package, patient = who[package_id]
        if step is None:
            entry = make_entry(
                names, on, " \u2014 ".join((_("Package sale voided"), package, patient)),
                _("Package #{number}").format(number=package_id),
                [("revenue:package_use", used), ("revenue:breakage", broken),
                 ("deferred", -used - broken)])
            if entry is not None:
                yield (on, ORDER["unsold"], on, package_id, entry)
            continue
        entry = make_entry(
            names, on, " \u2014 ".join((_description(step), package, patient)),
            _("Package #{number}").format(number=package_id),
            [("deferred", step.redeemed), ("revenue:package_use", -step.redeemed),
             ("deferred", step.expired), ("revenue:breakage", -step.expired),
             ("deferred", -step.reinstated), ("revenue:breakage", step.reinstated),
             ("deferred", step.refunded), ("revenue:refund_adjustment", -step.refunded)])
        if entry is not None:
            yield (on, ORDER["package"], on, package_id, entry)
