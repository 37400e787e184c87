"""Issue 22: an arrival numbers its use ("use n of N", R3) with one count when no live use
is dated after it, instead of reading every use of the package and numbering them again.
The numbers must be the ones the full renumbering gives, whatever came before: uses voided
(an arrival undone), a visit entered late, several on one day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.models import Redemption
from app.services import package_rules


def _numbers(clinic, package_id: int) -> list[tuple[int, int | None]]:
    with clinic.db.read() as s:
        return [(r.appointment_id, r.use_number) for r in s.scalars(
            select(Redemption).where(Redemption.package_id == package_id)
            .order_by(Redemption.id))]


def _renumbered(clinic, package_id: int) -> list[tuple[int, int | None]]:
    """What renumber_uses makes of the same uses (then rolled back)."""
    with clinic.db.read() as s:
        package_rules.renumber_uses(s, package_id)
        numbers = [(r.appointment_id, r.use_number) for r in s.scalars(
            select(Redemption).where(Redemption.package_id == package_id)
            .order_by(Redemption.id))]
        s.rollback()
    return numbers


def test_each_new_use_gets_the_number_a_full_renumbering_would_give(clinic, catalog):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    package = sale.package_id

    def visit(day: int, hour: int) -> int:
        return clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                    datetime(2026, 3, day, hour))

    steps = []
    first, second = visit(2, 9), visit(2, 11)  # two on one day
    clinic.schedule.arrive(first)
    clinic.schedule.arrive(second)
    steps.append(_numbers(clinic, package))
    clinic.schedule.undo_arrival(first)  # voided: the next ones number on from the live
    steps.append(_numbers(clinic, package))
    third = visit(3, 10)
    clinic.schedule.arrive(third)
    steps.append(_numbers(clinic, package))
    late = visit(2, 14)  # entered late, before the third: that one moves up
    clinic.schedule.arrive(late)
    steps.append(_numbers(clinic, package))
    again = visit(3, 10 + 1)
    clinic.schedule.arrive(again)  # the same day as the newest: after it, by id
    steps.append(_numbers(clinic, package))

    assert steps[0] == [(first, 1), (second, 2)]
    assert steps[1] == [(first, None), (second, 1)]
    assert steps[2] == [(first, None), (second, 1), (third, 2)]
    assert steps[3] == [(first, None), (second, 1), (third, 3), (late, 2)]
    assert steps[4] == [(first, None), (second, 1), (third, 3), (late, 2), (again, 4)]
    assert steps[4] == _renumbered(clinic, package)
    assert clinic.packages.summary(package).uses_redeemed == 4
