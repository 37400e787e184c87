"""Moving a clinic from its SQLite file to a PostgreSQL server (`clinicdesk migrate-to URL`).

Several desks share one PostgreSQL database; a clinic that started on one desk's file moves
there once:

1. The target must be EMPTY (no tables at all): nothing is ever merged or overwritten.
2. In ONE transaction on the target: the schema is created by the same Alembic migrations
   the program runs at start, every table is copied in foreign-key order with its ids as
   they are, and each table's id sequence is set past the largest id (the next invoice,
   payment or audit entry continues where the file stopped).
3. Still inside that transaction, the copy is checked against the file: row counts per
   table; the sums of invoice totals, invoice lines, payments, applications, refunds and
   package refunds; live and voided redemptions; the invoice counter; and the audit trail's
   hash chain verifies on the target and ends on the same hash. Any difference, or any
   error, rolls everything back and the target is left empty as it was.

The file is read in one read transaction (a consistent snapshot, even with a desk open on
it) and is never changed; it stays as the clinic's last file copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import Integer, func, inspect, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session

from ..i18n import N_, _, ngettext
from ..models import (AuditEntry, Base, Invoice, InvoiceLine, PackageRefund, Payment,
                      PaymentApplication, PaymentRefund, Redemption)
from ..models.settings import ClinicSettings
from .audit import verify_chain
from .db import _alembic_config, database_url, make_engine
from .errors import ClinicError, NotAllowed, ValidationError
from .transfer_target import check_batch, check_source, check_sqlite_file, check_target

BATCH_ROWS = 2000
#: In app.services.auth.MANAGER_ACTIONS: the words of its refusal and of its approval.
MOVE_TO_SERVER = N_("copy the clinic to a server")


class TransferFailed(ClinicError):
    """The copy did not match the file (or could not be written); nothing was kept."""


@dataclass(frozen=True)
class TransferReport:
    source: str  # the file
    target: str  # the URL, password hidden
    rows: tuple[tuple[str, int], ...]  # (table, rows copied), in copy order
    figures: tuple[tuple[str, int], ...]  # (what, value): equal on both sides
    audit_entries: int
    audit_last_hash: str

    def lines(self) -> list[str]:
        out = [f"Copied {self.source}", f"    to {self.target}", "", "Rows per table:"]
        width = max((len(name) for name, _ in self.rows), default=0)
        out += [f"  {name:<{width}}  {count:>9,}" for name, count in self.rows]
        out += ["", "Checked, equal in the file and on the server:"]
        width = max((len(name) for name, _ in self.figures), default=0)
        out += [f"  {name:<{width}}  {value:>15,}" for name, value in self.figures]
        out += ["", f"The audit trail verifies on the server: {self.audit_entries:,} entries, "
                    f"last hash {self.audit_last_hash[:16] or '(none)'}."]
        return out


def hidden(url: str) -> str:
    """A URL fit to print: the password, if any, as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(not a database URL)"


def tables() -> list:
    """Every table, parents before children (the order rows can be inserted in)."""
    return list(Base.metadata.sorted_tables)


def figures(s: Session | Connection) -> dict[str, int]:
    """What must be equal in the file and its copy (money in cents, counts)."""
    def total(column, *where) -> int:
        return int(s.scalar(select(func.coalesce(func.sum(column), 0)).where(*where)) or 0)

    def count(model, *where) -> int:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    result = {f"rows in {t.name}": int(s.scalar(select(func.count()).select_from(t)))
              for t in tables()}
    result.update({
        "invoice totals (cents)": total(Invoice.total),
        "invoice totals, not void (cents)": total(Invoice.total, Invoice.voided_at.is_(None)),
        "invoice line totals (cents)": total(InvoiceLine.total),
        "highest invoice number": int(s.scalar(select(func.coalesce(func.max(Invoice.number),
                                                                     0)))),
        "next invoice number": int(s.scalar(select(ClinicSettings.next_invoice_number)
                                            .where(ClinicSettings.id == 1)) or 0),
        "payments (cents)": total(Payment.amount),
        "payment applications (cents)": total(PaymentApplication.amount),
        "refund payments (cents)": total(PaymentRefund.amount),
        "package refunds (cents)": total(PackageRefund.amount),
        "redemptions, live": count(Redemption, Redemption.voided_at.is_(None)),
        "redemptions, voided": count(Redemption, Redemption.voided_at.is_not(None)),
        "audit entries": count(AuditEntry),
    })
    return result


def _last_hash(s) -> str:
    return s.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or ""


def _copy_table(source: Session, target: Connection, table, batch: int) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    result = source.execute(select(table).order_by(*order).execution_options(yield_per=batch))
    copied = 0
    for part in result.partitions():
        target.execute(table.insert(), [row._asdict() for row in part])
        copied += len(part)
    return copied


def _reset_sequences(target: Connection) -> None:
    """Ids were copied as they are; each table's sequence continues past the largest."""
    if target.dialect.name != "postgresql":
        return  # SQLite takes max(id) + 1 by itself
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        name, column = table.name, keys[0].name
        target.execute(text(
            f'SELECT setval(pg_get_serial_sequence(:table, :column), '
            f'COALESCE(MAX("{column}"), 0) + 1, false) FROM "{name}"'),
            {"table": name, "column": column})


def _open_target(url: str):
    try:
        parsed = make_url(url)
        parsed.get_backend_name()
    except (ArgumentError, ValueError):
        raise ValidationError("url", _("\u201c{url}\u201d is not a database URL; it looks "
                                       "like {example}.").format(
            url=url, example="postgresql+psycopg://user@server/clinic")) from None
    try:
        return make_engine(parsed.render_as_string(hide_password=False))
    except (NoSuchModuleError, ImportError) as error:
        raise ValidationError("url", _("ClinicDesk cannot use {driver} databases ({error}); "
                                       "use {example}.").format(
            driver=parsed.drivername, error=error, example="postgresql+psycopg://")) from None


def migrate_to(source, target_url: str, *, batch: int = BATCH_ROWS,
               progress: Callable[[str, int], None] | None = None) -> TransferReport:
    """Copy the clinic `source` (an open Clinic on its file) into the empty database at
    `target_url`, check the copy, and commit it; or change nothing and raise a ClinicError.
    Only a manager (or the system: the command line) may: the copy is the whole clinic, so
    the refusal comes before the URL is even read (issue 15, item 4)."""
    check_source(source)  # (code only: before source.auth is used)
    source.auth.require_manager(MOVE_TO_SERVER)
    target_url, batch = check_target(target_url), check_batch(batch)
    if source.db.path is None:
        raise NotAllowed(_("Only a clinic file can be moved to a server; this clinic is "
                           "already on one."))
    target_url = database_url(target_url)
    if target_url == source.db.url:
        raise NotAllowed(_("The target is the clinic file itself; give the server's URL."))
    check_sqlite_file(source, target_url)
    engine = _open_target(target_url)
    shown = hidden(target_url)
    try:
        try:
            conn = engine.connect()
        except DBAPIError as error:
            raise TransferFailed(_("ClinicDesk could not connect to {server}: {problem}")
                                 .format(server=shown, problem=_first_line(error))) from None
        with conn:
            existing = inspect(conn).get_table_names()
            conn.rollback()  # (the look began a transaction; the copy is its own)
            if existing:
                raise NotAllowed(ngettext(
                    "The database {server} is not empty (it has {count} table, {table}). A "
                    "clinic is only ever moved into an empty database: create a new one on "
                    "the server and try again.",
                    "The database {server} is not empty (it has {count} tables, such as "
                    "{table}). A clinic is only ever moved into an empty database: create a "
                    "new one on the server and try again.", len(existing)).format(
                        server=shown, count=len(existing), table=sorted(existing)[0]))
            with source.db.read() as s:
                expected = figures(s)
                expected_hash = _last_hash(s)
                transaction = conn.begin()
                try:
                    from alembic import command  # (only a copy needs Alembic)

                    command.upgrade(_alembic_config(conn), "head")
                    copied = []
                    for table in tables():
                        count = _copy_table(s, conn, table, batch)
                        copied.append((table.name, count))
                        if progress is not None:
                            progress(table.name, count)
                    _reset_sequences(conn)
                    report = _check(conn, source.db.path, shown, copied, expected,
                                    expected_hash)
                except DBAPIError as error:
                    transaction.rollback()
                    raise TransferFailed(_("Copying to {server} failed, so nothing was kept "
                                           "there: {problem}").format(
                        server=shown, problem=_first_line(error))) from None
                except BaseException:
                    transaction.rollback()
                    raise
                transaction.commit()
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("ANALYZE")  # the planner's statistics, now, not later
                conn.commit()
            return report
    finally:
        engine.dispose()


def _check(conn: Connection, path: Path, shown: str, copied, expected: dict[str, int],
           expected_hash: str) -> TransferReport:
    with Session(bind=conn) as t:
        got = figures(t)
        chain = verify_chain(t)
        last_hash = _last_hash(t)
    problems = [_("{what}: {in_file} in the file, {copied} copied").format(
                    what=name, in_file=f"{expected[name]:,}", copied=f"{got.get(name, 0):,}")
                for name in expected if got.get(name) != expected[name]]
    if not chain.ok:
        problems.append(_("the audit trail does not verify at entry {entry}")
                        .format(entry=chain.first_broken_id))
    if last_hash != expected_hash:
        problems.append(_("the audit trail ends on another hash than the file's"))
    if problems:
        raise TransferFailed(_("The copy did not match the clinic file, so nothing was kept "
                               "on {server}: {problems}.").format(
                                   server=shown, problems="; ".join(problems)))
    return TransferReport(str(path), shown, tuple(copied),
                          tuple((k, v) for k, v in expected.items()
                                if not k.startswith("rows in ")),
                          chain.entries, last_hash)


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


def command_line(source, target_url: str, *, out: Callable[[str], None] = print,
                 err: Callable[[str], None] | None = None) -> int:
    """`clinicdesk migrate-to URL`: 0 when copied and checked, 1 when refused or failed."""
    err = err or out
    try:
        report = migrate_to(source, target_url,
                            progress=lambda name, n: out(f"  {name}: {n:,} rows"))
    except ClinicError as refusal:
        err(str(refusal))
        return 1
    for line in report.lines():
        out(line)
    out("")
    out(f"Done. Start every desk with: clinicdesk --db-url {report.target}")
    return 0


def server_command(args, *, out: Callable[[str], None] = print,
                   err: Callable[[str], None] = print) -> int:
    """The window-less commands against a clinic on a server (`--db-url URL COMMAND`)."""
    from .clinic import Clinic

    if args.command != "verify-audit":
        err(f"\u201c{args.command}\u201d works on a clinic file; a clinic on a server is "
            "backed up and restored with the server's own tools (pg_dump, pg_restore).")
        return 2
    try:
        with Clinic.open(args.db_url) as clinic:
            check = clinic.audit.verify()
    except (ClinicError, DBAPIError) as error:
        err(f"ClinicDesk could not open {hidden(args.db_url)}: {_first_line(error)}")
        return 1
    from .audit_check import command_report
    return command_report(check, out, err)
