"""R43/R44 from the front desk: Maria joins "Monthly Massage" ($89.00 + 15 %, two visits a
month, one rolls over) on Mar 2. The desk opens most mornings, and each opening invoices
what has started; she pays as she comes. She pauses for a trip in June, asks to enrol again
(refused: she is a member), and cancels from September. Every period is invoiced once, none
while paused or after the cancellation, and the books hold exactly those invoices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.services import NotAllowed, ValidationError

from scenarios.support import at, counts, refused


def test_r43_r44_a_members_year(clinic, desk, clock):
    maria = desk["patient"]
    clinic.auth.sign_in(desk["ana"], "2468")
    plan = clinic.catalog.add_membership_plan(
        "Monthly Massage", fee=8900, period="1m", uses_per_period=2, rollover_cap=1,
        eligible={desk["massage"]: 0}, tax_rate=Decimal("0.15"))
    refused(clinic, ValidationError, clinic.catalog.add_membership_plan, "Weekly", fee=0,
            period="1w", uses_per_period=1, eligible={desk["massage"]: 0}, match="fee")
    clinic.auth.sign_in(desk["desk"], "1111")
    member = clinic.memberships.enroll(maria, plan, start=date(2026, 3, 2))
    assert clinic.billing.account(maria).owing == 10235

    # Mornings the desk opened: Mar 20 (nothing new), Apr 3 (Apr 2's month), May 2 (its
    # month), May 2 again (a second desk: nothing), Jun 1 (nothing: Jun 2 is to come).
    made = []
    for morning in ("2026-03-20", "2026-04-03", "2026-05-02", "2026-05-02", "2026-06-01"):
        clock.set(at(morning, 8))
        made += clinic.memberships.invoice_due()
    assert len(made) == 2
    clinic.billing.receive_payment(maria, 3 * 10235, "debit")  # March to May, paid
    assert clinic.billing.account(maria).owing == 0

    rows = counts(clinic)
    refused(clinic, NotAllowed, clinic.memberships.enroll, maria, plan,
            start=date(2026, 6, 1), match="already enrolled")
    # Away Jun 10 to Jul 20: Jun 2's month is invoiced whole; no month starts while away;
    # the next starts the day she is back.
    clock.set(at("2026-06-03", 8))
    made += clinic.memberships.invoice_due()
    clinic.memberships.pause(member, date(2026, 6, 10), date(2026, 7, 20))
    refused(clinic, NotAllowed, clinic.memberships.pause, member, date(2026, 7, 1),
            match="overlaps")
    clock.set(at("2026-07-19", 8))
    assert clinic.memberships.invoice_due() == []
    assert clinic.memberships.for_patient(maria)[0].status == "paused"
    clock.set(at("2026-08-25", 8))
    made += clinic.memberships.invoice_due()  # Jul 20, Aug 20
    assert counts(clinic)["membership_pauses"] == rows["membership_pauses"] + 1

    # She cancels from Sep 20 (a manager's): Sep 20's month is never invoiced.
    clinic.auth.sign_in(desk["ana"], "2468")
    refused(clinic, ValidationError, clinic.memberships.cancel, member, date(2026, 3, 1),
            match="before it starts")
    assert clinic.memberships.cancel(member, date(2026, 9, 20)) == []
    refused(clinic, NotAllowed, clinic.memberships.pause, member, date(2026, 9, 25),
            match="cancelled membership cannot be paused")
    clock.set(at("2026-10-30", 8))
    assert clinic.memberships.invoice_due() == []

    [summary] = clinic.memberships.for_patient(maria)
    starts = [p.starts_on for p in summary.periods]
    assert starts == [date(2026, 3, 2), date(2026, 4, 2), date(2026, 5, 2), date(2026, 6, 2),
                      date(2026, 7, 20), date(2026, 8, 20)]
    assert all(p.invoice_id for p in summary.periods) and summary.status == "cancelled"
    year = (date(2026, 3, 1), date(2026, 10, 31))
    assert clinic.reports.revenue(*year).totals["memberships"] == 6 * 8900
    balances = clinic.accounting.balances(date(2026, 10, 31))
    assert balances["revenue:membership"] == -6 * 8900
    assert balances["receivable"] == clinic.billing.account(maria).owing == 3 * 10235
    assert len(made) == 5
