"""The packages' entries of the journal (R35), from the liability core's steps (R33).

Each step is one package's movement on one day (app/domain/liability.steps; for the simple
packages, the same figures from SQL, app/services/package_uses_sql.py): the uses it gave,
the uses that expired or came back, the value its refund released. One entry per package and
day: each entry stays one patient's package, and a day's uses of one package (rarely more
than one) make one entry. What the sale and its void post is the invoice's (journal.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Iterator, NamedTuple

from sqlalchemy import select

from ...domain.liability import ONE_DAY, Step, liability_at, steps
from ...i18n import _
from ...models import Package, Patient
from ..liability import package_lives
from ..liability_sql import simple_opening
from ..package_uses_sql import breakage, uses_given
from ..reports.engine import as_date
from .journal import DASH, ORDER, Keyed, make_entry

CHUNK = 900


class Move(NamedTuple):
    on: date
    package_id: int
    step: Step


def _merged(found: dict, on: date, package_id: int, **cents) -> None:
    """Add cents to the package's step of that day: a day's uses and its breakage are one
    step, as the walk gives them, so one entry."""
    step = found.get((on, package_id))
    if step is None:
        found[on, package_id] = Step(on, **cents)
    else:
        found[on, package_id] = replace(
            step, **{k: getattr(step, k) + v for k, v in cents.items()})


def _simple_steps(s, start: date, end: date, found: dict) -> int:
    """The simple packages' uses and breakage (package_uses_sql), into `found`; their R33
    opening (liability_sql)."""
    # (.all(): one fetch, not one call a row: a year is fifty thousand package days)
    for day, package_id, cents in s.execute(uses_given(start, end, per_package=True)).all():
        if cents:
            _merged(found, as_date(day), package_id, redeemed=cents)
    for expires, package_id, cents in s.execute(breakage(start, end,
                                                         per_package=True)).all():
        if cents:
            _merged(found, as_date(expires) + ONE_DAY, package_id, expired=cents)
    return simple_opening(s, start, end)


def moves(s, start: date, end: date, *, walk_all: bool = False) -> tuple[list[Move], int]:
    """The period's package steps that post something (a sale posts through its invoice), in
    date then package order, and R33's liability at the end of the day before the period.
    The simple packages come from SQL, use by use, the others from the walk (`walk_all`
    walks every package: the reference the SQL is tested against). A sale voided posts what
    it had earned taken back (its step's negative redeemed and expired,
    app/domain/liability._voided); the invoice's void takes back its price."""
    found: dict[tuple[date, int], Step] = {}
    opening = 0 if walk_all else _simple_steps(s, start, end, found)
    for life in package_lives(s, start, end, walked_only=not walk_all):
        opening += liability_at(life, start - ONE_DAY)
        for step in steps(life, start, end):
            if step.redeemed or step.expired or step.reinstated or step.refunded:
                found[step.on, life.package_id] = step
    return [Move(on, package_id, found[on, package_id])
            for on, package_id in sorted(found)], opening


def _runs(ids: list[int], gap: int = CHUNK) -> Iterator[tuple[int, int]]:
    """The sorted `ids` as ranges (first, last) no wider apart inside than `gap`: a year's
    packages are mostly neighbours, so a few range reads replace lists of thousands of ids
    (each bound and compiled one by one)."""
    start = previous = None
    for one in ids:
        if start is None:
            start = previous = one
        elif one - previous > gap:
            yield start, previous
            start = previous = one
        else:
            previous = one
    if start is not None:
        yield start, previous


def _who(s, ids: list[int]) -> dict[int, tuple[str, str]]:
    """package id -> (its name, its patient's name), for the sorted `ids`."""
    wanted = set(ids)
    out = {}
    for first, last in _runs(ids):
        for package_id, name, first_name, last_name in s.execute(
                select(Package.id, Package.name, Patient.first_name, Patient.last_name)
                .join(Patient, Patient.id == Package.patient_id)
                .where(Package.id.between(first, last))):
            if package_id in wanted:
                out[package_id] = (name, f"{first_name} {last_name}".strip())
    return out


def _descriptions() -> dict[str, str]:
    """The words of each kind of package step, translated once an export (not once a step:
    a year of a large clinic has tens of thousands)."""
    return {"voided": _("Package sale voided"), "refunded": _("Package refunded"),
            "expired": _("Package expired"), "reinstated": _("Package reinstated"),
            "use": _("Package use"), "undone": _("Package use undone")}


def _description(step: Step, words: dict[str, str]) -> str:
    if step.voided:
        return words["voided"]
    if step.refunded:
        return words["refunded"]
    if step.expired:
        return words["expired"]
    if step.reinstated:
        return words["reinstated"]
    return words["use"] if step.redeemed > 0 else words["undone"]


def entries(s, names: dict[str, str], found: list[Move]) -> Iterator[Keyed]:
    """The entries of these moves, in their order."""
    who = _who(s, sorted({m.package_id for m in found}))
    words, number = _descriptions(), _("Package #{number}").format
    package_kind, unsold_kind = ORDER["package"], ORDER["unsold"]
    for on, package_id, step in found:
        package, patient = who[package_id]
        redeemed, expired, reinstated, refunded = (step.redeemed, step.expired,
                                                   step.reinstated, step.refunded)
        entry = make_entry(
            names, on, f"{_description(step, words)}{DASH}{package}{DASH}{patient}",
            number(number=package_id),
            [("deferred", redeemed), ("revenue:package_use", -redeemed),
             ("deferred", expired), ("revenue:breakage", -expired),
             ("deferred", -reinstated), ("revenue:breakage", reinstated),
             ("deferred", refunded), ("revenue:refund_adjustment", -refunded)])
        if entry is not None:
            # what a voided sale had earned goes back after its invoice's void
            yield (on, unsold_kind if step.voided else package_kind, on, package_id, entry)
