"""R38 on a server: a transfer at one desk and the last use (an arrival) at another, at the
same moment, are put in order by the database. Both lock the giving patient's row first
(app/services/locks.py), so the second waits for the first, then decides on what the first
wrote: an arrival first leaves nothing to transfer; a transfer first releases the visit,
which is then billed at the standard price. Never both.

Deterministic: the first desk is held inside its transaction (after its lock) until the
second is seen waiting. (Needs PostgreSQL: `bash .ci/postgres PYTHON -m pytest tests/pg`.)
"""

from __future__ import annotations

import os
import threading
from datetime import datetime

import pytest

from app.services import Clinic, NotAllowed
from app.services import package_rules

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")

WAIT = 0.5


@pytest.fixture
def last_use(clinic, catalog, clinic_target, clock):
    """Maria's 3 Physio with one use left, held by a visit booked today; a second desk."""
    maria = catalog["patient"]
    sale = clinic.billing.sell_package(maria, catalog["three_physio"])
    for hour in (9, 10):
        clinic.schedule.arrive(clinic.schedule.book(maria, catalog["ana"], catalog["physio"],
                                                    datetime(2026, 3, 2, hour)))
    visit = clinic.schedule.book(maria, catalog["ana"], catalog["physio"],
                                 datetime(2026, 3, 2, 11))
    joe = clinic.patients.add("Joe", "Bloggs")
    other = Clinic.open(clinic_target, clock=clock)
    yield {**catalog, "package": sale.package_id, "visit": visit, "joe": joe, "other": other}
    other.close()


class Paused:
    """Hold the thread named `who` inside `package_rules.<name>` (inside its transaction,
    after its locks) until `go()`."""

    def __init__(self, monkeypatch, name: str, who: str):
        self.inside, self.release = threading.Event(), threading.Event()
        original = getattr(package_rules, name)

        def held(*args, **kwargs):
            result = original(*args, **kwargs)
            if threading.current_thread().name == who:
                self.inside.set()
                assert self.release.wait(30)
            return result
        monkeypatch.setattr(package_rules, name, held)

    def go(self) -> None:
        self.release.set()


def run(name: str, call) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def body():
        try:
            outcome["result"] = call()
        except BaseException as error:  # noqa: BLE001 - the test reads it
            outcome["error"] = error

    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    return thread, outcome


def race(first: Paused, first_call, second_call):
    a, a_out = run("first", first_call)
    assert first.inside.wait(30), "the first desk never got inside its transaction"
    b, b_out = run("second", second_call)
    b.join(WAIT)
    waiting = b.is_alive()
    first.go()
    a.join(30)
    b.join(30)
    assert not a.is_alive() and not b.is_alive()
    assert waiting, "the second desk did not wait for the first"
    return a_out, b_out


def test_r38_the_last_use_arrives_first_then_there_is_nothing_to_transfer(
        clinic, last_use, monkeypatch):
    first = Paused(monkeypatch, "number_new_use", "first")  # the arrival's redemption
    arrived, transfer = race(
        first, lambda: clinic.schedule.arrive(last_use["visit"]),
        lambda: last_use["other"].packages.transfer(last_use["package"], last_use["joe"],
                                                   reason="Moved away"))
    assert "error" not in arrived, arrived.get("error")
    assert isinstance(transfer.get("error"), NotAllowed)
    assert "at least 1 use must be left" in str(transfer["error"])
    assert clinic.packages.summary(last_use["package"]).status == "used up"
    assert clinic.packages.for_patient(last_use["joe"]) == []


def test_r38_the_transfer_goes_first_then_the_visit_is_billed_at_the_standard_price(
        clinic, last_use, monkeypatch):
    first = Paused(monkeypatch, "release_booked", "first")  # inside the transfer
    transfer, arrived = race(
        first, lambda: clinic.packages.transfer(last_use["package"], last_use["joe"],
                                                reason="Moved away"),
        lambda: last_use["other"].schedule.arrive(last_use["visit"]))
    assert "error" not in transfer and "error" not in arrived, (transfer, arrived)
    original = clinic.packages.detail(last_use["package"])
    assert original.summary.status == "transferred" and len(original.redemptions) == 2
    (new,) = clinic.packages.for_patient(last_use["joe"])
    assert (new.uses_total, new.uses_redeemed, new.status) == (1, 0, "active")
    visit = clinic.schedule.appointment(last_use["visit"])
    assert visit.status == "arrived" and visit.package_id is None
    bill = clinic.billing.invoice(arrived["result"])
    assert bill.total == 8500 + 1275  # Physio follow-up at its standard price, with tax
