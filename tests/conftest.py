"""Every test gets a fresh clinic and a fixed clock it can move.

The clinic is a new SQLite file, or, with CLINICDESK_TEST_DATABASE_URL set to a PostgreSQL
server (`bash .ci/postgres COMMAND` starts a throwaway one and sets it), a database on that
server migrated once for the session and emptied before every test (PostgresDatabases). Tests that are about SQLite files themselves (backups, file
migrations, crash torture, PRAGMAs, the commands on files) are marked `sqlite_only` and
skipped there; so are tests that never use the `clinic` fixture, which ran on SQLite
already and would only run on SQLite again.
"""

from __future__ import annotations

import itertools
import os
import shutil
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services import Clinic  # noqa: E402

# Hypothesis keeps the examples it found in .hypothesis/ in the working folder, unless
# CLINICDESK_HYPOTHESIS_DIR names another: .ci/run runs its SQLite and PostgreSQL passes at
# the same time from one checkout and gives each its own, so they never write the same files.
# Loaded here, before any test module makes its settings, so theirs inherit it.
if os.environ.get("CLINICDESK_HYPOTHESIS_DIR"):
    from hypothesis import settings as _hypothesis_settings
    from hypothesis.database import DirectoryBasedExampleDatabase

    _hypothesis_settings.register_profile("clinicdesk-own-database", database=(
        DirectoryBasedExampleDatabase(os.environ["CLINICDESK_HYPOTHESIS_DIR"])))
    _hypothesis_settings.load_profile("clinicdesk-own-database")

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
    """Databases for the tests on a PostgreSQL server.

    One working database, migrated once for the session; before each test it is emptied:
    connections a previous test left open are closed, every row is deleted (children first)
    and every id sequence starts again at 1, all in one round trip (~15 ms). That is a fresh
    clinic as far as anything in ClinicDesk can tell, and a tenth of the cost of
    `CREATE DATABASE ... TEMPLATE` per test (110-350 ms each on the 2-core CI machine under
    load: two to four minutes of a PostgreSQL pass). `create(empty=True)` still makes a
    separate database with nothing in it, for the tests that need no schema at all.
    """

    def __init__(self, server_url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        from app.models import Base

        self.server = make_url(server_url)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT",
                                   poolclass=NullPool)
        self.prefix = f"clinicdesk_test_{os.getpid()}"
        self.working = f"{self.prefix}_clinic"
        self._numbers = itertools.count(1)
        self._sql(f'DROP DATABASE IF EXISTS "{self.working}" WITH (FORCE)')
        self._sql(f'CREATE DATABASE "{self.working}"')
        Clinic.open(self.url(self.working)).close()
        tables = [t.name for t in Base.metadata.sorted_tables]
        self._empty_sql = ";\n".join([
            "SET LOCAL lock_timeout = '10s'",
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()",
            *[f'DELETE FROM "{name}"' for name in reversed(tables)],
            "SELECT " + ", ".join(f"setval(pg_get_serial_sequence('{name}', 'id'), 1, false)"
                                  for name in tables),
        ])
        self._working_engine = create_engine(self.url(self.working), poolclass=NullPool)

    def _sql(self, statement: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(statement)

    def url(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def fresh(self) -> str:
        """The working database, emptied for the next test; its URL."""
        with self._working_engine.begin() as conn:
            conn.exec_driver_sql(self._empty_sql)
        return self.url(self.working)

    def create(self, *, empty: bool = False) -> str:
        """A separate database: `empty` (no tables at all), or migrated."""
        name = f"{self.prefix}_{next(self._numbers)}"
        self._sql(f'CREATE DATABASE "{name}"')
        if not empty:
            Clinic.open(self.url(name)).close()
        return name

    def drop(self, name: str) -> None:
        self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self._working_engine.dispose()
        self.drop(self.working)
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
    """Where the test's clinic lives: a new SQLite file, or the emptied PostgreSQL
    database's URL."""
    if TEST_DATABASE_URL is None:
        yield tmp_path / "clinic.db"
        return
    yield request.getfixturevalue("postgres_databases").fresh()


@pytest.fixture(scope="session", autouse=True)
def quick_pins():
    """PINs are hashed with argon2id at its lowest cost in the tests. At the library's
    recommended cost (the desk's) a hash takes ~0.25 s and a check ~0.3 s on the 2-core CI
    machine, by design; the `desk` fixture alone does three, and over a thousand tests sign
    someone in: minutes of each pass, about nothing a test checks. What is stored is still an
    argon2id hash checked by argon2 (test_auth); the desk's own cost is what this fixture
    yields, checked by test_auth too."""
    from argon2 import PasswordHasher

    from app.services import auth

    desks_own = auth._hasher
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                      parallelism=1))
        yield desks_own


@pytest.fixture(scope="session", autouse=True)
def _session_desk_anchors(tmp_path_factory):
    """Before any module's or session's fixture (a desk process pool, a demo clinic made
    once): this desk's audit anchors never go to the user's config folder."""
    previous = os.environ.get("CLINICDESK_DESK_DIR")
    os.environ["CLINICDESK_DESK_DIR"] = str(tmp_path_factory.mktemp("desk-anchors-shared"))
    yield
    if previous is None:
        os.environ.pop("CLINICDESK_DESK_DIR", None)
    else:
        os.environ["CLINICDESK_DESK_DIR"] = previous


@pytest.fixture(autouse=True)
def desk_anchors(tmp_path_factory, monkeypatch):
    """This desk's audit anchors (app/services/audit_anchor.py) go to a folder of the test's
    own, never the user's config folder: no test sees another's, nor leaves any behind.
    Commands run in a subprocess inherit it."""
    folder = tmp_path_factory.mktemp("desk-anchors")
    monkeypatch.setenv("CLINICDESK_DESK_DIR", str(folder))
    yield folder
    from app.services import anchor_queue

    anchor_queue.settle()  # the test's last moves land in its own folder, not the next's


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
def french():
    """The desk speaks French (Canada) for this test, English again after it (issue 8)."""
    from app import i18n

    i18n.set_language(i18n.FRENCH)
    yield
    i18n.set_language(i18n.ENGLISH)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A new clinic file, migrated once for the session (SQLite only): Alembic takes 80-130 ms
    an open, copying the file 1-2 ms. It holds what any new file holds (the schema, its
    revision and the default settings row; no time stamps), closed so its WAL is folded in."""
    folder = tmp_path_factory.mktemp("migrated-template")
    path = folder / "clinic.db"
    Clinic.open(path, clock=lambda: datetime(2026, 3, 2, 9, 0)).close()
    for side in ("-wal", "-shm"):
        assert not (folder / f"clinic.db{side}").exists(), "the template must be one whole file"
    return path


def fresh_sqlite_clinic(template, target) -> None:
    """`target` becomes a new clinic file: a copy of the migrated template (owner-only, as
    Clinic.open makes one), which Clinic.open then opens as it is."""
    shutil.copyfile(template, target)
    os.chmod(target, 0o600)


@pytest.fixture
def clinic(request, clinic_target, clock):
    if TEST_DATABASE_URL is None:
        fresh_sqlite_clinic(request.getfixturevalue("migrated_template"), clinic_target)
    c = Clinic.open(clinic_target, clock=clock)
    c.settings.update(name="Harbour Physio", address="12 Main St\nHalifax NS", currency="CAD",
                      locale="en_CA", tax_number="123456789 RT0001", setup_complete=True,
                      manager_pin_min_digits=4)  # R50: the suite's managers use 2468
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


@pytest.fixture
def desk(clinic, catalog):
    """Ana (manager, 2468) and Chloe (front desk, 1111); Chloe is signed in (a test
    module may define its own `desk` with more)."""
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.set_secret(catalog["desk"], "1111")
    clinic.auth.sign_in(catalog["desk"], "1111")
    return catalog


@pytest.fixture
def two_payments(clinic, catalog):
    """“10 Massages” ($800.00) paid $700.00 cash then $100.00 debit; two uses redeemed. The
    package refund's history is told from this (R26-R28a, R31)."""
    patient = catalog["patient"]
    sale = clinic.billing.sell_package(patient, catalog["ten_massages"])
    cash = clinic.billing.receive_payment(patient, 70000, "cash", invoice_id=sale.invoice_id)
    debit = clinic.billing.receive_payment(patient, 10000, "debit", invoice_id=sale.invoice_id)
    for day in (3, 4):
        clinic.schedule.arrive(clinic.schedule.book(patient, catalog["ana"], catalog["massage"],
                                                    datetime(2026, 3, day, 10)))
    return {"sale": sale, "cash": cash, "debit": debit, "patient": patient}
