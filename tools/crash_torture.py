"""Kill ClinicDesk's services mid-work, again and again, and check nothing is half-written.

    python tools/crash_torture.py --db /tmp/torture.db --kills 200 --seed 1

A worker process performs random sales, payments, bookings, arrivals, no-shows, refunds and
refund payments through the Clinic facade, printing one line per finished action. The driver
SIGKILLs it after a random number of lines (so at a random point inside the next action),
then reopens the file: PRAGMA integrity_check must pass and every ledger invariant must hold.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from app.services import Clinic, ClinicError
from app.services.backup import integrity_problems
from app.services.integrity import ledger_problems


def prepare(path: Path) -> None:
    with Clinic.open(path) as clinic:
        if clinic.staff.list():
            return
        clinic.settings.update(name="Torture Clinic", setup_complete=True)
        ana = clinic.staff.add("Ana")
        clinic.staff.add("Ben")
        massage = clinic.catalog.add_treatment_type("Massage", duration_min=30, price=9000)
        physio = clinic.catalog.add_treatment_type("Physio", duration_min=30, price=8500)
        clinic.catalog.add_package_template("3 Massages", price=10000, uses=3,
                                            eligible={massage: 0}, validity="6m")
        clinic.catalog.add_package_template("5 Physio", price=40000, uses=5,
                                            eligible={physio: 1000})
        clinic.settings.add_no_show_fee("Missed", 4000)
        for n in range(20):
            clinic.patients.add(f"Patient{n}", "Torture")
        assert ana


def worker(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    clinic = Clinic.open(path, clock=lambda: datetime(2026, 3, 2, 9, 0))
    patients = [p.id for p in clinic.patients.search("Patient", limit=100)]
    staff = [s.id for s in clinic.staff.list(practitioners_only=True)]
    treatments = [t.id for t in clinic.catalog.treatment_types()]
    templates = [t.id for t in clinic.catalog.package_templates()]
    fee = clinic.settings.no_show_fees()[0].id
    day = date(2026, 3, 3)
    while True:
        patient = rng.choice(patients)
        action = rng.randrange(9)
        try:
            if action == 0:
                clinic.billing.sell_package(patient, rng.choice(templates))
            elif action == 1:
                clinic.billing.receive_payment(patient, rng.randrange(1, 20000), "cash")
            elif action in (2, 3):
                start = datetime.combine(day + timedelta(days=rng.randrange(60)),
                                         datetime.min.time()) + timedelta(
                    hours=8 + rng.randrange(10), minutes=30 * rng.randrange(2))
                clinic.schedule.book(patient, rng.choice(staff), rng.choice(treatments), start)
            else:
                booked = [a for a in clinic.schedule.between(
                    datetime(2026, 3, 1), datetime(2026, 6, 1), patient_id=patient)
                    if a.status == "booked"]
                packages = [p for p in clinic.packages.for_patient(patient)
                            if p.status == "active"]
                payments = [p for p in clinic.billing.account(patient).payments if p.unapplied]
                if action == 4 and booked:
                    clinic.schedule.arrive(rng.choice(booked).id)
                elif action == 5 and booked:
                    a = rng.choice(booked)
                    clinic.schedule.no_show(a.id, use_package=bool(a.package_id and rng.random()
                                                                   < 0.5), fee_id=None
                                            if a.package_id else fee)
                elif action == 6 and packages:
                    p = rng.choice(packages)
                    clinic.packages.refund(p.id, clinic.packages.suggested_refund(p.id))
                elif action == 7 and payments:
                    p = rng.choice(payments)
                    clinic.billing.refund_payment(p.id, rng.randrange(1, p.unapplied + 1))
                elif action == 8:
                    owing = [i for i in clinic.billing.account(patient).invoices if i.balance]
                    if owing:
                        clinic.billing.receive_payment(patient, owing[0].balance, "debit",
                                                       invoice_id=owing[0].id)
        except ClinicError:
            pass
        print("done", flush=True)


def torture(path: Path, kills: int, seed: int) -> list[str]:
    """Returns the problems found (empty when every crash left a sound, balanced file)."""
    prepare(path)
    rng = random.Random(seed)
    for round_ in range(kills):
        proc = subprocess.Popen([sys.executable, __file__, "--db", str(path), "--worker",
                                 "--seed", str(seed * 100_000 + round_)],
                                stdout=subprocess.PIPE, text=True)
        for _ in range(rng.randrange(3, 40)):
            if not proc.stdout.readline():
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        problems = integrity_problems(path)
        if not problems:
            with Clinic.open(path) as clinic:
                problems = ledger_problems(clinic)
        if problems:
            return [f"after kill {round_ + 1}: {p}" for p in problems]
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(Path(args.db), args.seed)
        return 0
    problems = torture(Path(args.db), args.kills, args.seed)
    print("\n".join(problems) or f"{args.kills} kills: the file stayed sound and balanced.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
