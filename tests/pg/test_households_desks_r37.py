"""R37 at two desks on one PostgreSQL server: the purchaser's desk and a household member's
desk lock different patients, so they meet on the package's row (app.services.locks); the
database, not luck, decides who gets the last use, and a share ended at one desk while the
other books with it leaves no visit holding a package no longer shared.

Deterministic as in test_locks.py: another connection holds the row, the calls are seen
waiting, and once it is let go they take turns.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime

import pytest
from sqlalchemy import select, text

from app.models import Package, PackageShare

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")

WAIT = 0.4


class Holder:
    """Another desk's transaction, holding a row until `release()`."""

    def __init__(self, clinic, table: str, row_id: int):
        self.conn = clinic.db.engine.connect()
        self.conn.execute(text(f"SELECT id FROM {table} WHERE id = :id FOR NO KEY UPDATE"),
                          {"id": row_id})

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


def together(holder: Holder, *calls):
    """Start every call while `holder` holds its row; each must be waiting; let go; each
    must finish. Returns their results (or the errors they raised)."""
    outcomes = [{} for _ in calls]

    def run(call, outcome):
        try:
            outcome["result"] = call()
        except BaseException as error:  # noqa: BLE001 - returned to the test
            outcome["error"] = error

    threads = [threading.Thread(target=run, args=(c, o), daemon=True)
               for c, o in zip(calls, outcomes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    waiting = [thread.is_alive() for thread in threads]
    holder.release()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads), "still running"
    assert all(waiting), f"did not wait for the lock: {waiting}"
    return [o.get("error", o.get("result")) for o in outcomes]


@pytest.fixture
def family(clinic, catalog):
    """Maria bought "3 Physio" and shares it with her son Leo; two of its uses are taken."""
    maria = catalog["patient"]
    leo = clinic.patients.add("Leo", "Lopez")
    clinic.patients.link_household(maria, leo)
    package = clinic.billing.sell_package(maria, catalog["three_physio"]).package_id
    clinic.packages.share(package, leo)
    for day in (3, 4):
        clinic.schedule.book(maria, catalog["ana"], catalog["physio"],
                             datetime(2026, 3, day, 9), package=package)
    return dict(catalog, maria=maria, leo=leo, package=package)


def test_r37_the_last_use_goes_to_one_desk_only(clinic, family):
    f = family
    holder = Holder(clinic, "packages", f["package"])
    marias, leos = together(
        holder,
        lambda: clinic.schedule.book(f["maria"], f["ana"], f["physio"],
                                     datetime(2026, 3, 10, 9)),
        lambda: clinic.schedule.book(f["leo"], f["ben"], f["physio"],
                                     datetime(2026, 3, 10, 9)))
    assert isinstance(marias, int) and isinstance(leos, int)  # both booked
    covered = [clinic.schedule.appointment(a).package_id for a in (marias, leos)]
    assert sorted(covered, key=str) == [f["package"], None]  # one took it, one pays
    summary = clinic.packages.summary(f["package"])
    assert (summary.uses_booked, summary.uses_available) == (3, 0)


def test_r37_unsharing_while_the_member_books_leaves_no_visit_on_it(clinic, family):
    f = family
    holder = Holder(clinic, "packages", f["package"])
    released, booked = together(
        holder,
        lambda: clinic.packages.unshare(f["package"], f["leo"]),
        lambda: clinic.schedule.book(f["leo"], f["ben"], f["physio"],
                                     datetime(2026, 3, 10, 9)))
    assert isinstance(booked, int), booked
    assert list(released) in ([], [booked])  # released it if the booking came first
    assert clinic.schedule.appointment(booked).package_id is None
    with clinic.db.read() as s:
        assert s.scalars(select(PackageShare).where(PackageShare.ended_at.is_(None))).all() == []


def test_r37_the_members_arrival_waits_for_a_share_being_ended(clinic, family):
    f = family
    visit = clinic.schedule.book(f["leo"], f["ben"], f["physio"], datetime(2026, 3, 10, 9))
    assert clinic.schedule.appointment(visit).package_id == f["package"]
    holder = Holder(clinic, "packages", f["package"])
    released, invoice = together(
        holder,
        lambda: clinic.packages.unshare(f["package"], f["leo"]),
        lambda: clinic.schedule.arrive(visit))
    assert isinstance(invoice, int), invoice
    detail = clinic.packages.detail(f["package"])
    if list(released) == [visit]:  # the share ended first: the visit was billed in full
        assert detail.redemptions == ()
        assert clinic.billing.invoice(invoice).total == 8500 + 1275
    else:  # the arrival came first: the use is redeemed by Leo and stays
        assert list(released) == []
        assert [r.redeemed_by for r in detail.redemptions] == ["Leo Lopez"]
    with clinic.db.read() as s:
        assert s.get(Package, f["package"]).status == "active"
