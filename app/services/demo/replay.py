"""The demo's replay: the plan turned into the desk's own actions (joining, selling, booking,
arriving, paying, no-shows), each at the moment it would have happened."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Callable

from ..errors import NotAllowed
from .harbourview import METHODS, PACKAGES, PATIENTS, DemoClinic, minutes_of, patient_details
from .plan import Visit


def replay_events(clinic, demo: DemoClinic, rng: random.Random, visits: list[Visit],
            week_start: date, real_now: datetime) -> list[tuple[datetime, int, Callable]]:
    events: list[tuple[datetime, int, Callable]] = []
    window = datetime.combine(week_start, time(0))

    def add(when: datetime, action: Callable) -> None:
        events.append((when, len(events), action))

    # patients join over the year before (demo.patients[i] is PATIENTS[i])
    demo.patients = [0] * len(PATIENTS)
    for index, (first, last) in enumerate(PATIENTS):
        details = patient_details(rng, index, first, last)
        joined = datetime.combine(week_start - timedelta(days=rng.randint(65, 400)),
                                  time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))))

        def join(index=index, first=first, last=last, details=details):
            demo.patients[index] = clinic.patients.add(first, last, **details)
        add(joined, join)

    # a patient who paid ahead on account
    add(window - timedelta(days=16, hours=-10, minutes=-20),
        lambda: clinic.billing.receive_payment(demo.patients[8], 30000, "e_transfer",
                                               reference="Prepaid on account"))

    # packages sold before the two weeks
    for label, (patient, template, sold, paid, method, seller) in PACKAGES.items():
        if sold == "visit":
            continue
        when = window - timedelta(days=sold) + timedelta(hours=rng.randint(10, 16),
                                                         minutes=rng.choice((5, 20, 35, 50)))
        add(when, lambda label=label: _sell(clinic, demo, label, None))

    # booking each appointment, some days before it (never after the real now); a patient
    # who buys a package at a visit had booked the series before it (so R7 sees them)
    first_visit = {}
    for visit in visits:
        first_visit.setdefault(visit.patient, visit.start)
    buy_at_visit = {p for p, _, sold, *_ in PACKAGES.values() if sold == "visit"}
    for visit in visits:
        latest = min(visit.start - timedelta(hours=2), real_now - timedelta(minutes=5))
        if visit.patient in buy_at_visit:
            latest = min(latest, first_visit[visit.patient] - timedelta(hours=3))
        earliest = window - timedelta(days=12)
        booked = _office_time(rng, earliest, latest)
        add(booked, lambda visit=visit: _book(clinic, demo, visit))
        if visit.outcome == "arrive":
            add(visit.start - timedelta(minutes=rng.choice((2, 5, 8, 10))),
                lambda visit=visit: _arrive(clinic, demo, visit))
            end = visit.start + timedelta(minutes=minutes_of(visit.treatment))
            if visit.pay is not None:
                add(end + timedelta(minutes=2), lambda visit=visit: _checkout(clinic, demo,
                                                                             visit, rng))
        else:
            add(visit.start + timedelta(minutes=20),
                lambda visit=visit: _no_show(clinic, demo, visit))
    return events


def _office_time(rng: random.Random, earliest: datetime, latest: datetime) -> datetime:
    """A plausible moment at the desk between `earliest` and `latest`."""
    if latest <= earliest:
        return latest
    span = (latest.date() - earliest.date()).days
    day = earliest.date() + timedelta(days=rng.randint(0, span))
    moment = datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 10, 25, 40, 55))))
    return min(max(moment, earliest), latest)


def _sell(clinic, demo: DemoClinic, label: str, appointment_id: int | None) -> None:
    patient, template, _, paid, method, seller = PACKAGES[label]
    patient_id = demo.patients[patient]
    sale = clinic.billing.sell_package(
        patient_id, demo.templates[template],
        staff_id=demo.staff[seller] if seller else None, appointment_id=appointment_id)
    demo.packages[label] = sale.package_id
    if sale.double_compensation:
        # R7: the seller is paid up front, so the covered visits do not pay again.
        clinic.billing.unassign_compensation(list(sale.double_compensation))
    if paid is not None:
        amount = clinic.billing.invoice(sale.invoice_id).total if paid == "full" else paid
        clinic.billing.receive_payment(patient_id, amount, method, invoice_id=sale.invoice_id)
    # the desk puts the new package on the patient's other booked visits it covers (R12)
    for row in clinic.schedule.upcoming(patient_id):
        if row.package_id is None and row.id != appointment_id:
            try:
                clinic.schedule.apply_package(row.id, sale.package_id)
            except NotAllowed:
                pass


def _book(clinic, demo: DemoClinic, visit: Visit) -> None:
    visit.appointment_id = clinic.schedule.book(
        demo.patients[visit.patient], demo.staff[visit.staff], demo.treatments[visit.treatment],
        visit.start, package="auto")
    demo.appointments.append(visit.appointment_id)


def _arrive(clinic, demo: DemoClinic, visit: Visit) -> None:
    label = visit.sell
    if label and PACKAGES[label][1] != "physio3":
        _sell(clinic, demo, label, visit.appointment_id)   # sold from the appointment (R5)
    visit.invoice_id = clinic.schedule.arrive(visit.appointment_id)


def _checkout(clinic, demo: DemoClinic, visit: Visit, rng: random.Random) -> None:
    patient_id = demo.patients[visit.patient]
    invoice = clinic.billing.invoice(visit.invoice_id)
    if invoice.balance > 0:
        if visit.pay == "credit":
            clinic.billing.apply_credit(patient_id, invoice.id)
        else:
            clinic.billing.receive_payment(patient_id, invoice.balance, rng.choice(METHODS),
                                           invoice_id=invoice.id)
    if visit.sell and PACKAGES[visit.sell][1] == "physio3":
        # sold at the end of the assessment, to cover the follow-ups; paid later (R8)
        _sell(clinic, demo, visit.sell, None)


def _no_show(clinic, demo: DemoClinic, visit: Visit) -> None:
    fee = visit.no_show.get("fee")
    clinic.schedule.no_show(visit.appointment_id, use_package=visit.no_show["use_package"],
                            fee_id=demo.fees[fee] if fee else None)
