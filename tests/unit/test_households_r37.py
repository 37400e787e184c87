"""R37 Households and sharing: linking patients, sharing a package with chosen members,
booking with own packages before shared ones, redeeming a shared package and ending a share
(which keeps the uses redeemed and releases the member's booked visits, with R28's warning)."""

from __future__ import annotations

import pytest

from app.services import NotAllowed, NotFound, ValidationError

from scenarios.support import at, refused


@pytest.fixture
def family(clinic, catalog):
    """Maria (the purchaser), her son Leo and her husband Sam in one household; Tom, a
    neighbour, in none. Maria bought "10 Massages"."""
    maria = catalog["patient"]
    leo = clinic.patients.add("Leo", "Lopez")
    sam = clinic.patients.add("Sam", "Lopez")
    tom = clinic.patients.add("Tom", "Reid")
    clinic.patients.link_household(maria, leo)
    clinic.patients.link_household(sam, maria)
    package = clinic.billing.sell_package(maria, catalog["ten_massages"]).package_id
    return dict(catalog, maria=maria, leo=leo, sam=sam, tom=tom, package=package)


def names(rows):
    return [r.patient_name for r in rows]


def test_r37_link_makes_one_household_and_lists_the_others(clinic, family):
    f = family
    assert names(clinic.patients.household_members(f["maria"])) == ["Leo Lopez", "Sam Lopez"]
    assert names(clinic.patients.household_members(f["leo"])) == ["Maria Lopez", "Sam Lopez"]
    assert clinic.patients.household_members(f["tom"]) == []


def test_r37_linking_two_households_is_refused_never_merged(clinic, family):
    f = family
    ada = clinic.patients.add("Ada", "Reid")
    clinic.patients.link_household(f["tom"], ada)
    error = refused(clinic, NotAllowed, clinic.patients.link_household, f["maria"], f["tom"],
                    match="Tom Reid is already in another household (Ada Reid)")
    assert "never merged" in str(error)
    refused(clinic, NotAllowed, clinic.patients.link_household, f["leo"], f["sam"],
            match="already in the same household")
    refused(clinic, ValidationError, clinic.patients.link_household, f["leo"], f["leo"])
    refused(clinic, NotFound, clinic.patients.link_household, f["leo"], 9999)


def test_r37_share_only_inside_the_purchasers_household(clinic, family):
    f = family
    refused(clinic, NotAllowed, clinic.packages.share, f["package"], f["tom"],
            match="Tom Reid is not in Maria Lopez's household")
    refused(clinic, NotAllowed, clinic.packages.share, f["package"], f["maria"],
            match="already theirs")
    refused(clinic, NotFound, clinic.packages.share, 9999, f["leo"])
    clinic.packages.share(f["package"], f["leo"])
    refused(clinic, NotAllowed, clinic.packages.share, f["package"], f["leo"],
            match="already shared with Leo Lopez")
    assert [(c.patient_name, c.shared) for c in clinic.packages.share_choices(f["package"])] \
        == [("Leo Lopez", True), ("Sam Lopez", False)]


def test_r37_a_member_without_a_share_cannot_use_the_package(clinic, family):
    f = family
    refused(clinic, NotAllowed, clinic.schedule.book, f["sam"], f["ana"], f["massage"],
            at("2026-03-05"), package=f["package"], match="belongs to another patient")
    visit = clinic.schedule.book(f["sam"], f["ana"], f["massage"], at("2026-03-05"))
    assert clinic.schedule.appointment(visit).package_id is None


def test_r37_booking_uses_own_packages_first_then_shared(clinic, family, catalog):
    f = family
    clinic.packages.share(f["package"], f["leo"])
    # Leo's own package expires later than Maria's shared one: his own still comes first.
    own = clinic.billing.sell_package(f["leo"], catalog["ten_massages"]).package_id
    with clinic.db.write() as s:
        from app.models import Package
        s.get(Package, own).expires_on = s.get(Package, f["package"]).expires_on.replace(
            year=2027)
    eligible = clinic.schedule.eligible_packages(f["leo"], f["massage"], at("2026-03-05").date())
    assert [p.id for p in eligible] == [own, f["package"]]
    visit = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-05"))
    assert clinic.schedule.appointment(visit).package_id == own


def test_r37_shared_package_books_and_redeems_recording_who(clinic, family):
    f = family
    clinic.packages.share(f["package"], f["leo"])
    leos = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-05"))
    marias = clinic.schedule.book(f["maria"], f["ben"], f["massage"], at("2026-03-05"))
    assert clinic.schedule.appointment(leos).package_id == f["package"]
    invoice = clinic.schedule.arrive(leos)
    clinic.schedule.arrive(marias)
    assert clinic.billing.invoice(invoice).total == 0  # Patient Pays 0 (R14)
    detail = clinic.packages.detail(f["package"])
    assert [(r.use_number, r.redeemed_by, r.redeemed_by_id) for r in detail.redemptions] == [
        (1, "Leo Lopez", f["leo"]), (2, "Maria Lopez", f["maria"])]
    assert detail.summary.uses_redeemed == 2


def test_r37_unshare_keeps_uses_and_releases_the_members_booked_visits(clinic, family):
    f = family
    clinic.packages.share(f["package"], f["leo"])
    clinic.packages.share(f["package"], f["sam"])
    done = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-03"))
    clinic.schedule.arrive(done)
    later = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-10"))
    sams = clinic.schedule.book(f["sam"], f["ben"], f["massage"], at("2026-03-10"))
    marias = clinic.schedule.book(f["maria"], f["ana"], f["massage"], at("2026-03-11"))
    released = clinic.packages.unshare(f["package"], f["leo"])
    assert list(released) == [later]
    assert len(released.warnings) == 1
    assert released.warnings[0].startswith("1 booked appointment lost this package and will "
                                           "be billed at the standard price:")
    assert "Massage 60 min with Ana Silva" in released.warnings[0]
    assert clinic.schedule.appointment(later).package_id is None
    assert clinic.schedule.appointment(sams).package_id == f["package"]
    assert clinic.schedule.appointment(marias).package_id == f["package"]
    detail = clinic.packages.detail(f["package"])
    assert [r.redeemed_by for r in detail.redemptions] == ["Leo Lopez"]  # kept
    refused(clinic, NotAllowed, clinic.packages.unshare, f["package"], f["leo"],
            match="is not shared with Leo Lopez")
    refused(clinic, NotAllowed, clinic.schedule.apply_package, later, f["package"],
            match="belongs to another patient")


def test_r37_arrival_after_the_share_ended_bills_the_standard_price(clinic, family):
    f = family
    clinic.packages.share(f["package"], f["leo"])
    visit = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-10"))
    clinic.packages.unshare(f["package"], f["leo"])
    invoice = clinic.schedule.arrive(visit)
    assert clinic.billing.invoice(invoice).total == 9000


def test_r37_leaving_the_household_ends_shares_both_ways(clinic, family, catalog):
    f = family
    clinic.packages.share(f["package"], f["leo"])
    leos_own = clinic.billing.sell_package(f["leo"], catalog["ten_massages"]).package_id
    clinic.packages.share(leos_own, f["sam"])
    leos = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-10"),
                                package=f["package"])
    sams = clinic.schedule.book(f["sam"], f["ben"], f["massage"], at("2026-03-10"))
    assert clinic.schedule.appointment(sams).package_id == leos_own
    released = clinic.patients.leave_household(f["leo"])
    assert sorted(released) == sorted([leos, sams])
    assert len(released.warnings) == 2
    assert names(clinic.patients.household_members(f["maria"])) == ["Sam Lopez"]
    assert clinic.patients.household_members(f["leo"]) == []
    assert [c.patient_name for c in clinic.packages.share_choices(f["package"])] == ["Sam Lopez"]
    refused(clinic, NotAllowed, clinic.patients.leave_household, f["leo"],
            match="not in a household")
    # Leo may join another household now.
    clinic.patients.link_household(f["leo"], f["tom"])


def test_r37_the_last_member_leaves_a_household_of_one(clinic, family):
    f = family
    clinic.patients.leave_household(f["leo"])
    clinic.patients.leave_household(f["sam"])
    assert clinic.patients.household_members(f["maria"]) == []
    assert clinic.packages.why_not_share(f["package"]) == (
        "Maria Lopez is not in a household. Link household members on the patient's profile "
        "first.")
    clinic.patients.link_household(f["maria"], f["tom"])  # in none: she may be linked again


def test_r37_set_shares_ticks_exactly_the_chosen_members(clinic, family):
    f = family
    assert list(clinic.packages.set_shares(f["package"], [f["leo"], f["sam"]])) == []
    visit = clinic.schedule.book(f["sam"], f["ana"], f["massage"], at("2026-03-10"))
    released = clinic.packages.set_shares(f["package"], [f["leo"]])
    assert list(released) == [visit] and released.warnings
    assert [(c.patient_name, c.shared) for c in clinic.packages.share_choices(f["package"])] \
        == [("Leo Lopez", True), ("Sam Lopez", False)]
    refused(clinic, NotAllowed, clinic.packages.set_shares, f["package"], [f["tom"]],
            match="not in Maria Lopez's household")
    refused(clinic, ValidationError, clinic.packages.set_shares, f["package"], "Leo")


def test_r37_a_refunded_package_cannot_be_shared(clinic, family):
    f = family
    clinic.packages.share(f["package"], f["leo"])
    visit = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-10"))
    result = clinic.packages.refund(f["package"], 0)
    assert [a.id for a in result.released_appointments] == [visit]  # R28 for members too
    refused(clinic, NotAllowed, clinic.packages.share, f["package"], f["sam"],
            match="can no longer be shared")


def test_r37_share_and_unshare_are_audited(clinic, family):
    import json

    from sqlalchemy import select

    from app.models import AuditEntry
    f = family
    clinic.packages.share(f["package"], f["leo"])
    clinic.packages.unshare(f["package"], f["leo"])
    with clinic.db.read() as s:
        actions = [(e.action, json.loads(e.after)) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action.like("package.%share"))
            .order_by(AuditEntry.id))]
    assert actions == [("package.share", {"shared_with": f["leo"]}),
                       ("package.unshare", {"shared_with": None,
                                            "released_appointments": []})]


def test_r37_usage_report_says_who_redeemed_each_use(clinic, family):
    from datetime import date
    f = family
    clinic.packages.share(f["package"], f["leo"])
    for patient, day in ((f["leo"], "2026-03-03"), (f["maria"], "2026-03-04")):
        clinic.schedule.arrive(clinic.schedule.book(patient, f["ana"], f["massage"], at(day)))
    report = clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31))
    rows = report.sections[0].rows
    assert [(r.patient_name, r.redeemed_by) for r in rows] == [
        ("Maria Lopez", "Leo Lopez"), ("Maria Lopez", "Maria Lopez")]
    assert report.sections[0].columns[-1].heading == "Redeemed by"


def test_r37_r7a_a_members_visit_warns_of_double_compensation(clinic, family, catalog):
    """A package sold with a staff member paid up front warns on a member's covered visit
    too, as on the purchaser's (R7a)."""
    f = family
    package = clinic.billing.sell_package(f["maria"], catalog["three_physio"],
                                          staff_id=f["ben"]).package_id
    clinic.packages.share(package, f["leo"])
    visit = clinic.schedule.book(f["leo"], f["ana"], f["physio"], at("2026-03-05"),
                                 package=package)
    (warning,) = clinic.schedule.warnings(visit)
    assert "Ben Okafor" in warning and "Ana Silva" in warning
