"""Moving a clinic file to a server database: `clinicdesk migrate-to URL` (issue 9).

The target is a new PostgreSQL database when the tests run on PostgreSQL
(CLINICDESK_TEST_DATABASE_URL), else a new SQLite file: the copying, checking and rolling
back are the same code on both.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.pool import NullPool

from app.__main__ import main
from app.models import AuditEntry, Invoice, Payment
from app.services import Clinic, ClinicError, NotAllowed, ValidationError, transfer
from app.services.integrity import ledger_problems
from app.services.transfer import TransferFailed, migrate_to

START = datetime(2026, 3, 2, 9, 0)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _busy_clinic(path) -> None:
    """A small clinic with one of everything the ledger and the packages can hold."""
    clock = Clock(START)
    with Clinic.open(path, clock=clock) as c:
        c.settings.update(name="Harbour Physio", currency="CAD", locale="en_CA",
                          setup_complete=True)
        ana = c.staff.add("Ana Silva", practitioner=True, role="manager")
        ben = c.staff.add("Ben Okafor", practitioner=True)
        massage = c.catalog.add_treatment_type("Massage 60 min", duration_min=60, price=9000)
        physio = c.catalog.add_treatment_type("Physio", duration_min=30, price=8500,
                                              tax_rate=Decimal("0.15"))
        ten = c.catalog.add_package_template("10 Massages", price=80000, uses=10,
                                             eligible={massage: 0}, validity="6m")
        three = c.catalog.add_package_template("3 Physio", price=10000, uses=3,
                                               eligible={physio: 1000},
                                               tax_rate=Decimal("0.13"))
        fee = c.settings.add_no_show_fee("Missed appointment", 4000)
        maria = c.patients.add("Maria", "Lopez", phone="902-555-0101", email="m@example.com")
        tom = c.patients.add("Tom", "Reid", birth_date=date(1980, 5, 1))
        emilie = c.patients.add("Émilie", "Côté")
        # Maria: a package, paid, used twice, a no-show undone, then refunded.
        sale = c.billing.sell_package(maria, ten, staff_id=ben)
        c.billing.receive_payment(maria, 90400, "debit", invoice_id=sale.invoice_id)
        visits = [c.schedule.book(maria, ana, massage, START + timedelta(days=d, hours=1))
                  for d in (1, 2, 3, 4)]
        clock.now = START + timedelta(days=5)
        c.schedule.arrive(visits[0])
        c.schedule.arrive(visits[1])
        c.schedule.no_show(visits[2], use_package=False, fee_id=fee)
        c.schedule.undo_no_show(visits[2])
        c.schedule.cancel(visits[3])
        refund = c.packages.refund(sale.package_id, c.packages.suggested_refund(sale.package_id))
        payment = c.packages.refund_payments(sale.package_id)[0][0]
        c.billing.refund_payment(payment, 10000, method="cash", note="part back",
                                 package_refund_id=refund.package_refund_id)
        # Tom: a taxed package on credit, a visit at the standard price, a void sale.
        c.billing.receive_payment(tom, 5000, "cash")
        other = c.billing.sell_package(tom, three, staff_id=ana)
        c.billing.apply_credit(tom, other.invoice_id)
        visit = c.schedule.book(tom, ben, physio, START + timedelta(days=6, hours=2))
        c.schedule.arrive(visit)
        mistake = c.billing.sell_package(tom, ten)
        c.billing.void_invoice(mistake.invoice_id, "Sold by mistake")
        # Émilie: booked ahead, owing a fee.
        c.schedule.book(emilie, ana, massage, START + timedelta(days=20, hours=3),
                        package=None)
        late = c.schedule.book(emilie, ben, massage, START + timedelta(days=6, hours=4))
        c.schedule.no_show(late, use_package=False, fee_id=fee)
        assert not ledger_problems(c)


@pytest.fixture(scope="module")
def busy_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("source") / "clinic.db"
    _busy_clinic(path)
    return path


@pytest.fixture
def source(busy_file, tmp_path):
    path = tmp_path / "clinic.db"
    shutil.copy(busy_file, path)
    with Clinic.open(path, clock=Clock(START + timedelta(days=7))) as clinic:
        yield clinic


def _tables(url: str) -> list[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names()
    finally:
        engine.dispose()


def _snapshot(clinic) -> dict:
    """What the desk would show: accounts, invoices, packages, the schedule."""
    patients = [p.id for p in clinic.patients.search("", limit=500)]
    return {
        "patients": clinic.patients.search("", limit=500),
        "accounts": [clinic.billing.account(p) for p in patients],
        "packages": [clinic.packages.for_patient(p) for p in patients],
        "invoices": [clinic.billing.invoice(i.id) for p in patients
                     for i in clinic.billing.account(p).invoices],
        "refunds": [clinic.billing.refunds(p) for p in patients],
        "schedule": clinic.schedule.between(START, START + timedelta(days=60)),
        "settings": clinic.settings.get(),
        "audit": clinic.audit.verify(),
    }


def test_the_copy_is_the_clinic_with_ids_totals_and_audit_chain(source, empty_database):
    before = _snapshot(source)
    report = migrate_to(source, empty_database)
    copied = dict(report.rows)
    assert copied["invoices"] == 8 and copied["payments"] == 2
    assert copied["audit_entries"] == report.audit_entries > 30
    figures = dict(report.figures)
    assert figures["payments (cents)"] == 90400 + 5000
    assert figures["refund payments (cents)"] == 10000
    assert figures["redemptions, live"] == 3 and figures["redemptions, voided"] == 0
    text = "\n".join(report.lines())
    assert "invoice totals (cents)" in text and "audit trail verifies" in text
    with Clinic.open(empty_database, clock=Clock(START + timedelta(days=7))) as copy:
        assert _snapshot(copy) == before
        assert copy.path is None or copy.path.name == "empty.db"
        assert not ledger_problems(copy)
        with source.db.read() as s, copy.db.read() as t:
            for model in (Invoice, Payment, AuditEntry):
                assert (s.execute(select(model).order_by(model.id)).scalars().all().__len__()
                        == t.execute(select(model).order_by(model.id)).scalars().all()
                        .__len__())
            assert (s.execute(select(Invoice.id, Invoice.number, Invoice.total)
                              .order_by(Invoice.id)).all()
                    == t.execute(select(Invoice.id, Invoice.number, Invoice.total)
                                 .order_by(Invoice.id)).all())


def test_the_copy_goes_on_where_the_file_stopped(source, empty_database):
    """Sequences are set past the copied ids, and the invoice counter came along."""
    with source.db.read() as s:
        last_invoice = s.scalar(select(Invoice.id).order_by(Invoice.id.desc()).limit(1))
        last_number = s.scalar(select(Invoice.number).order_by(Invoice.number.desc()).limit(1))
        last_audit = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    migrate_to(source, empty_database)
    with Clinic.open(empty_database, clock=Clock(START + timedelta(days=8))) as copy:
        maria = copy.patients.search("maria")[0].id
        template = copy.catalog.package_templates()[0].id
        sale = copy.billing.sell_package(maria, template)
        invoice = copy.billing.invoice(sale.invoice_id)
        assert sale.invoice_id == last_invoice + 1
        assert invoice.number == last_number + 1
        payment = copy.billing.receive_payment(maria, 1000, "cash")
        assert payment > 0
        with copy.db.read() as t:
            assert t.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc())
                            .limit(1)) > last_audit
        assert copy.audit.verify().ok
        assert not ledger_problems(copy)


def test_a_database_that_is_not_empty_is_refused_and_left_alone(source, empty_database):
    migrate_to(source, empty_database)
    tables = _tables(empty_database)
    with pytest.raises(NotAllowed, match="is not empty"):
        migrate_to(source, empty_database)
    assert _tables(empty_database) == tables


def test_a_copy_that_does_not_match_is_rolled_back(source, empty_database, monkeypatch):
    real = transfer._copy_table

    def lose_the_last_audit_entry(s, conn, table, batch):
        if table.name != "audit_entries":
            return real(s, conn, table, batch)
        rows = [r._asdict() for r in s.execute(select(table).order_by(table.c.id))][:-1]
        conn.execute(table.insert(), rows)
        return len(rows) + 1  # and says it copied them all

    monkeypatch.setattr(transfer, "_copy_table", lose_the_last_audit_entry)
    with pytest.raises(TransferFailed, match="nothing was kept") as failure:
        migrate_to(source, empty_database)
    assert "rows in audit_entries" in str(failure.value)
    assert "audit trail ends on another hash" in str(failure.value)
    assert _tables(empty_database) == []


def test_an_error_while_copying_is_rolled_back(source, empty_database, monkeypatch):
    real = transfer._copy_table

    def break_payments(s, conn, table, batch):
        if table.name == "payments":
            rows = [r._asdict() for r in s.execute(select(table))]
            conn.execute(table.insert(), rows + rows)  # the same ids twice
            return 2 * len(rows)
        return real(s, conn, table, batch)

    monkeypatch.setattr(transfer, "_copy_table", break_payments)
    with pytest.raises(TransferFailed, match="failed, so nothing was kept"):
        migrate_to(source, empty_database)
    assert _tables(empty_database) == []
    # And the file is as it was: the same clinic can still be moved.
    monkeypatch.undo()
    assert dict(migrate_to(source, empty_database).rows)["payments"] == 2


def test_bad_targets_are_refused_with_a_sentence(source):
    with pytest.raises(ValidationError, match="not a database URL"):
        migrate_to(source, "postgresql+psycopg://user@:notaport/db")
    with pytest.raises(NotAllowed, match="clinic file itself"):
        migrate_to(source, source.db.path)
    with pytest.raises(ClinicError, match="could not connect"):
        migrate_to(source, "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_the_migrate_to_command(busy_file, tmp_path, empty_database, capsys):
    path = tmp_path / "clinic.db"
    shutil.copy(busy_file, path)
    assert main(["--db", str(path), "migrate-to", empty_database]) == 0
    out = capsys.readouterr().out
    assert "Rows per table" in out and "audit trail verifies" in out and "--db-url" in out
    assert main(["--db", str(path), "migrate-to", empty_database]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert main(["--db-url", empty_database, "verify-audit"]) == 0
    assert "intact" in capsys.readouterr().out
    assert main(["--db-url", empty_database, "backup", str(tmp_path / "b.db")]) == 2


def test_urls_are_printed_without_their_password():
    shown = transfer.hidden("postgresql+psycopg://desk:s3cret@server/clinic")
    assert "s3cret" not in shown and "desk" in shown and "server/clinic" in shown


def test_a_postgresql_url_without_a_driver_uses_psycopg():
    from app.services.db import database_url
    assert database_url("postgresql://desk@server/clinic") == \
        "postgresql+psycopg://desk@server/clinic"
    assert database_url("postgres://desk@server/clinic") == \
        "postgresql+psycopg://desk@server/clinic"
    assert database_url("postgresql+psycopg://desk@server/clinic") == \
        "postgresql+psycopg://desk@server/clinic"
