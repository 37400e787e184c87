"""R44 with R43: a pause is refused over a visit that already used the membership inside the
pause's days (arrived early, or a covered no-show): that use would sit in days the pause
says are not covered, as cancellation refuses it (memberships._no_use_from)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.models import MembershipPause
from app.services.errors import ValidationError


@pytest.fixture
def used_on_apr_29(clinic, catalog):
    """A monthly membership from Mar 2 whose Apr 29 visit has already arrived."""
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.sign_in(catalog["ana"], "2468")
    plan = clinic.catalog.add_membership_plan("Monthly Massage", fee=5000, period="1m",
                                              uses_per_period=1,
                                              eligible={catalog["massage"]: 500})
    member = clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 2))
    visit = clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["massage"],
                                 datetime(2026, 4, 29, 8))
    clinic.schedule.arrive(visit)
    return member, visit


def _pauses(clinic, member):
    with clinic.db.read() as s:
        return [(p.starts_on, p.ends_on) for p in
                s.query(MembershipPause).filter_by(membership_id=member)]


@pytest.mark.parametrize("end", [date(2026, 5, 10), date(2026, 4, 30), None])
def test_r44_a_pause_over_a_used_visit_is_refused_naming_its_day(clinic, used_on_apr_29, end):
    member, _visit = used_on_apr_29
    with pytest.raises(ValidationError, match="Apr 29, 2026 already used this membership") \
            as refused:
        clinic.memberships.pause(member, date(2026, 3, 20), end)
    assert refused.value.field == "start"
    assert "pause" in str(refused.value)
    assert _pauses(clinic, member) == []  # nothing written


def test_r44_a_pause_ending_before_the_used_visit_or_after_its_undo_is_allowed(
        clinic, used_on_apr_29):
    member, visit = used_on_apr_29
    clinic.memberships.pause(member, date(2026, 3, 20), date(2026, 4, 29))  # back on Apr 29
    assert _pauses(clinic, member) == [(date(2026, 3, 20), date(2026, 4, 29))]
    with pytest.raises(ValidationError, match="Apr 29, 2026 already used"):
        clinic.memberships.pause(member, date(2026, 4, 29), date(2026, 5, 2))
    clinic.schedule.undo_arrival(visit)
    clinic.memberships.pause(member, date(2026, 4, 29), date(2026, 5, 2))
    assert len(_pauses(clinic, member)) == 2
