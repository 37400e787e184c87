"""What each desk of bench/desks.py works on, read once from the clinic before they start,
in SQL both engines speak; and the one-year reports' process (`--year-reports`)."""

from __future__ import annotations

import json
import random
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

#: Each desk books on days of its own, this far after "today" (the generated clinic is
#: booked four weeks ahead, so these are empty) and this many days apart.
OWN_DAYS_FROM, OWN_DAYS_APART = 60, 40


def plans(clinic, where: str, desks: int, seconds: float, pace: float) -> list[dict]:
    with clinic.db.read() as s:
        def ids(sql: str, **params) -> list:
            return [tuple(r) if len(r) > 1 else r[0] for r in s.execute(text(sql), params)]

        first = s.execute(text("SELECT MIN(start) FROM appointments WHERE status = 'booked'")
                          ).scalar()
        today = (first if isinstance(first, datetime) else datetime.fromisoformat(first)).date()
        week = (datetime.combine(today, datetime.min.time()),
                datetime.combine(today + timedelta(days=7), datetime.min.time()))
        patients = ids("SELECT id FROM patients ORDER BY id")
        sample = random.Random(22).sample(patients, min(3000, len(patients)))
        names = ids("SELECT last_name FROM patients WHERE id IN (%s)"
                    % ",".join(map(str, sample[:300])))
        practitioners = ids("SELECT id FROM staff WHERE practitioner AND active ORDER BY id")
        treatment = ids("SELECT id FROM treatment_types WHERE active "
                        "ORDER BY duration_min, id LIMIT 1")[0]
        template = ids("SELECT id FROM package_templates ORDER BY id LIMIT 1")[0]
        arrivals = ids("SELECT id, patient_id FROM appointments WHERE status = 'booked' "
                       "AND start >= :start AND start < :end ORDER BY start, id",
                       start=week[0], end=week[1])
        refundable = ids(
            "SELECT p.id FROM packages p WHERE p.status = 'active' AND p.purchased_on >= :since "
            "AND (SELECT COUNT(*) FROM redemptions r WHERE r.package_id = p.id "
            "     AND r.voided_at IS NULL) < p.uses_total "
            "AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.package_id = p.id "
            "                AND a.status = 'booked') "
            "AND (SELECT SUM(amount) FROM payment_applications a "
            "     WHERE a.invoice_id = p.invoice_id) > 0 ORDER BY p.id",
            since=today - timedelta(days=60))
    now = datetime.combine(today, datetime.min.time()) + timedelta(hours=12)
    return [{"desk": k, "target": where, "today": today.isoformat(), "now": now.isoformat(),
             "seconds": seconds, "pace": pace, "seed": 1000 + k,
             "patients": sample[k::desks], "names": [n[:4] for n in names if n],
             "practitioners": practitioners, "treatment": treatment, "template": template,
             "arrivals": [list(a) for a in arrivals[k::desks]],
             "refundable": refundable[k::desks],
             "first_own_day": OWN_DAYS_FROM + k * OWN_DAYS_APART}
            for k in range(desks)]


def year_reports(plan: dict, pause: float = 0.0) -> list[dict]:
    return [dict(plan, desk="reports", report_pause=pause)]


def run_reports(plan: dict, ready, go, out: str) -> None:
    """One-year reports while the desks work (a manager at the back office): back to back, or
    `report_pause` seconds apart."""
    from app.services import Clinic

    clinic = Clinic.open(plan["target"], clock=lambda: datetime.fromisoformat(plan["now"]))
    today = date.fromisoformat(plan["today"])
    year = (today - timedelta(days=365), today - timedelta(days=1))
    times: dict[str, list[float]] = {}
    try:
        ready.set()
        go.wait()
        ends = time.monotonic() + plan["seconds"]
        while time.monotonic() < ends:
            for name in ("package_sales", "package_usage"):
                started = time.perf_counter()
                getattr(clinic.reports, name)(*year)
                times.setdefault(f"year {name}", []).append(
                    (time.perf_counter() - started) * 1000)
                time.sleep(max(0.0, min(plan["report_pause"], ends - time.monotonic())))
    finally:
        clinic.close()
        Path(out).write_text(json.dumps({"desk": "reports", "times": times, "refused": {},
                                         "errors": [], "acknowledged": []}))
