"""Transferring a package (SPEC R38), end to end: Maria's "3 Massages" ($100 over 3 uses:
33.33, 33.33, 33.34) goes to Tom after one use, with a reason. Tom's uses are worth what
Maria's 2nd and 3rd were; Maria keeps her payment and her use; nobody owes anything; the
refusals change nothing (R30)."""

from __future__ import annotations

from datetime import date

from app.services import NotAllowed, ValidationError

from scenarios.support import at, counts, paid_sale, refused


def test_r38_maria_gives_her_last_two_massages_to_tom(clinic, shop, clock):
    maria, tom = shop["patient"], shop["other_patient"]
    sale, _ = paid_sale(clinic, maria, shop["three_massages"])
    clinic.schedule.arrive(clinic.schedule.book(maria, shop["ana"], shop["massage"],
                                                at(date(2026, 3, 2), 11)))
    booked = clinic.schedule.book(maria, shop["ana"], shop["massage"], at(date(2026, 3, 9)))
    clock.set(at(date(2026, 3, 3), 17))

    refused(clinic, ValidationError, clinic.packages.transfer, sale.package_id, maria,
            reason="Gift", match="another patient", patients=(maria, tom))
    refused(clinic, ValidationError, clinic.packages.transfer, sale.package_id, tom,
            reason=" ", match="reason", patients=(maria, tom))
    before = counts(clinic)
    result = clinic.packages.transfer_with_warnings(sale.package_id, tom,
                                                    reason="Maria moved to Halifax")

    # one new package, its zero invoice and line, the link, its coverage, an audit entry
    after = counts(clinic)
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {
        "packages": 1, "package_coverage": 1, "invoices": 1, "invoice_lines": 1,
        "package_transfers": 1, "audit_entries": 2}
    assert clinic.schedule.appointment(booked).package_id is None
    assert "lost this package" in result.warnings[0]
    # Tom books the released slot's twin and his two uses: 33.33 then 33.34
    for day in (10, 17):
        clock.set(at(date(2026, 3, day), 12))
        clinic.schedule.arrive(clinic.schedule.book(tom, shop["ana"], shop["massage"],
                                                    at(date(2026, 3, day))))
    toms = clinic.packages.detail(result.new_package_id)
    assert [r.per_use_value for r in toms.redemptions] == [3333, 3334]
    assert toms.summary.status == "used up"
    marias = clinic.packages.detail(sale.package_id)
    assert [r.per_use_value for r in marias.redemptions] == [3333]
    assert marias.summary.status == "transferred"
    # no money moved: Maria paid $100.00 and keeps it; Tom owes nothing
    assert clinic.billing.account(maria).owing == clinic.billing.account(tom).owing == 0
    assert marias.collected == 10000 and toms.collected == 0
    # the clinic's books: $100.00 sold once, all of it redeemed, none left
    liability = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 3, 31)).totals
    assert (liability["sold"], liability["redeemed"], liability["closing"]) == (10000, 10000, 0)
    sales = clinic.reports.package_sales(date(2026, 3, 1), date(2026, 3, 31))
    assert [r.package_id for r in sales.rows] == [sale.package_id]
    refused(clinic, NotAllowed, clinic.packages.transfer, result.new_package_id, maria,
            reason="Back", match="at least 1 use", patients=(maria, tom))
