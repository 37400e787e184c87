"""A member's spring, end to end with exact figures (SPEC R43 with R10-R18, R44): Maria joins
"Monthly Massage" (2 visits a month, one unused visit rolls over) and also holds a 10-massage
package; the membership covers her visits first, the package keeps its uses for the rest;
a no-show, an undo, a move into a full month, a pause and a cancellation."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import MembershipUse
from app.services import NotAllowed

from scenarios.support import at, paid_sale


def live_uses(clinic, membership):
    with clinic.db.read() as s:
        return sorted(u.used_on for u in s.scalars(select(MembershipUse).where(
            MembershipUse.membership_id == membership, MembershipUse.voided_at.is_(None))))


def test_a_members_spring(clinic, shop, clock, desk):
    p = shop["patient"]
    clock.set(datetime(2026, 3, 1, 8))
    clinic.auth.sign_in(shop["ana"], "2468")  # a manager makes the plan
    plan = clinic.catalog.add_membership_plan(
        "Monthly Massage", fee=9000, period="1m", uses_per_period=2, rollover_cap=1,
        eligible={shop["massage"]: 0, shop["physio"]: 1500})
    clinic.auth.sign_in(shop["desk"], "1111")  # the front desk does the rest
    member = clinic.memberships.enroll(p, plan, start=date(2026, 3, 1))
    package = paid_sale(clinic, p, shop["ten_massages"])[0].package_id

    def book(day, staff="ana", treatment="massage", **kwargs):
        return clinic.schedule.book(p, shop[staff], shop[treatment], at(day), **kwargs)

    # March: two visits, both the membership's; a third falls to the package (R43, R10)
    first, second = book("2026-03-03"), book("2026-03-10", treatment="physio")
    third = book("2026-03-17")
    assert [clinic.schedule.appointment(a).package_id for a in (first, second, third)] == \
        [None, None, package]
    assert clinic.packages.summary(package).uses_available == 9

    # Arrival bills Patient Pays and counts the period's use (R14)
    paid = clinic.billing.invoice(clinic.schedule.arrive(first))
    assert (paid.total, paid.status) == (0, "paid")
    owed = clinic.billing.invoice(clinic.schedule.arrive(second))
    assert (owed.lines[0].unit_price, owed.lines[0].tax, owed.total, owed.status) == \
        (1500, 225, 1725, "unpaid")
    assert owed.lines[0].description == (
        "Physio follow-up (Mar 10, 2026, 10:00\u202fa.m.), covered by Membership: Monthly "
        "Massage (use 2 of 2 this period)")
    assert live_uses(clinic, member) == [date(2026, 3, 3), date(2026, 3, 10)]

    # Undo arrival gives the use back and books it again under the membership (R18)
    clinic.schedule.undo_arrival(second)
    assert clinic.billing.invoice(owed.id).voided_at is not None
    assert live_uses(clinic, member) == [date(2026, 3, 3)]
    # booked again, it holds its use: March has none left until it is cancelled
    assert clinic.schedule.eligible_memberships(p, shop["massage"], date(2026, 3, 24)) == []
    clinic.schedule.cancel(second)
    [march] = clinic.schedule.eligible_memberships(p, shop["massage"], date(2026, 3, 24))
    assert (march.allowance, march.uses_taken, march.uses_left) == (2, 1, 1)

    # April: 2 + the one March left = 3; a covered no-show takes one (R16)
    april = [book(f"2026-04-0{d}") for d in (6, 7, 8)]
    assert all(clinic.schedule.appointment(a).package_id is None for a in april)
    no_show = clinic.billing.invoice(clinic.schedule.no_show(april[0], use_package=True))
    assert no_show.lines[0].description.startswith("No show: Massage 60 min (Apr 6, 2026")
    assert no_show.lines[0].description.endswith("(use 1 of 3 this period)")
    # March can no longer take a visit: it would leave April one short of its three
    moved = book("2026-03-24", package=None)
    with pytest.raises(NotAllowed, match="has no use left in its period from Mar 1, 2026 "
                                         "to Mar 31, 2026: 2 allowed, 1 used or booked"):
        clinic.schedule.apply_membership(moved, member)
    # but one of April's visits can move into March: April then allows 2 and holds 2
    clinic.schedule.reschedule(april[1], datetime(2026, 3, 26, 10))
    assert clinic.schedule.appointment(book("2026-04-20")).package_id == package

    # A pause covers nothing: a visit booked then is the package's (R44)
    clinic.memberships.pause(member, date(2026, 5, 4), date(2026, 5, 18))
    paused_day = book("2026-05-11")
    assert clinic.schedule.appointment(paused_day).package_id == package
    assert clinic.schedule.covered_by(paused_day) is None

    # Cancelled from June 1: June's booked visit is released, May's stays covered (R44)
    may, june = book("2026-05-25"), book("2026-06-08")
    assert clinic.schedule.covered_by(june) is not None
    clinic.auth.sign_in(shop["ana"], "2468")
    assert clinic.memberships.cancel(member, date(2026, 6, 1)) == [june]
    assert clinic.schedule.covered_by(june) is None
    assert "Monthly Massage" in clinic.schedule.covered_by(may)
    clinic.schedule.arrive(may)
    assert live_uses(clinic, member)[-1] == date(2026, 5, 25)
