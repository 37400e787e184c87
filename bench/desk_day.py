"""One desk of bench/desks.py: a receptionist's day compressed into minutes, in a process of
its own, through the same `Clinic` calls the window makes.

She types a surname a letter at a time, looks at the day, books, moves a booking, arrives a
patient, takes a payment, sells a package, refunds one, and now and then runs a month's
report; every two seconds the live refresh asks whether another desk changed anything and,
when one did, the day view is read again (app/ui/live_refresh.py). Between actions she
pauses, as a person does (`pace`, seconds on average).

What a desk is given (its plan) keeps the desks off each other's rows where a real clinic's
desks would be: each books on days of its own and arrives and refunds its own share of the
visits and packages. What they share is what two desks really share: the patients, the
practitioners' calendars, the invoice numbers, the audit chain and the database's locks.
Every write the clinic acknowledged is written down (its kind, the id it returned, what it
should have left) for bench/desk_checks.py to find afterwards, once and unchanged.
"""

from __future__ import annotations

import json
import random
import time
import traceback
from datetime import date, datetime, timedelta
from pathlib import Path

WRITES = ("book", "reschedule", "arrive", "pay", "sell", "refund")
#: How often each action comes up in her day (a weighted choice after each pause).
WEIGHTS = {"search": 30, "day": 12, "book": 10, "reschedule": 5, "arrive": 12, "pay": 10,
           "sell": 6, "refund": 2, "report": 1}
POLL_SECONDS = 2.0  # app/ui/live_refresh.py POLL_MS


class Desk:
    def __init__(self, clinic, plan: dict) -> None:
        self.clinic, self.plan = clinic, plan
        self.random = random.Random(plan["seed"])
        self.today = date.fromisoformat(plan["today"])
        self.times: dict[str, list[float]] = {}
        self.refused: dict[str, list[str]] = {}
        self.errors: list[dict] = []
        self.acknowledged: list[dict] = []
        self.arrivals = list(plan["arrivals"])
        self.refundable = list(plan["refundable"])
        self.booked: list[tuple[int, int]] = []  # (appointment, its practitioner)
        self.owing: list[tuple[int, int]] = []  # (patient, invoice) with something to pay
        self.slot = 0
        self.paid = 0

    # -- the actions -------------------------------------------------------------------

    def search(self) -> None:
        name = self.random.choice(self.plan["names"])
        for length in range(1, min(4, len(name)) + 1):  # one call per keystroke
            self.timed("search", lambda t=name[:length]: self.clinic.patients.search(t))

    def day(self) -> None:
        on = self.today + timedelta(days=self.random.choice((0, 0, 0, 1, 2, 7)))
        self.timed("day", lambda: self.clinic.schedule.day(on))

    def next_start(self) -> datetime:
        """A time of this desk's own days, 9:00 to 18:00 each practitioner in turn."""
        practitioners = len(self.plan["practitioners"])
        per_day = 10 * practitioners
        day, within = divmod(self.slot, per_day)
        self.slot += 1
        first = self.today + timedelta(days=self.plan["first_own_day"] + day)
        self.staff = self.plan["practitioners"][within % practitioners]
        return datetime.combine(first, datetime.min.time()) + timedelta(
            hours=9 + within // practitioners)

    def book(self) -> None:
        start = self.next_start()
        patient = self.random.choice(self.plan["patients"])
        appointment = self.timed("book", lambda: self.clinic.schedule.book(
            patient, self.staff, self.plan["treatment"], start, package=None))
        if appointment is not None:
            self.booked.append((appointment, self.staff))
            self.ack("book", appointment, start=start.isoformat(), patient=patient)

    def reschedule(self) -> None:
        if not self.booked:
            return self.book()
        appointment, staff = self.random.choice(self.booked)
        start = self.next_start()
        while self.staff != staff:  # a time of its own practitioner's, free on this desk's days
            start = self.next_start()
        if self.timed("reschedule", lambda: self.clinic.schedule.reschedule(
                appointment, start), done=True):
            self.ack("reschedule", appointment, start=start.isoformat())

    def arrive(self) -> None:
        if not self.arrivals:
            return self.day()
        appointment, patient = self.arrivals.pop()
        invoice = self.timed("arrive", lambda: self.clinic.schedule.arrive(appointment))
        if invoice is not None:
            self.ack("arrive", appointment, invoice=invoice)
            self.owing.append((patient, invoice))

    def pay(self) -> None:
        if not self.owing:
            return self.sell()
        patient, invoice = self.owing.pop(0)
        balance = self.clinic.billing.invoice(invoice).balance  # the desk shows it first
        if balance <= 0:
            return None
        self.paid += 1
        reference = f"desk{self.plan['desk']}-{self.paid}"
        payment = self.timed("pay", lambda: self.clinic.billing.receive_payment(
            patient, balance, "debit", invoice_id=invoice, reference=reference))
        if payment is not None:
            self.ack("pay", payment, invoice=invoice, amount=balance, reference=reference)

    def sell(self) -> None:
        patient = self.random.choice(self.plan["patients"])
        sale = self.timed("sell", lambda: self.clinic.billing.sell_package(
            patient, self.plan["template"]))
        if sale is not None:
            self.ack("sell", sale.package_id, invoice=sale.invoice_id, patient=patient)
            self.owing.append((patient, sale.invoice_id))

    def refund(self) -> None:
        if not self.refundable:
            return self.sell()
        package = self.refundable.pop()
        amount = self.clinic.packages.suggested_refund(package)  # what the dialog offers
        if self.timed("refund", lambda: self.clinic.packages.refund(package, amount),
                      done=True):
            self.ack("refund", package, amount=amount)

    def report(self) -> None:
        start = self.today.replace(day=1) - timedelta(days=1)
        self.timed("report", lambda: self.clinic.reports.package_sales(
            start.replace(day=1), start))

    # -- the day -------------------------------------------------------------------------

    def run(self, seconds: float, pace: float) -> None:
        kinds, weights = zip(*WEIGHTS.items())
        ends = time.monotonic() + seconds
        token = self.timed("poll", lambda: self.clinic.changes_since(None))[1]
        polled = time.monotonic()
        while time.monotonic() < ends:
            getattr(self, self.random.choices(kinds, weights)[0])()
            if time.monotonic() - polled >= POLL_SECONDS:
                polled = time.monotonic()
                answer = self.timed("poll", lambda t=token: self.clinic.changes_since(t))
                if answer is not None:
                    changed, token = answer
                    if changed:  # the window reads its current view again
                        self.timed("refresh", lambda: self.clinic.schedule.day(self.today))
            time.sleep(self.random.expovariate(1 / pace) if pace else 0)

    def timed(self, kind: str, call, *, done: bool = False):
        """The call's answer (True for one that answers nothing, with `done`), or None when
        it was refused or failed: a refusal in the desk's words, anything else an error."""
        from app.services.errors import ClinicError

        started = time.perf_counter()
        try:
            answer = call()
        except ClinicError as refusal:
            self.refused.setdefault(kind, []).append(str(refusal)[:200])
            return None
        except Exception as error:  # noqa: BLE001 - what the receptionist would have seen
            self.errors.append({"kind": kind, "error": f"{type(error).__name__}: {error}"[:400],
                                "where": traceback.format_exc(limit=3)[-600:]})
            return None
        finally:
            self.times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        return True if done and answer is None else answer

    def ack(self, kind: str, row_id: int, **what) -> None:
        self.acknowledged.append({"kind": kind, "id": row_id, **what})

    def result(self) -> dict:
        return {"desk": self.plan["desk"], "times": self.times, "refused": self.refused,
                "errors": self.errors, "acknowledged": self.acknowledged}


def run_desk(plan: dict, ready, go, out: str) -> None:
    """The process's whole life: open the clinic, say ready, wait for the start, work,
    write what happened to `out`."""
    from app.services import Clinic

    opened = time.monotonic()
    base = datetime.fromisoformat(plan["now"])
    clinic = Clinic.open(plan["target"],
                         clock=lambda: base + timedelta(seconds=time.monotonic() - opened))
    desk = Desk(clinic, plan)
    try:
        ready.set()
        go.wait()
        desk.run(plan["seconds"], plan["pace"])
    finally:
        clinic.close()
        Path(out).write_text(json.dumps(desk.result()))
