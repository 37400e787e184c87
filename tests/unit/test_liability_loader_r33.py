"""R33 from the clinic's own rows: the loader gives every package's life, and the closing
figure on any day is the value of the unredeemed uses of every live package that day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.domain.liability import ONE_DAY, Movements, value_left
from app.services.liability import roll_forward


def owed_now(clinic, patients) -> int:
    """What the packages screen says is still owed: live packages' unredeemed uses (R19)."""
    total = 0
    for patient in patients:
        for p in clinic.packages.for_patient(patient):
            if p.status in ("active", "used up"):
                total += value_left(p.price, p.uses_total, p.uses_redeemed)
    return total


def closing(clinic, start: date, on: date) -> Movements:
    with clinic.db.read() as s:
        moved = roll_forward(s, start, on)
    return sum(moved.values(), Movements.zero())


def test_r33_closing_ties_to_the_packages_day_after_day(clinic, catalog, clock):
    ana, massage, physio = catalog["ana"], catalog["massage"], catalog["physio"]
    maria = catalog["patient"]
    joe = clinic.patients.add("Joe", "Bloggs", phone="902-555-0102")
    start = date(2026, 3, 1)
    checks = []

    def check():
        today = clock().date()
        whole = closing(clinic, start, today)
        assert whole.closing == owed_now(clinic, (maria, joe)), today
        checks.append((today, whole))

    clock.set(datetime(2026, 3, 1, 9))
    ten = clinic.billing.sell_package(maria, catalog["ten_massages"]).package_id
    three = clinic.billing.sell_package(joe, catalog["three_physio"]).package_id
    check()
    for day in (2, 3, 4):
        clock.set(datetime(2026, 3, day, 11))
        visit = clinic.schedule.book(maria, ana, massage, datetime(2026, 3, day, 10))
        clinic.schedule.arrive(visit)
        check()
    clinic.schedule.undo_arrival(visit)
    check()
    clock.set(datetime(2026, 3, 5, 11))
    clinic.schedule.arrive(clinic.schedule.book(joe, ana, physio, datetime(2026, 3, 5, 10)))
    clinic.packages.set_expiry(three, date(2026, 3, 6))
    check()
    clock.set(datetime(2026, 3, 8, 9))
    check()  # three expired on the 7th
    clinic.packages.set_expiry(three, None)
    check()  # and came back
    clinic.packages.refund(ten, clinic.packages.suggested_refund(ten))
    check()
    void_me = clinic.billing.sell_package(joe, catalog["ten_massages"])
    clinic.billing.void_invoice(void_me.invoice_id, "sold by mistake")
    check()

    final = checks[-1][1]
    assert final.sold == 80000 + 10000 + 80000
    assert final.redeemed == 16000 + 3333
    assert final.refunded == 64000
    assert final.voided == 80000
    assert final.expired == final.reinstated == 6667
    assert final.closing == 6667
    # the same days in two periods chain: one's closing is the next one's opening
    middle = date(2026, 3, 4)
    first, second = closing(clinic, start, middle), closing(clinic, middle + ONE_DAY,
                                                             date(2026, 3, 8))
    assert first.closing == second.opening == dict(checks)[middle].closing
    assert first.redeemed + second.redeemed == final.redeemed


def test_r33_a_period_long_after_everything_ended_moves_nothing(clinic, catalog, clock):
    clock.set(datetime(2026, 3, 1, 9))
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    later = date(2027, 6, 1)  # the six months ran out in September
    assert closing(clinic, later, later + timedelta(days=30)) == Movements.zero()
    assert closing(clinic, date(2026, 9, 1), date(2026, 9, 30)).expired == 80000
    assert sale.package_id
