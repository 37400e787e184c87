"""R43 at two desks: two desks, in two OS processes on one clinic (the same SQLite file, or
the same PostgreSQL database with CLINICDESK_TEST_DATABASE_URL), each booking the last use of
a membership's period at the same moment: one visit is covered, never both."""

from __future__ import annotations

import multiprocessing as mp
from datetime import date, datetime

from app.models import Appointment, MembershipUse
from app.services import Clinic, ClinicError

NOW = datetime(2026, 3, 2, 8, 0)


def _book(url, barrier, patient, staff, treatment, hour, membership):
    """One desk: open the clinic, wait for the other, then book with the membership."""
    clinic = Clinic.open(url, clock=lambda: NOW)
    try:
        barrier.wait(timeout=60)
        try:
            return ("ok", clinic.schedule.book(patient, staff, treatment,
                                               datetime(2026, 3, 5, hour),
                                               membership=membership))
        except ClinicError as refusal:
            return ("refused", str(refusal))
    finally:
        clinic.close()


def _apply(url, barrier, appointment_id, membership):
    """One desk: Billing Info > add the membership to a visit booked without it."""
    clinic = Clinic.open(url, clock=lambda: NOW)
    try:
        barrier.wait(timeout=60)
        try:
            clinic.schedule.apply_membership(appointment_id, membership)
            return ("ok", appointment_id)
        except ClinicError as refusal:
            return ("refused", str(refusal))
    finally:
        clinic.close()


def _either(url, barrier, kind, *args):
    return (_book if kind == "book" else _apply)(url, barrier, *args)


def _run(job, argument_lists):
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        barrier = manager.Barrier(2)
        jobs = [pool.apply_async(job, (args[0], barrier, *args[1:])) for args in argument_lists]
        outcomes = [j.get(timeout=120) for j in jobs]
        pool.terminate()
    return outcomes


def test_r43_two_desks_taking_a_periods_last_use_one_wins(clinic, catalog, clock):
    clock.set(NOW)
    plan = clinic.catalog.add_membership_plan("Monthly Massage", fee=9000, period="1m",
                                              uses_per_period=1,
                                              eligible={catalog["massage"]: 0})
    member = clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))
    url = clinic.db.url
    outcomes = _run(_book, [(url, catalog["patient"], staff, catalog["massage"], hour, member)
                            for staff, hour in ((catalog["ana"], 10), (catalog["ben"], 14))])
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    (refused,) = [text for kind, text in outcomes if kind == "refused"]
    assert "has no use left in its period" in refused
    with clinic.db.read() as s:
        assert s.query(Appointment).filter_by(membership_id=member).count() == 1
        assert s.query(Appointment).count() == 1  # the refused booking wrote nothing


def test_r43_a_booking_and_billing_info_racing_for_the_last_use(clinic, catalog, clock):
    clock.set(NOW)
    plan = clinic.catalog.add_membership_plan("Monthly Massage", fee=9000, period="1m",
                                              uses_per_period=1,
                                              eligible={catalog["massage"]: 0})
    member = clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))
    plain = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                 datetime(2026, 3, 5, 10), package=None)
    url = clinic.db.url
    outcomes = _run(_either, [
        (url, "apply", plain, member),
        (url, "book", catalog["patient"], catalog["ben"], catalog["massage"], 14, member)])
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    with clinic.db.read() as s:
        assert s.query(Appointment).filter_by(membership_id=member).count() == 1
        assert s.query(MembershipUse).count() == 0
