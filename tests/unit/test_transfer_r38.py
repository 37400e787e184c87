"""R38 Transfer: a manager moves a package's remaining uses to another patient, with a reason.
The original ends "transferred" with its redemptions; the recipient's new package holds the
uses left with the same expiry and per-use values, so the books do not move; booked covered
appointments of the original are released with R28's warning; no money moves."""

from __future__ import annotations

from dataclasses import astuple
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.services import Clinic
from app.services.errors import NotAllowed, ValidationError
from app.services.liability import roll_forward

MAR = lambda day, hour=10: datetime(2026, 3, day, hour)  # noqa: E731


def setup_clinic(c: Clinic) -> dict:
    c.settings.update(name="Harbour Physio", currency="CAD", locale="en_CA",
                      setup_complete=True)
    ids = {"ana": c.staff.add("Ana Silva", practitioner=True, role="manager")}
    ids["physio"] = c.catalog.add_treatment_type("Physio follow-up", duration_min=30,
                                                 price=8500, tax_rate=Decimal("0.15"))
    # $100.00 over 3 uses (33.33, 33.33, 33.34: R3's odd cent on the last use), taxed, 1 month
    ids["three"] = c.catalog.add_package_template(
        "3 Physio", price=10000, uses=3, eligible={ids["physio"]: 1000}, validity="1m",
        tax_rate=Decimal("0.15"))
    ids["maria"] = c.patients.add("Maria", "Lopez", phone="902-555-0101")
    ids["joe"] = c.patients.add("Joe", "Bloggs", phone="902-555-0102")
    return ids


def story(c: Clinic, clock, *, transfer: bool, ending: str, twice: bool = False) -> dict:
    """Maria buys 3 Physio on Mar 2 and pays; uses 1 on Mar 3; a visit is booked for the
    20th. On Mar 5 (if `transfer`) her package goes to Joe. On Mar 10 the holder uses
    another; then the last use is refunded for $0 on the 12th (`ending` "refund"), or is
    redeemed on the 16th ("use"), or expires on Apr 2 ("expire")."""
    ids = setup_clinic(c)
    clock.set(MAR(2, 9))
    sale = c.billing.sell_package(ids["maria"], ids["three"])
    c.billing.receive_payment(ids["maria"], 11500, "cash", invoice_id=sale.invoice_id)
    clock.set(MAR(3, 12))
    c.schedule.arrive(c.schedule.book(ids["maria"], ids["ana"], ids["physio"], MAR(3)))
    booked = c.schedule.book(ids["maria"], ids["ana"], ids["physio"], MAR(20))
    holder, package = ids["maria"], sale.package_id
    clock.set(MAR(5, 15))
    if transfer:
        package = c.packages.transfer(sale.package_id, ids["joe"], reason="Moved away")
        holder = ids["joe"]
    else:  # as the transfer releases it
        c.schedule.remove_package(booked)
    clock.set(MAR(10, 12))
    c.schedule.arrive(c.schedule.book(holder, ids["ana"], ids["physio"], MAR(10),
                                      package=package))
    if transfer and twice:  # passed on again: a chain of three is still one package
        clock.set(MAR(11, 9))
        holder = c.patients.add("Ann", "Bell")
        package = c.packages.transfer(package, holder, reason="Joe is injured")
    if ending == "refund":
        clock.set(MAR(12, 12))
        c.packages.refund(package, 0)
    elif ending == "use":
        clock.set(MAR(16, 12))
        c.schedule.arrive(c.schedule.book(holder, ids["ana"], ids["physio"], MAR(16),
                                          package=package))
    clock.set(datetime(2026, 4, 30, 18))
    return {**ids, "sale": sale, "package": package}


def books(c: Clinic) -> dict:
    """Every figure a transfer must leave as it was."""
    periods = [(date(2026, 3, 1), date(2026, 3, 4)), (date(2026, 3, 1), date(2026, 3, 31)),
               (date(2026, 3, 5), date(2026, 3, 5)), (date(2026, 3, 6), date(2026, 4, 30)),
               (date(2026, 3, 1), date(2026, 4, 30))]
    out = {}
    for start, end in periods:
        liability = c.reports.package_liability(start, end)
        out["liability", start, end] = dict(liability.totals)
        out["liability rows", start, end] = [astuple(r) for r in liability.rows]
        revenue = c.reports.revenue(start, end)
        out["revenue", start, end] = dict(revenue.totals)
        out["revenue days", start, end] = [(r.day, r.total) for r in revenue.rows]
        out["journal", start, end] = [
            (e.on, tuple(sorted(e.postings))) for e in c.accounting.journal(start, end)]
        out["sales tax", start, end] = dict(c.reports.sales_tax(start, end).totals)
    for day in range(2, 32):
        close = c.reports.day_close(date(2026, 3, day))
        out["day close", day] = dict(close.totals)
        outstanding = c.reports.outstanding(date(2026, 3, day))
        # (each package counts its own uses redeemed: the recipient's starts at 0; the uses
        # left and their value are the books')
        out["outstanding", day] = [(s.totals["uses_remaining"], s.totals["unredeemed_value"])
                                   for s in outstanding.sections]
    return out


@pytest.mark.parametrize("ending, twice", [("refund", False), ("use", False),
                                           ("expire", False), ("refund", True),
                                           ("expire", True)])
def test_r38_the_books_are_the_same_with_and_without_the_transfer(tmp_path, clock, ending,
                                                                   twice):
    with Clinic.open(tmp_path / "kept.db", clock=clock) as kept:
        story(kept, clock, transfer=False, ending=ending)
        expected = books(kept)
    with Clinic.open(tmp_path / "moved.db", clock=clock) as moved:
        ids = story(moved, clock, transfer=True, ending=ending, twice=twice)
        got = books(moved)
        assert moved.packages.summary(ids["sale"].package_id).status == "transferred"
        with moved.db.read() as s:  # the SQL fast path leaves the chain to the walk
            for start, end in ((date(2026, 3, 1), date(2026, 3, 31)),
                               (date(2026, 3, 6), date(2026, 4, 30))):
                assert roll_forward(s, start, end) == roll_forward(s, start, end,
                                                                   walk_all=True)
    assert got == expected
    march = expected["liability", date(2026, 3, 1), date(2026, 3, 31)]
    assert march["sold"] == 10000 and march["redeemed"] >= 3333 + 3333


def test_r38_the_new_package_carries_the_uses_left_at_their_values(clinic, clock):
    ids = setup_clinic(clinic)
    clinic.auth.set_secret(ids["ana"], "2468")
    clinic.auth.sign_in(ids["ana"], "2468")
    sale = clinic.billing.sell_package(ids["maria"], ids["three"])
    clinic.billing.receive_payment(ids["maria"], 11500, "cash", invoice_id=sale.invoice_id)
    clinic.schedule.arrive(clinic.schedule.book(ids["maria"], ids["ana"], ids["physio"],
                                                MAR(2, 11)))
    booked = clinic.schedule.book(ids["maria"], ids["ana"], ids["physio"], MAR(20))
    before = clinic.packages.summary(sale.package_id)
    clock.set(MAR(5, 15))

    result = clinic.packages.transfer_with_warnings(sale.package_id, ids["joe"],
                                                    reason="Moved to Calgary")

    old, new = clinic.packages.summary(sale.package_id), clinic.packages.summary(
        result.new_package_id)
    assert old.status == "transferred" and old.uses_redeemed == 1 and old.uses_available == 0
    assert (new.patient_id, new.status, new.uses_total, new.uses_redeemed) == (
        ids["joe"], "active", 2, 0)
    assert new.expires_on == before.expires_on == date(2026, 4, 2)
    assert new.price == 6667  # 33.33 + 33.34: the values Maria's uses 2 and 3 had
    # its redemptions stay with it; the booking it held is released with R28's warning
    assert [r.use_number for r in clinic.packages.detail(sale.package_id).redemptions] == [1]
    assert [a.id for a in result.released_appointments] == [booked]
    assert clinic.schedule.appointment(booked).package_id is None
    (warning,) = result.warnings
    assert warning.startswith("1 booked appointment lost this package and will be billed at "
                              "the standard price: ")
    assert warning.endswith("Physio follow-up with Ana Silva.") and "Mar 20, 2026" in warning
    # no money: the recipient's invoice is zero, nobody owes, Maria keeps her payment
    invoice = clinic.billing.invoice(result.invoice_id)
    assert invoice.total == 0 and invoice.balance == 0
    assert clinic.billing.account(ids["joe"]).owing == 0
    assert clinic.billing.account(ids["maria"]).credit == 0
    assert clinic.billing.invoice(sale.invoice_id).paid == 11500
    # the link and the reason, both ways, and in the audit trail
    gave, got = (clinic.packages.transfer_link(sale.package_id),
                 clinic.packages.transfer_link(result.new_package_id))
    assert (gave.direction, gave.other_package_id, gave.other_patient_name, gave.reason,
            gave.transferred_on) == ("to", result.new_package_id, "Joe Bloggs",
                                     "Moved to Calgary", date(2026, 3, 5))
    assert (got.direction, got.other_package_id, got.other_patient_name) == (
        "from", sale.package_id, "Maria Lopez")
    entry = [e for e in clinic.audit.entries() if e.action == "package.transfer"][-1]
    assert entry.entity_id == sale.package_id
    received = [e for e in clinic.audit.entries() if e.action == "package.transfer_in"][-1]
    assert received.entity_id == result.new_package_id
    from app.services.audit_coverage import unrecorded
    with clinic.db.read() as s:
        assert unrecorded(s) == []  # the new package and its zero invoice are accounted for
    # the new package's uses: 33.33 then 33.34, as Maria's 2nd and 3rd would have been
    for day in (10, 11):
        clock.set(MAR(day, 12))
        clinic.schedule.arrive(clinic.schedule.book(ids["joe"], ids["ana"], ids["physio"],
                                                    MAR(day)))
    values = [r.per_use_value for r in clinic.packages.detail(result.new_package_id)
              .redemptions]
    assert values == [3333, 3334]
    assert clinic.packages.summary(result.new_package_id).status == "used up"


@pytest.fixture
def sold(clinic, desk, clock):
    """Maria's 3 Physio, paid; Ana (manager) signed in."""
    clinic.auth.sign_in(desk["ana"], "2468")
    sale = clinic.billing.sell_package(desk["patient"], desk["three_physio"])
    clinic.billing.receive_payment(desk["patient"], 10000, "cash", invoice_id=sale.invoice_id)
    joe = clinic.patients.add("Joe", "Bloggs", phone="902-555-0102")
    return {**desk, "package": sale.package_id, "invoice": sale.invoice_id, "joe": joe}


def nothing_written(clinic, sold):
    assert clinic.packages.summary(sold["package"]).status == "active"
    assert clinic.packages.for_patient(sold["joe"]) == []
    assert clinic.packages.transfer_link(sold["package"]) is None


def test_r38_refused_to_the_same_patient(clinic, sold):
    with pytest.raises(ValidationError) as err:
        clinic.packages.transfer(sold["package"], sold["patient"], reason="Oops")
    assert err.value.field == "to_patient_id" and "another patient" in str(err.value)
    nothing_written(clinic, sold)


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 501])
def test_r38_refused_without_a_reason_or_too_long(clinic, sold, reason):
    with pytest.raises(ValidationError) as err:
        clinic.packages.transfer(sold["package"], sold["joe"], reason=reason)
    assert err.value.field == "reason"
    if reason and reason.strip():
        assert "500" in str(err.value)
    nothing_written(clinic, sold)


def test_r38_refused_for_an_unknown_patient_or_package(clinic, sold):
    from app.services.errors import NotFound
    with pytest.raises(NotFound):
        clinic.packages.transfer(sold["package"], 99999, reason="Gift")
    with pytest.raises(NotFound):
        clinic.packages.transfer(99999, sold["joe"], reason="Gift")
    nothing_written(clinic, sold)


def test_r38_only_a_manager_transfers(clinic, sold):
    clinic.auth.sign_in(sold["desk"], "1111")
    assert clinic.auth.needs_approval("transfer a package")
    with pytest.raises(NotAllowed, match="Only a manager can transfer a package"):
        clinic.packages.transfer(sold["package"], sold["joe"], reason="Gift")
    nothing_written(clinic, sold)


def _refunded(clinic, sold, clock):
    clinic.packages.refund(sold["package"], 0)


def _expired(clinic, sold, clock):
    clinic.packages.set_expiry(sold["package"], date(2026, 3, 3))
    clock.set(datetime(2026, 3, 4, 9))


def _voided(clinic, sold, clock):
    other = clinic.billing.sell_package(sold["patient"], sold["three_physio"])
    sold["package"] = other.package_id
    clinic.billing.void_invoice(other.invoice_id, "Sold by mistake")


def _used_up(clinic, sold, clock):
    for day in (3, 4, 5):
        clinic.schedule.arrive(clinic.schedule.book(sold["patient"], sold["ana"],
                                                    sold["physio"], MAR(day)))
    clock.set(MAR(6))


def _transferred(clinic, sold, clock):
    ann = clinic.patients.add("Ann", "Bell", phone="902-555-0103")
    clinic.packages.transfer(sold["package"], ann, reason="Gift")


def _frozen(clinic, sold, clock):  # R39: frozen from today until unfrozen
    clinic.packages.freeze(sold["package"], clock().date(), reason="Surgery")


def _freeze_to_come(clinic, sold, clock):  # R39: away next week
    today = clock().date()
    clinic.packages.freeze(sold["package"], today + timedelta(days=7),
                           today + timedelta(days=14), reason="Travelling")


@pytest.mark.parametrize("make, words", [
    (_refunded, "was refunded"), (_expired, "expired"), (_voided, "was voided"),
    (_used_up, "at least 1 use must be left"), (_transferred, "already transferred"),
    (_frozen, "unfreeze it first"), (_freeze_to_come, "unfreeze it first")])
def test_r38_refused_for_a_package_with_nothing_to_give(clinic, sold, clock, make, words):
    make(clinic, sold, clock)
    assert words in clinic.packages.can_transfer(sold["package"])
    before = clinic.packages.for_patient(sold["joe"])
    with pytest.raises(NotAllowed, match=words):
        clinic.packages.transfer(sold["package"], sold["joe"], reason="Gift")
    assert clinic.packages.for_patient(sold["joe"]) == before


def test_r38_after_the_transfer_the_original_is_final(clinic, sold, clock):
    visit = clinic.schedule.book(sold["patient"], sold["ana"], sold["physio"], MAR(2, 11))
    clinic.schedule.arrive(visit)
    clock.set(MAR(3))
    new = clinic.packages.transfer(sold["package"], sold["joe"], reason="Gift")
    assert clinic.packages.can_transfer(sold["package"])
    with pytest.raises(NotAllowed, match="transferred"):
        clinic.packages.refund(sold["package"], 0)
    with pytest.raises(NotAllowed, match="transferred"):
        clinic.packages.set_expiry(sold["package"], date(2026, 12, 31))
    with pytest.raises(NotAllowed, match="transferred"):
        clinic.schedule.undo_arrival(visit)
    with pytest.raises(NotAllowed, match="transferred"):
        clinic.schedule.book(sold["patient"], sold["ana"], sold["physio"], MAR(9),
                             package=sold["package"])
    with pytest.raises(NotAllowed, match="received by transfer"):
        clinic.billing.void_invoice(clinic.packages.summary(new).invoice_id, "No")
    assert clinic.packages.can_transfer(new) is None  # the holder may pass it on


def test_r38_the_new_package_is_no_sale(clinic, sold, clock):
    clock.set(MAR(3))
    clinic.packages.transfer(sold["package"], sold["joe"], reason="Gift")
    sales = clinic.reports.package_sales(date(2026, 3, 1), date(2026, 3, 31))
    assert [r.package_id for r in sales.rows] == [sold["package"]]
    close = clinic.reports.day_close(date(2026, 3, 3)).totals
    assert close.get("packages_sold", 0) == 0 and close.get("invoices_issued", 0) == 0


def test_r38_the_recipients_invoice_line_reads_in_french(clinic, sold, clock, french):
    from app import i18n
    i18n.set_language(i18n.ENGLISH)
    new = clinic.packages.transfer(sold["package"], sold["joe"], reason="Gift")
    invoice_id = clinic.packages.summary(new).invoice_id
    i18n.set_language(i18n.FRENCH)
    (line,) = clinic.billing.invoice(invoice_id).lines
    assert line.description == "3 Physio : 3 utilisations transférées de Maria Lopez"
