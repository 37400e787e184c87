"""R35 the journal's three file formats, byte for byte on hand-made entries: Beancount (loaded
by Beancount's own loader with no error, its balances the cents' sums), QuickBooks Online and
Xero import CSVs (one row per posting, debits and credits where each importer wants them),
amounts from integer cents, quotes, commas and formula starts in descriptions kept harmless,
and the same entries always giving the same bytes."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from app.services.accounting.entries import AccountRow, JournalEntry
from app.services.accounting.writers import write_beancount, write_quickbooks, write_xero
from app.services.accounting.writers.beancount import account_names
from app.services.accounting.writers.common import units
from app.services.accounting.writers.xero import XeroWriter

CHART = [
    AccountRow(1, "clearing:cash", "asset", "1010", "Cash clearing"),
    AccountRow(2, "receivable", "asset", "1200", "Accounts Receivable"),
    AccountRow(3, "deferred", "liability", "2200", "Deferred Revenue \u2013 Packages"),
    AccountRow(4, "sales_tax:0.13", "liability", "2400", "Sales Tax Payable 13\u00a0%"),
    AccountRow(5, "opening", "equity", "3900", "Opening Balances"),
    AccountRow(6, "revenue:treatment", "income", "4000", "Treatments"),
]
ENTRIES = [
    JournalEntry(date(2026, 1, 5), 'Invoice #1 \u2014 Zo\u00eb "Jo" O\'Neil, Jr. \\ back',
                 (("Accounts Receivable", 11300), ("Treatments", -10000),
                  ("Sales Tax Payable 13\u00a0%", -1300)), "Invoice #1"),
    JournalEntry(date(2026, 1, 5), '=HYPERLINK("http://x.example")',
                 (("Cash clearing", 5), ("Accounts Receivable", -5)), "Payment #1"),
    JournalEntry(date(2026, 1, 6), "Refund -12.34",
                 (("Accounts Receivable", -123456789), ("Cash clearing", 123456789)), ""),
]
JANUARY = dict(start=date(2026, 1, 1), end=date(2026, 1, 31))


def beancount_text(entries=ENTRIES) -> str:
    out = io.StringIO()
    assert write_beancount(iter(entries), CHART, out, currency="CAD", title="Harbour Physio",
                           **JANUARY) == len(entries)
    return out.getvalue()


def csv_text(writer, entries=ENTRIES, **options) -> str:
    out = io.StringIO(newline="")
    assert writer(iter(entries), CHART, out, **options) == len(entries)
    return out.getvalue()


def test_r35_amounts_are_cents_as_decimals_without_float():
    assert [units(c) for c in (0, 5, 29, 12345, -5, -12345, 100000000)] == [
        "0.00", "0.05", "0.29", "123.45", "-0.05", "-123.45", "1000000.00"]
    assert units(-1234, 0) == "-1234" and units(1234, 3) == "1.234"
    with pytest.raises(TypeError):
        units(Decimal("1.00"))


def test_r35_beancount_file_exactly():
    assert beancount_text() == (
        "; ClinicDesk journal, 2026-01-01 to 2026-01-31\n"
        'option "title" "Harbour Physio"\n'
        'option "operating_currency" "CAD"\n'
        "\n"
        "2026-01-01 open Assets:1010-Cash-clearing CAD\n"
        "2026-01-01 open Assets:1200-Accounts-Receivable CAD\n"
        "2026-01-01 open Equity:3900-Opening-Balances CAD\n"
        "2026-01-01 open Income:4000-Treatments CAD\n"
        "2026-01-01 open Liabilities:2200-Deferred-Revenue-Packages CAD\n"
        "2026-01-01 open Liabilities:2400-Sales-Tax-Payable-13 CAD\n"
        "\n"
        '2026-01-05 * "Invoice #1 \u2014 Zo\u00eb \\"Jo\\" O\'Neil, Jr. \\\\ back"\n'
        '  reference: "Invoice #1"\n'
        "  Assets:1200-Accounts-Receivable  113.00 CAD\n"
        "  Income:4000-Treatments  -100.00 CAD\n"
        "  Liabilities:2400-Sales-Tax-Payable-13  -13.00 CAD\n"
        "\n"
        '2026-01-05 * "=HYPERLINK(\\"http://x.example\\")"\n'
        '  reference: "Payment #1"\n'
        "  Assets:1010-Cash-clearing  0.05 CAD\n"
        "  Assets:1200-Accounts-Receivable  -0.05 CAD\n"
        "\n"
        '2026-01-06 * "Refund -12.34"\n'
        "  Assets:1200-Accounts-Receivable  -1234567.89 CAD\n"
        "  Assets:1010-Cash-clearing  1234567.89 CAD\n")


def load_beancount(tmp_path, text: str):
    from beancount import loader
    path = tmp_path / "journal.beancount"
    path.write_text(text, encoding="utf-8")
    return loader.load_file(str(path))


def balances_of(loaded) -> dict[str, Decimal]:
    from beancount.core import data
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in loaded:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                totals[posting.account] += posting.units.number
    return dict(totals)


def test_r35_beancount_loader_finds_no_error_and_the_cents_balances(tmp_path):
    loaded, errors, options = load_beancount(tmp_path, beancount_text())
    assert errors == []
    assert options["operating_currency"] == ["CAD"]
    names = account_names(CHART)
    expected: dict[str, int] = defaultdict(int)
    for entry in ENTRIES:
        for name, cents in entry.postings:
            expected[names[name]] += cents
    assert balances_of(loaded) == {account: Decimal(cents).scaleb(-2)
                                   for account, cents in expected.items()}
    narrations = [e.narration for e in loaded if hasattr(e, "narration")]
    assert narrations[0] == ENTRIES[0].description  # the quotes and backslash come back


def test_r35_beancount_names_valid_unique_and_deterministic(tmp_path):
    odd = [AccountRow(1, "a", "asset", "", "caisse \u00e9l\u00e8ves / d\u00e9p\u00f4t"),
           AccountRow(2, "b", "asset", "", "Caisse-\u00c9l\u00e8ves d\u00e9p\u00f4t"),
           AccountRow(3, "c", "liability", "2.1", "---"),
           AccountRow(4, "d", "income", "", "!!!")]
    names = account_names(odd)
    assert names == account_names(list(reversed(odd)))
    assert names == {"caisse \u00e9l\u00e8ves / d\u00e9p\u00f4t": "Assets:Caisse-eleves-depot-1",
                     "Caisse-\u00c9l\u00e8ves d\u00e9p\u00f4t": "Assets:Caisse-Eleves-depot",
                     "---": "Liabilities:2-1", "!!!": "Income:Account-4"}
    entry = JournalEntry(date(2026, 1, 2), "x", tuple(
        (row.name, cents) for row, cents in zip(odd, (300, -100, -150, -50))))
    out = io.StringIO()
    write_beancount([entry], odd, out, **JANUARY)
    assert load_beancount(tmp_path, out.getvalue())[1] == []


def test_r35_beancount_posting_to_an_account_outside_the_chart_is_a_defect():
    stray = JournalEntry(date(2026, 1, 2), "x", (("Nowhere", 1), ("Treatments", -1)))
    with pytest.raises(ValueError):
        write_beancount([stray], CHART, io.StringIO(), **JANUARY)


def test_r35_quickbooks_csv_exactly():
    assert csv_text(write_quickbooks) == (
        "Journal No.,Journal Date,Account Name,Description,Debits,Credits,Name\r\n"
        '20260105-1,01/05/2026,Accounts Receivable,"Invoice #1 \u2014 Zo\u00eb ""Jo"" '
        "O'Neil, Jr. \\ back\",113.00,,\r\n"
        '20260105-1,01/05/2026,Treatments,"Invoice #1 \u2014 Zo\u00eb ""Jo"" '
        "O'Neil, Jr. \\ back\",,100.00,\r\n"
        '20260105-1,01/05/2026,Sales Tax Payable 13\u00a0%,"Invoice #1 \u2014 Zo\u00eb '
        '""Jo"" O\'Neil, Jr. \\ back",,13.00,\r\n'
        '20260105-2,01/05/2026,Cash clearing,"\'=HYPERLINK(""http://x.example"") '
        '(Payment #1)",0.05,,\r\n'
        '20260105-2,01/05/2026,Accounts Receivable,"\'=HYPERLINK(""http://x.example"") '
        '(Payment #1)",,0.05,\r\n'
        "20260106-1,01/06/2026,Accounts Receivable,Refund -12.34,,1234567.89,\r\n"
        "20260106-1,01/06/2026,Cash clearing,Refund -12.34,1234567.89,,\r\n")


def test_r35_quickbooks_each_journal_balances_and_reads_back():
    rows = list(csv.DictReader(io.StringIO(csv_text(write_quickbooks), newline="")))
    by_number: dict[str, int] = defaultdict(int)
    for row in rows:
        assert bool(row["Debits"]) != bool(row["Credits"])  # one of the two, never both
        cents = lambda text: int(text.replace(".", "")) if text else 0  # noqa: E731
        by_number[row["Journal No."]] += cents(row["Debits"]) - cents(row["Credits"])
    assert by_number == {"20260105-1": 0, "20260105-2": 0, "20260106-1": 0}
    assert not any(row["Description"].startswith("=") for row in rows)


def test_r35_xero_csv_exactly():
    assert csv_text(write_xero) == (
        "Narration,Date,Description,AccountCode,TaxRate,Amount\r\n"
        '"20260105-1 Invoice #1 \u2014 Zo\u00eb ""Jo"" O\'Neil, Jr. \\ back",05/01/2026,'
        '"Invoice #1 \u2014 Zo\u00eb ""Jo"" O\'Neil, Jr. \\ back",1200,Tax Exempt,113.00\r\n'
        '"20260105-1 Invoice #1 \u2014 Zo\u00eb ""Jo"" O\'Neil, Jr. \\ back",05/01/2026,'
        '"Invoice #1 \u2014 Zo\u00eb ""Jo"" O\'Neil, Jr. \\ back",4000,Tax Exempt,-100.00\r\n'
        '"20260105-1 Invoice #1 \u2014 Zo\u00eb ""Jo"" O\'Neil, Jr. \\ back",05/01/2026,'
        '"Invoice #1 \u2014 Zo\u00eb ""Jo"" O\'Neil, Jr. \\ back",2400,Tax Exempt,-13.00\r\n'
        '"20260105-2 =HYPERLINK(""http://x.example"") (Payment #1)",05/01/2026,'
        '"\'=HYPERLINK(""http://x.example"") (Payment #1)",1010,Tax Exempt,0.05\r\n'
        '"20260105-2 =HYPERLINK(""http://x.example"") (Payment #1)",05/01/2026,'
        '"\'=HYPERLINK(""http://x.example"") (Payment #1)",1200,Tax Exempt,-0.05\r\n'
        "20260106-1 Refund -12.34,06/01/2026,Refund -12.34,1200,Tax Exempt,-1234567.89\r\n"
        "20260106-1 Refund -12.34,06/01/2026,Refund -12.34,1010,Tax Exempt,1234567.89\r\n")


def test_r35_xero_files_hold_at_most_their_lines_and_never_split_an_entry():
    entries = [JournalEntry(date(2026, 1, 1 + i % 28), f"Entry {i}",
                            (("Cash clearing", 100 + i), ("Treatments", -100 - i)))
               for i in range(10)]
    files = [io.StringIO(newline="")]

    def another():
        files.append(io.StringIO(newline=""))
        return files[-1]

    assert write_xero(entries, CHART, files[0], next_stream=another, max_lines=6) == 10
    lines = [f.getvalue().splitlines() for f in files]
    assert [len(f) for f in lines] == [5, 5, 5, 5, 5]  # header + two entries of two lines
    narrations = [row[0] for f in files for row in list(csv.reader(
        io.StringIO(f.getvalue(), newline="")))[1:]]
    assert narrations == [f"{e.on:%Y%m%d}-1 {e.description}" for e in entries
                          for _posting in e.postings]
    assert sum(int(row[5].replace(".", "")) for f in files for row in list(
        csv.reader(io.StringIO(f.getvalue(), newline="")))[1:]) == 0


def test_r35_xero_default_limit_is_three_hundred_lines_a_file():
    writer = XeroWriter(CHART)
    entries = iter([ENTRIES[0]] * 200)  # three lines each
    first = io.StringIO(newline="")
    assert writer.write_file(entries, first) is True
    assert len(first.getvalue().splitlines()) == 1 + 3 * 99  # 298 <= 300, one more is 301
    assert writer.written == 99


@pytest.mark.parametrize("writer", ["beancount", "quickbooks", "xero"])
def test_r35_same_entries_same_bytes(writer):
    def once() -> str:
        if writer == "beancount":
            return beancount_text()
        return csv_text(write_quickbooks if writer == "quickbooks" else write_xero)
    assert once() == once()


def test_r35_writers_stream_the_entries_once_without_holding_them():
    seen = []

    def source():
        for entry in ENTRIES:
            seen.append(entry)
            yield entry
    for write in (write_quickbooks, write_xero):
        seen.clear()
        write(source(), CHART, io.StringIO(newline=""))
        assert seen == ENTRIES
    seen.clear()
    write_beancount(source(), CHART, io.StringIO(), **JANUARY)
    assert seen == ENTRIES
