"""Invoicing the due periods of 5,000 memberships in one run (R43, issue 19): < 10 s.

    .venv/bin/python -m bench.run_memberships [--db CLINIC.db] [--members 5000] [--out FILE]

The clinic is a copy of the given file (bench/data/large.db when it exists; else a fresh
clinic made here through Clinic.open), with `--members` patients added and each enrolled in a
monthly plan on a day of the last four weeks, written straight through the models so the set-up
costs seconds, not the measure: every membership then has exactly one period started and not
invoiced. The measure is one `clinic.memberships.invoice_due()` on that copy, as the desk runs
it at start-up; then a second call, which must find nothing (never twice), is timed too.
Writes bench/results/<date>-memberships.json and prints the line for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 10_000
NOW = datetime(2026, 12, 4, 7, 30)


def build(path: Path, source: Path | None, members: int) -> None:
    from app.models import Membership, MembershipCoverage, Patient
    from app.services import Clinic
    if source is not None:
        shutil.copyfile(source, path)
    clinic = Clinic.open(path, clock=lambda: NOW)
    try:
        if source is None:
            clinic.settings.update(name="Bench Physio", currency="CAD", locale="en_CA",
                                   setup_complete=True)
        massage = clinic.catalog.add_treatment_type("Bench massage", duration_min=60,
                                                    price=9000)
        plan = clinic.catalog.add_membership_plan(
            "Bench Monthly", fee=9000, period="1m", uses_per_period=2,
            eligible={massage: 0}, rollover_cap=1, tax_rate=Decimal("0.15"))
        with clinic.db.write() as s:
            patients = [Patient(first_name=f"Member{i}", last_name="Bench",
                                phone=f"902-7{i:06d}"[:12], created_at=NOW)
                        for i in range(members)]
            s.add_all(patients)
            s.flush()
            rows = [Membership(patient_id=p.id, plan_id=plan, name="Bench Monthly", fee=9000,
                               period="1m", uses_per_period=2, rollover_cap=1,
                               tax_rate=Decimal("0.15"),
                               starts_on=NOW.date() - timedelta(days=i % 28),
                               status="active", created_at=NOW)
                    for i, p in enumerate(patients)]
            s.add_all(rows)
            s.flush()
            s.add_all(MembershipCoverage(membership_id=m.id, treatment_type_id=massage,
                                         patient_pays=0) for m in rows)
    finally:
        clinic.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT / "bench" / "data" / "large.db"
    parser.add_argument("--db", type=Path, default=default if default.exists() else None)
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    from app.services import Clinic
    folder = Path(tempfile.mkdtemp(prefix="clinicdesk-bench-members-"))
    try:
        path = folder / "clinic.db"
        started = time.perf_counter()
        build(path, args.db, args.members)
        setup_s = time.perf_counter() - started
        clinic = Clinic.open(path, clock=lambda: NOW)
        try:
            cpu, wall = time.process_time(), time.perf_counter()
            made = clinic.memberships.invoice_due()
            first_ms = (time.perf_counter() - wall) * 1000
            first_cpu = (time.process_time() - cpu) * 1000
            wall = time.perf_counter()
            again = clinic.memberships.invoice_due()
            again_ms = (time.perf_counter() - wall) * 1000
        finally:
            clinic.close()
        result = {
            "name": f"invoice_due: {args.members:,} memberships, one period each",
            "group": "memberships", "target_ms": TARGET_MS, "runs": 1,
            "median_ms": round(first_ms, 1), "cpu_ms": round(first_cpu, 1),
            "invoices": len(made), "second_call_ms": round(again_ms, 1),
            "second_call_invoices": len(again), "setup_s": round(setup_s, 1),
            "source": str(args.db) if args.db else "fresh clinic",
            "ok": first_ms <= TARGET_MS and len(made) == args.members and not again,
            "when": datetime.now().isoformat(timespec="seconds"),
            "load": os.getloadavg()[0],
        }
        out = args.out or ROOT / "bench" / "results" / (
            f"{datetime.now():%Y-%m-%d}-memberships.json")
        out.write_text(json.dumps(result, indent=1) + "\n")
        print(json.dumps(result, indent=1))
        print(f"| {result['name']} | {first_ms:.0f} | {first_cpu:.0f} | | | < 10 s | "
              f"{'ok' if result['ok'] else 'SLOW'} |")
        return 0 if result["ok"] else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
