"""Two desks on one SQLite file: the last use of a package is taken exactly once (R11, R29)."""

from __future__ import annotations

import multiprocessing as mp
from datetime import datetime

from app.services import Clinic, ClinicError


def _desk(path, appointment_id, package_id, barrier, results):
    clinic = Clinic.open(path, clock=lambda: datetime(2026, 3, 2, 9, 0))
    try:
        barrier.wait(timeout=30)
        clinic.schedule.apply_package(appointment_id, package_id)
        results.put(("ok", appointment_id))
    except ClinicError as refusal:
        results.put(("refused", str(refusal)))
    finally:
        clinic.close()


def _race(path, appointment_ids, package_id):
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(len(appointment_ids)), ctx.Queue()
    desks = [ctx.Process(target=_desk, args=(str(path), a, package_id, barrier, results))
             for a in appointment_ids]
    for desk in desks:
        desk.start()
    for desk in desks:
        desk.join(timeout=60)
        assert desk.exitcode == 0
    return [results.get(timeout=5) for _ in desks]


def test_r11_two_desks_take_the_last_use_exactly_once(clinic, catalog, tmp_path):
    template = clinic.catalog.add_package_template(
        "Single massage", price=9000, uses=1, eligible={catalog["massage"]: 0})
    sale = clinic.billing.sell_package(catalog["patient"], template)
    first = clinic.schedule.book(catalog["patient"], catalog["ana"], catalog["massage"],
                                 datetime(2026, 3, 3, 10, 0), package=None)
    second = clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["massage"],
                                  datetime(2026, 3, 3, 10, 0), package=None)
    outcomes = _race(tmp_path / "clinic.db", [first, second], sale.package_id)
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    refusal = next(text for kind, text in outcomes if kind == "refused")
    assert "no use left" in refusal or "redeemed" in refusal
    summary = clinic.packages.summary(sale.package_id)
    assert summary.uses_booked == 1 and summary.uses_available == 0


def test_r29_sqlite_is_opened_with_foreign_keys_wal_and_busy_timeout(clinic):
    with clinic.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
