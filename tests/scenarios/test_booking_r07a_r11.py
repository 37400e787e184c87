"""The desk's first day at booking: double compensation warned at booking and at Add Package
(R7a), where a booking starts (first free time, usual treatment), packages held in full
(R11), and one phrase for a package's uses."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app import i18n
from app.services import NotAllowed, NotFound, ValidationError
from app.services.package_text import uses_phrase

from scenarios.support import at, paid_sale, refused


@pytest.fixture
def assigned(clinic, shop):
    """10 Massages sold to Maria with Ben compensated for the whole sale up front (R6)."""
    return clinic.billing.sell_package(shop["patient"], shop["ten_massages"],
                                       staff_id=shop["ben"])


# R7a: the same warning at booking and when the package is applied

def test_r7a_booking_with_the_assigned_practitioner_warns(clinic, shop, assigned):
    visit = clinic.schedule.book(shop["patient"], shop["ben"], shop["massage"],
                                 at("2026-03-04"))
    assert clinic.schedule.appointment(visit).package_id == assigned.package_id
    assert clinic.schedule.warnings(visit) == [
        "Ben Okafor was compensated up front for the sale of \u201c10 Massages\u201d, and "
        "arriving this visit would compensate them again for the same use. Unassign this "
        "appointment's compensation to avoid paying twice."]


def test_r7a_booking_with_another_practitioner_warns_too(clinic, shop, assigned):
    """As at sale (R7): any practitioner paid again for a use already paid for."""
    visit = clinic.schedule.book(shop["patient"], shop["ana"], shop["massage"],
                                 at("2026-03-04"))
    (warning,) = clinic.schedule.warnings(visit)
    assert warning.startswith("Ben Okafor was compensated up front for the sale of "
                              "\u201c10 Massages\u201d, and arriving this visit would also "
                              "compensate Ana Silva")


def test_r7a_no_warning_without_the_package_or_for_an_unassigned_sale(clinic, shop, assigned):
    p = shop["patient"]
    standard = clinic.schedule.book(p, shop["ben"], shop["massage"], at("2026-03-04"),
                                    package=None)
    other_type = clinic.schedule.book(p, shop["ben"], shop["acu"], at("2026-03-04", 14))
    unassigned, _paid = paid_sale(clinic, p, shop["three_massages"])
    covered = clinic.schedule.book(p, shop["ben"], shop["massage"], at("2026-03-05"),
                                   package=unassigned.package_id)
    assert [clinic.schedule.warnings(a) for a in (standard, other_type, covered)] == [[], [], []]


def test_r7a_apply_package_returns_the_warning(clinic, shop, assigned):
    visit = clinic.schedule.book(shop["patient"], shop["ben"], shop["massage"],
                                 at("2026-03-04"), package=None)
    warnings = clinic.schedule.apply_package(visit, assigned.package_id)
    assert warnings == clinic.schedule.warnings(visit) and len(warnings) == 1
    # Applying it again changes nothing and says the same.
    assert clinic.schedule.apply_package(visit, assigned.package_id) == warnings


def test_r7a_unassign_there_and_then_bills_the_use_with_no_staff(clinic, shop, assigned):
    visit = clinic.schedule.book(shop["patient"], shop["ben"], shop["massage"],
                                 at("2026-03-02", 11))
    clinic.billing.unassign_compensation([visit])
    row = clinic.schedule.appointment(visit)
    assert row.compensate_staff is False and clinic.schedule.warnings(visit) == []
    (line,) = clinic.billing.invoice(clinic.schedule.arrive(visit)).lines
    assert (line.staff_id, line.staff_name) == (None, "No Staff Member")
    # The Staff Compensation report finds nothing paid twice.
    report = clinic.reports.compensation(date(2026, 3, 1), date(2026, 3, 31))
    assert dict(report.totals)["double_value"] == 0


def test_r7a_an_arrived_visit_warns_no_more(clinic, shop, assigned):
    visit = clinic.schedule.book(shop["patient"], shop["ben"], shop["massage"],
                                 at("2026-03-02", 11))
    clinic.schedule.arrive(visit)
    assert clinic.schedule.warnings(visit) == []
    refused(clinic, NotAllowed, clinic.billing.unassign_compensation, [visit])


def test_r7a_sale_and_booking_share_one_rule(clinic, shop):
    """The visits R7 flags at sale are exactly those R7a warns about once covered."""
    p = shop["patient"]
    ana = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"),
                               package=None)
    ben = clinic.schedule.book(p, shop["ben"], shop["massage"], at("2026-03-10"),
                               package=None)
    sale = clinic.billing.sell_package(p, shop["ten_massages"], staff_id=shop["ben"])
    assert sale.double_compensation == (ana, ben)
    for visit in (ana, ben):
        assert len(clinic.schedule.apply_package(visit, sale.package_id)) == 1


def test_r7a_warnings_of_an_unknown_appointment_is_refused(clinic, shop):
    refused(clinic, NotFound, clinic.schedule.warnings, 999)


# R11, booking defaults: where a booking starts

def test_first_free_slot_skips_the_practitioners_visits(clinic, shop):
    p = shop["patient"]
    day = date(2026, 3, 4)
    assert clinic.schedule.first_free_slot(shop["ana"], day, 60) == at(day, 8)
    clinic.schedule.book(p, shop["ana"], shop["massage"], at(day, 8))
    clinic.schedule.book(p, shop["ana"], shop["physio"], at(day, 9, 5))
    clinic.schedule.book(p, shop["ben"], shop["massage"], at(day, 10))  # another's time
    cancelled = clinic.schedule.book(p, shop["ana"], shop["massage"], at(day, 10))
    clinic.schedule.cancel(cancelled)
    # 9:00 is free for 5 minutes only; after 9:35 the next quarter hour is 9:45.
    assert clinic.schedule.first_free_slot(shop["ana"], day, 60) == at(day, 9, 45)
    assert clinic.schedule.first_free_slot(shop["ben"], day, 60) == at(day, 8)
    assert clinic.schedule.first_free_slot(shop["ben"], day, 150) == at(day, 11)


def test_first_free_slot_today_is_not_in_the_past_and_a_full_day_has_none(clinic, shop,
                                                                          clock):
    clock.set(datetime(2026, 3, 2, 13, 5))
    assert clinic.schedule.first_free_slot(shop["ana"], date(2026, 3, 2), 30) == \
        at("2026-03-02", 13, 15)
    clock.set(datetime(2026, 3, 2, 19, 50))
    assert clinic.schedule.first_free_slot(shop["ana"], date(2026, 3, 2), 30) is None
    refused(clinic, ValidationError, clinic.schedule.first_free_slot, shop["ana"],
            date(2026, 3, 3), 0)


def test_usual_treatment_is_the_practitioners_last_booked(clinic, shop, clock):
    p = shop["patient"]
    assert clinic.schedule.usual_treatment(shop["ben"]) is None  # never booked
    clinic.schedule.book(p, shop["ben"], shop["physio"], at("2026-03-09"))
    clock.advance(minutes=5)
    clinic.schedule.book(p, shop["ben"], shop["massage"], at("2026-03-03"))
    clinic.schedule.book(p, shop["ana"], shop["acu"], at("2026-03-03"))
    assert clinic.schedule.usual_treatment(shop["ben"]) == shop["massage"]
    assert clinic.schedule.usual_treatment(shop["ana"]) == shop["acu"]
    clinic.catalog.update_treatment_type(shop["massage"], active=False)
    assert clinic.schedule.usual_treatment(shop["ben"]) == shop["physio"]


def test_r11_a_package_held_in_full_is_told_apart(clinic, shop):
    p = shop["patient"]
    sale, _paid = paid_sale(clinic, p, shop["three_massages"])
    for day in ("2026-03-03", "2026-03-04", "2026-03-05"):
        clinic.schedule.book(p, shop["ana"], shop["massage"], at(day))
    on = date(2026, 3, 6)
    assert clinic.schedule.eligible_packages(p, shop["massage"], on) == []
    (held,) = clinic.schedule.held_in_full(p, shop["massage"], on)
    assert held.id == sale.package_id and held.uses_available == 0
    assert uses_phrase(held, "en_CA") == "3 of 3 left · all uses are booked · no expiry"
    assert clinic.schedule.held_in_full(p, shop["physio"], on) == []


# One phrase for a package's uses

def test_the_uses_phrase_for_each_state(clinic, shop, clock):
    p = shop["patient"]
    sale, _paid = paid_sale(clinic, p, shop["ten_massages"])
    first = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-02", 11))
    clinic.schedule.arrive(first)
    clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-04"))
    summary = clinic.packages.summary(sale.package_id)
    assert uses_phrase(summary, "en_CA") == "9 of 10 left · 1 booked · expires Sep 2, 2026"
    assert uses_phrase(summary, "fr_CA").endswith("2 sept. 2026")
    clock.set(datetime(2026, 9, 3, 9))
    expired = clinic.packages.summary(sale.package_id)
    assert uses_phrase(expired, "en_CA") == "9 of 10 left · expired Sep 2, 2026"
    clock.set(datetime(2026, 3, 5, 9))
    clinic.packages.refund(sale.package_id, 0)
    assert uses_phrase(clinic.packages.summary(sale.package_id), "en_CA") == \
        "refunded · 1 of 10 uses used"


def test_the_uses_phrase_of_a_used_up_package_and_in_french(clinic, shop, french):
    p = shop["patient"]
    sale, _paid = paid_sale(clinic, p, shop["three_massages"])
    for hour in (10, 11, 12):
        clinic.schedule.arrive(clinic.schedule.book(p, shop["ana"], shop["massage"],
                                                    at("2026-03-02", hour)))
    summary = clinic.packages.summary(sale.package_id)
    assert summary.status == "used up"
    assert uses_phrase(summary, "fr_CA") == "épuisé · 3 utilisations sur 3 utilisées"
    i18n.set_language(i18n.ENGLISH)
    assert uses_phrase(summary, "en_CA") == "used up · 3 of 3 uses used"
