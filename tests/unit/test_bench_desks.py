"""bench/desks.py, the several-desks load (issue 22), kept honest: two desk processes working
one small generated clinic at once lose nothing, make nothing twice and see no error; and
its checks do find a write that went missing, one made twice and one nobody was told of.
Its figures are measured by hand (bench/RESULTS.md); here only what it finds is checked."""

from __future__ import annotations

import argparse
from datetime import date

import pytest
from sqlalchemy import text

from bench import desk_checks, desks, generate

ON_A_FILE = pytest.mark.sqlite_only(reason="the desks share a copy of the generated file")


@pytest.fixture(scope="module")
def small_clinic(tmp_path_factory):
    path = tmp_path_factory.mktemp("desks") / "small.db"
    assert generate.main(["--scale", "0.005", "--out", str(path),
                          "--today", date(2026, 12, 2).isoformat(), "--verify"]) == 0
    return path


@ON_A_FILE
def test_two_desks_at_once_lose_nothing_and_see_no_error(small_clinic, tmp_path):
    args = argparse.Namespace(desks=2, minutes=0.2, pace=0.02, year_reports=True,
                              report_pause=0.0, db=small_clinic)
    copy = tmp_path / "clinic.db"
    copy.write_bytes(small_clinic.read_bytes())
    result = desks.run(args, str(copy), "sqlite")
    assert result["errors"] == 0, result["error_samples"]
    assert result["lost"] == 0, result["lost_sentences"]
    assert result["refused"] == {}, result["refused_samples"]
    kinds = result["per_kind_ms"]
    assert {"search", "day", "book", "arrive", "pay", "sell", "poll"} <= set(kinds)
    assert "year package_sales" in kinds, "the back office's reports ran beside the desks"
    assert result["writes_acknowledged"] >= 20


@ON_A_FILE
def test_the_checks_find_what_went_missing_twice_or_unasked(small_clinic, tmp_path):
    from app.services import Clinic

    copy = tmp_path / "clinic.db"
    copy.write_bytes(small_clinic.read_bytes())
    clinic = Clinic.open(copy)
    try:
        marks = desk_checks.before(clinic)
        assert marks["ledger"] == [], "the generated clinic keeps the program's invariants"
        with clinic.db.read() as s:
            patient, template = s.execute(text(
                "SELECT (SELECT MIN(id) FROM patients), (SELECT MIN(id) FROM package_templates)"
            )).one()
        told = clinic.billing.sell_package(patient, template)
        untold = clinic.billing.sell_package(patient, template)
        acknowledged = [{"kind": "sell", "id": told.package_id},
                        {"kind": "sell", "id": told.package_id},
                        {"kind": "sell", "id": untold.package_id + 1000}]
        found = desk_checks.lost(clinic, marks, acknowledged)
    finally:
        clinic.close()
    assert found == [
        f"package sales: acknowledged twice [{told.package_id}]",
        f"package sales: acknowledged and missing [{untold.package_id + 1000}] (1)",
        f"package sales: made and never acknowledged [{untold.package_id}] (1)",
        "audit trail: 2 entries for 3 acknowledged writes",
    ]


def test_two_desks_on_postgresql_lose_nothing_and_see_no_error(small_clinic,
                                                               postgres_databases):
    """The same on a server: the clinic loaded with COPY (bench/generate_pg.py) into a
    database of the tests' PostgreSQL, two desk processes and the back office on it."""
    from bench import generate_pg

    name = postgres_databases.create(empty=True)
    try:
        url = postgres_databases.url(name)
        generate_pg.load(small_clinic, url, out=lambda line: None)
        args = argparse.Namespace(desks=2, minutes=0.2, pace=0.02, year_reports=True,
                                  report_pause=0.5, db=small_clinic)
        result = desks.run(args, url, "postgresql")
    finally:
        postgres_databases.drop(name)
    assert result["report_pause_s"] == 0.5 and "year package_usage" in result["per_kind_ms"]
    assert result["errors"] == 0, result["error_samples"]
    assert result["lost"] == 0, result["lost_sentences"]
    assert result["refused"] == {}, result["refused_samples"]
    assert result["writes_acknowledged"] >= 20
