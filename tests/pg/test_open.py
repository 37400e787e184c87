"""Several desks starting at once on a new, empty server database: one creates the schema
and the settings row, the others wait for it, and every desk opens (issue 9)."""

from __future__ import annotations

import os
import threading

import pytest

from app.services import Clinic
from app.services.db import current_revision, head_revision

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")

DESKS = 4


def test_desks_opening_a_new_database_at_once_all_open_it(empty_database):
    barrier = threading.Barrier(DESKS)
    outcomes = []

    def desk():
        barrier.wait(timeout=30)
        try:
            with Clinic.open(empty_database) as clinic:
                outcomes.append(("ok", clinic.settings.get().currency))
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes.append(("failed", repr(error)))

    threads = [threading.Thread(target=desk) for _ in range(DESKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes == [("ok", "CAD")] * DESKS
    with Clinic.open(empty_database) as clinic:
        assert current_revision(clinic.db.engine) == head_revision()
        clinic.settings.update(name="Harbour Physio")
        assert clinic.settings.get().name == "Harbour Physio"


def test_a_plain_postgresql_url_opens_with_psycopg(clinic):
    plain = clinic.db.url.replace("postgresql+psycopg://", "postgresql://")
    with Clinic.open(plain) as other:
        assert other.db.engine.dialect.driver == "psycopg"
        assert other.path is None
