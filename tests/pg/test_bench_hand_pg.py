"""The benchmark's hand-written PostgreSQL (bench/hand_pg*.py, issue 22) gives the services'
answers on a server: the books row by row and the package reports by their counts, groups
and totals, on the random clinics tests/unit/test_bench_hand_books.py drives through every
movement (so both the closed form and the day-by-day walk of the liability are compared).
A yardstick that gave another answer would make the server benchmark's ratios meaningless."""

from __future__ import annotations

import os

import pytest

from bench import hand_pg, hand_pg_liability, run_books
from tests.unit.test_bench_hand_books import PERIODS, drive

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")

BOOKS = (("package_liability", run_books.liability_signature, run_books.same_liability),
         ("revenue", run_books.revenue_signature, run_books.same_revenue),
         ("sales_tax", run_books.tax_signature, run_books.same_tax))


@pytest.mark.parametrize("seed", [5, 23])
def test_issue22_hand_written_postgresql_gives_the_services_answers(clinic, catalog, clock,
                                                                    seed):
    drive(clinic, catalog, clock, seed)
    con = hand_pg.connect(clinic.db.url)
    try:
        walked = 0
        for start, end in PERIODS:
            for name, signature, same in BOOKS:
                mine = signature(getattr(clinic.reports, name)(start, end))
                theirs = getattr(hand_pg.BOOKS, name)(con, start, end)
                assert same(mine, theirs), (name, start, end, mine, theirs[0].rows)
            for name in ("package_sales", "package_usage", "compensation"):
                mine = hand_pg.signature(getattr(clinic.reports, name)(start, end))
                theirs = getattr(hand_pg, name)(con, start, end, clock.current.date())
                assert hand_pg.same_report(mine, theirs), (name, start, end)
            mine = hand_pg.signature(clinic.reports.outstanding(end))
            assert hand_pg.same_report(mine, hand_pg.outstanding(con, end)), ("outstanding", end)
            walked += con.execute(
                f"WITH {hand_pg_liability.PACKAGES} SELECT count(*) FROM pk WHERE walk",
                hand_pg.BOOKS._period(start, end)).fetchone()[0]
    finally:
        con.close()
    assert walked > 0
