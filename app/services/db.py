"""Opening the clinic's database: engine, pragmas, migrations, units of work (R29)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

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


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        # READ COMMITTED (the server's default, said here so it never silently changes):
        # writers serialise on row locks taken by app.services.locks, readers never block.
        # A lock held longer than SQLite's busy timeout fails the same way, instead of
        # hanging the desk.
        connect_args = {"application_name": "clinicdesk"}
        if parsed.get_driver_name() in ("psycopg", "psycopg2"):
            connect_args["options"] = "-c lock_timeout=10000"
        return create_engine(url, pool_pre_ping=True, isolation_level="READ COMMITTED",
                             connect_args=connect_args)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
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


def _alembic_config(connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(source: Path, destination: Path) -> Path:
    """A consistent copy through SQLite's backup API (safe while the file is open)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(destination))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    try:
        os.chmod(destination, 0o600)
    except OSError:
        pass
    return destination


def migrate(engine: Engine, *, now: datetime | None = None) -> Path | None:
    """Bring the database to head. Returns the backup taken first, if the file had data."""
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

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
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
        """One transaction for one user action: all of it commits, or none of it (R29)."""
        session = self._write_sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

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
