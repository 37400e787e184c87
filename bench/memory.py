"""Peak memory of the program's own work on the large clinic file, in a fresh process.

    .venv/bin/python -m bench.memory FILE     # prints JSON: peak RSS after each step

bench/run.py runs this as a subprocess: its own process also holds the hand-written answers it
compares against (a second copy of a 500,000-row report), which says nothing about the
program. Here only the services run, one report alive at a time, as in the program.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services import Clinic  # noqa: E402
from bench.run import bench_today  # noqa: E402


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    resource.getrusage's ru_maxrss, except that on Linux a child's ru_maxrss starts from its
    parent's at fork, so the kernel's per-process high-water mark (VmHWM, reset by exec) is
    used where there is one."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(path: str) -> dict:
    steps = {"interpreter": rss_mb()}
    today = bench_today(path if "://" in path else Path(path))
    clinic = Clinic.open(path)
    steps["open"] = rss_mb()
    for text in ("m", "ma", "mar", "mart", "xq"):
        clinic.patients.search(text)
    clinic.schedule.day(today)
    steps["search and day view"] = rss_mb()
    with clinic.db.read() as s:
        first = s.connection().exec_driver_sql("SELECT min(purchased_on) FROM packages").scalar()
    year = (today - timedelta(days=365), today - timedelta(days=1))
    first = first if isinstance(first, date) else date.fromisoformat(first)  # (a server's date)
    decade = (first, today - timedelta(days=1))
    for label, period in (("1 year", year), ("10 years", decade)):
        for name in ("package_sales", "package_usage", "compensation"):
            report = getattr(clinic.reports, name)(*period)
            rows = sum(len(section.rows) for section in report.sections)
            del report
            gc.collect()
            steps[f"{name} {label} ({rows:,} rows)"] = rss_mb()
    clinic.reports.outstanding(today - timedelta(days=1))
    steps["outstanding"] = rss_mb()
    clinic.close()
    return {"peak_rss_mb": rss_mb(), "steps": steps}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
