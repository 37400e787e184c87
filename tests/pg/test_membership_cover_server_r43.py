"""R43 at two desks on PostgreSQL: deciding that a membership's period has a use left waits
for the membership's row lock, so two desks taking the last use of a period never both get
it. (On SQLite BEGIN IMMEDIATE serialises every write; the two-process test is
tests/unit/test_membership_cover_processes_r43.py, which also runs here.)"""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest

from app.models import Appointment, MembershipUse
from app.services import ClinicError
from tests.helpers.held_row import while_held

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")


@pytest.fixture
def member(clinic, catalog, clock):
    clock.set(datetime(2026, 3, 2, 8))
    plan = clinic.catalog.add_membership_plan("Monthly Massage", fee=9000, period="1m",
                                              uses_per_period=1,
                                              eligible={catalog["massage"]: 0})
    return clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))


def side_by_side(clinic, table, row_id, *calls) -> list:
    """Start every call while another desk holds a row of `table`; each must wait."""
    return while_held(clinic, table, row_id, *calls)


def _book(clinic, catalog, staff, hour, **kwargs):
    return lambda: clinic.schedule.book(catalog["patient"], catalog[staff],
                                        catalog["massage"], datetime(2026, 3, 5, hour),
                                        **kwargs)


def test_r43_two_desks_choosing_the_last_use_one_is_refused(clinic, catalog, member):
    outcomes = side_by_side(clinic, "patients", catalog["patient"],
                            _book(clinic, catalog, "ana", 10, membership=member),
                            _book(clinic, catalog, "ben", 14, membership=member))
    landed = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, ClinicError)]
    assert len(landed) == 1 and len(refused) == 1, outcomes
    assert "has no use left in its period" in str(refused[0])
    with clinic.db.read() as s:
        assert s.query(Appointment).filter_by(membership_id=member).count() == 1


def test_r43_a_booking_waits_for_the_membership_row(clinic, catalog, member):
    # "auto": the first booking takes the use, the second is booked at the standard price
    outcomes = side_by_side(clinic, "memberships", member,
                            _book(clinic, catalog, "ana", 10),
                            _book(clinic, catalog, "ben", 14))
    assert all(isinstance(o, int) for o in outcomes), outcomes
    with clinic.db.read() as s:
        covered = [s.get(Appointment, o).membership_id for o in outcomes]
    assert sorted(covered, key=lambda m: m is None) == [member, None]


def test_r43_arrivals_racing_never_use_more_than_the_allowance(clinic, catalog, member):
    first = _book(clinic, catalog, "ana", 10)()
    second = _book(clinic, catalog, "ben", 14, package=None)()
    outcomes = side_by_side(clinic, "patients", catalog["patient"],
                            lambda: clinic.schedule.arrive(first),
                            lambda: clinic.schedule.apply_membership(second, member))
    assert isinstance(outcomes[0], int)
    assert isinstance(outcomes[1], ClinicError) and "no use left" in str(outcomes[1])
    with clinic.db.read() as s:
        assert s.query(MembershipUse).filter_by(membership_id=member,
                                                voided_at=None).count() == 1
