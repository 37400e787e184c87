"""Each SQL formula of the reports against its pure twin in Python, on random data (issue 16).

The reports work out per-use values, the value of the uses left, a package's status and what
was paid on a sale in SQL, row by row; the package's own page, the invoices and the ledger work
them out in Python. Here both run on the same random figures: the SQL on a real SQLite
connection (the clinic's own tables, created in memory), the twin as the services call it. A
difference would be a report that disagrees with the package's page (R3, R13, R21, R25).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import (Column, Integer, MetaData, Table, create_engine, delete, insert, literal,
                        select)
from sqlalchemy.orm import Session

from app.models import Base, Package, PaymentApplication
from app.services import ledger
from app.domain import packages as package_rules
from app.domain.arithmetic import per_use_value, split_evenly
from app.services.reports.formulas import (collected_on, package_status, redemption_value,
                                           unredeemed_value, use_value, value_of_first)

EXAMPLES = settings(max_examples=150, deadline=None)
prices = st.integers(min_value=0, max_value=5_000_000)  # up to $50,000.00, in cents
uses_totals = st.integers(min_value=1, max_value=60)

#: 1..N: the use numbers (or counts of uses) a formula is evaluated at, one row each.
numbers = Table("numbers", MetaData(), Column("n", Integer, primary_key=True))


@pytest.fixture(scope="module")
def db():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    numbers.create(engine)
    with engine.begin() as connection:
        connection.execute(insert(numbers), [{"n": n} for n in range(0, 80)])
    yield engine
    engine.dispose()


def _one_package(connection, price: int, uses: int, **terms) -> None:
    connection.execute(delete(Package))
    connection.execute(insert(Package), [_package_row(1, price, uses, **terms)])


def _package_row(package_id: int, price: int, uses: int, *, status: str = "active",
                 expires_on: date | None = None) -> dict:
    return dict(id=package_id, patient_id=1, template_id=1, invoice_id=1, name="Massages",
                price=price, tax_rate=Decimal("0"), uses_total=uses, purchased_on=date(2026, 1, 1),
                expires_on=expires_on, staff_id=None, status=status,
                created_at=datetime(2026, 1, 1, 9))


@EXAMPLES
@given(price=prices, uses=uses_totals)
def test_r3_the_per_use_value_of_each_use_is_the_split_of_the_price(db, price, uses):
    with db.begin() as connection:
        _one_package(connection, price, uses)
        k = numbers.c.n
        values = connection.scalars(
            select(use_value(Package.price, Package.uses_total, k))
            .select_from(Package).join(numbers, k.between(1, Package.uses_total))
            .order_by(k)).all()
    assert values == split_evenly(price, uses)
    assert values == [per_use_value(price, uses, n) for n in range(1, uses + 1)]
    assert sum(values) == price


#: redemption_value reads `r.use_number` off a redemption: the numbers, named so.
numbers_as_uses = select(numbers.c.n.label("use_number")).subquery("uses")


@EXAMPLES
@given(price=prices, uses=uses_totals)
def test_r3_a_redemptions_value_is_the_split_share_of_its_use_number(db, price, uses):
    with db.begin() as connection:
        _one_package(connection, price, uses)
        n = numbers_as_uses.c.use_number
        values = connection.scalars(
            select(redemption_value(numbers_as_uses.c))
            .select_from(Package).join(numbers_as_uses, n.between(1, Package.uses_total))
            .order_by(n)).all()
    assert values == split_evenly(price, uses)


@EXAMPLES
@given(price=prices, uses=uses_totals)
def test_r3_the_first_k_uses_and_the_uses_left_add_up_as_the_split_does(db, price, uses):
    with db.begin() as connection:
        _one_package(connection, price, uses)
        k = numbers.c.n
        rows = connection.execute(
            select(k, value_of_first(Package.price, Package.uses_total, k),
                   unredeemed_value(Package.price, Package.uses_total, k))
            .select_from(Package).join(numbers, k.between(0, Package.uses_total))
            .order_by(k)).all()
    shares = split_evenly(price, uses)
    assert [n for n, _, _ in rows] == list(range(0, uses + 1))
    for n, first, left in rows:
        assert first == sum(shares[:n])
        assert left == sum(shares[n:])
        assert first + left == price


statuses = st.sampled_from(["active", "refunded", "void"])
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
packages = st.lists(st.tuples(statuses, st.integers(1, 20), st.one_of(st.none(), days),
                              st.integers(0, 25)), min_size=1, max_size=25)


@EXAMPLES
@given(terms=packages, today=days)
def test_r13_the_reports_package_status_is_the_domain_package_status(db, terms, today):
    with db.begin() as connection:
        connection.execute(delete(Package))
        connection.execute(insert(Package), [
            _package_row(i, 10000, uses, status=status, expires_on=expires_on)
            for i, (status, uses, expires_on, _redeemed) in enumerate(terms, start=1)])
        redeemed = {i: count for i, (*_, count) in enumerate(terms, start=1)}
        got = {}
        for package_id, count in redeemed.items():  # the redeemed count is a figure, as in SQL
            got[package_id] = connection.scalar(
                select(package_status(Package.status, literal(count), Package.uses_total,
                                      Package.expires_on, today))
                .where(Package.id == package_id))
    for package_id, (status, uses, expires_on, count) in enumerate(terms, start=1):
        twin = package_rules.package_status(status, uses, count, expires_on, today)
        assert got[package_id] == twin, (status, uses, expires_on, count, today)


reasons = st.sampled_from(["payment", "credit", "void", "package_refund"])
applications = st.lists(st.tuples(st.integers(1, 3), st.integers(-50_000, 200_000), reasons),
                        max_size=30)


@EXAMPLES
@given(rows=applications)
def test_r25_collected_on_a_sale_is_the_ledgers_paid_sum_before_package_refunds(db, rows):
    when = datetime(2026, 3, 1, 10)
    with Session(db) as s, s.begin():
        s.execute(delete(PaymentApplication))
        if rows:
            s.execute(insert(PaymentApplication), [
                dict(payment_id=1, invoice_id=invoice, amount=amount, reason=reason,
                     created_at=when + timedelta(minutes=i))
                for i, (invoice, amount, reason) in enumerate(rows)])
        for invoice in (1, 2, 3):
            collected = s.scalar(select(collected_on(literal(invoice))))
            refunds = sum(a for i, a, r in rows if i == invoice and r == "package_refund")
            assert collected == sum(a for i, a, r in rows
                                    if i == invoice and r != "package_refund")
            assert ledger.paid_on_invoice(s, invoice) == collected + refunds
