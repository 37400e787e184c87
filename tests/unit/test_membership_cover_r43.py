"""R43 with R10-R18 and R44: a membership covers eligible visits inside its periods within the
period's allowance, before any package; paused or cancelled, it covers nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain import membership_allowance as allowance
from app.models import Appointment, MembershipUse
from app.services.errors import ClinicError, NotAllowed, ValidationError


@pytest.fixture
def plan(clinic, catalog):
    return clinic.catalog.add_membership_plan(
        "Monthly Massage", fee=9000, period="1m", uses_per_period=2,
        eligible={catalog["massage"]: 0, catalog["physio"]: 1000}, rollover_cap=1)


@pytest.fixture
def member(clinic, catalog, plan, clock):
    clock.set(datetime(2026, 3, 1, 8))
    return clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))


def book(clinic, catalog, day, hour=10, treatment="massage", **kwargs):
    return clinic.schedule.book(catalog["patient"], catalog["ana"], catalog[treatment],
                                datetime(2026, day // 100, day % 100, hour), **kwargs)


def covered(clinic, appointment_id):
    with clinic.db.read() as s:
        return s.get(Appointment, appointment_id).membership_id


def live_uses(clinic, membership_id):
    with clinic.db.read() as s:
        return s.query(MembershipUse).filter_by(membership_id=membership_id,
                                                voided_at=None).count()


# the allowance, pure
def test_r43_unused_uses_roll_over_up_to_the_cap():
    assert allowance.allowances(2, 1, [0, 0, 2]) == [2, 3, 3]
    assert allowance.allowances(2, 0, [0, 0]) == [2, 2]
    assert allowance.allowances(None, 0, [5, 9]) == [None, None]


def test_r43_a_use_in_an_earlier_period_may_not_push_a_later_one_over():
    # April holds 3 (2 + 1 rolled over from March): March can take one more use, not two
    assert allowance.uses_left(2, 1, [0, 3], 0) == 1
    assert allowance.uses_left(2, 1, [1, 3], 0) == 0
    assert allowance.uses_left(2, 1, [0, 2], 0) == 2
    assert allowance.uses_left(None, 0, [4], 0) is None


# booking (R10, R11)
def test_r43_auto_takes_the_membership_before_a_package(clinic, catalog, member):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    first = book(clinic, catalog, 305)
    assert covered(clinic, first) == member
    assert clinic.schedule.appointment(first).package_id is None
    second = book(clinic, catalog, 306)
    assert covered(clinic, second) == member
    third = book(clinic, catalog, 307)  # March's two uses are held: the package's turn
    assert covered(clinic, third) is None
    assert clinic.schedule.appointment(third).package_id == sale.package_id
    assert clinic.packages.summary(sale.package_id).uses_available == 9


def test_r43_the_section_lists_the_membership_with_what_is_left(clinic, catalog, member):
    book(clinic, catalog, 305)
    [choice] = clinic.schedule.eligible_memberships(catalog["patient"], catalog["massage"],
                                                    date(2026, 3, 20))
    assert (choice.name, choice.uses_left, choice.allowance, choice.patient_pays) == (
        "Monthly Massage", 1, 2, 0)
    assert (choice.period_starts, choice.period_ends) == (date(2026, 3, 1), date(2026, 3, 31))
    assert clinic.schedule.eligible_memberships(catalog["patient"], catalog["acu"],
                                                date(2026, 3, 20)) == []


def test_r43_an_explicit_membership_that_cannot_cover_is_refused_with_the_reason(
        clinic, catalog, member):
    with pytest.raises(NotAllowed, match="does not cover Acupuncture"):
        book(clinic, catalog, 305, treatment="acu", membership=member)
    with pytest.raises(NotAllowed, match="starts on Mar 1, 2026"):
        clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                             datetime(2026, 2, 27, 10), membership=member)
    book(clinic, catalog, 305, membership=member)
    book(clinic, catalog, 306, membership=member)
    with pytest.raises(NotAllowed, match="no use left in its period from Mar 1, 2026 to "
                                         "Mar 31, 2026: 2 allowed, 2 used or booked"):
        book(clinic, catalog, 307, membership=member)
    with pytest.raises(ValidationError) as both:
        book(clinic, catalog, 308, membership=member, package=123)
    assert both.value.field == "membership"
    with clinic.db.read() as s:
        assert s.query(Appointment).count() == 2  # nothing written by a refusal


def test_r43_another_patients_membership_is_refused(clinic, catalog, member):
    other = clinic.patients.add("Jon", "Lee")
    with pytest.raises(NotAllowed, match="belongs to another patient"):
        clinic.schedule.book(other, catalog["ana"], catalog["massage"],
                             datetime(2026, 3, 5, 10), membership=member)


def test_r43_unused_uses_roll_into_the_next_period(clinic, catalog, member):
    book(clinic, catalog, 305)  # March: 1 of 2, one rolls over
    april = [book(clinic, catalog, 400 + day) for day in (6, 7, 8, 9)]
    assert [covered(clinic, a) for a in april] == [member, member, member, None]


def test_r43_unlimited_plan_covers_every_eligible_visit(clinic, catalog, clock):
    clock.set(datetime(2026, 3, 1, 8))
    plan = clinic.catalog.add_membership_plan("All you need", fee=20000, period="1m",
                                              uses_per_period=None,
                                              eligible={catalog["physio"]: 500})
    member = clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))
    visits = [book(clinic, catalog, 302 + d, treatment="physio") for d in range(6)]
    assert {covered(clinic, a) for a in visits} == {member}
    invoice = clinic.billing.invoice(clinic.schedule.arrive(visits[0]))
    [line] = invoice.lines
    assert line.unit_price == 500
    assert "covered by Membership: All you need (use 1 this period)" in line.description


# arrival (R14) and no-shows (R16-R18)
def test_r43_arrival_bills_patient_pays_and_counts_the_use(clinic, catalog, member):
    first, second = book(clinic, catalog, 305, treatment="physio"), book(clinic, catalog, 306)
    invoice = clinic.billing.invoice(clinic.schedule.arrive(first))
    [line] = invoice.lines
    assert line.unit_price == 1000 and line.kind == "patient_pays"
    assert line.description.endswith(
        "covered by Membership: Monthly Massage (use 1 of 2 this period)")
    invoice = clinic.billing.invoice(clinic.schedule.arrive(second))
    assert invoice.lines[0].unit_price == 0 and invoice.status == "paid"  # R14
    assert invoice.lines[0].description.endswith("(use 2 of 2 this period)")
    assert live_uses(clinic, member) == 2
    assert clinic.memberships.for_patient(catalog["patient"])[0].uses_left_this_period == 0


def test_r43_undo_arrival_gives_the_use_back(clinic, catalog, member):
    visit = book(clinic, catalog, 305)
    invoice_id = clinic.schedule.arrive(visit)
    assert clinic.schedule.undo_arrival(visit) == []
    assert live_uses(clinic, member) == 0
    assert covered(clinic, visit) == member  # booked again, still covered
    assert clinic.billing.invoice(invoice_id).voided_at is not None
    clinic.schedule.arrive(visit)
    assert live_uses(clinic, member) == 1


def test_r16_a_covered_no_show_uses_the_allowance(clinic, catalog, member):
    visit = book(clinic, catalog, 305)
    line = clinic.billing.invoice(clinic.schedule.no_show(visit, use_package=True)).lines[0]
    assert line.description.startswith("No show: Massage 60 min")
    assert line.description.endswith("(use 1 of 2 this period)")
    assert live_uses(clinic, member) == 1
    clinic.schedule.undo_no_show(visit)  # R18
    assert live_uses(clinic, member) == 0 and covered(clinic, visit) == member


def test_r16_a_fee_no_show_keeps_the_use_and_undo_covers_it_again(clinic, catalog, member):
    visit = book(clinic, catalog, 305)
    fee = clinic.billing.invoice(clinic.schedule.no_show(visit, use_package=False,
                                                         fee_id=catalog["no_show_fee"]))
    assert fee.lines[0].kind == "no_show_fee" and live_uses(clinic, member) == 0
    assert clinic.schedule.covered_by(visit) is None
    [choice] = clinic.schedule.eligible_memberships(catalog["patient"], catalog["massage"],
                                                    date(2026, 3, 9))
    assert choice.uses_left == 2  # the no-show holds none
    book(clinic, catalog, 310)
    book(clinic, catalog, 311)
    warnings = clinic.schedule.undo_no_show(visit)  # both uses were taken since
    assert "could not be applied again" in warnings[0] and "no use left" in warnings[0]
    assert covered(clinic, visit) is None


def test_r18_r44_a_cancellation_before_a_visit_that_used_it_waits_for_its_undo(
        clinic, catalog, member, desk):
    """Arrived on Mar 5 with the membership: cancelling it from Mar 4 would leave that use in
    a period the cancellation ends, so it is refused naming the visit's day; once the
    arrival is undone, the cancellation releases the visit (R28's warning)."""
    visit = book(clinic, catalog, 305)
    clinic.schedule.arrive(visit)
    clinic.auth.sign_in(catalog["ana"], "2468")
    with pytest.raises(ValidationError, match="Mar 5, 2026 already used this membership"):
        clinic.memberships.cancel(member, date(2026, 3, 4))
    clinic.schedule.undo_arrival(visit)
    assert clinic.memberships.cancel(member, date(2026, 3, 4)) == [visit]
    assert covered(clinic, visit) is None and live_uses(clinic, member) == 0


# cancel and reschedule
def test_r43_cancelling_a_visit_frees_its_use(clinic, catalog, member):
    visits = [book(clinic, catalog, 305), book(clinic, catalog, 306)]
    clinic.schedule.cancel(visits[0])
    assert covered(clinic, book(clinic, catalog, 307)) == member


def test_r43_a_move_into_a_full_period_is_refused(clinic, catalog, member):
    march = book(clinic, catalog, 305)
    april = [book(clinic, catalog, 406), book(clinic, catalog, 407), book(clinic, catalog, 408)]
    assert all(covered(clinic, a) == member for a in april)  # 2 + 1 rolled over
    clinic.schedule.reschedule(march, datetime(2026, 3, 20, 10))  # same period: fine
    with pytest.raises(NotAllowed, match="no use left in its period from Apr 1, 2026"):
        clinic.schedule.reschedule(march, datetime(2026, 4, 20, 10))
    assert clinic.schedule.appointment(march).start == datetime(2026, 3, 20, 10)


def test_r43_a_use_that_would_leave_a_later_period_over_is_refused(clinic, catalog, member):
    # April holds 3 booked uses because March rolled one over; taking March's second use
    # would shrink that roll-over, so it is refused.
    book(clinic, catalog, 305)
    for day in (6, 7, 8):
        book(clinic, catalog, 400 + day)
    with pytest.raises(NotAllowed):
        book(clinic, catalog, 310, membership=member)


# paused, cancelled (R44)
def test_r44_a_paused_membership_covers_nothing(clinic, catalog, member):
    clinic.memberships.pause(member, date(2026, 3, 10), date(2026, 3, 20))
    assert covered(clinic, book(clinic, catalog, 312)) is None
    with pytest.raises(NotAllowed, match="paused on Mar 12, 2026"):
        book(clinic, catalog, 312, hour=14, membership=member)
    assert covered(clinic, book(clinic, catalog, 305)) == member  # before the pause


def test_r44_a_cancelled_membership_covers_nothing_after(clinic, catalog, member, desk):
    before = book(clinic, catalog, 305)
    after = book(clinic, catalog, 320)
    clinic.auth.sign_in(catalog["ana"], "2468")
    assert clinic.memberships.cancel(member, date(2026, 3, 15)) == [after]
    assert covered(clinic, before) == member and covered(clinic, after) is None
    with pytest.raises(NotAllowed, match="cancelled from Mar 15, 2026"):
        book(clinic, catalog, 321, membership=member)
    assert covered(clinic, book(clinic, catalog, 314)) == member  # before the date
    clinic.schedule.arrive(before)  # a visit before the cancellation is still covered
    assert live_uses(clinic, member) == 1


# Billing Info (R12)
def test_r12_membership_added_and_removed_until_arrival(clinic, catalog, member):
    visit = book(clinic, catalog, 305, package=None)
    assert covered(clinic, visit) is None
    clinic.schedule.apply_membership(visit, member)
    assert "Monthly Massage" in clinic.schedule.covered_by(visit)
    assert "1 of 2 uses taken this period" in clinic.schedule.covered_by(visit)
    clinic.schedule.remove_membership(visit)
    assert covered(clinic, visit) is None
    clinic.schedule.apply_membership(visit, member)
    clinic.schedule.arrive(visit)
    with pytest.raises(NotAllowed, match="can no longer be removed"):
        clinic.schedule.remove_membership(visit)


def test_r12_a_package_applied_replaces_the_membership(clinic, catalog, member):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    visit = book(clinic, catalog, 305)
    clinic.schedule.apply_package(visit, sale.package_id)
    assert covered(clinic, visit) is None
    assert clinic.schedule.covered_by(visit) is None
    assert clinic.schedule.appointment(visit).package_id == sale.package_id


def test_r43_the_covered_line_is_shown_in_the_desks_language(clinic, catalog, member):
    from app import i18n
    invoice_id = clinic.schedule.arrive(book(clinic, catalog, 309))
    i18n.set_language(i18n.FRENCH)
    clinic.settings.update(locale="fr_CA", language="fr_CA")
    try:
        [line] = clinic.billing.invoice(invoice_id).lines
        assert "couvert par l\u2019abonnement\u00a0: Monthly Massage (utilisation 1 sur 2 " \
               "cette période)" in line.description, line.description
        assert "9 mars 2026" in line.description
    finally:
        i18n.set_language(i18n.ENGLISH)


def test_r7_a_staff_assigned_sale_leaves_the_members_visits_alone(clinic, catalog, member):
    # R7: the double compensation warning names the visits the new package will cover; a
    # visit the membership covers is not one of them.
    covered_visit = book(clinic, catalog, 305)
    plain = clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["massage"],
                                 datetime(2026, 3, 6, 10), package=None)
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"],
                                       staff_id=catalog["ana"])
    assert sale.double_compensation == (plain,)
    assert covered(clinic, covered_visit) == member and covered(clinic, plain) is None


def test_r44_a_move_onto_a_paused_day_is_refused_saying_what_to_do(clinic, catalog, member):
    visit = book(clinic, catalog, 305)
    clinic.memberships.pause(member, date(2026, 3, 16), date(2026, 3, 23))
    with pytest.raises(NotAllowed, match="paused on Mar 18, 2026.*Remove the membership from "
                                         "the appointment before moving it"):
        clinic.schedule.reschedule(visit, datetime(2026, 3, 18, 10))
    clinic.schedule.remove_membership(visit)
    clinic.schedule.reschedule(visit, datetime(2026, 3, 18, 10))  # then at the standard price
    assert clinic.schedule.appointment(visit).start == datetime(2026, 3, 18, 10)


@pytest.mark.parametrize("wrong", ["abc", True, -1, 10**30, 2.5, 999])
def test_r30_a_membership_that_cannot_exist_is_refused_and_nothing_is_booked(
        clinic, catalog, member, wrong):
    with pytest.raises(ClinicError) as refused:
        book(clinic, catalog, 305, membership=wrong)
    assert "membership" in str(refused.value)
    with clinic.db.read() as s:
        assert s.query(Appointment).count() == 0


def test_r12_a_package_sold_from_a_members_visit_replaces_the_membership(clinic, catalog,
                                                                        member):
    """Found by the invariant machine: a package sold from the Add Items of a visit the
    membership covered was set on the visit beside the membership; the arrival then took the
    membership's use and left the package's visit without a redemption."""
    visit = book(clinic, catalog, 305)
    assert covered(clinic, visit) == member
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"],
                                       appointment_id=visit)
    assert clinic.schedule.appointment(visit).package_id == sale.package_id
    assert covered(clinic, visit) is None
    clinic.schedule.arrive(visit)
    assert clinic.packages.summary(sale.package_id).uses_used == 1
    assert live_uses(clinic, member) == 0
