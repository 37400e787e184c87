"""The SQL formulas the reports share: the money rules (R3) and the package's status, as
SQL expressions so the database works them out row by row.

Each has a pure twin in Python (money.split_evenly / per_use_value, package_rules.status_of,
the ledger's paid sums); tests/unit/test_domain_sql_twins.py pits each against its twin on
random data, so the report and the package's own page never disagree.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, and_, case, cast, func, select

from ...models import Package, PackageRefund, Patient, PaymentApplication, Redemption


def patient_name():
    return (Patient.first_name + " " + Patient.last_name).label("patient_name")


def whole_sum(expr):
    """SUM as a whole number on every engine (0 when there are no rows). PostgreSQL sums
    bigints (counts, sums of sums) as numeric, which the raw rows would hand over as
    Decimal; the cast keeps them ints, and is a no-op on SQLite's integers."""
    return cast(func.coalesce(func.sum(expr), 0), BigInteger)


def use_value(price, uses, use_number):
    """Per-use value of use `use_number` (R3), exactly money.split_evenly(price, uses)."""
    return price // uses + case((use_number > uses - price % uses, 1), else_=0)


def value_of_first(price, uses, k):
    """Sum of the per-use values of uses 1..k (R3): k·(P//N) + max(0, k − (N − P%N))."""
    extra = k - (uses - price % uses)
    # max(0, extra), written as CASE: SQLite's two-argument max() is PostgreSQL's greatest().
    return k * (price // uses) + case((extra > 0, extra), else_=0)


def redemption_value(r):
    """The per-use value of redemption row `r` (R3), with its package joined."""
    return use_value(Package.price, Package.uses_total, r.use_number)


def numbered(start: date, end: date):
    """Live redemptions on `start`..`end` with their use numbers (kept on the redemption by
    package_rules.renumber_uses)."""
    return (select(Redemption.id, Redemption.package_id, Redemption.appointment_id,
                   Redemption.redeemed_on, Redemption.patient_pays, Redemption.reason,
                   Redemption.use_number)
            .where(Redemption.voided_at.is_(None), Redemption.redeemed_on.between(start, end))
            .cte("numbered").prefix_with("MATERIALIZED"))


def unredeemed_value(price, uses, redeemed):
    """The value of the uses left after `redeemed` uses (R3): the price less the first ones."""
    return price - value_of_first(price, uses, redeemed)


def package_status(status, redeemed, uses_total, expires_on, today: date):
    """A package's status on `today`, as package_rules.status_of words it: refunded and void
    stay; then used up; then expired (valid through its expiry day, R13); else active."""
    return case(
        (status.in_(("refunded", "void", "transferred")), status),
        (redeemed >= uses_total, "used up"),
        (and_(expires_on.is_not(None), expires_on < today), "expired"),
        else_="active")


def collected_on(invoice_id):
    """What was paid on an invoice, before any package refund took some back (R25)."""
    return (select(whole_sum(PaymentApplication.amount))
            .where(PaymentApplication.invoice_id == invoice_id,
                   PaymentApplication.reason != "package_refund")
            .scalar_subquery())


def refunded_of(package_id):
    """The package refund's amount (0 if none)."""
    return (select(whole_sum(PackageRefund.amount))
            .where(PackageRefund.package_id == package_id).scalar_subquery())
