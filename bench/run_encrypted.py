"""The ten-year clinic encrypted against plain, in one run (issue 23, "Speed and checks"):

    .venv/bin/python -m bench.run_encrypted [--db PATH] [--repeat N] [--runs N]

Two copies of --db are made beside it (the same disk), one is encrypted with
app.services.encryption.encrypt_file under a new key (that conversion is timed too), and then
the same measuring code as bench/run.py (its measure_* functions, not a copy of them) runs on
both in turn: open to first answer, patient search per keystroke, the day view, the writes,
the one-year reports. On a shared, noisy machine the order alternates, plain then encrypted,
then encrypted then plain, section by section and round by round, so load falls on both
alike; each figure is the median over --repeat rounds of bench.run's median of --runs calls.
Results: bench/results/<date>-<host>-encrypted.json; the copies are removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services import Clinic  # noqa: E402
from app.services import clinic_key  # noqa: E402
from app.services.encryption import encrypt_file, journal_of  # noqa: E402
from bench import hand  # noqa: E402
from bench.run import (DEFAULT_DB, HEADER, RESULTS, Bench, bench_today,  # noqa: E402
                       measure_day, measure_reports, measure_search, measure_writes)
from bench.run_books import measure_book_reports  # noqa: E402

ENGINES = ("plain", "encrypted")
KEY_VARIABLE = "CLINICDESK_BENCH_KEY"  # the child's key: in its environment, not in `ps`


@dataclass
class Side:
    """One of the two clinic files, with everything measured on it."""
    engine: str
    path: Path
    key: str | None
    bench: Bench
    clinic: Clinic | None = None
    con: object = None
    rounds: list[dict] = field(default_factory=list)  # per round: measure name -> Result


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


# ------------------------------------------------------------------------------ conversion

def convert(path: Path, key: str) -> dict:
    """encrypt_file on the copy at `path`, timed step by step (its progress calls)."""
    stamps: list[float] = []
    start = time.perf_counter()
    kept = encrypt_file(path, key, now=datetime.now(),
                        progress=lambda done, total: stamps.append(time.perf_counter()))
    total = time.perf_counter() - start
    size = kept.stat().st_size
    # The kept plain copy is only this bench's copy: a plain unlink, not the desk's wipe.
    kept.unlink()
    journal_of(path).unlink(missing_ok=True)
    steps = [round(b - a, 2) for a, b in zip([start] + stamps, stamps)]
    return {"seconds": round(total, 2), "export_s": steps[0], "check_s": steps[1],
            "sync_and_swap_s": round(sum(steps[2:]), 2), "plain_mb": round(size / 1e6, 1),
            "encrypted_mb": round(path.stat().st_size / 1e6, 1)}


# ------------------------------------------------------------------------------ open

def open_once(path: Path) -> dict:
    """In this (fresh) process: Clinic.open to the first answered search, as a desk starts."""
    key = os.environ.get(KEY_VARIABLE) or None
    start = time.perf_counter()
    clinic = Clinic.open(path, key=key)
    opened = time.perf_counter()
    clinic.patients.search("ma")
    answered = time.perf_counter()
    clinic.close()
    return {"open_ms": (opened - start) * 1000, "to_first_answer_ms": (answered - start) * 1000}


def measure_open(sides: list[Side], runs: int) -> dict:
    """Each open in its own process (nothing cached in SQLite's or SQLCipher's pages, the
    key said anew); plain and encrypted alternate, in turn first."""
    times: dict[str, list[dict]] = {side.engine: [] for side in sides}
    for i in range(runs):
        for side in sides if i % 2 == 0 else sides[::-1]:
            env = dict(os.environ)
            env.pop(KEY_VARIABLE, None)
            if side.key:
                env[KEY_VARIABLE] = side.key
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "bench.run_encrypted", "--open-once",
                                   str(side.path)], cwd=ROOT, env=env, capture_output=True,
                                  text=True, check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            figures["process_ms"] = (time.perf_counter() - start) * 1000
            times[side.engine].append(figures)
    out = {}
    for what in ("to_first_answer_ms", "open_ms", "process_ms"):
        row = {e: statistics.median(t[what] for t in times[e]) for e in times}
        row["ratio"] = row["encrypted"] / row["plain"]
        out[what] = {k: round(v, 2 if k != "ratio" else 3) for k, v in row.items()}
    print(f"open (fresh process, to first answer): plain {out['to_first_answer_ms']['plain']:.0f}"
          f" ms, encrypted {out['to_first_answer_ms']['encrypted']:.0f} ms "
          f"({out['to_first_answer_ms']['ratio']:.2f}x)", flush=True)
    return out


# ------------------------------------------------------------------------------ the rounds

def sections(today: date, now: datetime, args):
    """bench.run's own measures, each a function of one side."""
    return (
        ("search", lambda s: measure_search(s.bench, s.clinic, s.con, hand)),
        ("day view", lambda s: measure_day(s.bench, s.clinic, s.con, hand, today)),
        ("writes", lambda s: measure_writes(s.bench, s.clinic, s.con, hand, today, now,
                                            args.runs)),
        ("reports", lambda s: measure_reports(s.bench, s.clinic, s.con, hand, today, args,
                                              spans=("1 year",))),
        ("books", lambda s: measure_book_reports(s.bench, s.clinic, s.con, today, args)),
    )


def run_rounds(sides: list[Side], today: date, now: datetime, args) -> None:
    for side in sides:
        side.clinic = Clinic.open(side.path, clock=lambda: now, key=side.key)
        side.con = hand.connect(side.path, key=side.key)
    try:
        turn = 0
        for r in range(args.repeat):
            for side in sides:
                side.rounds.append({})
            for name, section in sections(today, now, args):
                for side in sides if turn % 2 == 0 else sides[::-1]:
                    print(f"-- round {r + 1}/{args.repeat}, {name}, {side.engine}", flush=True)
                    print(HEADER)
                    before = len(side.bench.results)
                    section(side)
                    for result in side.bench.results[before:]:
                        side.rounds[-1][result.name] = result
                turn += 1
    finally:
        for side in sides:
            if side.con is not None:
                side.con.close()
            if side.clinic is not None:
                side.clinic.close()


def _median(values):
    values = [v for v in values if v is not None and v == v]
    return round(statistics.median(values), 2) if values else None


def _ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def summary(sides: list[Side]) -> list[dict]:
    """Per measure: each engine's median over the rounds, and encrypted / plain."""
    plain, encrypted = sides
    rows = []
    for name, first in plain.rounds[0].items():
        per = {side.engine: [rnd[name] for rnd in side.rounds if name in rnd] for side in sides}
        row = {"name": name, "group": first.group, "target_ms": first.target_ms,
               "rounds": len(per["plain"]), "runs_per_round": first.runs}
        for engine, results in per.items():
            row[f"{engine}_ms"] = _median(r.median_ms for r in results)
            row[f"{engine}_cpu_ms"] = _median(r.cpu_ms for r in results)
            row[f"{engine}_hand_ms"] = _median(r.hand_ms for r in results)
            row[f"{engine}_rounds_ms"] = [round(r.median_ms, 2) for r in results]
            row[f"{engine}_same_as_hand"] = all(r.same_answer is not False for r in results)
        row["ratio"] = _ratio(row["encrypted_ms"], row["plain_ms"])
        row["cpu_ratio"] = _ratio(row["encrypted_cpu_ms"], row["plain_cpu_ms"])
        row["hand_ratio"] = _ratio(row["encrypted_hand_ms"], row["plain_hand_ms"])
        row["rows"] = first.rows
        # The two files started as one and took the same writes: the same rows, or a bug.
        row["same_rows"] = ([r.rows for r in per["plain"]] ==
                            [r.rows for r in per["encrypted"]])
        rows.append(row)
    return rows


def markdown(payload: dict) -> str:
    """The table for bench/RESULTS.md."""
    def ms(x):
        return "-" if x is None else f"{x:,.1f}"

    def ratio(x):
        return "-" if x is None else f"{x:.2f}x"
    # (CPU time too: this process's own, so less moved by the other jobs on the machine)
    lines = ["| measure | plain ms | encrypted ms | ratio | CPU ratio | hand-written plain / "
             "encrypted ms | ratio |", "|---|---:|---:|---:|---:|---:|---:|"]
    o = payload["open"]["to_first_answer_ms"]
    lines.append(f"| open (fresh process, Clinic.open to first search answered) | "
                 f"{ms(o['plain'])} | {ms(o['encrypted'])} | {ratio(o['ratio'])} | - | - | - |")
    for r in payload["measures"]:
        lines.append(f"| {r['name']} | {ms(r['plain_ms'])} | {ms(r['encrypted_ms'])} | "
                     f"{ratio(r['ratio'])} | {ratio(r['cpu_ratio'])} | {ms(r['plain_hand_ms'])} / "
                     f"{ms(r['encrypted_hand_ms'])} | {ratio(r['hand_ratio'])} |")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ main

def run(args) -> dict:
    load_before, uptime_before = os.getloadavg(), uptime()
    folder = args.db.resolve().parent
    prefix = f"encbench-{os.getpid()}-"
    paths = {e: folder / f"{prefix}{e}.db" for e in ENGINES}
    had_backups = (folder / "backups").exists()
    try:
        for path in paths.values():
            path.touch(mode=0o600)  # patient data, even a demo's: owner-only, as large.db
            shutil.copyfile(args.db, path)
        key = clinic_key.new_key()
        print(f"encrypting a copy of {args.db} ({args.db.stat().st_size / 1e6:.0f} MB)...",
              flush=True)
        conversion = convert(paths["encrypted"], key)
        print(f"converted in {conversion['seconds']:.1f} s {conversion}", flush=True)
        today = bench_today(paths["plain"])
        now = datetime.combine(today, datetime.min.time()) + timedelta(hours=12)
        sides = [Side("plain", paths["plain"], None, Bench(args.runs)),
                 Side("encrypted", paths["encrypted"], key, Bench(args.runs))]
        opened = measure_open(sides, args.open_runs)
        run_rounds(sides, today, now, args)
    finally:
        for path in folder.glob(f"{prefix}*"):
            path.unlink(missing_ok=True)
        for path in (folder / "backups").glob(f"{prefix}*"):
            path.unlink(missing_ok=True)
        if not had_backups and (folder / "backups").exists():
            shutil.rmtree(folder / "backups", ignore_errors=True)
    from sqlcipher3 import dbapi2 as cipher

    return {
        "date": datetime.now().isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "engine": "sqlite plain vs SQLCipher",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                    "sqlcipher_sqlite": cipher.sqlite_version,
                    "load_average_before": load_before, "load_average_after": os.getloadavg(),
                    "uptime_before": uptime_before, "uptime_after": uptime()},
        "commit": _git_commit(),
        "file": {"path": str(args.db), "mb": round(args.db.stat().st_size / 1e6),
                 "today": today.isoformat()},
        "repeat": args.repeat, "runs": args.runs, "open_runs": args.open_runs,
        "conversion": conversion,
        "open": opened,
        "measures": summary(sides),
    }


def _git_commit() -> str | None:
    from bench.run_results import _git_commit as commit
    return commit()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--repeat", type=int, default=3, help="rounds, plain and encrypted")
    parser.add_argument("--runs", type=int, default=7, help="timed calls per measure and round")
    parser.add_argument("--open-runs", type=int, default=9, help="fresh processes per engine")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--open-once", type=Path, help=argparse.SUPPRESS)
    parser.set_defaults(long_runs=0)  # (bench.run's ten-year reports, not run here)
    args = parser.parse_args(argv)
    if args.open_once:
        print(json.dumps(open_once(args.open_once)))
        return 0
    if not args.db.exists():
        print(f"{args.db} not found: run `python -m bench.generate` first", file=sys.stderr)
        return 2
    # The bench's keys open throwaway copies: none may outlive the run in this computer's
    # credential store, and the copies' audit anchors stay out of the user's own folder.
    desk_dir = Path(tempfile.mkdtemp(prefix="clinicdesk-encbench-desk-"))
    throwaway = {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
                 "CLINICDESK_DESK_DIR": str(desk_dir)}
    throwaway = {k: v for k, v in throwaway.items() if k not in os.environ}
    os.environ.update(throwaway)
    try:
        payload = run(args)
    finally:
        for name in throwaway:
            os.environ.pop(name, None)
        shutil.rmtree(desk_dir, ignore_errors=True)
    out = args.out or RESULTS / f"{date.today().isoformat()}-{payload['host']}-encrypted.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, indent=2) + "\n")
    print(markdown(payload))
    print(f"load average before {payload['machine']['load_average_before']}, after "
          f"{payload['machine']['load_average_after']}; results written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
