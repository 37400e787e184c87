"""Package expiry (SPEC R22-R24; with R13's "the expiry day itself is valid")."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from app.models import Package
from app.services import NotAllowed, ValidationError

from scenarios.support import at, paid_sale, refused


def force_expiry(clinic, package_id, expires_on):
    """Put a package's expiry where the services would never let it go (say, a file written
    by an older version), to prove arrival and no-show check expiry themselves (R22)."""
    with clinic.db.write() as s:
        s.execute(update(Package).where(Package.id == package_id)
                  .values(expires_on=expires_on))


# R22: an expired package cannot be redeemed, even with uses left

def test_r22_expired_package_is_refused_at_booking(clinic, shop, clock):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    clock.set(datetime(2026, 9, 3, 9, 0))
    assert clinic.packages.summary(package).uses_remaining == 10
    auto = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-09-04"))
    assert clinic.schedule.appointment(auto).package_id is None
    refused(clinic, NotAllowed, clinic.schedule.book, p, shop["ana"], shop["massage"],
            at("2026-09-05"), package=package, match="expires on Sep 2, 2026", patients=(p,))


def test_r22_expired_package_is_refused_when_applied(clinic, shop, clock):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-09-10"))
    refused(clinic, NotAllowed, clinic.schedule.apply_package, appointment, package,
            match="Remove the package from the appointment or change its expiry date first.")


def test_r22_expired_package_is_refused_at_arrival(clinic, shop):
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["ten_massages"])[0].package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-10"))
    force_expiry(clinic, package, date(2026, 3, 9))
    refused(clinic, NotAllowed, clinic.schedule.arrive, appointment, patients=(p,),
            match="expires on Mar 9, 2026, before this appointment on Mar 10, 2026")
    clinic.schedule.remove_package(appointment)
    assert clinic.billing.invoice(clinic.schedule.arrive(appointment)).total == 9000


def test_r22_expired_package_is_refused_at_no_show_but_a_fee_is_fine(clinic, shop):
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["ten_massages"])[0].package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-10"))
    force_expiry(clinic, package, date(2026, 3, 9))
    refused(clinic, NotAllowed, clinic.schedule.no_show, appointment, use_package=True,
            patients=(p,), match="expires on Mar 9, 2026")
    invoice_id = clinic.schedule.no_show(appointment, use_package=False,
                                         fee_id=shop["no_show_fee"])
    assert clinic.billing.invoice(invoice_id).total == 4000
    assert clinic.packages.summary(package).uses_redeemed == 0


def test_r22_a_visit_on_the_expiry_day_marked_arrived_the_next_morning_still_redeems(
        clinic, shop, clock):
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["ten_massages"])[0].package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-09-02", 17))
    clock.set(datetime(2026, 9, 3, 8, 30))
    assert clinic.packages.summary(package).status == "expired"
    assert clinic.billing.invoice(clinic.schedule.arrive(appointment)).total == 0
    assert clinic.packages.summary(package).uses_redeemed == 1


# R23: change or clear the expiry on the show page

def test_r23_change_the_expiry_date(clinic, shop, clock):
    package = clinic.billing.sell_package(shop["patient"], shop["ten_massages"]).package_id
    clinic.packages.set_expiry(package, date(2026, 12, 31))
    assert clinic.packages.summary(package).expires_on == date(2026, 12, 31)
    clock.set(datetime(2026, 10, 1, 9, 0))
    assert clinic.packages.summary(package).status == "active"
    appointment = clinic.schedule.book(shop["patient"], shop["ana"], shop["massage"],
                                       at("2026-12-31"))
    assert clinic.schedule.appointment(appointment).package_id == package


def test_r23_extend_an_already_expired_package(clinic, shop, clock):
    package = clinic.billing.sell_package(shop["patient"], shop["ten_massages"]).package_id
    clock.set(datetime(2026, 10, 1, 9, 0))
    assert clinic.packages.summary(package).status == "expired"
    clinic.packages.set_expiry(package, "2027-03-31")
    summary = clinic.packages.summary(package)
    assert (summary.expires_on, summary.status, summary.uses_available) == \
        (date(2027, 3, 31), "active", 10)


def test_r23_clear_the_expiry_for_no_expiry(clinic, shop, clock):
    package = clinic.billing.sell_package(shop["patient"], shop["ten_massages"]).package_id
    clinic.packages.set_expiry(package, None)
    clock.set(datetime(2030, 1, 1, 9, 0))
    summary = clinic.packages.summary(package)
    assert (summary.expires_on, summary.status) == (None, "active")


def test_r23_shorten_the_expiry_when_nothing_is_booked_after_it(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-04-01"))
    clinic.packages.set_expiry(package, date(2026, 4, 1))
    assert clinic.packages.summary(package).expires_on == date(2026, 4, 1)


def test_r23_bad_expiry_dates_are_refused(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    for bad, message in [
        (date(2026, 3, 1), "The expiry date must be between Mar 2, 2026 and Dec 31, 2100."),
        (date(2101, 1, 1), "The expiry date must be between Mar 2, 2026 and Dec 31, 2100."),
        ("31/12/2026", "The expiry date must be a date like 2026-03-31."),
        (20261231, "The expiry date must be a date, without a time."),
    ]:
        error = refused(clinic, ValidationError, clinic.packages.set_expiry, package, bad)
        assert (error.field, str(error)) == ("expires_on", message)


def test_r23_a_refunded_package_keeps_its_expiry(clinic, shop):
    package = clinic.billing.sell_package(shop["patient"], shop["ten_massages"]).package_id
    clinic.packages.refund(package, 0)
    refused(clinic, NotAllowed, clinic.packages.set_expiry, package, None,
            match="was refunded")


# R24: never move a covered visit past expiry, nor the expiry before a covered visit

def test_r24_rescheduling_past_the_expiry_is_refused(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-08-31"))
    error = refused(clinic, NotAllowed, clinic.schedule.reschedule, appointment,
                    at("2026-09-03"), patients=(p,))
    assert str(error) == ("This appointment is covered by \u201c10 Massages\u201d, which "
                          "expires on Sep 2, 2026. Remove the package from the appointment or "
                          "change the package's expiry date before moving it to Sep 3, 2026.")
    clinic.schedule.reschedule(appointment, at("2026-09-02", 16))
    row = clinic.schedule.appointment(appointment)
    assert (row.start, row.package_id) == (datetime(2026, 9, 2, 16, 0), package)


def test_r24_remove_the_package_first_then_move(clinic, shop):
    p = shop["patient"]
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-08-31"))
    clinic.billing.sell_package(p, shop["ten_massages"], appointment_id=appointment)
    clinic.schedule.remove_package(appointment)
    clinic.schedule.reschedule(appointment, at("2026-09-03"))
    assert clinic.schedule.appointment(appointment).start == datetime(2026, 9, 3, 10, 0)


def test_r24_or_change_the_expiry_first_then_move(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-08-31"))
    clinic.packages.set_expiry(package, date(2026, 9, 30))
    clinic.schedule.reschedule(appointment, at("2026-09-03"))
    assert clinic.schedule.appointment(appointment).package_id == package


def test_r24_moving_the_expiry_before_a_booked_covered_visit_is_refused(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-05-04", 9, 15))
    clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-05-11", 9, 15))
    error = refused(clinic, NotAllowed, clinic.packages.set_expiry, package, date(2026, 5, 3),
                    patients=(p,))
    assert str(error) == ("2 booked appointments covered by this package fall after May 3, "
                          "2026 (May 4, 2026, 9:15\u202fa.m.; May 11, 2026, 9:15\u202fa.m.). "
                          "Remove the package from those appointments or move them first.")
    refused(clinic, NotAllowed, clinic.packages.set_expiry, package, date(2026, 5, 10),
            match="1 booked appointment covered by this package falls after May 10, 2026")
    clinic.packages.set_expiry(package, date(2026, 5, 11))
    assert clinic.packages.summary(package).expires_on == date(2026, 5, 11)


def test_r24_cancelled_and_uncovered_visits_do_not_block_the_expiry(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    cancelled = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-05-04"))
    clinic.schedule.cancel(cancelled)
    clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-05-05"), package=None)
    clinic.packages.set_expiry(package, date(2026, 4, 1))
    assert clinic.packages.summary(package).expires_on == date(2026, 4, 1)


def test_r24_undoing_an_arrival_after_the_expiry_moved_before_it_releases_the_package(
        clinic, shop):
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["ten_massages"])[0].package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-05-04"))
    clinic.schedule.arrive(appointment)
    clinic.packages.set_expiry(package, date(2026, 5, 1))  # arrived visits do not block it
    (warning,) = clinic.schedule.undo_arrival(appointment)
    assert warning == ("The package could not be applied again: The package \u201c10 "
                       "Massages\u201d expires on May 1, 2026, before this appointment on "
                       "May 4, 2026. Remove the package from the appointment or change its "
                       "expiry date first.")
    row = clinic.schedule.appointment(appointment)
    assert (row.status, row.package_id) == ("booked", None)
    summary = clinic.packages.summary(package)
    assert (summary.uses_redeemed, summary.uses_booked) == (0, 0)
