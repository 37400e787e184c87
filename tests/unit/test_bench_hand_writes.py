"""The benchmark's hand-written writes (bench/hand.py: sell, pay, arrive, refund) leave the
database exactly as the services do, row by row and column by column, audit entry included.

Each write is made twice from one state: by the service on the clinic, and by hand on a copy
of its file taken just before, at the same moment; then every table either may touch is
compared. The states come from tests/unit/test_bench_hand_books.py's random clinics, so
packages are part used, part paid, shared, frozen or refunded. bench.run divides the
service's time by the hand-written one's: a yardstick that did less (a check skipped, a row
not written) would make that ratio flatter the services, and one that did more, the
reverse (issue 22)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from bench import hand
from tests.unit.test_bench_hand_books import drive

pytestmark = pytest.mark.sqlite_only(reason="the hand-written side writes the file with sqlite3")

TABLES = ("clinic_settings", "invoices", "invoice_lines", "payments", "payment_applications",
          "packages", "package_coverage", "package_shares", "package_refunds", "redemptions",
          "appointments", "audit_entries")


def state(con) -> dict[str, list[tuple]]:
    return {table: con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in TABLES}


def _twin(path, tmp_path, n: int) -> sqlite3.Connection:
    """A copy of the clinic's file as it is now (through SQLite's backup: the file's WAL
    holds the last writes), opened as bench.hand opens the benchmark's."""
    copy = tmp_path / f"twin{n}.db"
    source = sqlite3.connect(path)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    return hand.connect(copy)


def same_state(service: dict, by_hand: dict) -> None:
    for table in TABLES:
        differ = [(theirs, ours) for theirs, ours in zip(by_hand[table], service[table])
                  if theirs != ours]
        assert not differ and len(by_hand[table]) == len(service[table]), \
            (table, differ[:1], by_hand[table][len(service[table]):],
             service[table][len(by_hand[table]):])


class FileTwins:
    """Each write made by the service on the clinic's file and by hand on its copy."""
    hand = hand

    def __init__(self, clinic, clock, tmp_path):
        self.clinic, self.clock, self.tmp_path, self.n = clinic, clock, tmp_path, 0

    def __call__(self, service_write, hand_write) -> None:
        path = self.clinic.db.path
        twin = _twin(path, self.tmp_path, self.n)
        self.n += 1
        try:
            service_write()
            hand_write(twin, self.clock.current)
            mine = sqlite3.connect(path)
            try:
                same_state(state(mine), state(twin))
            finally:
                mine.close()
        finally:
            twin.close()


def _covered_visits(clinic, catalog, clock, packages) -> list[int]:
    """Tomorrow's appointments, each booked on one of `packages` (its treatment)."""
    treatment_of = {"3 Physio": catalog["physio"], "10 Massages": catalog["massage"],
                    "5 Massages": catalog["massage"]}
    at = clock.current.replace(hour=9, minute=0) + timedelta(days=1)
    visits = []
    for n, package in enumerate(packages):
        visit = clinic.schedule.book(package.patient_id, catalog["ana" if n % 2 else "ben"],
                                     treatment_of[package.name], at + timedelta(hours=n // 2),
                                     package=package.id)
        visits.append(visit)
    return visits


def compare_writes(clinic, catalog, clock, seed: int, compare) -> None:
    """Every write of bench.run's, on a random clinic, through `compare(service_write,
    hand_write)`; `compare.hand` is the hand-written module (a file's or a server's)."""
    hand = compare.hand
    drive(clinic, catalog, clock, seed)
    clock.set(clock.current + timedelta(days=1, hours=2))
    # R40: a package refunded by the standard price of the uses given, beside pro rata
    kept = clinic.catalog.add_package_template(
        "5 Massages", price=40000, uses=5, eligible={catalog["massage"]: 500},
        refund_policy="standard_price")
    patients = [p.id for p in clinic.patients.search("")][:3]
    templates = (catalog["three_physio"], catalog["ten_massages"], kept)

    sold = []
    for patient in patients:
        for template in templates:
            compare(lambda: sold.append(
                        (patient, clinic.billing.sell_package(patient, template))),
                    lambda con, now: hand.sell_package(con, patient, template, now))

    for owner, sale in sold[:6]:  # a part payment, then more than is left (the rest: credit)
        for amount in (1500, 200000):
            compare(lambda: clinic.billing.receive_payment(owner, amount, "cash",
                                                           invoice_id=sale.invoice_id),
                    lambda con, now: hand.receive_payment(con, sale.invoice_id, amount,
                                                          "cash", now))

    # R37: a household member books and arrives on the purchaser's package, shared with her
    leo = clinic.patients.add("Leo", "Member", phone="902-555-0199")
    clinic.patients.link_household(patients[0], leo)
    shared = next(p for p in clinic.packages.for_patient(patients[0])
                  if p.name == "10 Massages" and p.status == "active" and p.uses_available > 2)
    clinic.packages.share(shared.id, leo)

    live = [p for patient in patients for p in clinic.packages.for_patient(patient)
            if p.status == "active" and p.uses_available > 0]
    assert len(live) >= 6 and shared in live
    visits = _covered_visits(clinic, catalog, clock, live + live[:2])
    member = clinic.schedule.book(leo, catalog["ben"], catalog["massage"],
                                  clock.current.replace(hour=7, minute=0) + timedelta(days=1),
                                  package=shared.id)
    clock.set(clock.current + timedelta(days=1))
    for visit in visits[:len(live)] + [member]:
        compare(lambda: clinic.schedule.arrive(visit),
                lambda con, now: hand.arrive(con, visit, now))

    # refunded with what is suggested, with nothing, with a third and all of what was
    # collected; some still have a visit booked on them, released by the refund (R28); the
    # shared one's share ends with it
    refunded = [shared] + [p for p in live if p != shared][:5]
    assert "5 Massages" in {p.name for p in refunded}  # (R40's standard price compared)
    for n, package in enumerate(refunded):
        limit = clinic.packages.refund_limit(package.id)
        amount = (clinic.packages.suggested_refund(package.id), 0, limit // 3, limit)[n % 4]
        compare(lambda: clinic.packages.refund(package.id, amount),
                lambda con, now: hand.refund(con, package.id, amount, now))
    assert compare.n == 9 + 12 + len(live) + 1 + 6


@pytest.mark.parametrize("seed", [5, 23])
def test_issue22_hand_written_writes_leave_what_the_services_leave(clinic, catalog, clock,
                                                                   tmp_path, seed):
    compare_writes(clinic, catalog, clock, seed, FileTwins(clinic, clock, tmp_path))
