"""Opening the clinic's database: engine, pragmas, migrations, units of work (R29)."""

from __future__ import annotations

import os
import re
import shutil
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..i18n import _
from .audit import ANCHORED
from .errors import NotAllowed

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def database_url(target: str | os.PathLike) -> str:
    """A plain path becomes a SQLite URL; a URL is taken as is, except that a PostgreSQL URL
    without a driver (postgresql://, postgres://) gets the one ClinicDesk ships: psycopg."""
    text = os.fspath(target)
    if "://" in text:
        scheme, rest = text.split("://", 1)
        if scheme in ("postgresql", "postgres"):
            return f"postgresql+psycopg://{rest}"
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


# Migrations on a shared server: one desk migrates, the others wait for it (any constant
# key, the same for every desk; advisory locks are per database).
_MIGRATION_LOCK = 0x436C696E4D696772  # "ClinMigr"


def make_engine(url: str, key: str | None = None) -> Engine:
    """The engine for a clinic: on a server, or in a file, encrypted with `key` (issue 23)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        # READ COMMITTED (the server's default, said here so it never silently changes):
        # writers serialise on row locks taken by app.services.locks, readers never block.
        # A lock held longer than SQLite's busy timeout fails the same way, instead of
        # hanging the desk.
        connect_args = {"application_name": "clinicdesk"}
        if parsed.get_driver_name() in ("psycopg", "psycopg2"):
            # A clinic's server has no one to tune it, so the desk says two planner settings
            # itself (bench/RESULTS.md, "On PostgreSQL"): JIT compiling spent 5.6 s of a 6.2 s
            # one-year report, and the spinning-disk page cost (4) made the planner read all
            # of a million-row table where the year's index reads a tenth of it.
            connect_args["options"] = ("-c lock_timeout=10000 -c jit=off "
                                       "-c random_page_cost=1.1")
        return create_engine(url, pool_pre_ping=True, isolation_level="READ COMMITTED",
                             connect_args=connect_args)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if key is not None:
        engine = _encrypted_engine(url, parsed.database, key)
    else:
        engine = create_engine(url, connect_args={"timeout": 10})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        # Take transaction control from the sqlite3 module so BEGIN IMMEDIATE is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if parsed.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # Writes take the write lock up front, so two desks never both read "1 use left"
        # and then both write; reads stay deferred and never block anyone.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


#: The page cache of a connection to an encrypted file: reports.engine.REPORT_CACHE_KIB's
#: figure (not imported: the reports package is loaded when a report is first asked for).
ENCRYPTED_CACHE_KIB = 32 * 1024


def _encrypted_engine(url: str, path: str, key: str) -> Engine:
    """SQLCipher's key must be the first statement on each connection, before SQLAlchemy's
    own first look at the database (its "connect" listeners run after that): so each
    connection is made here, key said, and handed to the pool (the pysqlite dialect, with
    SQLCipher's module, which speaks the same DB-API)."""
    from .sqlite_files import cipher, keyed

    module = cipher()

    def connect():
        conn = keyed(module.connect(path, timeout=10, check_same_thread=False), key)
        # A page read again from the disk is decrypted again: with SQLite's 2 MB cache a
        # search over thousands of patients took 27 ms encrypted against 4 ms plain, and the
        # year's revenue 1.4-1.8 times as long (bench/RESULTS.md, "Encrypted clinic file").
        # The reports' 32 MB, which any pooled connection gets after its first report, from
        # the start: no more memory than a desk that has run a report already.
        conn.execute(f"PRAGMA cache_size = -{ENCRYPTED_CACHE_KIB}")
        return conn

    return create_engine(url, module=module, creator=connect)


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w]+|None)['\"]?", re.M)


def head_from_files() -> str | None:
    """The newest revision, read from the migration files' own `revision` lines.

    Alembic takes ~0.2-0.4 s to import; a desk opening a clinic that is already up to date
    (nearly every start) needs only to compare two strings, so Alembic is loaded only when
    there is something to migrate. tests/unit/test_migrations.py checks this agrees with
    Alembic's own head.
    """
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((key, value) for key, value in _REVISION.findall(path.read_text("utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            if found.get("down_revision") not in (None, "None"):
                parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def stored_revision(conn) -> str | None:
    """The revision the database says it is at, without loading Alembic."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(source: Path, destination: Path) -> Path:
    """A consistent copy through SQLite's backup API (safe while the file is open), under
    the source's own key when it is encrypted (issue 23: a backup is as private as its
    clinic)."""
    from .sqlite_files import copy, file_key

    destination.parent.mkdir(parents=True, exist_ok=True)
    key = file_key(source)
    # A copy is one file: in WAL mode (copied from the clinic's header) every later
    # read-only look at it (the integrity check, a restore's preview) would leave -wal/-shm
    # files beside it, on a USB stick too. The clinic sets WAL again on open.
    copy(source, destination, source_key=key, key=key)
    try:
        os.chmod(destination, 0o600)
    except OSError:
        pass
    return destination


def migrate(engine: Engine, *, now: datetime | None = None) -> Path | None:
    """Bring the database to head. Returns the backup taken first, if the file had data."""
    head = head_from_files()
    # (On a server every start goes through the migration lock below, which also makes sure
    # the settings row is there; server desks don't race a 1.5 s start-up target.)
    if head is not None and engine.url.get_backend_name() == "sqlite":
        with engine.connect() as conn:
            if stored_revision(conn) == head:
                return None  # up to date (the usual start): Alembic stays unloaded
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    head = head_revision()
    current = current_revision(engine)
    if current == head and engine.url.get_backend_name() != "postgresql":
        return None
    backup = None
    db_path = engine.url.database
    if (current is not None and engine.url.get_backend_name() == "sqlite" and db_path
            and Path(db_path).exists()):
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        path = Path(db_path)
        backup = backup_sqlite(path, path.with_name(f"{path.stem}.before-{head}-{stamp}"
                                                    f"{path.suffix or '.db'}"))
        from .audit_anchor import record_backup
        record_backup(path, backup, now or datetime.now())  # (a file before the chain: no-op)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several desks may open a new server database at once: one migrates (and
            # writes the settings row), the others wait for it here, then find it done.
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
            if MigrationContext.configure(conn).get_current_revision() != head:
                command.upgrade(_alembic_config(conn), "head")
            _settings_row(conn)
            return None
        command.upgrade(_alembic_config(conn), "head")
    return backup


def _settings_row(conn) -> None:
    """The clinic's settings row, created if missing (as Clinic.open would, a moment later,
    but inside the lock: two desks must not both create it)."""
    from .settings import load_settings

    with Session(bind=conn) as session:
        load_settings(session)
        session.flush()


class Database:
    """Owns the engine and hands out units of work."""

    # Called with what each committed write appended to the audit trail, if anything (the
    # Clinic sets it: audit_anchor.later); it must never raise.
    audit_appended = None
    # This desk's anchored (id, hash), or None (the Clinic sets it: audit_anchor.anchored):
    # the audit chain asks how far the trail has gone past it (audit.py), as it commits.
    audit_anchored = None

    def __init__(self, url: str, key: str | None = None):
        self.url = url
        self._connect(key)
        self._writing = threading.local()  # the write session this thread has open, if any

    def _connect(self, key: str | None) -> None:
        self.key = key  # the clinic file's encryption key, or None (plain, or a server)
        self.engine = make_engine(self.url, key)
        self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._writer, expire_on_commit=False)
        path = self.engine.url.database
        if self.engine.url.get_backend_name() == "sqlite" and path and path != ":memory:":
            self.path: Path | None = Path(path)
        else:
            self.path = None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction for one user action: all of it commits, or none of it (R29).

        A write opened inside another on the same thread joins it: one action made of
        several service calls (sell, then pay) commits once, at the outermost, or not at
        all. A refusal inside must propagate out of the outer block, which rolls back."""
        joined = getattr(self._writing, "session", None)
        if joined is not None:
            yield joined
            return
        session = self._write_sessions()
        if self.audit_anchored is not None:
            session.info[ANCHORED] = self.audit_anchored
        self._writing.session = session
        try:
            yield session
            session.commit()
        except StaleDataError:
            # A row counted by version (appointments) changed after this desk read it: on
            # PostgreSQL a write that skipped its lock. Nothing of this action is kept.
            session.rollback()
            raise NotAllowed(_("Another desk changed this appointment while you were "
                               "working on it, so nothing was changed. Look at it again "
                               "and try once more.")) from None
        except BaseException:
            session.rollback()
            raise
        finally:
            self._writing.session = None
            appended = session.info.pop("audit_tail", None)
            session.close()
        if appended is not None and self.audit_appended is not None:
            self.audit_appended(appended)  # after the commit: only kept entries are anchored

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._read_sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

    def reopen(self, key: str | None) -> None:
        """The same file under a new key (it was just encrypted): every service goes on
        through this Database, so they all see it at once."""
        self.engine.dispose()
        self._connect(key)
