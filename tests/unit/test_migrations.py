"""Migrations run automatically at Clinic.open, taking a backup first when a file has data."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import date, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.models import Base
from app.services import Clinic, ClinicError
from app.services.db import (_alembic_config, current_revision, database_url, head_revision,
                             make_engine)

FIRST = "0001"


def make_old_file(path, revision=FIRST):
    """A clinic file as an older ClinicDesk left it: migrated only up to `revision`."""
    engine = make_engine(database_url(path))
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), revision)
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO patients (first_name, last_name, phone, phone_digits, email, notes,"
                " active, created_at) VALUES ('Maria', 'Lopez', '902-555-0101', '9025550101',"
                " 'maria@example.com', '', 1, '2025-01-15 10:00:00.000000')"))
            conn.execute(text(
                "INSERT INTO treatment_types (name, duration_min, price, tax_rate, active)"
                " VALUES ('Massage 60 min', 60, 9000, '0', 1)"))
    finally:
        engine.dispose()


def sqlite_revision(path) -> str | None:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def other_files(folder, *keep):
    return sorted(p.name for p in folder.iterdir()
                  if p.name not in keep and not p.name.endswith(("-wal", "-shm")))


def test_there_is_a_linear_history_starting_at_0001():
    assert head_revision() is not None
    assert head_revision() != FIRST  # otherwise the upgrade tests below test nothing


def test_fresh_file_ends_at_head_without_a_backup(tmp_path, clock):
    path = tmp_path / "new.db"
    with Clinic.open(path, clock=clock) as clinic:
        assert clinic.backup_taken is None
        assert current_revision(clinic.db.engine) == head_revision()
        assert clinic.settings.get().currency == "CAD"
    assert other_files(tmp_path, "new.db") == []
    assert sqlite_revision(path) == head_revision()


def test_fresh_file_is_private_and_in_wal_mode(tmp_path, clock):
    path = tmp_path / "sub" / "dir" / "clinic.db"
    with Clinic.open(path, clock=clock) as clinic:
        with clinic.db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_migrated_schema_matches_the_models(tmp_path, clock):
    with Clinic.open(tmp_path / "clinic.db", clock=clock) as clinic:
        with clinic.db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def test_older_file_is_backed_up_then_migrated_keeping_its_data(tmp_path, clock):
    path = tmp_path / "clinic.db"
    make_old_file(path)
    assert sqlite_revision(path) == FIRST
    clock.set(datetime(2026, 3, 2, 8, 15, 30))

    with Clinic.open(path, clock=clock) as clinic:
        assert current_revision(clinic.db.engine) == head_revision()
        (maria,) = clinic.patients.search("Maria")
        assert (maria.full_name, maria.phone, maria.email) == ("Maria Lopez", "902-555-0101",
                                                               "maria@example.com")
        assert [t.price for t in clinic.catalog.treatment_types()] == [9000]
        # the upgraded file works: new changes are recorded and chained
        clinic.patients.update(maria.id, phone="902-555-0102")
        assert clinic.audit.verify().ok
        backup = clinic.backup_taken

    assert backup is not None and backup.exists()
    assert backup.parent == tmp_path
    assert backup.name == f"clinic.before-{head_revision()}-20260302-081530.db"
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    # the backup is a sound SQLite file, still at the old revision, with the old data
    con = sqlite3.connect(backup)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == FIRST
        assert con.execute("SELECT first_name, last_name, phone FROM patients").fetchall() == [
            ("Maria", "Lopez", "902-555-0101")]
        columns = {row[1] for row in con.execute("PRAGMA table_info(audit_entries)")}
        assert "hash" not in columns
    finally:
        con.close()


def test_file_at_head_is_not_backed_up_again(tmp_path, clock):
    path = tmp_path / "clinic.db"
    make_old_file(path)
    with Clinic.open(path, clock=clock) as clinic:
        assert clinic.backup_taken is not None
    files = other_files(tmp_path, "clinic.db")
    assert len(files) == 1

    clock.advance(days=1)
    with Clinic.open(path, clock=clock) as clinic:
        assert clinic.backup_taken is None
        assert [p.full_name for p in clinic.patients.search("")] == ["Maria Lopez"]
    assert other_files(tmp_path, "clinic.db") == files


def test_empty_file_is_migrated_without_a_backup(tmp_path, clock):
    path = tmp_path / "clinic.db"
    path.touch()
    with Clinic.open(path, clock=clock) as clinic:
        assert clinic.backup_taken is None
        assert current_revision(clinic.db.engine) == head_revision()
    assert other_files(tmp_path, "clinic.db") == []


def test_audit_entries_from_an_older_file_still_verify(tmp_path, clock):
    path = tmp_path / "clinic.db"
    make_old_file(path)
    con = sqlite3.connect(path)
    con.execute("INSERT INTO audit_entries (at, staff_id, action, entity, entity_id, before, "
                "after) VALUES ('2025-01-15 10:00:00.000000', NULL, 'patient.add', 'patient', "
                "1, '', '{\"first_name\": \"Maria\"}')")
    con.commit()
    con.close()
    with Clinic.open(path, clock=clock) as clinic:
        assert clinic.audit.verify().ok


def test_the_head_read_from_the_files_is_alembics_head():
    # migrate() compares the database with this to skip loading Alembic on an up-to-date
    # clinic (start-up, issue 6); a disagreement would skip or repeat a migration.
    from app.services.db import head_from_files

    assert head_from_files() == head_revision()


def _undo_0020(con) -> None:  # PIN lockout, managers' longer PINs (R50)
    con.execute("ALTER TABLE clinic_settings DROP COLUMN manager_pin_min_digits")
    for column in ("pin_length", "pin_locked_until", "pin_misses"):
        con.execute(f"ALTER TABLE staff DROP COLUMN {column}")


def _undo_0019(con) -> None:  # email outbox, SMTP account, reminders' consent (R46, R47)
    con.execute("DROP TABLE outbox_messages")
    for column in ("language", "email_reminders_since", "email_reminders"):
        con.execute(f"ALTER TABLE patients DROP COLUMN {column}")
    for column in ("reminder_days_before_expiry", "reminders_enabled", "sender_email",
                   "sender_name", "smtp_user", "smtp_security", "smtp_port", "smtp_host"):
        con.execute(f"ALTER TABLE clinic_settings DROP COLUMN {column}")


def _undo_0018(con) -> None:  # gift card expiry (R45)
    con.execute("ALTER TABLE clinic_settings DROP COLUMN gift_card_expiry_months")
    con.execute("ALTER TABLE gift_cards DROP COLUMN expires_on")


def _undo_0017(con) -> None:  # gift cards (R45)
    for table in ("gift_card_buyer", "gift_card_moves", "gift_cards"):
        con.execute(f"DROP TABLE {table}")


def _undo_0016(con) -> None:  # memberships (R43, R44)
    for table in ("membership_uses", "membership_periods", "membership_pauses",
                  "membership_coverage", "memberships", "membership_plan_items",
                  "membership_plans"):
        con.execute(f"DROP TABLE {table}")
    con.execute("ALTER TABLE appointments DROP COLUMN membership_id")


def _undo_0015(con) -> None:  # switching in (R42)
    con.execute("DROP INDEX ix_packages_imported")
    con.execute("ALTER TABLE packages DROP COLUMN uses_before")
    con.execute("ALTER TABLE packages DROP COLUMN imported_on")


def _undo_0014(con) -> None:  # package transfers (R38)
    con.execute("DROP TABLE package_transfers")


def _undo_0013(con) -> None:  # refund policies (R40)
    for table, column in (("package_templates", "refund_policy"),
                          ("packages", "refund_policy"), ("package_refunds", "basis")):
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def _undo_0012(con) -> None:  # freezes (R39)
    con.execute("DROP TABLE package_freezes")


def _undo_0011(con) -> None:  # households, shares, who redeemed each use (R37)
    for table in ("package_shares", "household_members", "households"):
        con.execute(f"DROP TABLE {table}")
    con.execute("ALTER TABLE redemptions DROP COLUMN patient_id")


# Newest first: a file is taken back through each migration after the one it stops at.
_UNDO = (("0020", _undo_0020), ("0019", _undo_0019), ("0018", _undo_0018), ("0017", _undo_0017), ("0016", _undo_0016),
         ("0015", _undo_0015),
         ("0014", _undo_0014), ("0013", _undo_0013),
         ("0012", _undo_0012), ("0011", _undo_0011))


def take_back_to(con, revision: str) -> None:
    """Make a file as ClinicDesk at `revision` (0010 or later) left it: every later
    migration's tables, columns and indexes removed, newest first."""
    for later, undo in _UNDO:
        if later > revision:
            undo(con)
    con.execute("UPDATE alembic_version SET version_num = ?", (revision,))


def drop_books(con) -> None:
    """Take a file back before 0007 (the clinic's books), and so before everything after it:
    0008 to 0010 (their indexes) and 0011 onwards (take_back_to)."""
    take_back_to(con, "0010")
    for table in ("day_closes", "accounts", "package_expiry_changes"):
        con.execute(f"DROP TABLE {table}")
    for name in ("ix_invoices_created_at", "ix_invoices_voided_at", "ix_applications_created_at",
                 "ix_payment_refunds_refunded_at", "ix_packages_created_at",
                 "ix_redemptions_created_at", "ix_redemptions_voided_at",
                 "ix_packages_status", "ix_packages_sold_expired",
                 "ix_payments_method_received", "ix_invoice_lines_cancelled",
                 "ix_invoice_lines_tax_rate"):
        con.execute(f"DROP INDEX {name}")
    # 0009 widened it; put it back as 0006 left it
    con.execute("DROP INDEX ix_invoices_issued_on")
    con.execute("CREATE INDEX ix_invoices_issued_on ON invoices (issued_on)")


def test_0007_copies_expiry_changes_out_of_the_audit_trail(tmp_path, clock):
    """Expiry changes made before they had their own table are found in the audit trail, so
    the liability knows when uses expired and came back (R33)."""
    path = tmp_path / "clinic.db"
    clock.set(datetime(2026, 3, 20, 18, 0))
    with Clinic.open(path, clock=clock) as clinic:
        ana = clinic.staff.add("Ana Silva", practitioner=True, role="manager")
        physio = clinic.catalog.add_treatment_type("Physio", duration_min=30, price=8500)
        three = clinic.catalog.add_package_template("3 Physio", price=10000, uses=3,
                                                    eligible={physio: 0}, validity="1m")
        maria = clinic.patients.add("Maria", "Lopez", phone="902-555-0101")
        package = clinic.billing.sell_package(maria, three).package_id
        clinic.packages.set_expiry(package, date(2026, 6, 30))
        clinic.packages.set_expiry(package, None)
    con = sqlite3.connect(path)
    with con:
        drop_books(con)
        con.execute("UPDATE alembic_version SET version_num = '0006'")
    con.close()

    with Clinic.open(path, clock=clock) as clinic:
        with clinic.db.read() as s:
            changes = s.execute(text(
                "SELECT package_id, changed_on, old_expires_on, new_expires_on "
                "FROM package_expiry_changes ORDER BY id")).all()
    assert changes == [(package, "2026-03-20", "2026-04-20", "2026-06-30"),
                       (package, "2026-03-20", "2026-06-30", None)]


def test_0006_numbers_the_uses_already_redeemed_by_date(tmp_path, clock):
    """A file from before use numbers were stored gets them filled in on opening: live uses
    1, 2, ... by date then id within each package, voided uses none (R3)."""
    path = tmp_path / "clinic.db"
    clock.set(datetime(2026, 3, 20, 18, 0))
    with Clinic.open(path, clock=clock) as clinic:
        ana = clinic.staff.add("Ana Silva", practitioner=True, role="manager")
        physio = clinic.catalog.add_treatment_type("Physio", duration_min=30, price=8500)
        three = clinic.catalog.add_package_template("3 Physio", price=10000, uses=3,
                                                    eligible={physio: 1000}, validity=None)
        maria = clinic.patients.add("Maria", "Lopez", phone="902-555-0101")
        package = clinic.billing.sell_package(maria, three).package_id
        visits = [clinic.schedule.book(maria, ana, physio, datetime(2026, 3, day, 10))
                  for day in (3, 10, 17)]
        for visit in (visits[1], visits[0], visits[2]):  # the 3rd entered late
            clinic.schedule.arrive(visit)
        clinic.schedule.undo_arrival(visits[1])
    con = sqlite3.connect(path)  # as ClinicDesk at 0005 left it: no use_number column
    with con:
        con.execute("ALTER TABLE redemptions DROP COLUMN use_number")
        drop_books(con)
        con.execute("UPDATE alembic_version SET version_num = '0005'")
    con.close()

    with Clinic.open(path, clock=clock) as clinic:
        with clinic.db.read() as s:
            numbers = s.execute(text(
                "SELECT a.start, r.use_number FROM redemptions r "
                "JOIN appointments a ON a.id = r.appointment_id ORDER BY r.id")).all()
        uses = [r.use_number for r in clinic.packages.detail(package).redemptions]
    assert [(start[8:10], n) for start, n in numbers] == [("10", None), ("03", 1), ("17", 2)]
    assert uses == [1, 2]


def test_0013_makes_templates_and_packages_already_sold_pro_rata(tmp_path, clock):
    """A file from before refund policies (R40): every template and package it holds is
    refunded pro rata as before (R26), and its refunds have no kept calculation."""
    path = tmp_path / "clinic.db"
    clock.set(datetime(2026, 3, 20, 18, 0))
    with Clinic.open(path, clock=clock) as clinic:
        physio = clinic.catalog.add_treatment_type("Physio", duration_min=30, price=8500)
        three = clinic.catalog.add_package_template("3 Physio", price=10000, uses=3,
                                                    eligible={physio: 0})
        maria = clinic.patients.add("Maria", "Lopez", phone="902-555-0101")
        sold = clinic.billing.sell_package(maria, three)
        clinic.billing.receive_payment(maria, 10000, "cash", invoice_id=sold.invoice_id)
        kept = clinic.billing.sell_package(maria, three).package_id
        refund = clinic.packages.refund(sold.package_id, 10000).package_refund_id
    con = sqlite3.connect(path)
    with con:
        take_back_to(con, "0012")
    con.close()

    with Clinic.open(path, clock=clock) as clinic:
        assert clinic.catalog.package_template(three).refund_policy == "pro_rata"
        assert clinic.packages.refund_suggestion(kept).basis.policy == "pro_rata"
        assert clinic.packages.refund_receipt(refund).basis is None


def test_0011_records_who_redeemed_the_uses_already_there(tmp_path, clock):
    """A file from before households: each use was redeemed by its appointment's patient,
    and that is filled in on opening (R37); households and shares start empty."""
    path = tmp_path / "clinic.db"
    clock.set(datetime(2026, 3, 20, 18, 0))
    with Clinic.open(path, clock=clock) as clinic:
        ana = clinic.staff.add("Ana Silva", practitioner=True, role="manager")
        physio = clinic.catalog.add_treatment_type("Physio", duration_min=30, price=8500)
        three = clinic.catalog.add_package_template("3 Physio", price=10000, uses=3,
                                                    eligible={physio: 0}, validity=None)
        clinic.patients.add("Tom", "Reid")
        maria = clinic.patients.add("Maria", "Lopez")
        clinic.billing.sell_package(maria, three)
        clinic.schedule.arrive(clinic.schedule.book(maria, ana, physio,
                                                    datetime(2026, 3, 3, 10)))
    con = sqlite3.connect(path)  # as ClinicDesk at 0010 left it
    with con:
        take_back_to(con, "0010")
    con.close()

    with Clinic.open(path, clock=clock) as clinic:
        with clinic.db.read() as s:
            assert s.execute(text("SELECT patient_id FROM redemptions")).all() == [(maria,)]
            assert s.execute(text("SELECT count(*) FROM household_members")).scalar() == 0
        assert clinic.patients.household_members(maria) == []


def test_0017_a_file_from_before_gift_cards_opens_with_none_and_sells_them(tmp_path, clock):
    """A file from before R45: its invoices and payments stay as they were; the cards, their
    moves and the walk-in buyer start empty, and a card can be sold and paid with at once."""
    path = tmp_path / "clinic.db"
    clock.set(datetime(2026, 3, 20, 18, 0))
    with Clinic.open(path, clock=clock) as clinic:
        maria = clinic.patients.add("Maria", "Lopez")
        clinic.billing.receive_payment(maria, 2500, "cash", allocations={})
    con = sqlite3.connect(path)  # as ClinicDesk at 0016 left it
    with con:
        take_back_to(con, "0016")
    con.close()

    with Clinic.open(path, clock=clock) as clinic:
        assert clinic.billing.account(maria).credit == 2500
        assert clinic.gift_cards.total_balances() == 0
        with clinic.db.read() as s:
            for table in ("gift_cards", "gift_card_moves", "gift_card_buyer"):
                assert s.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0
        sale = clinic.gift_cards.sell(4000, patient_id=maria)
        clinic.billing.apply_credit(maria, sale.invoice_id)
        assert clinic.gift_cards.balance(sale.code) == 4000


def test_0016_adds_memberships_and_leaves_every_visit_without_one(tmp_path, clock):
    """A file from before memberships (R43): its appointments are covered by no membership,
    the membership tables start empty, and a period is refused a second invoice by the
    database (the unique key the migration makes), so enrolling then works on it."""
    path = tmp_path / "clinic.db"
    clock.set(datetime(2026, 3, 20, 18, 0))
    with Clinic.open(path, clock=clock) as clinic:
        ana = clinic.staff.add("Ana Silva", practitioner=True, role="manager")
        physio = clinic.catalog.add_treatment_type("Physio", duration_min=30, price=8500)
        maria = clinic.patients.add("Maria", "Lopez")
        visit = clinic.schedule.book(maria, ana, physio, datetime(2026, 3, 23, 10))
    con = sqlite3.connect(path)
    with con:
        take_back_to(con, "0015")
    con.close()

    with Clinic.open(path, clock=clock) as clinic:
        with clinic.db.read() as s:
            assert s.execute(text("SELECT membership_id FROM appointments WHERE id = :id"),
                             {"id": visit}).scalar() is None
            assert s.execute(text("SELECT count(*) FROM memberships")).scalar() == 0
        plan = clinic.catalog.add_membership_plan("Monthly Physio", fee=8000, period="1m",
                                                  uses_per_period=1, eligible={physio: 0})
        member = clinic.memberships.enroll(maria, plan, start=date(2026, 3, 20))
        with clinic.db.read() as s:
            invoice = s.execute(text("SELECT invoice_id FROM membership_periods")).scalar()
        with pytest.raises(IntegrityError):
            with clinic.db.write() as s:
                s.execute(text(
                    "INSERT INTO membership_periods (membership_id, starts_on, ends_on, "
                    "invoice_id, created_at) VALUES (:m, '2026-03-20', '2026-04-19', :i, "
                    "'2026-03-20 18:00:00')"), {"m": member, "i": invoice})


def test_0018_cards_sold_before_expiry_never_expire_and_the_setting_starts_never(tmp_path,
                                                                                  clock):
    """A file from before gift card expiry: its cards keep paying whatever the date, the
    clinic's setting reads "never", and a card sold once it is set has its last day."""
    path = tmp_path / "clinic.db"
    clock.set(datetime(2026, 3, 20, 18, 0))
    with Clinic.open(path, clock=clock) as clinic:
        sale = clinic.gift_cards.sell(4000)
    con = sqlite3.connect(path)  # as ClinicDesk at 0017 left it
    with con:
        take_back_to(con, "0017")
    con.close()

    with Clinic.open(path, clock=clock) as clinic:
        assert clinic.settings.get().gift_card_expiry_months is None
        assert clinic.gift_cards.card(sale.code).expires_on is None
        assert clinic.gift_cards.balance(sale.code) == 4000


def test_0019_a_file_from_before_email_has_no_account_no_consent_and_an_empty_outbox(tmp_path,
                                                                                     clock):
    """A file from before the outbox (R46, R47): no mail server set, reminders off for the
    clinic and for every patient (nobody agreed before the box existed), their messages in
    the clinic's language, and nothing in the outbox."""
    path = tmp_path / "clinic.db"
    clock.set(datetime(2026, 3, 20, 18, 0))
    with Clinic.open(path, clock=clock) as clinic:
        patient_id = clinic.patients.add("Maria", "Lopez", email="maria@example.com")
    con = sqlite3.connect(path)  # as ClinicDesk at 0018 left it
    with con:
        take_back_to(con, "0018")
    con.close()

    with Clinic.open(path, clock=clock) as clinic:
        settings = clinic.settings.get()
        assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == \
            ("", 587, "starttls")
        assert settings.reminders_enabled is False
        assert settings.reminder_days_before_expiry == 30
        assert clinic.mail.outbox() == []
        with clinic.db.read() as s:
            from app.models import Patient
            patient = s.get(Patient, patient_id)
            assert (patient.email_reminders, patient.email_reminders_since,
                    patient.language) == (False, None, None)


def test_0020_staff_start_unlocked_and_an_existing_clinic_keeps_4_digit_managers(tmp_path,
                                                                                 clock):
    """A file from before R50: everyone starts with no wrong PINs, the manager's 4-digit PIN
    still signs in and may be set again at 4 (the file keeps 4 as managers' fewest), a new
    file asks 6 of its managers, and wrong PINs are counted on the upgraded staff rows."""
    path = tmp_path / "clinic.db"
    with Clinic.open(path, clock=clock) as clinic:
        assert clinic.settings.get().manager_pin_min_digits == 6  # a new clinic
        clinic.settings.update(manager_pin_min_digits=4)
        ana = clinic.auth.create_first_manager("Ana Silva", "2468")
    con = sqlite3.connect(path)  # as ClinicDesk at 0018 left it
    with con:
        take_back_to(con, "0018")
    con.close()

    with Clinic.open(path, clock=clock) as clinic:
        assert clinic.settings.get().manager_pin_min_digits == 4
        lock = clinic.auth.lockout(ana)
        assert (lock.misses, lock.locked) == (0, False)
        with clinic.db.read() as s:
            assert s.execute(text("SELECT pin_length FROM staff WHERE id = :id"),
                             {"id": ana}).scalar() is None
        for _ in range(5):
            with pytest.raises(ClinicError):
                clinic.auth.sign_in(ana, "0000")
        assert clinic.auth.lockout(ana).seconds_left == 30
        clock.advance(seconds=30)
        assert clinic.auth.sign_in(ana, "2468").id == ana
        assert clinic.auth.lockout(ana).misses == 0
        with clinic.db.read() as s:  # learnt at the right PIN, for the manager length rule
            assert s.execute(text("SELECT pin_length FROM staff WHERE id = :id"),
                             {"id": ana}).scalar() == 4
        clinic.auth.set_secret(ana, "1357")
