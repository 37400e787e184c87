"""The demo clinic: Harbourview Physiotherapy & Massage, Halifax NS (`clinicdesk --demo`).

`seed_demo(clinic)` fills an empty clinic file with a realistic, deterministic clinic: staff, a
catalogue, 40 patients, packages sold (paid in full, in part, or not yet) and two weeks of
appointments around `clinic.today()` (last week and this week). The past is replayed day by day
through the Clinic facade with the clock moved back, so every invoice, payment, redemption and
audit entry carries the time it would have happened at, and every rule (R9-R18) is applied by
the same services the desk uses. Nothing here writes to the database directly.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Callable

from ..i18n import _
from .errors import NotAllowed

SEED = 2026

CLINIC = dict(
    name="Harbourview Physiotherapy & Massage",
    address="1583 Hollis Street, Suite 204\nHalifax NS  B3J 1V4",
    phone="902-555-0100",
    email="frontdesk@harbourview-clinic.example",
    tax_number="81234 5678 RT0001",
    tax_name="HST",
    currency="CAD",
    locale="en_CA",
    paper="letter",
    default_tax_rate=Decimal("0.15"),
)

HST = Decimal("0.15")

# name, practitioner, role, PIN for the demo's sign-in
STAFF = (
    ("Dr. Sarah MacLeod, PT", True, "manager", "2468"),
    ("Jordan Arsenault, RMT", True, "front_desk", "1357"),
    ("Mei Chen, R.Ac", True, "front_desk", "8642"),
    ("Olivia Boudreau", False, "front_desk", "1111"),
)
SARAH, JORDAN, MEI, OLIVIA = (s[0] for s in STAFF)

# key, name, minutes, price (cents), tax rate
TREATMENTS = (
    ("massage30", "Massage Therapy (30 min)", 30, 7000, Decimal("0")),
    ("massage60", "Massage Therapy (60 min)", 60, 11000, Decimal("0")),
    ("massage90", "Massage Therapy (90 min)", 90, 15500, Decimal("0")),
    ("physio_ia", "Physiotherapy Initial Assessment", 60, 12500, HST),
    ("physio_fu", "Physiotherapy Follow-up", 30, 9000, HST),
    ("acupuncture", "Acupuncture", 45, 9500, HST),
)

# key, name, price, uses, validity, tax, {treatment key: Patient Pays}
TEMPLATES = (
    ("mass5", "5 Massages (60 min)", 52500, 5, "3m", Decimal("0"), {"massage60": 0}),
    ("mass10", "10 Massages (60 min)", 100000, 10, "6m", Decimal("0"),
     {"massage60": 0, "massage90": 4500}),
    ("physio3", "3 Physio Follow-ups", 24000, 3, None, HST, {"physio_fu": 1000}),
    ("acu6", "Acupuncture 6-pack", 51000, 6, "1y", HST, {"acupuncture": 0}),
)

NO_SHOW_FEES = (("missed", "Missed appointment", 4000),
                ("late", "Late cancellation (under 24 hours)", 2500))

# Who works when: weekday (Mon=0) -> (opens, closes); and a lunch break.
HOURS = {
    SARAH: ({d: (time(8), time(16)) for d in range(5)}, (time(12), time(13))),
    JORDAN: ({**{d: (time(10), time(18)) for d in range(5)}, 5: (time(9), time(13))},
             (time(13, 30), time(14))),
    MEI: ({d: (time(9), time(17)) for d in (0, 2, 3, 4)}, (time(12), time(13))),
}
WHO_TREATS = {
    "massage30": (JORDAN,), "massage60": (JORDAN, JORDAN, MEI), "massage90": (JORDAN,),
    "physio_ia": (SARAH,), "physio_fu": (SARAH,), "acupuncture": (MEI,),
}

PATIENTS = (
    ("Maria", "Lopez"), ("Liam", "MacDonald"), ("Émilie", "LeBlanc"), ("Noah", "Fraser"),
    ("Chloé", "Thériault"), ("Ethan", "Campbell"), ("Olivia", "d'Entremont"),
    ("Aiden", "Murphy"), ("Sophie", "Landry"), ("Lucas", "Comeau"), ("Ava", "Doucette"),
    ("Jacob", "MacKenzie"), ("Priya", "Patel"), ("Owen", "Cameron"), ("Hannah", "Boudreau"),
    ("Mohammed", "Ali"), ("Isabelle", "Gaudet"), ("Benjamin", "Smith"), ("Grace", "Nguyen"),
    ("William", "MacIsaac"), ("Charlotte", "Robichaud"), ("James", "O'Neill"),
    ("Amelia", "Chisholm"), ("Daniel", "Kim"), ("Zoë", "Sampson"), ("Harpreet", "Singh"),
    ("Evelyn", "MacNeil"), ("Samuel", "Wilson"), ("Léa", "Cormier"), ("Matthew", "Sutherland"),
    ("Abigail", "Jollimore"), ("Ryan", "McNeil"), ("Fatima", "Hassan"), ("Connor", "Walsh"),
    ("Madison", "Hiltz"), ("Nathan", "Publicover"), ("Jasmine", "Francis"),
    ("Gabriel", "Poirier"), ("Ella", "Burke"), ("Thomas", "Ferguson"),
)

METHODS = ("debit", "debit", "debit", "credit_card", "credit_card", "credit_card", "cash",
           "e_transfer")


@dataclass
class DemoClinic:
    """What the seed made, by name, for tests and screenshots."""
    week_start: date                      # Monday of last week
    staff: dict[str, int] = field(default_factory=dict)
    treatments: dict[str, int] = field(default_factory=dict)
    templates: dict[str, int] = field(default_factory=dict)
    fees: dict[str, int] = field(default_factory=dict)
    patients: list[int] = field(default_factory=list)
    packages: dict[str, int] = field(default_factory=dict)
    appointments: list[int] = field(default_factory=list)


@dataclass
class _Visit:
    patient: int                          # index into PATIENTS
    treatment: str
    staff: str = ""
    start: datetime | None = None
    outcome: str = "arrive"               # arrive | no_show
    no_show: dict = field(default_factory=dict)   # use_package, fee
    pay: str | None = "auto"              # auto | None (leaves it owing) | "credit"
    sell: str | None = None               # package label sold at this visit
    weekdays: tuple[int, ...] | None = None   # only on these days (Mon=0)
    appointment_id: int | None = None
    invoice_id: int | None = None


# package label -> (patient index, template, sold: days before week_start or "visit",
#                   paid: "full" | cents | None, method, sold by staff)
PACKAGES = {
    "maria_10": (0, "mass10", 25, "full", "credit_card", None),
    "liam_5": (1, "mass5", "visit", "full", "debit", None),
    "emilie_10": (2, "mass10", "visit", 50000, "credit_card", JORDAN),
    "noah_physio": (3, "physio3", 40, "full", "debit", None),
    "chloe_physio": (4, "physio3", "visit", None, None, None),
    "ethan_acu": (5, "acu6", 60, "full", "e_transfer", None),
    "olivia_5": (6, "mass5", 17, "full", "cash", None),
    "aiden_5": (7, "mass5", 20, "full", "credit_card", None),
}


def seed_demo(clinic) -> DemoClinic:
    """Build the demo clinic in an empty clinic file. Deterministic for a given clock."""
    if (clinic.staff.list(include_inactive=True) or clinic.patients.search("", limit=1)
            or clinic.catalog.treatment_types(include_inactive=True)):
        raise NotAllowed(_("The demo clinic can only be built in an empty clinic file; "
                           "delete the demo file to start it again."))
    rng = random.Random(SEED)
    real_clock = clinic._clock
    real_now = real_clock().replace(second=0, microsecond=0)
    today = real_now.date()
    # Last week and this week; at the weekend, "this week" is the one starting on Monday, so
    # there is always something booked ahead.
    anchor = today + timedelta(days=7 - today.weekday()) if today.weekday() >= 5 else today
    week_start = anchor - timedelta(days=anchor.weekday() + 7)
    demo = DemoClinic(week_start)
    moment = {"now": datetime.combine(week_start - timedelta(days=420), time(9))}
    previous_staff = clinic.current_staff_id

    def at(when: datetime) -> None:
        moment["now"] = max(moment["now"], min(when, real_now))

    clinic._clock = lambda: moment["now"]
    try:
        _setup(clinic, demo)
        visits = _plan_visits(rng, week_start, today)
        events = _events(clinic, demo, rng, visits, week_start, real_now)
        clinic.auth.sign_in(demo.staff[OLIVIA], _pin(OLIVIA))
        for when, _order, action in sorted(events, key=lambda e: (e[0], e[1])):
            if when > real_now:
                continue
            at(when)
            action()
        at(real_now)
        clinic.auth.sign_out()
        clinic.settings.update(setup_complete=True)
    finally:
        clinic._clock = real_clock
        clinic.current_staff_id = previous_staff
    demo.appointments.sort()
    return demo


def _pin(name: str) -> str:
    return next(s[3] for s in STAFF if s[0] == name)


def _setup(clinic, demo: DemoClinic) -> None:
    clinic.settings.update(**CLINIC)
    for name, practitioner, role, pin in STAFF:
        demo.staff[name] = clinic.staff.add(name, practitioner=practitioner, role=role)
        clinic.auth.set_secret(demo.staff[name], pin)
    for key, name, minutes, price, tax in TREATMENTS:
        demo.treatments[key] = clinic.catalog.add_treatment_type(
            name, duration_min=minutes, price=price, tax_rate=tax)
    for key, name, price, uses, validity, tax, eligible in TEMPLATES:
        demo.templates[key] = clinic.catalog.add_package_template(
            name, price=price, uses=uses, validity=validity, tax_rate=tax,
            eligible={demo.treatments[t]: pays for t, pays in eligible.items()})
    for key, name, amount in NO_SHOW_FEES:
        demo.fees[key] = clinic.settings.add_no_show_fee(name, amount)


def _patient_details(rng: random.Random, index: int, first: str, last: str) -> dict:
    plain = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore")
    handle = plain.decode().lower().replace("'", "").replace(" ", "")
    area = "782" if index % 5 == 4 else "902"
    number = f"555-01{index + 1:02d}"
    phone = f"({area}) {number}" if index % 3 == 0 else f"{area}-{number}"
    domain = ("example.com", "example.ca", "example.net")[index % 3]
    email = None if index % 8 == 7 else f"{handle}@{domain}"
    birth = date(rng.randint(1946, 2007), rng.randint(1, 12), rng.randint(1, 28))
    return dict(phone=phone, email=email, birth_date=birth)


# the plan ---------------------------------------------------------------------------------

def _plan_visits(rng: random.Random, week_start: date, today: date) -> list[_Visit]:
    """Who comes in for what over the two weeks, then a free slot for each visit."""
    last_week, this_week = 0, 1
    wanted: list[tuple[_Visit, tuple[int, ...]]] = [
        # package holders and the special cases
        (_Visit(0, "massage60"), (last_week,)),
        (_Visit(0, "massage90"), (this_week,)),
        (_Visit(1, "massage60", sell="liam_5"), (last_week,)),
        (_Visit(1, "massage60"), (this_week,)),
        (_Visit(2, "massage60", sell="emilie_10"), (last_week,)),
        (_Visit(2, "massage60"), (this_week,)),
        (_Visit(2, "massage60"), (this_week,)),
        (_Visit(3, "physio_fu"), (last_week,)),
        (_Visit(3, "physio_fu"), (this_week,)),
        (_Visit(4, "physio_ia", sell="chloe_physio", weekdays=(0, 1)), (last_week,)),
        (_Visit(4, "physio_fu", pay=None), (last_week,)),
        (_Visit(4, "physio_fu"), (this_week,)),
        (_Visit(5, "acupuncture"), (last_week,)),
        (_Visit(5, "acupuncture"), (this_week,)),
        (_Visit(6, "massage60", outcome="no_show", no_show={"use_package": True}),
         (last_week,)),
        (_Visit(6, "massage60"), (this_week,)),
        (_Visit(7, "massage60", outcome="no_show",
                no_show={"use_package": False, "fee": "missed"}), (last_week,)),
        (_Visit(7, "massage60"), (this_week,)),
        (_Visit(8, "massage90", pay="credit"), (last_week,)),
        (_Visit(8, "massage60", pay="credit"), (this_week,)),
        (_Visit(9, "massage60", pay=None), (last_week,)),
        (_Visit(10, "acupuncture", outcome="no_show",
                 no_show={"use_package": False, "fee": "missed"}), (last_week,)),
        (_Visit(11, "physio_fu", outcome="no_show", no_show={"use_package": False}),
         (last_week,)),
    ]
    for visit, weeks in wanted:
        if weeks == (last_week,) and visit.weekdays is None:
            visit.weekdays = (0, 1, 2, 3, 4)   # done by Friday, whatever day it is now
    kinds = ("massage60",) * 7 + ("massage30",) * 2 + ("massage90",) * 2 + ("physio",) * 5 \
        + ("acupuncture",) * 4
    for index in range(12, len(PATIENTS)):
        if index % 13 == 0:
            continue  # not every patient comes in every fortnight
        kind = rng.choice(kinds)
        pay = None if rng.random() < 0.06 else "auto"
        if kind == "physio":
            if rng.random() < 0.4:   # new: assessment, then follow-ups
                wanted.append((_Visit(index, "physio_ia", weekdays=(0, 1, 2)), (last_week,)))
                series = (last_week, this_week)
            else:                    # an ongoing plan: twice a week, then once or twice
                series = (last_week, last_week, this_week) + (
                    (this_week,) if rng.random() < 0.5 else ())
            wanted += [(_Visit(index, "physio_fu", pay=pay), (week,)) for week in series]
        else:
            weekly = rng.random() < (0.7 if kind == "acupuncture" else 0.55)
            weeks = (last_week, this_week) if weekly else (rng.choice((0, 1)),)
            wanted += [(_Visit(index, kind, pay=pay), (week,)) for week in weeks]
        if rng.random() < 0.35:      # and now and then something else as well
            extra = rng.choice(("massage30", "massage60", "massage90", "acupuncture"))
            wanted.append((_Visit(index, extra), (rng.choice((0, 1)),)))
    busy_staff: dict[str, list[tuple[datetime, datetime]]] = {}
    busy_days: dict[int, dict[date, str]] = {}
    placed = []
    for visit, weeks in wanted:
        if not _place(rng, visit, weeks, week_start, busy_staff, busy_days):
            if visit.patient < 12:
                raise RuntimeError(f"demo: no slot for {visit}")  # pragma: no cover; i18n: not shown
            continue
        placed.append(visit)
    # today is a full day at the desk: walk-ins and regulars fill the practitioners' books
    week_of_today = (today - week_start).days // 7
    if today.weekday() < 6 and week_of_today in (0, 1):
        regulars = [i for i in range(12, len(PATIENTS)) if today not in busy_days.get(i, {})]
        rng.shuffle(regulars)
        for index in regulars[:14]:
            treatment = rng.choice(("physio_fu", "physio_fu", "massage60", "massage30",
                                    "massage90", "acupuncture"))
            visit = _Visit(index, treatment, weekdays=(today.weekday(),))
            if _place(rng, visit, (week_of_today,), week_start, busy_staff, busy_days):
                placed.append(visit)
    # a few ordinary past visits become no-shows (one with the late fee, one without)
    ordinary = [v for v in placed if v.patient >= 12 and v.outcome == "arrive"
                and v.start.date() < week_start + timedelta(days=5)]
    for visit, fee in zip(rng.sample(ordinary, 2), ("late", None)):
        visit.outcome, visit.no_show = "no_show", {"use_package": False, "fee": fee}
    placed.sort(key=lambda v: v.start)
    return placed


def _place(rng, visit: _Visit, weeks, week_start, busy_staff, busy_days) -> bool:
    """Put the visit in a free slot: the practitioner works then and is free, the patient has
    nothing else that day, and a follow-up comes after the assessment."""
    minutes = _minutes(visit.treatment)
    taken = busy_days.setdefault(visit.patient, {})
    not_before = max((d for d, t in taken.items() if t == "physio_ia"), default=None) \
        if visit.treatment == "physio_fu" else None
    days = [week_start + timedelta(days=7 * w + d) for w in weeks for d in range(6)
            if visit.weekdays is None or d in visit.weekdays]
    rng.shuffle(days)
    for day in days:
        if day in taken or (not_before is not None and day <= not_before):
            continue
        staff = rng.choice(WHO_TREATS[visit.treatment])
        hours, lunch = HOURS[staff]
        if day.weekday() not in hours:
            continue
        opens, closes = hours[day.weekday()]
        starts = []
        cursor = datetime.combine(day, opens)
        while cursor + timedelta(minutes=minutes) <= datetime.combine(day, closes):
            starts.append(cursor)
            cursor += timedelta(minutes=15)
        rng.shuffle(starts)
        lunch_start, lunch_end = datetime.combine(day, lunch[0]), datetime.combine(day, lunch[1])
        for start in starts:
            end = start + timedelta(minutes=minutes)
            if day.weekday() < 5 and start < lunch_end and end > lunch_start:
                continue
            if any(start < b_end and end > b_start
                   for b_start, b_end in busy_staff.get(staff, ())):
                continue
            busy_staff.setdefault(staff, []).append((start, end))
            taken[day] = visit.treatment
            visit.staff, visit.start = staff, start
            return True
    return False


def _minutes(treatment: str) -> int:
    return next(t[2] for t in TREATMENTS if t[0] == treatment)


# the replay -------------------------------------------------------------------------------

def _events(clinic, demo: DemoClinic, rng: random.Random, visits: list[_Visit],
            week_start: date, real_now: datetime) -> list[tuple[datetime, int, Callable]]:
    events: list[tuple[datetime, int, Callable]] = []
    window = datetime.combine(week_start, time(0))

    def add(when: datetime, action: Callable) -> None:
        events.append((when, len(events), action))

    # patients join over the year before (demo.patients[i] is PATIENTS[i])
    demo.patients = [0] * len(PATIENTS)
    for index, (first, last) in enumerate(PATIENTS):
        details = _patient_details(rng, index, first, last)
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
            end = visit.start + timedelta(minutes=_minutes(visit.treatment))
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


def _book(clinic, demo: DemoClinic, visit: _Visit) -> None:
    visit.appointment_id = clinic.schedule.book(
        demo.patients[visit.patient], demo.staff[visit.staff], demo.treatments[visit.treatment],
        visit.start, package="auto")
    demo.appointments.append(visit.appointment_id)


def _arrive(clinic, demo: DemoClinic, visit: _Visit) -> None:
    label = visit.sell
    if label and PACKAGES[label][1] != "physio3":
        _sell(clinic, demo, label, visit.appointment_id)   # sold from the appointment (R5)
    visit.invoice_id = clinic.schedule.arrive(visit.appointment_id)


def _checkout(clinic, demo: DemoClinic, visit: _Visit, rng: random.Random) -> None:
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


def _no_show(clinic, demo: DemoClinic, visit: _Visit) -> None:
    fee = visit.no_show.get("fee")
    clinic.schedule.no_show(visit.appointment_id, use_package=visit.no_show["use_package"],
                            fee_id=demo.fees[fee] if fee else None)
