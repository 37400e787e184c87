"""R43: membership plans, enrolling, and every started period invoiced exactly once."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from app.models import Invoice, MembershipPeriod
from app.services.errors import NotAllowed, ValidationError


@pytest.fixture
def plan(clinic, catalog):
    return clinic.catalog.add_membership_plan(
        "Monthly Massage", fee=9000, period="1m", uses_per_period=2,
        eligible={catalog["massage"]: 0, catalog["physio"]: 1000}, rollover_cap=1,
        tax_rate=Decimal("0.15"))


def _lines(clinic, invoice_ids):
    return [(line.description, line.unit_price, line.tax)
            for i in invoice_ids for line in clinic.billing.invoice(i).lines]


def test_enrolling_invoices_the_first_period_with_the_plans_tax(clinic, catalog, plan, clock):
    clock.set(datetime(2026, 3, 1, 9))
    mid = clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))
    [summary] = clinic.memberships.for_patient(catalog["patient"])
    assert summary.id == mid and summary.plan_name == "Monthly Massage"
    assert summary.status == "active"
    assert (summary.period_start, summary.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert summary.uses_left_this_period == 2
    assert summary.next_invoice_on == date(2026, 4, 1)
    [period] = summary.periods
    assert _lines(clinic, [period.invoice_id]) == [
        ("Membership: Monthly Massage, Mar 1, 2026 to Mar 31, 2026", 9000, 1350)]
    assert clinic.memberships.invoice_due() == []  # nothing else has started


def test_invoice_due_invoices_each_started_period_once(clinic, catalog, plan, clock):
    clock.set(datetime(2026, 1, 31, 9))
    mid = clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 1, 31))
    clock.set(datetime(2026, 4, 30, 8))
    made = clinic.memberships.invoice_due()
    assert len(made) == 3  # Feb 28, Mar 31, Apr 30: months counted from Jan 31
    assert clinic.memberships.invoice_due() == []
    with clinic.db.read() as s:
        starts = sorted(p.starts_on for p in s.query(MembershipPeriod)
                        .filter_by(membership_id=mid))
        totals = [s.get(Invoice, i).total for i in made]
    assert starts == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31),
                      date(2026, 4, 30)]
    assert totals == [10350] * 3


def test_an_unlimited_weekly_plan(clinic, catalog, clock):
    clock.set(datetime(2026, 3, 2, 9))
    weekly = clinic.catalog.add_membership_plan(
        "Unlimited Physio", fee=3000, period="2w", uses_per_period=None,
        eligible={catalog["physio"]: 0})
    clinic.memberships.enroll(catalog["patient"], weekly, start=date(2026, 3, 2))
    clock.set(datetime(2026, 3, 30, 9))
    assert len(clinic.memberships.invoice_due()) == 2  # Mar 16, Mar 30
    [summary] = clinic.memberships.for_patient(catalog["patient"])
    assert summary.uses_left_this_period is None and summary.unlimited
    assert summary.next_invoice_on == date(2026, 4, 13)


@pytest.mark.parametrize("terms, field", [
    ({"fee": 0}, "fee"), ({"fee": -100}, "fee"), ({"period": "2m"}, "period"),
    ({"period": "monthly"}, "period"), ({"period": "0w"}, "period"),
    ({"uses_per_period": 0}, "uses_per_period"), ({"rollover_cap": -1}, "rollover_cap"),
    ({"eligible": {}}, "eligible")])
def test_bad_plans_are_refused_naming_the_field(clinic, catalog, terms, field):
    good = dict(fee=9000, period="1m", uses_per_period=2, eligible={catalog["massage"]: 0})
    with pytest.raises(ValidationError) as refused:
        clinic.catalog.add_membership_plan("Bad", **{**good, **terms})
    assert refused.value.field == field
    assert clinic.catalog.membership_plans() == []


def test_enrolling_twice_in_the_same_plan_at_once_is_refused(clinic, catalog, plan, clock):
    clock.set(datetime(2026, 3, 1, 9))
    clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))
    with pytest.raises(NotAllowed, match="already enrolled in \u201cMonthly Massage\u201d"):
        clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 5, 1))
    assert len(clinic.memberships.for_patient(catalog["patient"])) == 1


def test_the_database_refuses_a_period_invoiced_twice(clinic, catalog, plan, clock):
    clock.set(datetime(2026, 3, 1, 9))
    mid = clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 3, 1))
    with pytest.raises(IntegrityError):
        with clinic.db.write() as s:
            first = s.query(MembershipPeriod).filter_by(membership_id=mid).one()
            s.add(MembershipPeriod(membership_id=mid, starts_on=first.starts_on,
                                   ends_on=first.ends_on, invoice_id=first.invoice_id,
                                   created_at=datetime(2026, 3, 1)))
