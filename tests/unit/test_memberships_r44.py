"""R44: a membership paused (no invoices, no coverage while paused) and cancelled from a date
(no invoices after it; booked covered appointments after it released, with R28's warning)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.models import Appointment, MembershipPause, MembershipPeriod
from app.services.errors import NotAllowed, ValidationError
from app.services.membership_views import allowance_on
from app.models import Membership
from tests.helpers.audit import audit_entries


@pytest.fixture
def member(clinic, desk, clock):
    clock.set(datetime(2026, 3, 1, 9))
    clinic.auth.sign_in(desk["ana"], "2468")
    plan = clinic.catalog.add_membership_plan(
        "Monthly Massage", fee=9000, period="1m", uses_per_period=2,
        eligible={desk["massage"]: 0})
    clinic.auth.sign_in(desk["desk"], "1111")
    return clinic.memberships.enroll(desk["patient"], plan, start=date(2026, 3, 1))


def _starts(clinic, mid):
    with clinic.db.read() as s:
        return sorted(p.starts_on for p in s.query(MembershipPeriod)
                      .filter_by(membership_id=mid))


def _covered_visit(clinic, desk, when):
    appointment = clinic.schedule.book(desk["patient"], desk["ana"], desk["massage"], when)
    with clinic.db.write() as s:  # as coverage will (membercover): the membership applied
        s.get(Appointment, appointment).membership_id = s.query(Membership).one().id
    return appointment


def test_r44_no_period_starts_while_paused_and_the_calendar_moves_on(clinic, desk, member,
                                                                     clock):
    clinic.memberships.pause(member, date(2026, 3, 20), date(2026, 5, 10))
    clock.set(datetime(2026, 6, 15, 9))
    assert len(clinic.memberships.invoice_due()) == 2  # May 10, Jun 10 (Apr 1 was paused)
    assert _starts(clinic, member) == [date(2026, 3, 1), date(2026, 5, 10), date(2026, 6, 10)]
    [summary] = clinic.memberships.for_patient(desk["patient"])
    assert [(p.starts_on, p.ends_on) for p in summary.pauses] == [
        (date(2026, 3, 20), date(2026, 5, 10))]
    assert summary.next_invoice_on == date(2026, 7, 10)
    with clinic.db.read() as s:
        m = s.get(Membership, member)
        assert allowance_on(s, m, date(2026, 3, 25)) == (None, None)  # paused: no coverage
        period, left = allowance_on(s, m, date(2026, 3, 19))
        assert period.starts_on == date(2026, 3, 1) and left == 2


def test_r44_an_open_pause_stops_invoices_until_resumed(clinic, desk, member, clock):
    clinic.memberships.pause(member, date(2026, 3, 15))
    clock.set(datetime(2026, 5, 20, 9))
    assert clinic.memberships.invoice_due() == []
    assert clinic.memberships.for_patient(desk["patient"])[0].status == "paused"
    clinic.memberships.resume(member, date(2026, 5, 20))
    assert len(clinic.memberships.invoice_due()) == 1
    assert _starts(clinic, member)[-1] == date(2026, 5, 20)


def test_r44_pause_refusals_write_nothing(clinic, desk, member, clock):
    with pytest.raises(ValidationError) as refused:
        clinic.memberships.pause(member, date(2026, 3, 1))  # its invoiced period's first day
    assert refused.value.field == "start" and "already invoiced" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        clinic.memberships.pause(member, date(2026, 3, 10), date(2026, 3, 10))
    assert refused.value.field == "end"
    clinic.memberships.pause(member, date(2026, 3, 10), date(2026, 3, 20))
    with pytest.raises(NotAllowed, match="overlaps the pause from Mar 10, 2026"):
        clinic.memberships.pause(member, date(2026, 3, 15))
    clinic.auth.sign_in(desk["ana"], "2468")
    clinic.memberships.cancel(member, date(2026, 4, 1))
    with pytest.raises(NotAllowed, match="cancelled membership cannot be paused"):
        clinic.memberships.pause(member, date(2026, 3, 25))
    with clinic.db.read() as s:
        assert s.query(MembershipPause).count() == 1


def test_r44_cancel_stops_invoices_and_releases_covered_visits_after_it(clinic, desk, member,
                                                                        clock):
    before = _covered_visit(clinic, desk, datetime(2026, 3, 20, 10))
    after = _covered_visit(clinic, desk, datetime(2026, 4, 8, 11))
    clinic.auth.sign_in(desk["ana"], "2468")
    released = clinic.memberships.cancel(member, date(2026, 4, 1))
    assert released == [after]
    [warning] = clinic.memberships.released_warnings(released)
    assert warning.startswith("1 booked appointment lost this membership and will be billed "
                              "at the standard price: ")
    assert "Massage 60 min with Ana Silva" in warning
    with clinic.db.read() as s:
        assert s.get(Appointment, before).membership_id == member
        assert s.get(Appointment, after).membership_id is None
    clock.set(datetime(2026, 6, 1, 9))
    assert clinic.memberships.invoice_due() == []
    [summary] = clinic.memberships.for_patient(desk["patient"])
    assert summary.status == "cancelled" and summary.next_invoice_on is None
    assert len(audit_entries(clinic, "membership.cancel")) == 1


def test_r44_cancel_refusals(clinic, desk, member, clock):
    with pytest.raises(NotAllowed, match="cancel a membership"):  # a manager's, up front
        clinic.memberships.cancel(member, date(2026, 4, 1))
    clinic.auth.sign_in(desk["ana"], "2468")
    with pytest.raises(ValidationError) as refused:
        clinic.memberships.cancel(member, date(2026, 2, 28))
    assert refused.value.field == "on" and "before it starts (Mar 1, 2026)" in str(refused.value)
    clinic.memberships.cancel(member, date(2026, 4, 1))
    with pytest.raises(NotAllowed, match="already cancelled"):
        clinic.memberships.cancel(member, date(2026, 5, 1))


def test_r44_a_cancelled_plan_can_be_joined_again_after_it(clinic, desk, member, clock):
    clinic.auth.sign_in(desk["ana"], "2468")
    clinic.memberships.cancel(member, date(2026, 4, 1))
    plan = clinic.memberships.for_patient(desk["patient"])[0].plan_id
    with pytest.raises(NotAllowed, match="already enrolled"):
        clinic.memberships.enroll(desk["patient"], plan, start=date(2026, 3, 15))
    again = clinic.memberships.enroll(desk["patient"], plan, start=date(2026, 4, 1))
    assert again != member


def test_r44_cancelled_from_a_later_day_its_periods_until_then_are_invoiced(clinic, desk,
                                                                            clock):
    clock.set(datetime(2026, 3, 2, 9))
    clinic.auth.sign_in(desk["ana"], "2468")
    plan = clinic.catalog.add_membership_plan("Fortnightly", fee=4000, period="2w",
                                              uses_per_period=1,
                                              eligible={desk["massage"]: 0})
    mid = clinic.memberships.enroll(desk["patient"], plan, start=date(2026, 3, 2))
    clock.set(datetime(2026, 3, 20, 9))  # Mar 16 started; the desk had not run since
    clinic.memberships.cancel(mid, date(2026, 4, 6))  # Mar 16 invoiced by the cancel
    assert _starts(clinic, mid) == [date(2026, 3, 2), date(2026, 3, 16)]
    clock.set(datetime(2026, 4, 20, 9))
    assert len(clinic.memberships.invoice_due()) == 1  # Mar 30; Apr 13 is after Apr 6
    assert _starts(clinic, mid)[-1] == date(2026, 3, 30)
    assert clinic.memberships.invoice_due() == []


@pytest.fixture
def used_on_apr_29(clinic, catalog):
    """A monthly membership from Mar 2 whose Apr 29 visit has already arrived (early)."""
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


def test_r44_cancel_refused_before_a_use_already_taken_after_that_day(clinic, catalog,
                                                                       used_on_apr_29):
    """A visit arrived (early, on Apr 29's booking) with the membership: cancelling from
    before it would leave its use in a period that no longer exists."""
    member, _visit = used_on_apr_29
    with pytest.raises(ValidationError, match="Apr 29, 2026 already used this membership"):
        clinic.memberships.cancel(member, date(2026, 3, 9))
    assert [m.status for m in clinic.memberships.for_patient(catalog["patient"])] != [
        "cancelled"]
    clinic.memberships.cancel(member, date(2026, 4, 30))  # the day after it: allowed


# a pause over a use already taken (R44 with R43): refused as the cancellation above is,
# since that use would sit on days the pause says the membership covers nothing


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
