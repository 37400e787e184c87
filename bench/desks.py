"""Several desks at once on one clinic (issue 22): N processes, each a receptionist's day
compressed (bench/desk_day.py), on the ten-year clinic, then every acknowledged write looked
for (bench/desk_checks.py). Run by hand:

    .venv/bin/python -m bench.desks --desks 10 --minutes 3 --postgresql   # its own server
    .venv/bin/python -m bench.desks --desks 2 --minutes 3                 # a copy of the file
    .venv/bin/python -m bench.desks --desks 10 --db-url URL               # a loaded server

On SQLite the desks share a copy of bench/data/large.db; with --postgresql a server is
started (bench/pg_server.py), the file loaded into it (bench/generate_pg.py) and the server
deleted after. `--year-reports` adds one more process running one-year reports back to back
while the desks work (`--report-pause S`: S seconds apart, as an owner now and then).
Each run is added to bench/results/<date>-<host>-desks.json: the actions done, p50/p95/p99
per kind, p95 of a write, refusals, errors (what a receptionist would have seen as a
failure), and lost (acknowledged writes missing, changed or made twice, broken invariants,
a broken audit chain).

Targets, ten desks on PostgreSQL: p95 of a write <= 30 ms, of a search keystroke and of a day
view <= 50 ms, 0 errors, 0 lost.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import desk_checks, desk_plan  # noqa: E402
from bench.desk_day import WRITES, run_desk  # noqa: E402

DEFAULT_DB = ROOT / "bench" / "data" / "large.db"
TARGETS = {"write": 30, "search": 50, "day": 50}


def percentiles(samples: list[float]) -> dict:
    if len(samples) < 2:
        value = round(samples[0], 2) if samples else None
        return {"n": len(samples), "p50": value, "p95": value, "p99": value}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"n": len(samples), "p50": round(statistics.median(samples), 2),
            "p95": round(cuts[94], 2), "p99": round(cuts[98], 2),
            "max": round(max(samples), 2)}


@contextlib.contextmanager
def target(args):
    """The clinic the desks share, and its engine's name; gone after unless it was given."""
    if args.db_url:
        yield args.db_url, "postgresql"
        return
    if args.postgresql:
        from bench import generate_pg, pg_server

        with pg_server.running() as server:
            url = pg_server.database(server, "clinicdesk_desks")
            started = time.perf_counter()
            generate_pg.load(args.db, url)
            print(f"loaded {args.db.name} into PostgreSQL in {time.perf_counter() - started:.0f} s")
            yield url, "postgresql"
        return
    folder = Path(tempfile.mkdtemp(prefix="clinicdesk-desks-"))
    try:
        copy = folder / "clinic.db"
        shutil.copyfile(args.db, copy)
        yield str(copy), "sqlite"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args, where: str, engine: str) -> dict:
    from app.services import Clinic

    clinic = Clinic.open(where)
    try:
        plans = desk_plan.plans(clinic, where, args.desks, args.minutes * 60, args.pace)
        marks = desk_checks.before(clinic)
    finally:
        clinic.close()
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    folder = Path(tempfile.mkdtemp(prefix="clinicdesk-desk-results-"))
    processes, outs = [], []
    reports = desk_plan.year_reports(plans[0], args.report_pause) if args.year_reports else []
    for plan in plans + reports:
        ready, out = context.Event(), folder / f"desk-{plan['desk']}.json"
        worker = run_desk if plan["desk"] != "reports" else desk_plan.run_reports
        process = context.Process(target=worker, args=(plan, ready, go, str(out)))
        process.start()
        processes.append((process, ready))
        outs.append(out)
    for process, ready in processes:
        if not ready.wait(300):
            raise SystemExit(f"a desk did not open the clinic (exit {process.exitcode})")
    load_before = os.getloadavg()
    started = time.perf_counter()
    go.set()
    for process, _ready in processes:
        process.join(args.minutes * 60 + 300)
    seconds = time.perf_counter() - started
    load_after = os.getloadavg()
    results = [json.loads(out.read_text()) for out in outs if out.exists()]
    shutil.rmtree(folder, ignore_errors=True)
    if len(results) != len(processes):
        raise SystemExit(f"{len(processes) - len(results)} desk(s) ended without a result")

    clinic = Clinic.open(where)
    try:
        acknowledged = [w for r in results for w in r["acknowledged"]]
        lost = desk_checks.lost(clinic, marks, acknowledged)
    finally:
        clinic.close()
    return summary(args, engine, results, lost, marks["ledger"], seconds, load_before,
                   load_after)


def summary(args, engine, results, lost, lost_before, seconds, load_before,
            load_after) -> dict:
    times: dict[str, list[float]] = {}
    refused: dict[str, int] = {}
    refusals: list[str] = []
    errors = []
    for result in results:
        for kind, samples in result["times"].items():
            times.setdefault(kind, []).extend(samples)
        for kind, sentences in result["refused"].items():
            refused[kind] = refused.get(kind, 0) + len(sentences)
            refusals += [f"{kind}: {sentence}" for sentence in sentences[:3]]
        errors += result["errors"]
    writes = [ms for kind in WRITES for ms in times.get(kind, [])]
    per_kind = {kind: percentiles(samples) for kind, samples in sorted(times.items())}
    p95 = {"write": percentiles(writes)["p95"], "search": per_kind.get("search", {}).get("p95"),
           "day": per_kind.get("day", {}).get("p95")}
    desks_only = [r for r in results if r["desk"] != "reports"]
    return {
        "when": datetime.now().isoformat(timespec="seconds"), "engine": engine,
        "desks": args.desks, "minutes": args.minutes, "pace_s": args.pace,
        "year_reports": args.year_reports,
        "report_pause_s": args.report_pause if args.year_reports else None,
        "seconds": round(seconds, 1),
        "ledger_broken_before": lost_before,
        "cpus": os.cpu_count(), "load_before": load_before, "load_after": load_after,
        "actions": sum(len(s) for r in desks_only for s in r["times"].values()),
        "writes_acknowledged": sum(len(r["acknowledged"]) for r in desks_only),
        "per_kind_ms": per_kind, "p95_write_ms": p95["write"],
        "targets_ms": TARGETS,
        "ok": {k: (v is not None and v <= TARGETS[k]) for k, v in p95.items()},
        "retries": 0,  # the services do not retry: a conflict waits on its lock or is an error
        "refused": refused, "refused_samples": refusals[:10], "errors": len(errors), "error_samples": errors[:10],
        "lost": len(lost), "lost_sentences": lost[:20],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--pace", type=float, default=0.5,
                        help="seconds a receptionist pauses between actions, on average")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--year-reports", action="store_true")
    parser.add_argument("--report-pause", type=float, default=0.0,
                        help="seconds between one-year reports (0: back to back)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if not args.db_url and not args.db.exists():
        print(f"{args.db} not found: run `python -m bench.generate` first", file=sys.stderr)
        return 2
    with target(args) as (where, engine):
        result = run(args, where, engine)
    print(json.dumps({k: v for k, v in result.items() if k != "per_kind_ms"}, indent=1))
    for kind, row in result["per_kind_ms"].items():
        print(f"  {kind:11} n={row['n']:6}  p50 {row['p50']}  p95 {row['p95']}  p99 {row['p99']}")
    host = socket.gethostname()
    out = args.out or ROOT / "bench" / "results" / f"{date.today().isoformat()}-{host}-desks.json"
    runs = json.loads(out.read_text())["runs"] if out.exists() else []
    out.write_text(json.dumps({"host": host, "runs": runs + [result]}, indent=1) + "\n")
    print(f"added to {out}")
    return 0 if not result["errors"] and not result["lost"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
