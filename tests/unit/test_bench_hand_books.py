"""The benchmark's hand-written SQL for the books (bench/hand_books.py) gives the services'
answers, row by row, on random clinics that go through every movement R33, R34 and R36
name: sales paid or not, a sale voided, arrivals, covered no-shows, uses undone, package
refunds, expiries cut short, extended after they passed and cleared, treatments invoiced and
voided, and package sales voided after their uses or their expiry. Periods start before,
during and after the activity, so the hand-written closed form (packages with no expiry
history, no use undone in the period and no voided sale) and its day-by-day walk (the
others) are both compared. A yardstick that gave another answer would make the benchmark's
ratio meaningless."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta

import pytest

from app.services.errors import ClinicError
from bench import hand_books, run_books

pytestmark = pytest.mark.sqlite_only(reason="the hand-written side reads the file with sqlite3")

START = date(2026, 3, 2)
DAYS = 42


def _try(action) -> None:
    """A desk action the service may refuse changes nothing; the run goes on."""
    try:
        action()
    except ClinicError:
        pass


def drive(clinic, catalog, clock, seed: int) -> None:
    """Six weeks of a random desk, as tests/unit/test_reports_liability_r33.py drives it, with
    invoiced treatments (one in five undone, which voids its invoice) besides the packages,
    and package sales voided days later (R33: what they had earned is taken back)."""
    rng = random.Random(seed)
    ana, physio, massage, acu = (catalog[k] for k in ("ana", "physio", "massage", "acu"))
    templates = (catalog["three_physio"], catalog["ten_massages"])
    treatment_of = {catalog["three_physio"]: physio, catalog["ten_massages"]: massage}
    patients = [catalog["patient"]] + [
        clinic.patients.add(f"Patient{i}", "Random", phone=f"902-555-01{i:02d}")
        for i in range(4)]
    packages: list[tuple[int, int, int]] = []
    sales: dict[int, int] = {}  # package -> its sale's invoice
    done: list[int] = []
    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        clock.set(datetime.combine(day, datetime.min.time()) + timedelta(hours=8))
        slot = 0
        for _ in range(rng.randint(1, 5)):
            action = rng.random()
            status = {p.id: p.status for patient in patients
                      for p in clinic.packages.for_patient(patient)}
            live = [p for p in packages if status[p[0]] == "active"]
            slot += 1
            at = datetime.combine(day, datetime.min.time()) + timedelta(hours=8 + slot)
            if action < 0.2 or not live:
                patient, template = rng.choice(patients), rng.choice(templates)
                sale = clinic.billing.sell_package(patient, template)
                if rng.random() < 0.6:
                    clinic.billing.receive_payment(patient, rng.randint(1, 5) * 2000, "cash",
                                                   invoice_id=sale.invoice_id)
                if rng.random() < 0.08:
                    clinic.billing.void_invoice(sale.invoice_id, "sold by mistake")
                else:
                    packages.append((sale.package_id, patient, template))
                    sales[sale.package_id] = sale.invoice_id
            elif action < 0.3:
                visit = clinic.schedule.book(rng.choice(patients), ana, acu, at)
                clinic.schedule.arrive(visit)
                if rng.random() < 0.2:  # its invoice is voided (R34 takes it back that day)
                    clinic.schedule.undo_arrival(visit)
            elif action < 0.6:
                package, patient, template = rng.choice(live)
                visit = clinic.schedule.book(patient, ana, treatment_of[template], at)
                if clinic.schedule.appointment(visit).package_id is None:
                    continue
                if rng.random() < 0.8:
                    clinic.schedule.arrive(visit)
                else:
                    clinic.schedule.no_show(visit, use_package=True)
                done.append(visit)
            elif action < 0.72 and done:
                visit = done.pop(rng.randrange(len(done)))
                _try(lambda: clinic.schedule.undo_arrival(visit)
                     if clinic.schedule.appointment(visit).status == "arrived"
                     else clinic.schedule.undo_no_show(visit))
            elif action < 0.76:  # a sale voided later: after uses, or after its expiry
                package = rng.choice(packages)[0]
                _try(lambda: clinic.billing.void_invoice(sales[package], "wrong patient"))
            elif action < 0.84:
                package = rng.choice(live)[0]
                _try(lambda: clinic.packages.refund(
                    package, rng.choice((0, clinic.packages.suggested_refund(package)))))
            else:
                expired = [p for p in packages if status[p[0]] == "expired"]
                if expired and rng.random() < 0.6:
                    package = rng.choice(expired)[0]
                    expiry = rng.choice((None, day + timedelta(days=rng.randint(0, 10))))
                else:
                    package = rng.choice(live)[0]
                    expiry = day + timedelta(days=rng.randint(-5, 3))
                _try(lambda: clinic.packages.set_expiry(package, expiry))


PERIODS = [(START, START + timedelta(days=DAYS)),  # all of it
           (START - timedelta(days=10), START + timedelta(days=6)),  # the first week
           (START + timedelta(days=9), START + timedelta(days=23)),  # the middle
           (START + timedelta(days=30), START + timedelta(days=90)),  # the end and after
           (START + timedelta(days=17), START + timedelta(days=17))]  # one day


@pytest.mark.parametrize("seed", [5, 23, 61])
def test_r33_r34_r36_hand_written_books_give_the_services_answers(clinic, catalog, clock,
                                                                  seed):
    drive(clinic, catalog, clock, seed)
    con = sqlite3.connect(clinic.path)
    try:
        walked = 0
        for start, end in PERIODS:
            for name, signature, same in (
                    ("package_liability", run_books.liability_signature,
                     run_books.same_liability),
                    ("revenue", run_books.revenue_signature, run_books.same_revenue),
                    ("sales_tax", run_books.tax_signature, run_books.same_tax)):
                mine = signature(getattr(clinic.reports, name)(start, end))
                theirs = getattr(hand_books, name)(con, start, end)
                assert same(mine, theirs), (name, start, end, mine, theirs[0].rows)
            walked += con.execute(
                f"WITH {hand_books.PACKAGES} SELECT count(*) FROM pk WHERE walk",
                hand_books._period(start, end)).fetchone()[0]
        totals = clinic.reports.package_liability(*PERIODS[0]).totals
        voided_later = con.execute(
            "SELECT count(*) FROM packages p JOIN invoices i ON i.id = p.invoice_id "
            "WHERE p.status = 'void' AND substr(i.voided_at, 1, 10) > p.purchased_on"
        ).fetchone()[0]
    finally:
        con.close()
    # the run went through every movement, and both hand-written paths were compared
    assert all(totals[f] > 0 for f in ("sold", "redeemed", "refunded", "voided", "expired",
                                       "reinstated")), dict(totals)
    assert walked > 0 and voided_later > 0
