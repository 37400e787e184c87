"""R39 at two desks at once, on PostgreSQL: a freeze waits for the patient's lock, so two
overlapping freezes never both land, and a booking racing a freeze never leaves a covered
visit on a frozen day. (On SQLite BEGIN IMMEDIATE serialises every write.)"""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import Appointment, PackageFreeze
from app.services import ClinicError
from tests.helpers.held_row import while_held

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")


@pytest.fixture
def package(clinic, catalog):
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id


def side_by_side(clinic, patient_id, *calls) -> list:
    """Start every call while another desk holds the patient; each must wait."""
    return while_held(clinic, "patients", patient_id, *calls, what="the patient's lock")


def test_r39_two_overlapping_freezes_at_once_one_lands(clinic, catalog, package):
    outcomes = side_by_side(
        clinic, catalog["patient"],
        lambda: clinic.packages.freeze(package, date(2026, 3, 10), date(2026, 3, 20),
                                       reason="Surgery"),
        lambda: clinic.packages.freeze(package, date(2026, 3, 15), None, reason="Travel"))
    landed = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, ClinicError)]
    assert len(landed) == 1 and len(refused) == 1, outcomes
    assert "cannot overlap" in str(refused[0])
    with clinic.db.read() as s:
        assert s.scalars(select(PackageFreeze.id)).all() == landed
    expires = clinic.packages.summary(package).expires_on
    assert expires in (date(2026, 9, 12), None)  # the one that landed moved or held it


def test_r39_a_booking_racing_a_freeze_never_leaves_a_covered_visit_frozen(clinic, catalog,
                                                                          package):
    patient = catalog["patient"]
    outcomes = side_by_side(
        clinic, patient,
        lambda: clinic.packages.freeze(package, date(2026, 3, 10), date(2026, 3, 20),
                                       reason="Surgery"),
        lambda: clinic.schedule.book(patient, catalog["ana"], catalog["massage"],
                                     datetime(2026, 3, 12, 10)))
    frozen, visit = outcomes
    assert isinstance(visit, int), visit
    with clinic.db.read() as s:
        covered = s.get(Appointment, visit).package_id
    if isinstance(frozen, int):  # the freeze first: the booking was not covered
        assert covered is None
    else:  # the booking first, covered: the freeze refused it, naming the visit
        assert covered == package and "Mar 12, 2026" in str(frozen)
