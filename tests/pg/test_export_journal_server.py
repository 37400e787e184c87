"""R35 `clinicdesk --db-url URL export-journal ...`: the journal of a clinic on a PostgreSQL
server, written as from a clinic file; a refusal is exit code 2 with nothing written."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from app.__main__ import main

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")


def test_r35_export_journal_from_a_server_clinic(clinic, catalog, clock, tmp_path, capsys):
    from beancount import loader
    clock.set(datetime(2026, 3, 2, 9))
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    clinic.billing.receive_payment(catalog["patient"], 10000, "cash",
                                   invoice_id=sale.invoice_id)
    url, out = clinic.db.url, tmp_path / "march.beancount"
    args = ["--db-url", url, "export-journal", "--from", "2026-03-01", "--to", "2026-03-31",
            "--format", "beancount", "--out"]
    assert main([*args, str(out)]) == 0
    assert "journal entries written to" in capsys.readouterr().out
    _entries, errors, _options = loader.load_file(str(out))
    assert errors == [] and "Payment" in out.read_text(encoding="utf-8")
    assert main([*args[:-3], "--format", "pdf", "--out", str(tmp_path / "x.csv")]) == 2
    assert "is not a journal format" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["march.beancount"]
