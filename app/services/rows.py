"""Rows a write reads or changes with one statement, past the unit of work (issue 22).

A flushed ORM object costs about three times its INSERT or UPDATE, and an object loaded
three times its row's columns, so the writes every desk makes all day (a sale, a payment,
an arrival, a refund) read what they only read as columns and send their changes on the
session's Connection. A row the same write already holds as an object must then be told
what the statement wrote, or it would go on showing the old values, and an appointment
would send its old version with its next change and be refused as changed by another desk.
The rules do not change with this: they read a row's columns by name, as an object's.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key


def written(s: Session, model, ident: int, **values) -> None:
    """The row `ident` of `model` now holds `values` in the database: so does its object,
    if this session holds one (as loaded, not as a change still to write)."""
    held = s.identity_map.get(identity_key(model, ident))
    if held is not None:
        for name, value in values.items():
            set_committed_value(held, name, value)


def inserted(s: Session, model, statement, **values):
    """Write a new row with `statement` (its table's INSERT ... RETURNING id, built once)
    and hand back its object as though loaded: persistent in this session, without the
    flush that would otherwise write it. `values` must name every column but the id, or
    the object would read the missing ones back with a query of its own."""
    missing = model.__table__.c.keys() - values.keys() - {"id"}
    if missing:  # a mistake in code, not a desk's: say which
        raise TypeError(f"{model.__tablename__}: no value for {sorted(missing)}")  # i18n: not shown
    row = model(id=s.connection().execute(statement, values).scalar_one(), **values)
    make_transient_to_detached(row)
    s.add(row)
    return row


_BY_ID: dict[type, object] = {}  # model -> its built "SELECT <every column> ... WHERE id"


def read(s: Session, model, ident: int):
    """A row to read, not to change (a catalogue entry a write bills by): its columns by
    name, as an object has them, or None; a third of an object's cost, and nothing kept."""
    query = _BY_ID.get(model)
    if query is None:
        table = model.__table__
        query = _BY_ID[model] = select(table).where(table.c.id == bindparam("id"))
    return s.connection().execute(query, {"id": ident}).first()


_SETS: dict[tuple, object] = {}  # (model, versioned, column names) -> its built UPDATE


def _update(model, names: tuple, versioned: bool):
    """The UPDATE of one row's columns `names`, built once; with `versioned`, only of the
    version this write read, counting it on and handing the new one back."""
    key = (model, versioned, names)
    statement = _SETS.get(key)
    if statement is None:
        table = model.__table__
        statement = update(table).values({n: bindparam(f"new_{n}") for n in names})
        if versioned:
            statement = (statement.where(table.c.id == bindparam("row_id"),
                                         table.c.version == bindparam("read_version"))
                         .values(version=table.c.version + 1).returning(table.c.version))
        else:
            statement = statement.where(table.c.id == bindparam("row_id"))
        _SETS[key] = statement
    return statement


def set_columns(s: Session, model, ident: int, **values) -> None:
    """UPDATE one row's `values` at once, and its object here, if any (`written`): for a
    change no rule checks by version (a package's status)."""
    s.connection().execute(_update(model, tuple(sorted(values)), False),
                           {"row_id": ident, **{f"new_{k}": v for k, v in values.items()}})
    written(s, model, ident, **values)


def set_versioned(s: Session, model, row, **values) -> None:
    """`set_columns` for a row whose changes are counted by version (an appointment; `row`
    as read, an object or its columns): the UPDATE names the version this write read, as
    the mapper's would, and a row another desk changed since is refused the mapper's way
    (Database.write says so)."""
    version = s.connection().execute(_update(model, tuple(sorted(values)), True), {
        "row_id": row.id, "read_version": row.version,
        **{f"new_{k}": v for k, v in values.items()}}).scalar()
    if version is None:
        raise StaleDataError(f"{model.__tablename__} {row.id} changed")  # i18n: not shown
    written(s, model, row.id, version=version, **values)


def ask(s: Session, statement, params: dict):
    """One value of a question asked on every write (a sum, a count), on the Connection:
    what the write has still to flush goes first, as the session would do it (autoflush),
    but the ORM's own ~30 us per statement is saved (issue 22)."""
    if s.autoflush and (s.new or s.dirty or s.deleted):
        s.flush()
    return s.connection().execute(statement, params).scalar()
