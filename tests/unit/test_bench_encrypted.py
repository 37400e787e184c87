"""bench/run_encrypted.py (issue 23) kept working: on a small generated clinic its measuring
code runs end to end on a plain and an encrypted copy and writes both engines' figures. Its
timings are measured by hand on the ten-year file (bench/RESULTS.md); none is checked here."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bench import generate, run_encrypted

pytest.importorskip("sqlcipher3")


@pytest.mark.sqlite_only(reason="it encrypts a copy of a clinic file")
def test_the_encrypted_bench_measures_both_files_and_cleans_up(tmp_path):
    db = tmp_path / "small.db"
    # (0.02: the smallest clinic with a week of package-covered bookings to arrive)
    assert generate.main(["--scale", "0.02", "--out", str(db),
                          "--today", date(2026, 12, 2).isoformat()]) == 0
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "results" / "encrypted.json"
    assert run_encrypted.main(["--db", str(db), "--repeat", "1", "--runs", "1",
                               "--open-runs", "1", "--out", str(out)]) == 0

    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "results") == before, \
        "the two copies (and the kept plain one) are gone"
    payload = json.loads(out.read_text())
    assert payload["conversion"]["seconds"] >= 0
    assert payload["conversion"]["encrypted_mb"] > 0
    for figures in payload["open"].values():
        assert {"plain", "encrypted", "ratio"} <= set(figures)
    groups = {m["group"] for m in payload["measures"]}
    assert {"search", "day view", "write", "report", "books"} <= groups
    names = {m["name"] for m in payload["measures"]}
    assert "write: packages.refund" in names and "report package_sales 1 year" in names
    assert not any("10 years" in name for name in names), "one-year reports only"
    for measure in payload["measures"]:
        assert measure["plain_ms"] is not None and measure["encrypted_ms"] is not None, measure
        assert measure["ratio"] is not None, measure
        assert len(measure["plain_rounds_ms"]) == len(measure["encrypted_rounds_ms"]) == 1
        assert measure["same_rows"], f"{measure['name']}: the two files answered differently"
        assert measure["plain_same_as_hand"] and measure["encrypted_same_as_hand"], measure
    assert "| search 'ma' |" in run_encrypted.markdown(payload)
