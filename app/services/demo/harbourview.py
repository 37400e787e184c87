"""Harbourview Physiotherapy & Massage, Halifax NS: who works there and when, what it sells,
who its patients are and the packages they hold; and how the empty clinic file is set up
with them (settings, staff and their PINs, the catalogue, the no-show fees)."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

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
    # R50: the demo's PINs are public and short (README); its manager keeps 2468.
    manager_pin_min_digits=4,
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
    plans: dict[str, int] = field(default_factory=dict)        # R43 (extras.py)
    memberships: dict[int, int] = field(default_factory=dict)  # patient index -> membership
    gift_cards: list[str] = field(default_factory=list)        # R45: the codes, as printed


def pin_of(name: str) -> str:
    return next(s[3] for s in STAFF if s[0] == name)


def set_up(clinic, demo: DemoClinic) -> None:
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


def patient_details(rng: random.Random, index: int, first: str, last: str) -> dict:
    plain = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore")
    handle = plain.decode().lower().replace("'", "").replace(" ", "")
    area = "782" if index % 5 == 4 else "902"
    number = f"555-01{index + 1:02d}"
    phone = f"({area}) {number}" if index % 3 == 0 else f"{area}-{number}"
    domain = ("example.com", "example.ca", "example.net")[index % 3]
    email = None if index % 8 == 7 else f"{handle}@{domain}"
    birth = date(rng.randint(1946, 2007), rng.randint(1, 12), rng.randint(1, 28))
    return dict(phone=phone, email=email, birth_date=birth)


def minutes_of(treatment: str) -> int:
    return next(t[2] for t in TREATMENTS if t[0] == treatment)
