"""R39 Freeze: a package frozen from a date, to a date or until unfrozen, with a reason.

Sold Mar 2, 2026 ("10 Massages", 6 months: expires Sep 2, 2026) unless a test says otherwise.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.models import AuditEntry, PackageExpiryChange, PackageFreeze
from app.services import NotAllowed, ValidationError

from scenarios.support import at, refused

SEP_2 = date(2026, 9, 2)


@pytest.fixture
def p(catalog):
    return catalog["patient"]


@pytest.fixture
def package(clinic, catalog, p):
    return clinic.billing.sell_package(p, catalog["ten_massages"]).package_id


def changes(clinic, package):
    with clinic.db.read() as s:
        return [(c.changed_on, c.old_expires_on, c.new_expires_on)
                for c in s.scalars(select(PackageExpiryChange)
                                   .where(PackageExpiryChange.package_id == package)
                                   .order_by(PackageExpiryChange.id))]


def test_r39_frozen_feb_1_unfrozen_feb_11_moves_the_expiry_ten_days(clinic, package, clock):
    clinic.packages.freeze(package, date(2026, 3, 10), reason="Travelling")
    held = clinic.packages.summary(package)
    assert (held.expires_on, held.expiry_held, held.status) == (None, True, "active")
    clock.set(at("2026-03-12"))
    assert clinic.packages.summary(package).status == "frozen"
    clinic.packages.unfreeze(package, date(2026, 3, 20))  # frozen until then (a late note)
    summary = clinic.packages.summary(package)
    assert (summary.expires_on, summary.status) == (date(2026, 9, 12), "frozen")
    clock.set(at("2026-03-20"))
    assert clinic.packages.summary(package).status == "active"
    assert changes(clinic, package) == [(date(2026, 3, 2), SEP_2, None),
                                        (date(2026, 3, 12), None, date(2026, 9, 12))]
    [row] = clinic.packages.freezes(package)
    assert (row.starts_on, row.ends_on, row.reason, row.days) == (
        date(2026, 3, 10), date(2026, 3, 20), "Travelling", 10)


def test_r39_a_freeze_with_an_end_moves_the_expiry_when_it_is_made(clinic, package, clock):
    clinic.packages.freeze(package, date(2026, 3, 10), date(2026, 3, 20), reason="Surgery")
    assert clinic.packages.summary(package).expires_on == date(2026, 9, 12)
    assert changes(clinic, package) == [(date(2026, 3, 2), SEP_2, date(2026, 9, 12))]
    assert clinic.packages.summary(package).status == "active"  # not yet frozen today
    for day, status in (("2026-03-10", "frozen"), ("2026-03-19", "frozen"),
                        ("2026-03-20", "active")):
        clock.set(at(day))
        assert clinic.packages.summary(package).status == status, day
    assert clinic.packages.for_patient(clinic.packages.summary(package).patient_id)[0].status \
        == "active"


def test_r39_unfreezing_early_gives_back_only_the_days_frozen(clinic, package, clock):
    clinic.packages.freeze(package, date(2026, 3, 10), date(2026, 3, 20), reason="Surgery")
    clock.set(at("2026-03-14"))
    clinic.packages.unfreeze(package, date(2026, 3, 14))
    assert clinic.packages.summary(package).expires_on == date(2026, 9, 6)
    assert clinic.packages.freezes(package)[0].ends_on == date(2026, 3, 14)


def test_r39_freeze_and_unfreeze_are_audited(clinic, package):
    freeze = clinic.packages.freeze(package, date(2026, 3, 10), reason="Travelling")
    clinic.packages.unfreeze(package, date(2026, 3, 15))
    with clinic.db.read() as s:
        entries = [(e.action, json.loads(e.after)) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action.like("package.%freeze"))
            .order_by(AuditEntry.id))]
    assert entries == [
        ("package.freeze", {"freeze_id": freeze, "starts_on": "2026-03-10", "ends_on": None,
                            "reason": "Travelling", "expires_on": None}),
        ("package.unfreeze", {"freeze_id": freeze, "ends_on": "2026-03-15",
                              "expires_on": "2026-09-07"})]


def test_r39_booking_skips_a_frozen_package_and_refuses_it_when_chosen(clinic, catalog, p,
                                                                        package):
    clinic.packages.freeze(package, date(2026, 3, 10), date(2026, 3, 20), reason="Away")
    inside = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-12"))
    assert clinic.schedule.eligible_packages(p, catalog["massage"], date(2026, 3, 12)) == []
    error = refused(clinic, NotAllowed, clinic.schedule.apply_package, inside, package)
    assert "frozen from Mar 10, 2026 until Mar 20, 2026" in str(error)
    assert "Mar 12, 2026" in str(error)
    error = refused(clinic, NotAllowed, clinic.schedule.book, p, catalog["ana"],
                    catalog["massage"], at("2026-03-19"), package=package)
    assert "frozen" in str(error)
    after = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-20"))
    before = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-09"))
    assert [clinic.schedule.appointment(a).package_id for a in (inside, after, before)] == [
        None, package, package]


def test_r39_arriving_and_covering_a_no_show_inside_the_freeze_are_refused(
        clinic, catalog, p, package, clock):
    visit = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-09"))
    no_show = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-08"))
    clinic.packages.freeze(package, date(2026, 3, 10), reason="Away")
    # moved into the freeze: refused, so force it there as a second desk's stale screen would
    refused(clinic, NotAllowed, clinic.schedule.reschedule, visit, at("2026-03-11"))
    from app.models import Appointment
    with clinic.db.write() as s:
        for ident, day in ((visit, "2026-03-11"), (no_show, "2026-03-12")):
            s.get(Appointment, ident).start = at(day)
    clock.set(at("2026-03-12", 11))
    error = refused(clinic, NotAllowed, clinic.schedule.arrive, visit)
    assert "frozen from Mar 10, 2026 until it is unfrozen" in str(error)
    refused(clinic, NotAllowed, clinic.schedule.no_show, no_show, use_package=True)


def test_r39_booked_covered_visits_on_the_frozen_days_refuse_the_freeze(clinic, catalog, p,
                                                                         package):
    clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-12", 14))
    clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-25"))
    error = refused(clinic, NotAllowed, clinic.packages.freeze, package, date(2026, 3, 10),
                    date(2026, 3, 20), reason="Away")
    assert "1 booked appointment" in str(error) and "Mar 12, 2026" in str(error)
    clinic.packages.freeze(package, date(2026, 3, 13), date(2026, 3, 20), reason="Away")


@pytest.mark.parametrize("start, end, reason, field, words", [
    (date(2026, 3, 20), date(2026, 3, 10), "Away", "end", "between Mar 21, 2026"),
    (date(2026, 3, 20), date(2026, 3, 20), "Away", "end", "between Mar 21, 2026"),
    (date(2026, 3, 1), None, "Away", "start", "between Mar 2, 2026 and Sep 2, 2026"),
    (date(2026, 9, 3), None, "Away", "start", "between Mar 2, 2026 and Sep 2, 2026"),
    (date(2026, 3, 10), None, "   ", "reason", "reason for the freeze"),
    ("March", None, "Away", "start", "2026-03-31"),
])
def test_r39_bad_dates_and_an_empty_reason_are_refused_naming_the_field(
        clinic, package, start, end, reason, field, words):
    error = refused(clinic, ValidationError, clinic.packages.freeze, package, start, end,
                    reason=reason)
    assert error.field == field and words in str(error)


def test_r39_a_freeze_cannot_overlap_another(clinic, package):
    clinic.packages.freeze(package, date(2026, 3, 10), date(2026, 3, 20), reason="Away")
    error = refused(clinic, ValidationError, clinic.packages.freeze, package,
                    date(2026, 3, 19), None, reason="Again")
    assert error.field == "start" and "already frozen from Mar 10, 2026" in str(error)
    clinic.packages.freeze(package, date(2026, 3, 20), date(2026, 3, 25), reason="Again")
    assert clinic.packages.summary(package).expires_on == date(2026, 9, 17)


def test_r39_expired_refunded_and_used_up_packages_cannot_be_frozen(clinic, catalog, p,
                                                                     package, clock):
    physio = clinic.billing.sell_package(p, catalog["three_physio"]).package_id
    for day in (3, 4, 5):
        clinic.schedule.arrive(clinic.schedule.book(p, catalog["ana"], catalog["physio"],
                                                    at(date(2026, 3, day))))
    refused(clinic, NotAllowed, clinic.packages.freeze, physio, date(2026, 3, 10),
            reason="Away", match="is used up")
    refunded = clinic.billing.sell_package(p, catalog["ten_massages"]).package_id
    clinic.packages.refund(refunded, 0)
    refused(clinic, NotAllowed, clinic.packages.freeze, refunded, date(2026, 3, 10),
            reason="Away", match="is refunded")
    clock.set(at("2026-09-03"))
    refused(clinic, NotAllowed, clinic.packages.freeze, package, date(2026, 9, 3),
            reason="Away", match="is expired")


def test_r39_a_freeze_cannot_cover_a_use_already_given(clinic, catalog, p, package, clock):
    clinic.schedule.arrive(clinic.schedule.book(p, catalog["ana"], catalog["massage"],
                                                at("2026-03-05")))
    clock.set(at("2026-03-09"))
    error = refused(clinic, ValidationError, clinic.packages.freeze, package,
                    date(2026, 3, 4), reason="Backdated")
    assert error.field == "start" and "Mar 6, 2026 at the earliest" in str(error)
    clinic.packages.freeze(package, date(2026, 3, 6), reason="Backdated")


def test_r39_unfreeze_refusals(clinic, package):
    error = refused(clinic, NotAllowed, clinic.packages.unfreeze, package, date(2026, 3, 12))
    assert "is not frozen on Mar 12, 2026" in str(error)
    clinic.packages.freeze(package, date(2026, 3, 10), date(2026, 3, 20), reason="Away")
    error = refused(clinic, ValidationError, clinic.packages.unfreeze, package,
                    date(2026, 3, 9))
    assert error.field == "on" and "starts on Mar 10, 2026" in str(error)
    refused(clinic, NotAllowed, clinic.packages.unfreeze, package, date(2026, 3, 20))
    refused(clinic, ValidationError, clinic.packages.unfreeze, package, "soon")
    assert clinic.packages.unfreeze_refusal(package) is None
    clinic.packages.unfreeze(package, date(2026, 3, 10))  # withdrawn on its first day
    assert clinic.packages.summary(package).expires_on == SEP_2
    assert clinic.packages.unfreeze_refusal(package) is not None


def test_r39_cutting_a_freeze_short_never_expires_before_a_booked_visit(clinic, catalog, p,
                                                                         package):
    clinic.packages.freeze(package, date(2026, 3, 10), date(2026, 4, 10), reason="Away")
    clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-10-01"))
    error = refused(clinic, NotAllowed, clinic.packages.unfreeze, package, date(2026, 3, 11))
    assert "Sep 3, 2026" in str(error) and "Oct 1, 2026" in str(error)


def test_r39_change_expiry_waits_for_an_open_freeze(clinic, package):
    clinic.packages.freeze(package, date(2026, 3, 10), reason="Away")
    assert "Unfreeze it first" in clinic.why_not.change_expiry(package)
    refused(clinic, NotAllowed, clinic.packages.set_expiry, package, date(2026, 12, 1))


def test_r39_freezing_is_for_a_manager(clinic, desk, package):
    error = refused(clinic, NotAllowed, clinic.packages.freeze, package, date(2026, 3, 10),
                    reason="Away")
    assert "Only a manager can freeze or unfreeze a package" in str(error)
    approval = clinic.auth.approve(desk["ana"], "2468", "freeze or unfreeze a package")
    with clinic.auth.approved(approval):
        clinic.packages.freeze(package, date(2026, 3, 10), reason="Away")
        clinic.packages.unfreeze(package, date(2026, 3, 12))
    with clinic.db.read() as s:
        assert [f.frozen_by for f in s.scalars(select(PackageFreeze))] == [desk["desk"]]


def test_r39_the_books_never_count_a_frozen_package_as_expired(clinic, package, clock):
    clinic.packages.freeze(package, date(2026, 8, 1), reason="Away")
    clock.set(at("2026-10-15"))
    frozen = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 10, 15)).totals
    assert (frozen["expired"], frozen["closing"]) == (0, 80000)
    assert clinic.packages.summary(package).status == "frozen"
    clinic.packages.unfreeze(package, date(2026, 10, 15))  # 75 days: Sep 2 + 75 = Nov 16
    assert clinic.packages.summary(package).expires_on == date(2026, 11, 16)
    later = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 11, 30)).totals
    assert (later["expired"], later["reinstated"], later["closing"]) == (80000, 0, 0)


def test_r39_the_rule_over_plain_dates():
    from app.domain.freezes import Span, days_frozen, moved_expiry
    feb = Span(date(2026, 2, 1), date(2026, 2, 11))
    assert days_frozen(feb.starts_on, feb.ends_on) == 10  # the SPEC's example
    assert [feb.holds(date(2026, 2, d)) for d in (1, 10, 11)] == [True, True, False]
    assert feb.overlaps(Span(date(2026, 2, 10), None))
    assert not feb.overlaps(Span(date(2026, 2, 11), None))  # usable again that day
    assert not Span(date(2026, 2, 5), date(2026, 2, 5)).overlaps(feb)  # withdrawn
    assert Span(date(2026, 1, 1), None).overlaps(Span(date(2027, 1, 1), None))
    assert moved_expiry(date(2026, 9, 2), 10) == date(2026, 9, 12)
    assert moved_expiry(None, 10) is None
