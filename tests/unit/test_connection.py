"""Pointing a desk at a clinic on a PostgreSQL server: the address from what the desk
typed, and what a failed check tells the desk (issue 9). The checks against a real server
are in tests/pg/test_server_check.py."""

from __future__ import annotations

import pytest

from app import i18n
from app.services.connection import (DEFAULT_PORT, ServerFields, ServerUnreachable,
                                     check_server, is_server, server_fields, server_url)
from app.services.errors import ValidationError


def fields(**changes) -> ServerFields:
    values = dict(host="clinic-server", port=5432, database="harbour", user="desk1",
                  password="s3cret")
    values.update(changes)
    return ServerFields(**values)


def test_an_address_is_built_from_the_form_and_read_back_the_same():
    url = server_url(fields(password="p@ss/w:rd"))
    assert url.startswith("postgresql+psycopg://desk1:")
    assert server_fields(url) == fields(password="p@ss/w:rd")


def test_the_password_may_be_left_out():
    url = server_url(fields(password=""))
    assert url == "postgresql+psycopg://desk1@clinic-server:5432/harbour?sslmode=prefer"
    assert server_fields(url).password == ""


@pytest.mark.parametrize("change, field", [
    (dict(host=""), "host"), (dict(host="clinic server"), "host"), (dict(port="abc"), "port"),
    (dict(port=0), "port"), (dict(port=70000), "port"), (dict(database=" "), "database"),
    (dict(user=""), "user")])
def test_a_form_missing_something_is_refused_naming_the_field(change, field):
    with pytest.raises(ValidationError) as refusal:
        server_url(fields(**change))
    assert refusal.value.field == field
    assert str(refusal.value).endswith(".")


def test_nothing_saved_reads_as_an_empty_form_on_the_usual_port():
    assert server_fields(None) == ServerFields()
    assert server_fields("not a url") == ServerFields()
    assert ServerFields().port == DEFAULT_PORT


def test_a_server_that_is_not_there_is_explained_in_the_desks_words():
    url = server_url(fields(host="127.0.0.1", port=1))
    with pytest.raises(ServerUnreachable) as refusal:
        check_server(url, seconds=2)
    message = str(refusal.value)
    assert "could not reach the server 127.0.0.1:1" in message
    assert "s3cret" not in message


def test_the_explanation_is_in_french_for_a_french_desk():
    i18n.set_language(i18n.FRENCH)
    try:
        with pytest.raises(ServerUnreachable) as refusal:
            check_server(server_url(fields(host="127.0.0.1", port=1)), seconds=2)
    finally:
        i18n.set_language(i18n.ENGLISH)
    assert "serveur 127.0.0.1:1" in str(refusal.value)


def test_server_addresses_are_told_from_clinic_files():
    assert is_server("postgresql+psycopg://desk@server/clinic")
    assert is_server("postgres://desk@server/clinic")
    assert not is_server("/home/desk/clinic.db")
    assert not is_server(None)
