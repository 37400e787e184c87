"""R33 and R34's package figures, and R35's package entries: the SQL closed form of the simple packages
(app/services/liability_sql.py) plus the walk of the others gives, template by template and
day by day, exactly what walking every package through app/domain/liability.py gives, on
random clinics (test_bench_hand_books.drive: sales, voids, uses given and undone, refunds,
expiries cut, extended and cleared) and random periods."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, not_, select
from test_bench_hand_books import DAYS, START, drive

from app.models import Package
from app.services.accounting.package_moves import moves
from app.services.liability import roll_forward
from app.services.liability_sql import needs_walk, simple_roll_forward
from app.services.package_uses_sql import simple_revenue
from app.services.reports.revenue import revenue_by_day

# up to past the six-month expiry of the sales (test_bench_hand_books.drive's templates)
periods = st.tuples(st.integers(-20, DAYS + 200), st.integers(0, 250)).map(
    lambda p: (START + timedelta(days=p[0]), START + timedelta(days=p[0] + p[1])))


def posted(found, opening):
    """What the journal's package entries post (R35): per day and package, the uses, the
    breakage, what came back and what a refund released, and the deferred opening."""
    return [(m.on, m.package_id, m.step.redeemed, m.step.expired, m.step.reinstated,
             m.step.refunded, bool(m.step.voided)) for m in found], opening


@pytest.mark.parametrize("seed", [7, 41])
def test_r33_r34_the_fast_path_gives_the_walks_figures(clinic, catalog, clock, seed):
    drive(clinic, catalog, clock, seed)
    seen = {"fast": 0, "walked": 0}

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(periods)
    def same(period):
        start, end = period
        with clinic.db.read() as s:
            assert roll_forward(s, start, end) == roll_forward(s, start, end, walk_all=True)
            assert (revenue_by_day(s, start, end)
                    == revenue_by_day(s, start, end, walk_all=True)), period
            assert posted(*moves(s, start, end)) == posted(
                *moves(s, start, end, walk_all=True)), period
            seen["fast"] += bool(simple_roll_forward(s, start, end)) + any(
                cents for _, _, cents in simple_revenue(s, start, end))
            seen["walked"] += s.scalar(select(func.count()).select_from(Package)
                                       .where(needs_walk(start, end)))

    same()
    # the random periods went through both paths, not one of them only
    assert seen["fast"] > 0 and seen["walked"] > 0, seen


def test_r33_r34_a_simple_package_expiring_in_the_period(clinic, catalog, clock):
    """The closed form's edges: used before and in the period, expired inside it (breakage
    on the first expired day, expires_on + 1), and a period before its sale."""
    maria, ana, massage = catalog["patient"], catalog["ana"], catalog["massage"]
    clock.set(datetime(2026, 3, 1, 9))
    package = clinic.billing.sell_package(maria, catalog["ten_massages"]).package_id
    for day, hour in ((2, 9), (2, 11), (9, 10)):
        clock.set(datetime(2026, 3, day, hour, 30))
        clinic.schedule.arrive(clinic.schedule.book(maria, ana, massage,
                                                    datetime(2026, 3, day, hour)))
    with clinic.db.read() as s:
        expires = s.get(Package, package).expires_on
        assert s.scalar(select(func.count()).select_from(Package)
                        .where(not_(needs_walk(date(2026, 3, 1), expires)))) == 1
    for start, end in ((date(2026, 3, 1), date(2026, 3, 1)),
                       (date(2026, 3, 2), expires + timedelta(days=3)),
                       (date(2026, 3, 5), expires),
                       (expires, expires + timedelta(days=1)),
                       (date(2026, 2, 1), date(2026, 2, 27))):
        with clinic.db.read() as s:
            assert roll_forward(s, start, end) == roll_forward(s, start, end, walk_all=True)
            assert revenue_by_day(s, start, end) == revenue_by_day(s, start, end,
                                                                   walk_all=True)
            assert posted(*moves(s, start, end)) == posted(*moves(s, start, end,
                                                                  walk_all=True))
    with clinic.db.read() as s:
        days = revenue_by_day(s, date(2026, 3, 1), expires + timedelta(days=3))
    assert days[expires + timedelta(days=1)]["breakage"] > 0
    assert days[date(2026, 3, 2)]["package_uses"] > days[date(2026, 3, 9)]["package_uses"]
