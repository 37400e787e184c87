"""bench/run.py on PostgreSQL (issue 22): every measure, the service next to the
hand-written psycopg code of bench/hand_pg.py, with the same targets and checks.

    .venv/bin/python -m bench.run --postgresql      # start a server, load bench/data/large.db
                                                    # into it (bench/generate_pg.py), run, stop
    .venv/bin/python -m bench.run --db-url URL      # a database `bench.generate --db-url` loaded

The run never writes into the loaded database: it writes into a copy made for it (CREATE
DATABASE ... TEMPLATE, seconds), dropped at the end, as the SQLite run copies its file. So a
run finds the same clinic, the same "today" and the same write targets as the last one did,
and `--db-url` can be run again and again against one load. (Nothing else may be connected
to the loaded database while it is copied: PostgreSQL refuses a template in use.)

Results: bench/results/<date>-<host>-postgresql.json, "engine": "postgresql", with the load's
timings when this run loaded the clinic, and the server's version and settings.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from app.services import Clinic
from bench import generate_pg, hand_pg, pg_server
from bench.run import ROOT, Bench, bench_today, measure_all, rss_mb
from bench.run_results import write_results

RUN_DATABASE = "clinicdesk_bench_run"
SETTINGS = ("server_version", "shared_buffers", "work_mem", "effective_cache_size",
            "random_page_cost", "jit", "fsync", "synchronous_commit",
            "max_parallel_workers_per_gather")


def main(args) -> int:
    if args.postgresql:
        if not args.db.exists():
            print(f"{args.db} not found: run `python -m bench.generate` first", file=sys.stderr)
            return 2
        with pg_server.running() as server:
            print(f"server {server} (.ci/postgres, durable); loading {args.db}", flush=True)
            loaded = pg_server.database(server, "clinicdesk_bench")
            load = generate_pg.load(args.db, loaded)
            return run(args, loaded, {"started_by": "bench.run --postgresql (.ci/postgres, "
                                                     "durable: fsync and synchronous commit on)",
                                      "load": load})
    return run(args, args.db_url, {"started_by": "given (--db-url)"})


def _about(url: str) -> tuple[dict, dict]:
    con = hand_pg.connect(url)
    try:
        settings = {name: con.execute(f"SHOW {name}").fetchone()[0] for name in SETTINGS}
        size = con.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        database = {"url": url.split("@")[-1], "mb": round(size / 1e6),
                    "rows": hand_pg.counts(con), "today": hand_pg.today(con).isoformat()}
    finally:
        con.close()
    return settings, database


def _configure(url: str, settings: list[str]) -> None:
    """--pg-setting NAME=VALUE: set for every session on the run's copy (the program's and
    the hand-written side's alike), as a clinic's administrator would set it on the server."""
    from psycopg import sql

    con = hand_pg.connect(url)
    try:
        for setting in settings:
            name, _, value = setting.partition("=")
            con.execute(sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                sql.Identifier(RUN_DATABASE), sql.Identifier(name.strip()),
                sql.Literal(value.strip())))
    finally:
        con.close()


def run(args, loaded: str, server: dict) -> int:
    import psycopg

    load_before = os.getloadavg()
    work_dir = Path(tempfile.mkdtemp(prefix="clinicdesk-bench-pg-"))
    started = time.perf_counter()
    work = generate_pg.template(loaded, RUN_DATABASE)
    copy_s = time.perf_counter() - started
    try:
        _configure(work, args.pg_setting)
        settings, database = _about(work)
        database["copied_for_the_run_s"] = round(copy_s, 1)
        today = bench_today(work)
        # the program's own peak memory, in a fresh process, before this one grows (reads)
        memory = json.loads(subprocess.run(
            [sys.executable, "-m", "bench.memory", work], cwd=ROOT, capture_output=True,
            text=True, check=True).stdout)
        now = datetime.combine(today, datetime.min.time()) + timedelta(hours=12)
        start_rss = rss_mb()
        t0 = time.perf_counter()
        clinic = Clinic.open(work, clock=lambda: now)
        open_ms = (time.perf_counter() - t0) * 1000
        con = hand_pg.connect(work)
        bench = Bench(args.runs)
        print(f"PostgreSQL {settings['server_version']}, database {database['url']} "
              f"({database['mb']} MB, a copy of the loaded one made in {copy_s:.1f} s), "
              f"today {today}, opened in {open_ms:.0f} ms; load average {load_before[0]:.2f}")
        try:
            measure_all(bench, clinic, con, hand_pg, today, now, args, work_dir,
                        ["--db-url", work])
        finally:
            clinic.close()
            con.close()
        write_results(args, bench, memory, load_before, start_rss, open_ms,
                      engine="postgresql", database=database, extra={"server": server},
                      versions={"postgresql": settings, "psycopg": psycopg.__version__})
    finally:
        generate_pg.drop(work)
        shutil.rmtree(work_dir, ignore_errors=True)
    return 0
