"""The benchmark's hand-written psycopg writes (bench/hand_pg_writes.py, issue 22) leave a
server's database exactly as the services do, as tests/unit/test_bench_hand_writes.py checks
for the file's: each write is made by the service on the clinic's database and by hand on a
copy of it taken just before (CREATE DATABASE ... TEMPLATE), then every table either may
touch is compared row by row."""

from __future__ import annotations

import itertools
import os

import pytest

from bench import hand_pg
from tests.unit.test_bench_hand_writes import compare_writes, same_state, state

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")


class ServerTwins:
    """Each write made by the service on the clinic's database and by hand on its copy."""
    hand = hand_pg

    def __init__(self, clinic, clock, databases):
        self.clinic, self.clock, self.databases = clinic, clock, databases
        self.names = (f"{databases.prefix}_twin_{n}" for n in itertools.count(1))
        self.n = 0

    def __call__(self, service_write, hand_write) -> None:
        source = self.clinic.db.engine.url.database
        twin = next(self.names)
        self.clinic.db.engine.dispose()  # (a template may have no one connected to it)
        self.databases._sql(f'CREATE DATABASE "{twin}" TEMPLATE "{source}"')
        self.n += 1
        con = hand_pg.connect(self.databases.url(twin))
        try:
            service_write()
            hand_write(con, self.clock.current)
            mine = hand_pg.connect(self.clinic.db.url)
            try:
                same_state(state(mine), state(con))
            finally:
                mine.close()
        finally:
            con.close()
            self.databases.drop(twin)


@pytest.mark.parametrize("seed", [5])
def test_issue22_hand_written_postgresql_writes_leave_what_the_services_leave(
        clinic, catalog, clock, postgres_databases, seed):
    compare_writes(clinic, catalog, clock, seed, ServerTwins(clinic, clock, postgres_databases))
