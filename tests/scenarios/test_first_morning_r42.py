"""Switching in (SPEC R42), end to end: the clinic's first morning on ClinicDesk. Its patients
come from the old system's file, then the packages they had bought there, their balances and
their booked visits; the day then runs as any day: the first visit uses the brought-in
package (use 4 of 10), the rest of a package's price is paid, a credit pays a sale, one
package is refunded; and at night the Day Close holds only the day's own money, while the
liability report and the journal open with what was brought in."""

from __future__ import annotations

from datetime import date, datetime

from app.domain.liability import value_left
from app.services import NotAllowed, ValidationError

from scenarios.support import refused

MORNING = datetime(2026, 3, 2, 8, 0)
FILES = {
    "patients": ("First name,Last name,Phone,Email\n"
                 "Ann,Murphy,902-555-0301,ann@example.com\n"
                 "Bob,Chen,902-555-0302,\n"),
    "packages_before": ("Patient,Email,Package,Used,Collected,Purchased,Expires\n"
                        "Ann Murphy,ann@example.com,10 Massages,3,800.00,2025-10-01,2026-10-01\n"
                        "Bob Chen,,3 Physio,1,60.00,2026-01-15,\n"),
    "opening_balances": ("Patient,Owing,Credit,As of\n"
                         "Ann Murphy,,40.00,2026-02-28\n"
                         "Bob Chen,25.00,,2026-02-28\n"),
    "upcoming_appointments": ("Patient,Practitioner,Treatment,Date,Time\n"
                              "Ann Murphy,Ana Silva,Massage 60 min,2026-03-02,10:00\n"
                              "Bob Chen,Ben Okafor,Physio follow-up,2026-03-02,11:00\n"),
}


def bring_in(clinic, tmp_path, kind: str) -> tuple[int, ...]:
    path = tmp_path / f"{kind}.csv"
    path.write_text(FILES[kind], encoding="utf-8")
    preview = clinic.csv.preview_import(kind, str(path))
    assert preview.problems == 0, [r.problem for r in preview.rows]
    return clinic.csv.import_rows(preview).created_ids


def test_r42_the_first_morning_on_clinicdesk(clinic, catalog, clock, tmp_path):
    clock.set(MORNING)
    ann, bob = bring_in(clinic, tmp_path, "patients")
    ann_pack, bob_pack = bring_in(clinic, tmp_path, "packages_before")
    bring_in(clinic, tmp_path, "opening_balances")
    ann_visit, bob_visit = bring_in(clinic, tmp_path, "upcoming_appointments")

    # the booked visits hold the brought-in packages, as booking would have chosen them
    assert clinic.schedule.appointment(ann_visit).package_id == ann_pack
    assert clinic.schedule.appointment(bob_visit).package_id == bob_pack
    assert (clinic.billing.account(ann).owing, clinic.billing.account(ann).credit) == (0, 4000)
    # Bob: $100.00 for 3 Physio, $60.00 collected, and $25.00 owed before ClinicDesk
    assert clinic.billing.account(bob).owing == 4000 + 2500

    refused(clinic, ValidationError, clinic.packages.import_existing, ann,
            template_id=catalog["ten_massages"], uses_used=11, collected=0,
            purchased_on=date(2025, 10, 1), expires_on=None, match="10 uses", patients=(ann,))

    clock.set(datetime(2026, 3, 2, 11, 5))
    clinic.schedule.arrive(ann_visit)
    (use,) = clinic.packages.detail(ann_pack).redemptions
    assert (use.use_number, use.per_use_value) == (4, 8000)
    clinic.schedule.arrive(bob_visit)  # Patient Pays $10.00 and 15 % tax on his physio visit
    clinic.billing.receive_payment(bob, 7650, "cash")  # all he owes, oldest first
    assert clinic.billing.account(bob).owing == 0
    sale = clinic.billing.sell_package(ann, catalog["three_physio"])
    assert clinic.billing.apply_credit(ann, sale.invoice_id) == 4000
    refund = clinic.packages.refund(bob_pack, clinic.packages.suggested_refund(bob_pack))
    assert refund.credit_created == 10000 * 1 // 3  # a use left of $100 over 3: 33.33

    clock.set(datetime(2026, 3, 2, 18, 0))
    day = clinic.reports.day_close(date(2026, 3, 2)).totals
    assert (day["packages_sold"], day["packages_sold_value"]) == (1, 10000)
    assert day["received"] == day["cash_in"] == 7650  # Bob's cash only
    assert day["invoices_issued"] == 3  # Ann's and Bob's visits, Ann's sale
    closed = clinic.billing.close_day(date(2026, 3, 2), 7650)
    assert closed.over_short == 0

    ten = value_left(80000, 10, 3)
    book = clinic.reports.package_liability(date(2026, 3, 1), date(2026, 3, 2)).totals
    assert book["opening"] == ten + value_left(10000, 3, 1)
    assert book["sold"] == 10000 and book["refunded"] == value_left(10000, 3, 2)
    balances = clinic.accounting.balances(date(2026, 3, 2))
    assert -balances["deferred"] == book["closing"]
    assert balances.get("receivable", 0) == sum(
        clinic.billing.account(p).owing for p in (ann, bob))
    refused(clinic, NotAllowed, clinic.billing.void_invoice,
            clinic.packages.summary(ann_pack).invoice_id, reason="typo",
            match="sold before ClinicDesk")
