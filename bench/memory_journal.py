"""Peak memory of one journal export (R35) on a clinic file, in a fresh process.

    .venv/bin/python -m bench.memory_journal FILE START END FORMAT OUT   # prints JSON

Run by bench/run_books.py, as bench/memory.py is by bench/run.py: only the program runs here
(opening the clinic, then one `clinic.accounting.export` of START..END to OUT), so the peak
resident memory is the export's, not the bench's. Issue 17 asks for less than the program's
300 MB peak: a year of journal has to be streamed to the file, not held in a list.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services import Clinic  # noqa: E402
from bench.memory import rss_mb  # noqa: E402


def main(path: str, start: str, end: str, fmt: str, out: str) -> dict:
    steps = {"interpreter": rss_mb()}
    clinic = Clinic.open(path)
    steps["open"] = rss_mb()
    started = time.perf_counter()
    clinic.accounting.export(date.fromisoformat(start), date.fromisoformat(end), Path(out),
                             format=fmt)
    export_ms = (time.perf_counter() - started) * 1000
    steps[f"export {fmt}"] = rss_mb()
    clinic.close()
    return {"peak_rss_mb": rss_mb(), "export_ms": round(export_ms, 1), "steps": steps}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:6])))
