"""R35 clinic.accounting.export: the journal of a period to a file in each format, the same
file every time, and every refusal (format, dates, the file) made before anything is written,
a failure half way leaving no file; the `export-journal` command in a subprocess; and a real
clinic's year (the demo clinic) exported in all three formats, Beancount's loader finding no
error and its balances the journal's."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.services.accounting import exporting
from app.services.accounting.writers.beancount import account_names
from app.services.errors import ValidationError

ROOT = Path(__file__).resolve().parents[2]
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def books(clinic, catalog, clock):
    """March 2026: Maria buys "3 Physio" ($100.00) on the 2nd and pays $60.00 cash; on the 3rd
    she comes for physio (Patient Pays $10.00 + 15 % tax) and pays the rest by debit."""
    maria, ana = catalog["patient"], catalog["ana"]
    clock.set(datetime(2026, 3, 2, 9))
    sale = clinic.billing.sell_package(maria, catalog["three_physio"])
    clinic.billing.receive_payment(maria, 6000, "cash", invoice_id=sale.invoice_id)
    clock.set(datetime(2026, 3, 3, 11))
    clinic.schedule.arrive(clinic.schedule.book(maria, ana, catalog["physio"],
                                                datetime(2026, 3, 3, 10)))
    clinic.billing.receive_payment(maria, 5150, "debit")
    return catalog


@pytest.fixture
def out(tmp_path) -> Path:
    """Where the exports go: a folder of their own (the clinic's file is in tmp_path)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def load_beancount(path: Path):
    from beancount import loader
    return loader.load_file(str(path))


def loaded_balances(loaded) -> dict[str, Decimal]:
    from beancount.core import data
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in loaded:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                totals[posting.account] += posting.units.number
    return {account: total for account, total in totals.items() if total}


def journal_balances(clinic, start, end) -> dict[str, Decimal]:
    names = account_names(clinic.accounting.accounts())
    totals: dict[str, int] = defaultdict(int)
    for entry in clinic.accounting.iter_journal(start, end):
        for name, cents in entry.postings:
            totals[names[name]] += cents
    return {names_: Decimal(c).scaleb(-2) for names_, c in totals.items() if c}


@pytest.mark.parametrize("kind", ["beancount", "quickbooks", "xero"])
def test_r35_export_twice_gives_the_same_bytes(clinic, books, out, kind):
    first, second = out / "one.txt", out / "two.txt"
    count = clinic.accounting.export(*MARCH, first, format=kind)
    assert count == len(clinic.accounting.journal(*MARCH)) > 0
    assert clinic.accounting.export(*MARCH, second, format=kind) == count
    assert first.read_bytes() == second.read_bytes()
    assert left_in(out) == ["one.txt", "two.txt"]  # no temporary file behind


def test_r35_beancount_export_loads_without_error_with_the_journals_balances(
        clinic, books, out):
    path = out / "march.beancount"
    clinic.accounting.export(*MARCH, path, format="beancount")
    loaded, errors, options = load_beancount(path)
    assert errors == []
    assert options["operating_currency"] == ["CAD"] and options["title"] == "Harbour Physio"
    assert loaded_balances(loaded) == journal_balances(clinic, *MARCH)
    balances = loaded_balances(loaded)
    assert "Assets:1200-Accounts-Receivable" not in balances  # all paid: nothing owed
    assert balances["Assets:1010-Cash-clearing"] == Decimal("60.00")


def test_r35_quickbooks_export_rows_balance_per_journal(clinic, books, out):
    path = out / "march.csv"
    count = clinic.accounting.export(*MARCH, path, format="QuickBooks")  # any case
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        cents = lambda t: int(t.replace(".", "")) if t else 0  # noqa: E731
        totals[row["Journal No."]] += cents(row["Debits"]) - cents(row["Credits"])
    assert len(totals) == count and set(totals.values()) == {0}
    assert rows[0]["Journal Date"] == "03/02/2026"


def test_r35_progress_goes_through_the_periods_days(clinic, books, out):
    seen = []
    clinic.accounting.export(*MARCH, out / "m.csv", format="xero",
                             progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 31) and seen[-1] == (31, 31)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)


@pytest.mark.parametrize("args, field", [
    (dict(format="pdf"), "format"),
    (dict(format=None), "format"),
    (dict(start=date(2026, 3, 31), end=date(2026, 3, 1)), "end"),
    (dict(start="March"), "start"),
])
def test_r35_export_refusals_name_the_field_and_write_nothing(clinic, books, out, args,
                                                              field):
    call = dict(start=MARCH[0], end=MARCH[1], format="beancount") | args
    target = out / "out.beancount"
    with pytest.raises(ValidationError) as refused:
        clinic.accounting.export(call["start"], call["end"], target, format=call["format"])
    assert refused.value.field == field and str(refused.value).endswith(".")
    assert left_in(out) == []


def test_r35_export_refuses_a_missing_folder(clinic, books, out):
    with pytest.raises(ValidationError) as missing:
        clinic.accounting.export(*MARCH, out / "nowhere" / "j.csv", format="xero")
    assert missing.value.field == "path" and "does not exist" in str(missing.value)
    assert not (out / "nowhere").exists()


@pytest.mark.sqlite_only(reason="the clinic's own file")
def test_r35_export_refuses_the_clinic_file(clinic, books):
    before = clinic.path.read_bytes()
    with pytest.raises(ValidationError) as own:
        clinic.accounting.export(*MARCH, clinic.path, format="quickbooks")
    assert own.value.field == "path" and "database" in str(own.value)
    assert clinic.path.read_bytes() == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="folder permissions (root writes anywhere)")
def test_r35_export_refuses_a_folder_it_may_not_write(clinic, books, out):
    locked = out / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ValidationError) as refused:
            clinic.accounting.export(*MARCH, locked / "j.beancount", format="beancount")
        assert refused.value.field == "path" and "may not write" in str(refused.value)
        assert left_in(locked) == []
    finally:
        locked.chmod(0o700)


def test_r35_export_refuses_a_folder_the_system_says_it_may_not_write(clinic, books, out,
                                                                     monkeypatch):
    """The same refusal where the tests run as root (who may write anywhere): the folder's
    answer to os.access is what file_targets asks."""
    from app.services import file_targets
    real = os.access
    monkeypatch.setattr(file_targets.os, "access",
                        lambda path, mode: False if Path(path) == out else real(path, mode))
    with pytest.raises(ValidationError) as refused:
        clinic.accounting.export(*MARCH, out / "j.csv", format="quickbooks")
    assert refused.value.field == "path" and "may not write" in str(refused.value)
    assert left_in(out) == []


def test_r35_a_failure_half_way_leaves_the_old_file_and_no_part(clinic, books, out,
                                                                monkeypatch):
    target = out / "j.beancount"
    target.write_text("the old file\n")
    real = clinic.accounting.iter_journal

    def breaks(start, end):
        entries = real(start, end)
        yield next(entries)
        raise OSError("disk full")
    monkeypatch.setattr(clinic.accounting, "iter_journal", breaks)
    for kind in ("beancount", "quickbooks"):
        with pytest.raises(OSError):
            clinic.accounting.export(*MARCH, target, format=kind)
        assert target.read_text() == "the old file\n" and left_in(out) == ["j.beancount"]


@pytest.mark.parametrize("kind", ["beancount", "quickbooks", "xero"])
def test_r35_a_chart_renamed_at_another_desk_mid_export_is_a_conflict_and_no_file(
        clinic, books, out, monkeypatch, kind):
    from dataclasses import replace

    from app.services.errors import Conflict
    real = clinic.accounting.accounts
    monkeypatch.setattr(clinic.accounting, "accounts", lambda: [
        replace(a, name="Renamed") if a.role == "receivable" else a for a in real()])
    with pytest.raises(Conflict) as conflict:
        clinic.accounting.export(*MARCH, out / "j.txt", format=kind)
    assert "changed at another desk" in str(conflict.value)
    assert left_in(out) == []


def test_r35_beancount_names_stay_unique_when_a_suffix_meets_a_name():
    from app.services.accounting.entries import AccountRow
    rows = [AccountRow(1, "a", "asset", "", "Till"), AccountRow(2, "b", "asset", "", "till"),
            AccountRow(3, "c", "asset", "", "Till 2")]
    names = account_names(rows)
    assert len({n.casefold() for n in names.values()}) == 3


@pytest.mark.parametrize("kind", ["beancount", "xero"])
def test_r35_a_cancelled_export_keeps_nothing(clinic, books, out, kind):
    asked = []
    done = clinic.accounting.export_journal(*MARCH, out / "j.txt", format=kind,
                                            cancelled=lambda: asked.append(1) or True)
    assert done.cancelled and done.files == () and asked
    assert left_in(out) == []


def test_r35_xero_journal_split_in_files_of_its_lines_and_all_removed_on_failure(
        clinic, books, out, monkeypatch):
    monkeypatch.setattr(exporting, "XERO_LINES", 5)
    target = out / "march.csv"
    done = clinic.accounting.export_journal(*MARCH, target, format="xero")
    assert done.files[0] == target and len(done.files) > 1
    assert [p.name for p in done.files] == ["march.csv"] + [
        f"march-{n}.csv" for n in range(2, len(done.files) + 1)]
    lines = 0
    for part in done.files:
        with open(part, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0][0] == "Narration" and len(rows) <= 5
        assert sum(int(r[5].replace(".", "")) for r in rows[1:]) == 0  # whole journals
        lines += len(rows) - 1
    assert lines == sum(len(e.postings) for e in clinic.accounting.journal(*MARCH))
    assert done.entries == len(clinic.accounting.journal(*MARCH))

    for part in done.files:
        part.unlink()
    real = clinic.accounting.iter_journal

    def breaks(start, end):
        entries = list(real(start, end))
        yield from entries[:-1]
        raise OSError("disk full")
    monkeypatch.setattr(clinic.accounting, "iter_journal", breaks)
    with pytest.raises(OSError):
        clinic.accounting.export(*MARCH, target, format="xero")
    assert left_in(out) == []


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.sqlite_only(reason="the command opens a clinic file (--db)")
def test_r35_export_journal_command_writes_the_file_or_refuses_with_code_2(
        clinic, books, tmp_path):
    path = os.fspath(clinic.path)
    clinic.close()  # the command opens the file itself, as a script would
    out = tmp_path / "out" / "march.beancount"
    out.parent.mkdir()
    done = run_cli("--db", path, "export-journal", "--from", "2026-03-01", "--to",
                   "2026-03-31", "--format", "beancount", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "journal entries written to" in done.stdout
    assert load_beancount(out)[1] == []
    for bad, words in [(["--format", "pdf"], "not a journal format"),
                       (["--to", "2026-02-01"], "must be on or after"),
                       (["--from", "31/31/2026"], "is not a date"),
                       (["--out", str(tmp_path / "none" / "j.csv")], "does not exist")]:
        target = tmp_path / "out" / "refused.csv"
        options = {"--from": "2026-03-01", "--to": "2026-03-31", "--format": "xero",
                   "--out": str(target)}
        options.update(dict(zip(bad[::2], bad[1::2])))
        refused = run_cli("--db", path, "export-journal",
                          *[item for pair in options.items() for item in pair])
        assert refused.returncode == 2, (bad, refused.stderr)
        assert words in refused.stderr and refused.stderr.strip().count("\n") == 0
        assert left_in(tmp_path / "out") == ["march.beancount"]


def test_r35_a_real_clinics_year_exports_in_all_three_formats(clinic, clock, tmp_path):
    from app.services.demo import seed_demo
    seed_demo(clinic)
    end = clinic.today() + timedelta(days=14)
    start = end - timedelta(days=365)
    journal = clinic.accounting.journal(start, end)
    assert len(journal) > 50
    bean, qbo, xero = (tmp_path / "year.beancount", tmp_path / "year-qbo.csv",
                       tmp_path / "year-xero.csv")
    assert clinic.accounting.export(start, end, bean, format="beancount") == len(journal)
    loaded, errors, _options = load_beancount(bean)
    assert errors == []
    assert loaded_balances(loaded) == journal_balances(clinic, start, end)
    assert clinic.accounting.export(start, end, qbo, format="quickbooks") == len(journal)
    with open(qbo, encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == sum(
            1 for e in journal for _n, c in e.postings if c)
    done = clinic.accounting.export_journal(start, end, xero, format="xero")
    assert done.entries == len(journal)
    for part in done.files:
        with open(part, encoding="utf-8", newline="") as handle:
            assert len(handle.read().splitlines()) <= 300
