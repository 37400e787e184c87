"""The ten-year clinic on a PostgreSQL server (issue 22): bench/generate.py's SQLite file,
loaded into a database with COPY.

    .venv/bin/python -m bench.generate --db-url URL     # build or reuse the file, load it
    .venv/bin/python -m bench.generate_pg FILE URL      # load an existing file

The schema is the real one: `Clinic.open(url)` migrates the empty database (Alembic), so the
server ends with exactly the migrations' tables, constraints and indexes. The rows are then
streamed from the file table by table (parents first), one transaction for the lot:
- every table the migrations filled (the settings row) is emptied first, and each COPY runs
  in the transaction that emptied it, with FREEZE: the rows land already frozen and visible
  to all, so the first reads do not rewrite every page to set hint bits, and the visibility
  map lets index-only scans skip the heap from the start (as on a clinic's server that has
  been vacuumed);
- the secondary indexes are dropped for the load and rebuilt after from their own
  definitions (one sorted build each, instead of millions of insertions);
- foreign keys are not checked row by row (session_replication_role = replica): the rows
  come from a file whose own foreign keys were on, and the counts and money figures are
  checked against the file afterwards;
- SQLite's text dates and datetimes, its 0/1 booleans and its blobs are written as they are:
  COPY's text input parses each into the column's type ('1'/'0' are booleans there too).
Then every id sequence continues past the largest id, VACUUM ANALYZE gives the planner its
statistics, and app.services.transfer.figures (the same check `clinicdesk migrate-to`
makes) must agree on both sides.

`template(url, name)` copies a loaded database into a fresh one (CREATE DATABASE ...
TEMPLATE, a file copy): bench/run.py writes into such a copy, never into the loaded one.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pg_server  # noqa: E402

BATCH = 20_000


def _secondary_indexes(cur) -> list[tuple[str, str]]:
    """(name, CREATE INDEX ...) of every index in public that no constraint owns."""
    cur.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname")
    return cur.fetchall()


def _copy_table(source: sqlite3.Connection, cur, table) -> int:
    have = {row[1] for row in source.execute(f'PRAGMA table_info("{table.name}")')}
    columns = [c.name for c in table.columns if c.name in have]
    if not columns:
        return 0
    quoted = ", ".join(f'"{c}"' for c in columns)
    rows = source.execute(f'SELECT {quoted} FROM "{table.name}"')
    copied = 0
    with cur.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN (FREEZE)') as copy:
        while batch := rows.fetchmany(BATCH):
            for row in batch:
                copy.write_row(row)
            copied += len(batch)
    return copied


def _reset_sequences(cur, tables) -> None:
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1:
            continue
        cur.execute("SELECT pg_get_serial_sequence(%s, %s)", (f'"{table.name}"', keys[0].name))
        sequence = cur.fetchone()[0]
        if sequence:
            cur.execute(f'SELECT setval(%s, coalesce(max("{keys[0].name}"), 0) + 1, false) '
                        f'FROM "{table.name}"', (sequence,))


def _figures_of(url_or_path) -> dict[str, int]:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.services.db import database_url
    from app.services.transfer import figures

    engine = create_engine(database_url(url_or_path))
    try:
        with Session(engine) as session:
            return figures(session)
    finally:
        engine.dispose()


def load(sqlite_path: Path, url: str, *, out=print) -> dict:
    """Load the clinic file into the empty database at `url`; timings and figures back."""
    import psycopg

    from app.models import Base
    from app.services import Clinic

    with psycopg.connect(pg_server.plain_url(url)) as con:
        tables_there = con.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                                   ).fetchone()[0]
    if tables_there:  # the load empties every table: never a database in use
        raise RuntimeError(f"{url} is not empty ({tables_there} tables): load into a new one")
    started = time.perf_counter()
    Clinic.open(url).close()  # the schema, by the migrations
    migrated = time.perf_counter()
    tables = list(Base.metadata.sorted_tables)
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    counts: dict[str, int] = {}
    try:
        with psycopg.connect(pg_server.plain_url(url)) as con, con.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            cur.execute("SET maintenance_work_mem = '256MB'")
            indexes = _secondary_indexes(cur)
            for name, _ in indexes:
                cur.execute(f'DROP INDEX "{name}"')
            cur.execute("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables))
            for table in tables:
                at = time.perf_counter()
                counts[table.name] = _copy_table(source, cur, table)
                if counts[table.name] > 10_000:
                    out(f"  {table.name:24} {counts[table.name]:>10,} rows "
                        f"{time.perf_counter() - at:6.1f} s")
            copied = time.perf_counter()
            for _, definition in indexes:
                cur.execute(definition)
            indexed = time.perf_counter()
            _reset_sequences(cur, tables)
            cur.execute("SET session_replication_role = origin")
        committed = time.perf_counter()
        with psycopg.connect(pg_server.plain_url(url), autocommit=True) as con:
            con.execute("VACUUM (ANALYZE)")
            # The gigabyte just written is still in the server's buffers: unasked, a
            # checkpoint writes it out over the next minutes, and its fsyncs stall the
            # commits of whatever is measured then (1-1.5 s waits in a desk's write, in
            # bench.desks; issue 22). A clinic's server has no such load in its day.
            con.execute("CHECKPOINT")
        analysed = time.perf_counter()
    finally:
        source.close()
    file_figures, server_figures = _figures_of(sqlite_path), _figures_of(url)
    different = {k: (v, server_figures.get(k)) for k, v in file_figures.items()
                 if server_figures.get(k) != v}
    if different:
        raise RuntimeError(f"the server's copy differs from the file: {different}")
    timings = {"migrate_s": migrated - started, "copy_s": copied - migrated,
               "indexes_s": indexed - copied, "commit_s": committed - indexed,
               "vacuum_analyze_s": analysed - committed, "total_s": analysed - started,
               "check_s": time.perf_counter() - analysed}
    out(f"loaded {sqlite_path} into {url} in {timings['total_s']:.1f} s (migrate "
        f"{timings['migrate_s']:.1f} s, copy {timings['copy_s']:.1f} s, "
        f"{len(indexes)} indexes {timings['indexes_s']:.1f} s, commit "
        f"{timings['commit_s']:.1f} s, vacuum analyze and checkpoint "
        f"{timings['vacuum_analyze_s']:.1f} s); "
        f"{sum(counts.values()):,} rows, figures equal to the file's "
        f"(checked in {timings['check_s']:.1f} s)")
    return {"timings": {k: round(v, 1) for k, v in timings.items()}, "rows": counts,
            "indexes_rebuilt": len(indexes)}


def template(url: str, name: str) -> str:
    """A fresh database `name`, a copy of the (loaded, unused) database at `url`.

    FILE_COPY copies the files after a checkpoint, instead of writing every page through
    the WAL (PostgreSQL 15's default): seconds, not minutes, for the ten-year clinic."""
    import psycopg

    source = url.rsplit("/", 1)[1]
    with psycopg.connect(pg_server.plain_url(url.rsplit("/", 1)[0] + "/postgres"),
                         autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        version = con.execute("SHOW server_version_num").fetchone()[0]
        strategy = " STRATEGY = FILE_COPY" if int(version) >= 150000 else ""
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"{strategy}')
    return url.rsplit("/", 1)[0] + "/" + name


def drop(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(pg_server.plain_url(url.rsplit("/", 1)[0] + "/postgres"),
                         autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("url", help="an empty database, postgresql+psycopg://...")
    args = parser.parse_args(argv)
    load(args.file, args.url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
