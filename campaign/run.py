"""python -m campaign.run [--out campaign/RESULTS.md] [--only TEXT] [--keep]

Seeds a small clinic once, then runs every case on a fresh copy of it: valid calls of every
method in every role, then every parameter with every hostile value, then issue 15's own
reproductions. Writes the counts and every defect to --out. Run by hand, never in CI.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True,
                              text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    app = git("log", "-1", "--format=%h", "--", "app")
    dirty = " + uncommitted changes in app/" if git("status", "--porcelain", "--", "app") else ""
    return f"`{head}` (app/ last changed in `{app}`){dirty}" if app else f"`{head}`"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m campaign.run")
    parser.add_argument("--out", default=str(REPO / "campaign" / "RESULTS.md"))
    parser.add_argument("--only", help="only methods (and named cases) whose name has this")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ.pop(name, None)  # the desk's own folders follow HOME, the case's home/
    out = Path(args.out).resolve()
    started, cwd = time.monotonic(), os.getcwd()
    work = Path(tempfile.mkdtemp(prefix="campaign-"))
    try:
        outcomes = campaign(work, args.only)
    finally:
        os.chdir(cwd)
        if not args.keep:
            from .harness import _remove
            _remove(work)
        else:
            print(f"work folder kept: {work}", file=sys.stderr)
    from .report import render
    machine = (f"{platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
               f"SQLite {sqlite3.sqlite_version}")
    text = render(outcomes, when=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  commit=commit(), machine=machine, seconds=time.monotonic() - started)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, "utf-8")
    print("\n".join(text.splitlines()[6:22]))
    print(f"written: {out}")
    return 0


def campaign(work: Path, only: str | None) -> list:
    from app.services import Clinic

    from . import cases, seed
    from .harness import ACCEPTED, CLINIC_FILES, HOSTILE, OUTSIDE, WRONG, Runner
    from .named_more import all_named
    from .surface import targets

    folder = work / "case"  # seeded where every case runs: the same absolute paths
    (folder / "home").mkdir(parents=True)
    os.environ["HOME"] = str(folder / "home")
    ids = seed.build(folder).ids
    template = work / "template"
    folder.rename(template)
    flags = cases.file_flags(work)
    runner = Runner(template, work, ids, flags)
    ctx = runner.fresh()
    with Clinic.open(ctx.folder / "clinic.db", clock=lambda: seed.NOW) as clinic:
        found = [t for t in targets(clinic) if not only or only in t.key]
    outcomes = _run(runner, cases.role_cases(found), "roles")
    learned: dict[str, bool] = {}
    for o in outcomes:
        if o.verdict in (ACCEPTED, HOSTILE, WRONG, OUTSIDE):  # the call went through
            changed = bool(o.tables) or any(f not in CLINIC_FILES for f in o.files)
            learned[o.case.target] = learned.get(o.case.target, False) or changed
    outcomes += _run(runner, cases.sweep_cases(found, learned, flags), "sweep")
    named = [c for c in all_named() if not only or only in c.target]
    outcomes += _run(runner, named, "named")
    runner.close()
    return outcomes


def _run(runner, todo: list, group: str) -> list:
    done, started = [], time.monotonic()
    for number, case in enumerate(todo, 1):
        done.append(runner.run(case))
        if number % 250 == 0 or number == len(todo):
            print(f"  {group}: {number}/{len(todo)} ({time.monotonic() - started:.0f} s)",
                  file=sys.stderr, flush=True)
    return done


if __name__ == "__main__":
    sys.exit(main())
