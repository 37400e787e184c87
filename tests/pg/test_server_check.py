"""Testing a server connection before a desk is pointed at it (issue 9, settings page):
what the check reports for each kind of database it can find there."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.services import Clinic
from app.services.connection import (CLINIC, EMPTY, NEWER, OTHER, ServerUnreachable,
                                     check_server)

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")


def run(url: str, sql: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


def test_an_empty_database_can_take_a_clinic(empty_database):
    check = check_server(empty_database)
    assert check.state == EMPTY and check.usable
    assert check.server_version
    assert "empty" in check.summary()


def test_a_clinic_on_the_server_is_named(empty_database):
    with Clinic.open(empty_database) as clinic:
        clinic.settings.update(name="Harbour Physio")
    check = check_server(empty_database)
    assert check.state == CLINIC and check.usable
    assert "Harbour Physio" in check.summary()


def test_a_clinic_from_a_newer_clinicdesk_is_not_usable(empty_database):
    Clinic.open(empty_database).close()
    run(empty_database, "UPDATE alembic_version SET version_num = '9999'")
    check = check_server(empty_database)
    assert check.state == NEWER and not check.usable
    assert "newer ClinicDesk" in check.summary()


def test_someone_elses_tables_are_not_a_clinic(empty_database):
    run(empty_database, "CREATE TABLE stock (id integer primary key)")
    check = check_server(empty_database)
    assert check.state == OTHER and not check.usable


def test_a_database_that_does_not_exist_is_named(empty_database):
    missing = make_url(empty_database).set(database="no_such_clinic").render_as_string(
        hide_password=False)
    with pytest.raises(ServerUnreachable) as refusal:
        check_server(missing)
    assert "no database called \u201cno_such_clinic\u201d" in str(refusal.value)


def test_the_check_changes_nothing_on_the_server(empty_database):
    check_server(empty_database)
    engine = create_engine(empty_database, poolclass=NullPool)
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT count(*) FROM information_schema.tables "
                                   "WHERE table_schema = 'public'")).scalar()
    engine.dispose()
    assert tables == 0


def test_a_desk_prefers_tls_and_one_that_requires_it_is_told_the_server_has_none(
        empty_database):
    """Issue 23: the address says sslmode=prefer (encrypted whenever the server offers it);
    the test server here offers no TLS, so "prefer" connects and "require" is refused in
    the desk's words, naming the server."""
    from app.services.connection import server_fields, server_url
    url = make_url(empty_database)
    fields = server_fields(empty_database)
    prefer = server_url(fields.__class__(url.host, url.port, url.database, url.username,
                                         url.password or "", "prefer"))
    assert "sslmode=prefer" in prefer
    assert check_server(prefer).state == EMPTY
    with Clinic.open(prefer) as clinic:  # the clinic opens on that address too
        assert clinic.settings.get().name == ""
    require = server_url(fields.__class__(url.host, url.port, url.database, url.username,
                                          url.password or "", "require"))
    with pytest.raises(ServerUnreachable) as refusal:
        check_server(require)
    assert "does not offer an encrypted connection (TLS)" in str(refusal.value)
    assert f"{url.host}:{url.port}" in str(refusal.value)
