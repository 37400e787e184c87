"""Rows a write changes with one statement, past the unit of work (issue 22).

A flushed ORM object costs about three times its INSERT or UPDATE, so the writes every desk
makes all day (an arrival's use, a refund's release, a share ended) send their statements
on the session's Connection. A row the same write already holds as an object must then be
told what the statement wrote, or it would go on showing the old values, and an
appointment would send its old version with its next change and be refused as changed by
another desk.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key


def written(s: Session, model, ident: int, **values) -> None:
    """The row `ident` of `model` now holds `values` in the database: so does its object,
    if this session holds one (as loaded, not as a change still to write)."""
    held = s.identity_map.get(identity_key(model, ident))
    if held is not None:
        for name, value in values.items():
            set_committed_value(held, name, value)
