"""The results file of a bench/run.py run: bench/results/<date>-<host>.json on a clinic
file ("engine": "sqlite"), <date>-<host>-postgresql.json on a server (issue 22)."""

from __future__ import annotations

import json
import os
import platform
import socket
import sqlite3
import subprocess
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def write_results(args, bench, memory: dict, load_before, start_rss: float,
                  open_ms: float, *, engine: str, database: dict, extra: dict | None = None,
                  versions: dict | None = None) -> Path:
    """The run's JSON, bench/results/<date>-<host>[-postgresql].json (or --out)."""
    for step, mb in memory["steps"].items():
        print(f"  program memory after {step:48} {mb:7.0f} MB")
    from bench.run import rss_mb

    peak = rss_mb()
    load_after = os.getloadavg()
    print(f"peak memory of the program (bench/memory.py, ru_maxrss) {memory['peak_rss_mb']:.0f}"
          f" MB (target 300 MB); of this bench process, holding hand-written answers too, "
          f"{peak:.0f} MB; load average {load_after[0]:.2f}")

    host = socket.gethostname()
    suffix = "" if engine == "sqlite" else f"-{engine}"
    out = args.out or RESULTS / f"{date.today().isoformat()}-{host}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "host": host,
        "engine": engine,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(),
                    **(versions or {"sqlite": sqlite3.sqlite_version}),
                    "load_average_before": load_before, "load_average_after": load_after},
        "commit": _git_commit(),
        ("file" if engine == "sqlite" else "database"): database,
        **(extra or {}),
        "runs": args.runs,
        "open_ms": round(open_ms, 1),
        "memory": {"program_peak_rss_mb": memory["peak_rss_mb"], "target_mb": 300,
                   "ok": memory["peak_rss_mb"] <= 300, "steps": memory["steps"],
                   "bench_process_peak_rss_mb": round(peak, 1),
                   "bench_process_rss_before_open_mb": round(start_rss, 1)},
        "results": [{**{k: (None if isinstance(v, float) and v != v else
                            round(v, 2) if isinstance(v, float) else v)
                        for k, v in r.__dict__.items()}, "ok": r.ok} for r in bench.results],
    }
    out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"results written to {out}")
    return out


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True).stdout.strip() or None
    except OSError:
        return None
