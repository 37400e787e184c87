"""Two desks at once on PostgreSQL: another desk holds a row while the calls under test start,
each in its own thread; every call must wait for that row, then all run to the end once it is
let go. (On SQLite BEGIN IMMEDIATE serialises every write, so these tests need the server.)"""

from __future__ import annotations

import threading

from sqlalchemy import text

from app.services import ClinicError

WAIT = 0.4  # long enough for a call that does not wait to have finished


def while_held(clinic, table: str, row_id: int, *calls, lock: str = "FOR NO KEY UPDATE",
               what: str = "the lock", edits=(), commit: bool = False) -> list:
    """Each call's result, or the ClinicError it raised, in order. `edits` ((sql, params),
    …) are the other desk's changes under its lock, committed when it lets go if `commit`
    (else rolled back)."""
    holder = clinic.db.engine.connect()
    holder.execute(text(f"SELECT id FROM {table} WHERE id = :id {lock}"), {"id": row_id})
    for sql, params in edits:
        holder.execute(text(sql), params)
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            outcomes[i] = call()
        except ClinicError as error:
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i, c), daemon=True)
               for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert all(t.is_alive() for t in threads), f"a call did not wait for {what}"
    holder.commit() if commit else holder.rollback()
    holder.close()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()
    return outcomes
