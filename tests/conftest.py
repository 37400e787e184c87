"""Every test gets a fresh clinic and a fixed clock it can move.

The clinic is a new SQLite file, or, with CLINICDESK_TEST_DATABASE_URL set to a PostgreSQL
server (`bash .ci/postgres COMMAND` starts a throwaway one and sets it), a new database on
that server: the schema is migrated once into a template database at the start of the
session, and each test gets `CREATE DATABASE ... TEMPLATE` of it (tens of milliseconds),
dropped after the test. Tests that are about SQLite files themselves (backups, file
migrations, crash torture, PRAGMAs, the commands on files) are marked `sqlite_only` and
skipped there; so are tests that never use the `clinic` fixture, which ran on SQLite
already and would only run on SQLite again.
"""

from __future__ import annotations

import itertools
import os
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services import Clinic  # noqa: E402

TEST_DATABASE_URL = os.environ.get("CLINICDESK_TEST_DATABASE_URL") or None

# Whole test modules about SQLite files (module name -> why), marked `sqlite_only`.
SQLITE_ONLY_MODULES = {
    "test_backup": "backups are copies of the SQLite file",
    "test_commands": "the commands work on clinic files",
    "test_crash_safety": "crash torture of the SQLite file",
    "test_migrations": "migrating old SQLite files",
    "test_demo": "the demo clinic is a file",
}
# Single tests about SQLite files: (module name, test name prefix) -> why.
SQLITE_ONLY_TESTS = {
    ("test_audit", "test_r29_verify_chain_detects_"): "tampers with the file through sqlite3",
    ("test_concurrency", "test_r29_sqlite_"): "SQLite's PRAGMAs",
}

# A test runs on PostgreSQL when it uses one of these (`clinic` uses `clinic_target`).
ENGINE_FIXTURES = {"clinic_target", "empty_database", "postgres_databases"}


def _sqlite_only_reason(item) -> str | None:
    module = getattr(getattr(item, "module", None), "__name__", "").rpartition(".")[2]
    if module in SQLITE_ONLY_MODULES:
        return SQLITE_ONLY_MODULES[module]
    for (name, prefix), why in SQLITE_ONLY_TESTS.items():
        if module == name and item.name.startswith(prefix):
            return why
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        why = _sqlite_only_reason(item)
        if why:
            item.add_marker(pytest.mark.sqlite_only(reason=why))
    if TEST_DATABASE_URL is None:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(
                reason=f"SQLite only{': ' + reason if reason else ''}"))
        elif not ENGINE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.skip(
                reason="uses no database of the engine switch: ran on SQLite already"))


class PostgresDatabases:
    """Fresh databases on a PostgreSQL server, each a copy of one migrated template."""

    def __init__(self, server_url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        self.server = make_url(server_url)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT",
                                   poolclass=NullPool)
        self.prefix = f"clinicdesk_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self._numbers = itertools.count(1)
        self._sql(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._sql(f'CREATE DATABASE "{self.template}"')
        template = Clinic.open(self.url(self.template))
        template.close()

    def _sql(self, statement: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(statement)

    def url(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def create(self, *, empty: bool = False) -> str:
        """A new database: a copy of the migrated template, or `empty` (no tables at all)."""
        name = f"{self.prefix}_{next(self._numbers)}"
        template = "template0" if empty else self.template
        self._sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop(self, name: str) -> None:
        self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self.drop(self.template)
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases():
    if TEST_DATABASE_URL is None:
        pytest.skip("CLINICDESK_TEST_DATABASE_URL is not set")
    databases = PostgresDatabases(TEST_DATABASE_URL)
    yield databases
    databases.close()


@pytest.fixture
def clinic_target(request, tmp_path):
    """Where the test's clinic lives: a new SQLite file, or a new PostgreSQL database URL."""
    if TEST_DATABASE_URL is None:
        yield tmp_path / "clinic.db"
        return
    databases = request.getfixturevalue("postgres_databases")
    name = databases.create()
    yield databases.url(name)
    databases.drop(name)


class FakeClock:
    def __init__(self, start: datetime):
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)

    def set(self, value: datetime) -> None:
        self.current = value


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0))  # a Monday


@pytest.fixture
def empty_database(request, tmp_path):
    """The URL of a database with nothing in it (not even the schema): a new file's, or a
    new database on the PostgreSQL server."""
    if TEST_DATABASE_URL is None:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    databases = request.getfixturevalue("postgres_databases")
    name = databases.create(empty=True)
    yield databases.url(name)
    databases.drop(name)


@pytest.fixture
def clinic(clinic_target, clock):
    c = Clinic.open(clinic_target, clock=clock)
    c.settings.update(name="Harbour Physio", address="12 Main St\nHalifax NS", currency="CAD",
                      locale="en_CA", tax_number="123456789 RT0001", setup_complete=True)
    yield c
    c.close()


@pytest.fixture
def catalog(clinic):
    """A small, realistic catalogue: two practitioners, three treatments, two templates."""
    ids = {}
    ids["ana"] = clinic.staff.add("Ana Silva", practitioner=True, role="manager")
    ids["ben"] = clinic.staff.add("Ben Okafor", practitioner=True)
    ids["desk"] = clinic.staff.add("Chloe Desk", practitioner=False)
    ids["massage"] = clinic.catalog.add_treatment_type("Massage 60 min", duration_min=60,
                                                       price=9000)
    ids["physio"] = clinic.catalog.add_treatment_type("Physio follow-up", duration_min=30,
                                                      price=8500, tax_rate=Decimal("0.15"))
    ids["acu"] = clinic.catalog.add_treatment_type("Acupuncture", duration_min=45, price=7500)
    ids["ten_massages"] = clinic.catalog.add_package_template(
        "10 Massages", price=80000, uses=10, eligible={ids["massage"]: 0}, validity="6m")
    ids["three_physio"] = clinic.catalog.add_package_template(
        "3 Physio", price=10000, uses=3, eligible={ids["physio"]: 1000}, validity=None)
    ids["patient"] = clinic.patients.add("Maria", "Lopez", phone="902-555-0101",
                                         email="maria@example.com")
    ids["no_show_fee"] = clinic.settings.add_no_show_fee("Missed appointment", 4000)
    return ids
