"""Issue 18's package operations meeting each other: a shared package transferred, refunded
or frozen; an imported package shared, redeemed by a member, transferred and refunded
(R37–R42 together). Each helper built one rule; these are the seams between them."""

from __future__ import annotations

from datetime import date

import pytest

from app.services import NotAllowed

from scenarios.support import at


@pytest.fixture
def family(clinic, desk):
    """Maria and her son Leo in one household, Tom a neighbour; Ana (manager) signed in;
    Maria's 10 Massages ($800, no Patient Pays) shared with Leo."""
    clinic.auth.sign_in(desk["ana"], "2468")
    maria = desk["patient"]
    leo = clinic.patients.add("Leo", "Lopez")
    tom = clinic.patients.add("Tom", "Reid")
    clinic.patients.link_household(maria, leo)
    package = clinic.billing.sell_package(maria, desk["ten_massages"]).package_id
    clinic.packages.share(package, leo)
    return dict(desk, maria=maria, leo=leo, tom=tom, package=package)


def shared_with(clinic, package):
    return [c.patient_name for c in clinic.packages.share_choices(package) if c.shared]


def test_r37_r38_a_transfer_releases_the_members_booking_and_ends_the_share(clinic, family):
    f = family
    visit = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-10"))
    assert clinic.schedule.appointment(visit).package_id == f["package"]

    result = clinic.packages.transfer_with_warnings(f["package"], f["tom"], reason="Moved")

    assert [a.id for a in result.released_appointments] == [visit]
    assert "Leo" not in result.warnings[0] and "Mar 10, 2026" in result.warnings[0]
    assert clinic.schedule.appointment(visit).package_id is None
    assert shared_with(clinic, f["package"]) == []  # the page no longer says "Shared with"
    # Tom's package is his own, in no household with Leo: Leo books at the standard price
    later = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-12"))
    assert clinic.schedule.appointment(later).package_id is None
    with pytest.raises(NotAllowed):
        clinic.packages.share(result.new_package_id, f["leo"])


def test_r37_a_refund_ends_the_share_and_releases_the_members_booking(clinic, family):
    f = family
    visit = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-10"))
    refund = clinic.packages.refund(f["package"], 0)
    assert [a.id for a in refund.released_appointments] == [visit]
    assert clinic.schedule.appointment(visit).package_id is None
    assert shared_with(clinic, f["package"]) == []


def test_r37_r39_a_frozen_shared_package_is_frozen_for_the_member_too(clinic, family):
    f = family
    clinic.packages.freeze(f["package"], date(2026, 3, 5), date(2026, 3, 20), reason="Away")
    auto = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-10"))
    assert clinic.schedule.appointment(auto).package_id is None  # skipped, not refused
    with pytest.raises(NotAllowed, match="frozen from Mar 5, 2026"):
        clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-11"),
                             package=f["package"])
    after = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-20"))
    assert clinic.schedule.appointment(after).package_id == f["package"]


def test_r38_a_frozen_package_is_not_transferred(clinic, family):
    f = family
    clinic.packages.freeze(f["package"], date(2026, 3, 9), date(2026, 3, 20), reason="Away")
    assert "unfreeze it first" in clinic.packages.can_transfer(f["package"])
    with pytest.raises(NotAllowed, match="unfreeze it first"):
        clinic.packages.transfer(f["package"], f["tom"], reason="Moved")
    assert clinic.packages.for_patient(f["tom"]) == []


def test_r37_r38_r42_an_imported_package_shared_redeemed_transferred(clinic, family):
    """Imported with 3 of 10 used and $500 of $800 collected: Leo's visit is use 4; Tom
    receives 6 uses worth $480; the month's liability counts the import as opening, the
    use as redeemed, and nothing for the transfer."""
    f = family
    imported = clinic.packages.import_existing(
        f["maria"], uses_used=3, collected=50000, purchased_on=date(2026, 1, 5),
        expires_on=date(2026, 7, 5), template_id=f["ten_massages"])
    clinic.packages.share(imported, f["leo"])
    visit = clinic.schedule.book(f["leo"], f["ana"], f["massage"], at("2026-03-03"),
                                 package=imported)
    clinic.schedule.arrive(visit)
    detail = clinic.packages.detail(imported)
    assert [(r.use_number, r.redeemed_by) for r in detail.redemptions] == [(4, "Leo Lopez")]
    assert clinic.packages.summary(imported).uses_remaining == 6
    before = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 3, 31)).totals

    new = clinic.packages.transfer(imported, f["tom"], reason="Moved away")

    received = clinic.packages.summary(new)
    assert (received.uses_total, received.price, received.expires_on) == (
        6, 48000, date(2026, 7, 5))
    after = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 3, 31)).totals
    assert after == before
    assert (before["opening"], before["sold"], before["redeemed"]) == (56000, 80000, 8000)
    assert shared_with(clinic, imported) == []
    # Tom paid nothing for it: nothing to give back to him (R26's 0 … collected)
    assert clinic.packages.refund_suggestion(new).amount == 0
    # Maria still owes what the old system had not collected on her package
    assert clinic.billing.account(f["maria"]).owing == 30000 + 80000
