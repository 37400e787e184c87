"""The books' measures (issue 17), called by bench/run.py, or run on their own:

    .venv/bin/python -m bench.run_books [--db bench/data/large.db] [--runs 7] [--long-runs 3]

- Package Liability (R33), Revenue (R34) and Sales Tax (R36) over the last year: < 300 ms
  and within 1.5x of the hand-written statement (bench/hand_books.py), same answer, row by row;
- the Day Close (R32) of the busiest day of the last year (the most payments): < 50 ms, next
  to a hand-written query for its cash figures (what the close is there for);
- the journal (R35) for one year: walked (clinic.accounting.iter_journal) and exported in each
  format (clinic.accounting.export), < 5 s each; and, in a fresh process
  (bench/memory_journal.py), the peak memory of an export, < 300 MB: the journal is meant to
  be streamed, never held whole.
What is not built yet is skipped with a note, as bench/run.py does for the invoice PDF.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import hand, hand_books  # noqa: E402
from bench.run import Result  # noqa: E402

FORMATS = {"beancount": "beancount", "quickbooks": "csv", "xero": "csv"}
MEMORY_TARGET_MB = 300


# ---------------------------------------------------------------- what the answers are compared on

def _rows(report) -> int:
    return sum(len(s.rows) for s in report.sections)


def liability_signature(report):
    """Every row (template id and the eight figures) and the totals."""
    figures = hand_books.LIABILITY
    return ([(r.template_id, *(getattr(r, f) for f in figures)) for r in report.rows],
            [report.totals[f] for f in figures])


def same_liability(mine, theirs) -> bool:
    (section,) = theirs
    rows = [(r[0], *r[2:]) for r in section.rows]
    return mine == (rows, [section.totals[f] for f in hand_books.LIABILITY])


def revenue_signature(report):
    """Every day's row, each month's count and totals, and the period's totals."""
    keys = [*hand_books.REVENUE, "total"]
    return ([(r.day.isoformat(), *(getattr(r, k) for k in keys)) for r in report.rows],
            {g.key.isoformat()[:7]: (g.count, [g.totals[k] for k in keys])
             for g in report.groups},
            [report.totals[k] for k in keys])


def same_revenue(mine, theirs) -> bool:
    (section,) = theirs
    keys = [*hand_books.REVENUE, "total"]
    rows = [(r[0], *r[2:]) for r in section.rows]
    groups = {k: (n, [t[c] for c in keys]) for k, (n, t) in section.groups.items()}
    return mine == (rows, groups, [section.totals[k] for k in keys])


def tax_signature(report):
    return ([(r.rate, *(getattr(r, k) for k in hand_books.TAX)) for r in report.rows],
            [report.totals[k] for k in hand_books.TAX])


def same_tax(mine, theirs) -> bool:
    (section,) = theirs
    rows = [(Decimal(str(r[0])), *r[1:]) for r in section.rows]
    return mine == (rows, [section.totals[k] for k in hand_books.TAX])


def cash_signature(report):
    return {k: report.totals[k] for k in ("cash_in", "cash_out", "expected_cash")}


def same_cash(mine, theirs) -> bool:
    return mine == {k: theirs[k] for k in ("cash_in", "cash_out", "expected_cash")}


# ---------------------------------------------------------------- the measures

@dataclass
class MemoryResult(Result):
    """A fresh process's peak memory (median_ms: how long its one export took)."""

    peak_mb: float = 0.0
    target_mb: float = MEMORY_TARGET_MB

    @property
    def ok(self) -> bool:
        return self.peak_mb <= self.target_mb


def busiest_payment_day(con, start: date, end: date) -> date:
    """The day of start..end with the most payments received (the day close reads them)."""
    day = con.execute("SELECT substr(received_at, 1, 10) AS d FROM payments "
                      "WHERE received_at >= ? AND received_at < ? "
                      "GROUP BY d ORDER BY count(*) DESC, d LIMIT 1",
                      (start.isoformat(), end.isoformat())).fetchone()[0]
    return date.fromisoformat(day)


def measure_books(bench, clinic, con, today: date, args, work_dir: Path, books=None) -> None:
    """Add the books' measures to `bench` (a bench.run.Bench); `con` is the hand-written
    side's connection (with the report page cache), `books` its module (bench.hand_books on
    a file, bench.hand_pg_books on a server), `work_dir` a scratch folder."""
    books = books or hand_books
    year = (today - timedelta(days=365), today - timedelta(days=1))
    measure_book_reports(bench, clinic, con, today, args, books)
    day_close_and_journal(bench, clinic, con, today, args, work_dir, books, year)


def measure_book_reports(bench, clinic, con, today: date, args, books=None) -> None:
    """The books' one-year reports (apart for bench/run_encrypted.py, issue 23)."""
    books = books or hand_books
    year = (today - timedelta(days=365), today - timedelta(days=1))
    for name, signature, same in (
            ("package_liability", liability_signature, same_liability),
            ("revenue", revenue_signature, same_revenue),
            ("sales_tax", tax_signature, same_tax)):
        service = getattr(clinic.reports, name, None)
        hand_fn = getattr(books, name, None)
        if service is None:
            bench.skip(f"report {name} 1 year", "books",
                       f"skipped: clinic.reports.{name} not there")
            continue
        bench.measure(f"report {name} 1 year", "books", lambda i, f=service: f(*year),
                      hand_fn=hand_fn and (lambda i, f=hand_fn: f(con, *year)),
                      runs=args.runs, target_ms=300, ratio_target=1.5, count=_rows,
                      signature=signature, same=same,
                      note="" if hand_fn else f"no hand-written {name} in {books.__name__}")


def day_close_and_journal(bench, clinic, con, today: date, args, work_dir: Path, books,
                          year) -> None:
    busy = getattr(books, "busiest_payment_day", busiest_payment_day)(
        con, today - timedelta(days=365), today)
    day_close = getattr(clinic.reports, "day_close", None)
    if day_close is None:
        bench.skip(f"day close {busy}", "books", "skipped: clinic.reports.day_close not there yet")
    else:
        try:
            day_close(busy)
            bench.measure(f"day close {busy} (most payments)", "books",
                          lambda i: day_close(busy), hand_fn=lambda i: books.day_close(
                              con, busy), target_ms=50, count=_rows,
                          signature=cash_signature, same=same_cash,
                          note="hand-written: cash figures and by-method received/refunded "
                               "only; the close reports more")
        except Exception as error:  # noqa: BLE001 - another engineer's work in progress
            bench.skip(f"day close {busy}", "books", f"skipped: day_close failed ({error!r})")

    accounting = getattr(clinic, "accounting", None)
    walk = getattr(accounting, "iter_journal", None)
    if walk is None:
        bench.skip("journal 1 year (iter_journal)", "books",
                   "skipped: clinic.accounting.iter_journal not there yet")
    else:
        try:
            bench.measure("journal 1 year (iter_journal)", "books",
                          lambda i: sum(1 for _ in walk(*year)), runs=args.long_runs,
                          count=lambda n: n, note="entries walked, none kept")
        except Exception as error:  # noqa: BLE001
            bench.skip("journal 1 year (iter_journal)", "books",
                       f"skipped: iter_journal failed ({error!r})")
    export = getattr(accounting, "export", None)
    for fmt, extension in FORMATS.items():
        name = f"journal export {fmt} 1 year"
        if export is None:
            bench.skip(name, "books", "skipped: clinic.accounting.export not there yet")
            continue
        path = work_dir / f"journal-{fmt}.{extension}"
        try:
            result = bench.measure(name, "books",
                                   lambda i, f=fmt, p=path: export(*year, p, format=f),
                                   runs=args.long_runs, target_ms=5000,
                                   count=lambda n: n if isinstance(n, int) else None)
            written = sum(p.stat().st_size for p in work_dir.glob(f"journal-{fmt}*"))
            result.note = f"entries; {written / 1e6:.1f} MB written"
        except Exception as error:  # noqa: BLE001
            bench.skip(name, "books", f"skipped: export failed ({error!r})")
            continue
        measure_export_memory(bench, clinic, fmt, year, work_dir)


def measure_export_memory(bench, clinic, fmt: str, period, work_dir: Path) -> None:
    """One export in a fresh process on the same file: its peak resident memory."""
    name = f"journal export {fmt}, fresh process"
    completed = subprocess.run(
        [sys.executable, "-m", "bench.memory_journal", str(clinic.path or clinic.db.url),
         *(d.isoformat() for d in period), fmt, str(work_dir / f"memory-{fmt}")],
        cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        bench.skip(name, "memory", f"skipped: {completed.stderr.strip()[-300:]}")
        return
    memory = json.loads(completed.stdout)
    peak, ms = memory["peak_rss_mb"], memory["export_ms"]
    result = MemoryResult(f"{name}: peak {peak:.0f} MB", "memory", None, 1, ms, ms, ms,
                          note=f"peak resident memory (VmHWM) after each step: "
                               f"{memory['steps']}", peak_mb=peak)
    bench.results.append(result)
    print(f"{result.name:44} {ms:9.1f} {'':17} <{MEMORY_TARGET_MB}MB "
          f"{'ok' if result.ok else 'MISS'}", flush=True)


# ---------------------------------------------------------------- on their own

def main(argv=None) -> int:
    from app.services import Clinic
    from app.services.reports import REPORT_CACHE_KIB
    from bench.run import DEFAULT_DB, HEADER, Bench, bench_today

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--long-runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="results as JSON")
    args = parser.parse_args(argv)
    work_dir = Path(tempfile.mkdtemp(prefix="clinicdesk-books-"))
    try:
        work = work_dir / "clinic.db"
        shutil.copyfile(args.db, work)  # opening may migrate it
        today = bench_today(work)
        now = datetime.combine(today, datetime.min.time()) + timedelta(hours=12)
        clinic = Clinic.open(work, clock=lambda: now)
        con = hand.connect(work)
        con.execute(f"PRAGMA cache_size = -{REPORT_CACHE_KIB}")
        bench = Bench(args.runs)
        print(f"today {today}; load average {os.getloadavg()[0]:.2f}")
        print(HEADER)
        started = time.perf_counter()
        measure_books(bench, clinic, con, today, args, work_dir)
        print(f"{time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f}")
        clinic.close()
        con.close()
        if args.out:
            args.out.write_text(json.dumps([{**r.__dict__, "ok": r.ok} for r in bench.results],
                                           indent=2, default=str) + "\n")
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
