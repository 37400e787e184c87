"""Every test gets a fresh clinic file and a fixed clock it can move."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services import Clinic  # noqa: E402


class FakeClock:
    def __init__(self, start: datetime):
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)

    def set(self, value: datetime) -> None:
        self.current = value


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0))  # a Monday


@pytest.fixture
def clinic(tmp_path, clock):
    c = Clinic.open(tmp_path / "clinic.db", clock=clock)
    c.settings.update(name="Harbour Physio", address="12 Main St\nHalifax NS", currency="CAD",
                      locale="en_CA", tax_number="123456789 RT0001", setup_complete=True)
    yield c
    c.close()


@pytest.fixture
def catalog(clinic):
    """A small, realistic catalogue: two practitioners, three treatments, two templates."""
    ids = {}
    ids["ana"] = clinic.staff.add("Ana Silva", practitioner=True, role="manager")
    ids["ben"] = clinic.staff.add("Ben Okafor", practitioner=True)
    ids["desk"] = clinic.staff.add("Chloe Desk", practitioner=False)
    ids["massage"] = clinic.catalog.add_treatment_type("Massage 60 min", duration_min=60,
                                                       price=9000)
    ids["physio"] = clinic.catalog.add_treatment_type("Physio follow-up", duration_min=30,
                                                      price=8500, tax_rate=Decimal("0.15"))
    ids["acu"] = clinic.catalog.add_treatment_type("Acupuncture", duration_min=45, price=7500)
    ids["ten_massages"] = clinic.catalog.add_package_template(
        "10 Massages", price=80000, uses=10, eligible={ids["massage"]: 0}, validity="6m")
    ids["three_physio"] = clinic.catalog.add_package_template(
        "3 Physio", price=10000, uses=3, eligible={ids["physio"]: 1000}, validity=None)
    ids["patient"] = clinic.patients.add("Maria", "Lopez", phone="902-555-0101",
                                         email="maria@example.com")
    ids["no_show_fee"] = clinic.settings.add_no_show_fee("Missed appointment", 4000)
    return ids
