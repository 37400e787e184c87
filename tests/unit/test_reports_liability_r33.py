"""R33 Package Liability as clinic.reports gives it: a worked example figure by figure, two
adjacent periods chaining, bad periods refused in words, and the tie-out: on a random clinic
driven through the Clinic API day after day, the closing figure is the value of the uses left
on every live package the packages screen shows, to the cent."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

from app.domain.liability import value_left
from app.services.errors import ValidationError
from app.services.reports.liability import FIGURES

MAR = lambda day, hour=10: datetime(2026, 3, day, hour)  # noqa: E731


def figures(report) -> dict[str, int]:
    return {name: report.totals[name] for name in FIGURES}


def rolls_forward(t) -> bool:
    return t["closing"] == (t["opening"] + t["sold"] - t["redeemed"] - t["refunded"]
                            - t["voided"] - t["expired"] + t["reinstated"])


@pytest.fixture
def worked(clinic, catalog, clock):
    """3 Physio ($100.00 over 3 uses: 33.33, 33.33, 33.34) twice, in March 2026:
    Maria's (A) is used on the 3rd and the 4th, the 4th's arrival undone on the 5th; its
    expiry is cut to the 7th on the 6th, so its uses expire on the 8th, and on the 9th it is
    extended to the 31st (reinstated). Joe's (B), paid in full, is used on the 5th and
    refunded on the 6th."""
    ana, physio, maria = catalog["ana"], catalog["physio"], catalog["patient"]
    joe = clinic.patients.add("Joe", "Bloggs", phone="902-555-0102")
    clock.set(MAR(2, 9))
    a = clinic.billing.sell_package(maria, catalog["three_physio"]).package_id
    b_sale = clinic.billing.sell_package(joe, catalog["three_physio"])
    clinic.billing.receive_payment(joe, 10000, "cash", invoice_id=b_sale.invoice_id)
    for day in (3, 4):
        clock.set(MAR(day, 11))
        visit = clinic.schedule.book(maria, ana, physio, MAR(day))
        clinic.schedule.arrive(visit)
    clock.set(MAR(5, 11))
    clinic.schedule.undo_arrival(visit)
    clinic.schedule.arrive(clinic.schedule.book(joe, ana, physio, MAR(5)))
    clock.set(MAR(6, 11))
    clinic.packages.refund(b_sale.package_id, clinic.packages.suggested_refund(b_sale.package_id))
    clinic.packages.set_expiry(a, date(2026, 3, 7))
    clock.set(MAR(9, 11))
    clinic.packages.set_expiry(a, date(2026, 3, 31))
    return {"a": a, "b": b_sale.package_id, "patients": (maria, joe)}


def test_r33_worked_example_figure_by_figure(clinic, worked):
    report = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 3, 31))

    assert report.kind == "package_liability"
    assert figures(report) == {
        "opening": 0, "sold": 20000,
        "redeemed": 3333 + 3333 - 3333 + 3333,  # A twice, A's second undone, B once
        "refunded": 6667,  # B's two uses left (33.33 + 33.34)
        "voided": 0,
        "expired": 6667,  # A's uses left when its expiry passed
        "reinstated": 6667,  # ... brought back by the extension
        "closing": 6667}
    assert rolls_forward(report.totals)
    (row,) = report.rows
    assert row.package_name == "3 Physio" and row.closing == 6667
    assert report.count == 1
    assert "Closing = opening + sold" in report.notes[0]


def test_r33_adjacent_periods_chain_closing_to_opening(clinic, worked):
    first = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 3, 4))
    second = clinic.reports.package_liability(date(2026, 3, 5), date(2026, 3, 31))
    whole = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 3, 31))

    assert figures(first) == {"opening": 0, "sold": 20000, "redeemed": 6666, "refunded": 0,
                              "voided": 0, "expired": 0, "reinstated": 0, "closing": 13334}
    assert second.totals["opening"] == first.totals["closing"] == 13334
    assert second.totals["redeemed"] == 0  # the undo (-33.33) and B's use (+33.33)
    for name in ("sold", "redeemed", "refunded", "voided", "expired", "reinstated"):
        assert first.totals[name] + second.totals[name] == whole.totals[name], name
    assert second.totals["closing"] == whole.totals["closing"]
    assert rolls_forward(first.totals) and rolls_forward(second.totals)


def test_r33_a_voided_sale_is_its_own_movement(clinic, catalog, clock):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clinic.billing.void_invoice(sale.invoice_id, "sold by mistake")

    t = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 3, 31)).totals

    assert (t["sold"], t["voided"], t["closing"]) == (80000, 80000, 0)
    assert rolls_forward(t)


def test_r33_an_empty_period_says_so(clinic, catalog):
    report = clinic.reports.package_liability(date(2026, 1, 1), date(2026, 1, 31))
    assert report.rows == () and report.totals == dict.fromkeys(FIGURES, 0)
    assert report.sections[0].empty_text == "No package was owed or moved in this period."


@pytest.mark.parametrize("start, end, field, words", [
    (date(2026, 3, 31), date(2026, 3, 1), "end",
     "The end date (Mar 1, 2026) must be on or after the start date (Mar 31, 2026)."),
    ("yesterday", date(2026, 3, 1), "start", "The start date must be a date like 2026-03-31."),
    (date(2026, 3, 1), date(9999, 1, 1), "end", "The end date must be between"),
])
def test_r30_a_bad_period_is_refused_naming_the_field(clinic, start, end, field, words):
    with pytest.raises(ValidationError) as refused:
        clinic.reports.package_liability(start, end)
    assert refused.value.field == field and str(refused.value).startswith(words)


# ------------------------------------------------------------------------------- tie-out

def owed(clinic, patients) -> int:
    """What the packages screen says is still owed: the uses left on live packages (R19)."""
    return sum(value_left(p.price, p.uses_total, p.uses_redeemed)
               for patient in patients for p in clinic.packages.for_patient(patient)
               if p.status == "active")


@pytest.mark.parametrize("seed", [3, 17, 41])
def test_r33_closing_ties_to_every_live_package_on_a_random_clinic(clinic, catalog, clock,
                                                                   seed):
    """Six weeks of a random desk: sales (one voided), arrivals, covered no-shows, undos,
    refunds, expiries cut short, extended after they passed and cleared; after each day the
    report's closing equals what the packages screen shows as owed, and the day's report
    opens where the day before closed."""
    rng = random.Random(seed)
    ana, physio, massage = catalog["ana"], catalog["physio"], catalog["massage"]
    templates = (catalog["three_physio"], catalog["ten_massages"])
    treatment_of = {catalog["three_physio"]: physio, catalog["ten_massages"]: massage}
    patients = [catalog["patient"]] + [
        clinic.patients.add(f"Patient{i}", "Random", phone=f"902-555-01{i:02d}")
        for i in range(4)]
    packages: list[tuple[int, int, int]] = []  # (package, patient, template)
    done: list[int] = []  # appointments arrived or covered as no-shows
    start = day = date(2026, 3, 2)
    closed_before = 0
    for _ in range(42):
        clock.set(datetime.combine(day, datetime.min.time()) + timedelta(hours=8))
        slot = 0
        for _ in range(rng.randint(1, 4)):
            action = rng.random()
            status = {p.id: p.status for patient in patients
                      for p in clinic.packages.for_patient(patient)}
            live = [p for p in packages if status[p[0]] == "active"]
            if action < 0.25 or not live:
                patient, template = rng.choice(patients), rng.choice(templates)
                sale = clinic.billing.sell_package(patient, template)
                if rng.random() < 0.6:
                    clinic.billing.receive_payment(patient, rng.randint(1, 5) * 2000, "cash",
                                                   invoice_id=sale.invoice_id)
                if rng.random() < 0.05:
                    clinic.billing.void_invoice(sale.invoice_id, "sold by mistake")
                else:
                    packages.append((sale.package_id, patient, template))
            elif action < 0.65:
                package, patient, template = rng.choice(live)
                slot += 1  # an hour each, so Ana is never booked twice at once
                at = datetime.combine(day, datetime.min.time()) + timedelta(hours=8 + slot)
                visit = clinic.schedule.book(patient, ana, treatment_of[template], at)
                if clinic.schedule.appointment(visit).package_id is None:
                    continue  # another package of theirs, or none, covers it: not this one
                if rng.random() < 0.8:
                    clinic.schedule.arrive(visit)
                else:
                    clinic.schedule.no_show(visit, use_package=True)
                done.append(visit)
            elif action < 0.75 and done:
                visit = done.pop(rng.randrange(len(done)))
                _try(lambda: clinic.schedule.undo_arrival(visit)
                     if clinic.schedule.appointment(visit).status == "arrived"
                     else clinic.schedule.undo_no_show(visit))
            elif action < 0.85:
                package = rng.choice(live)[0]
                _try(lambda: clinic.packages.refund(
                    package, rng.choice((0, clinic.packages.suggested_refund(package)))))
            else:
                expired = [p for p in packages if status[p[0]] == "expired"]
                if expired and rng.random() < 0.6:  # extended or cleared after it passed
                    package = rng.choice(expired)[0]
                    expiry = rng.choice((None, day + timedelta(days=rng.randint(0, 10))))
                else:  # cut short, often to a day already gone
                    package = rng.choice(live)[0]
                    expiry = day + timedelta(days=rng.randint(-5, 3))
                _try(lambda: clinic.packages.set_expiry(package, expiry))
        report = clinic.reports.package_liability(start, day)
        assert rolls_forward(report.totals)
        assert report.totals["closing"] == owed(clinic, patients), day
        today = clinic.reports.package_liability(day, day).totals
        assert today["opening"] == closed_before, day
        closed_before = today["closing"]
        day += timedelta(days=1)
    assert sum(r.closing for r in report.rows) == report.totals["closing"]
    # the run went through every movement R33 names
    assert all(report.totals[name] > 0 for name in FIGURES[1:-1]), dict(report.totals)


def _try(action) -> None:
    """A desk action the service may refuse (an expiry before the purchase or a booked
    visit, a package already refunded): a refusal changes nothing, which is the point."""
    from app.services.errors import ClinicError
    try:
        action()
    except ClinicError:
        pass
