"""Households and sharing (SPEC R37), end to end with exact figures: a mother shares her
"3 Massages" with her son; both book and arrive; the share ends with his next visit released;
the uses, reports and liability do not move."""

from __future__ import annotations

from datetime import date

from app.services import NotAllowed

from scenarios.support import at, paid_sale, refused


def test_r37_a_family_shares_three_massages(clinic, shop):
    maria, tom = shop["patient"], shop["other_patient"]
    leo = clinic.patients.add("Leo", "Lopez")
    clinic.patients.link_household(maria, leo)
    sale, _ = paid_sale(clinic, maria, shop["three_massages"])
    package = sale.package_id
    refused(clinic, NotAllowed, clinic.packages.share, package, tom,
            match="not in Maria Lopez's household", patients=(maria, tom))
    clinic.packages.share(package, leo)

    # Leo's own booking pre-selects his mother's package (he has none of his own).
    (choice,) = clinic.schedule.eligible_packages(leo, shop["massage"], date(2026, 3, 3))
    assert (choice.id, choice.patient_id) == (package, maria)
    leos_first = clinic.schedule.book(leo, shop["ana"], shop["massage"], at("2026-03-03"))
    marias = clinic.schedule.book(maria, shop["ben"], shop["massage"], at("2026-03-03"))
    leos_second = clinic.schedule.book(leo, shop["ana"], shop["massage"], at("2026-03-10"))
    extra = clinic.schedule.book(maria, shop["ana"], shop["massage"], at("2026-03-11"))
    assert clinic.schedule.appointment(extra).package_id is None  # R11: all three held

    leo_invoice = clinic.schedule.arrive(leos_first)
    clinic.schedule.arrive(marias)
    assert clinic.billing.invoice(leo_invoice).total == 0  # Patient Pays 0, billed to Leo
    assert clinic.billing.account(leo).owing == 0

    released = clinic.packages.unshare(package, leo)
    assert list(released) == [leos_second]
    assert released.warnings == (
        "1 booked appointment lost this package and will be billed at the standard price: "
        "Mar 10, 2026, 10:00\u202fa.m. Massage 60 min with Ana Silva.",)
    # The freed use goes to Maria's uncovered visit when the desk applies it.
    clinic.schedule.apply_package(extra, package)
    summary = clinic.packages.summary(package)
    assert (summary.uses_redeemed, summary.uses_booked, summary.uses_available) == (2, 1, 0)
    assert clinic.billing.invoice(clinic.schedule.arrive(leos_second)).total == 9000  # R15

    usage = clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31))
    assert [(r.patient_name, r.redeemed_by, r.per_use_value) for r in usage.sections[0].rows] \
        == [("Maria Lopez", "Leo Lopez", 3333), ("Maria Lopez", "Maria Lopez", 3333)]
    liability = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 3, 31)).totals
    assert (liability["sold"], liability["redeemed"], liability["closing"]) == (10000, 6666, 3334)
