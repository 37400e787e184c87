"""The journal as Xero manual-journal import CSVs (R35).

Xero's page "Enter multiple manual journals using an import template":
https://help.xero.com/nz/ManualJournalsImport gives the fields Narration (one per journal:
rows with the same narration and date become the lines of one journal), Date (dd/mm/yyyy or
"dd mmm yyyy"), Description (per line), AccountCode (the code from the chart, "200", not
"200 - Sales"), TaxRate (the tax rate's full name as in Xero's tax settings) and Amount
(positive a debit, negative a credit), and says one template file holds up to 300 lines.

What is written: each entry is its own journal, its narration made unique by the entry's
number ("20260105-3 Invoice #12 ...") so two entries alike on one day never merge; the tax
rate is "Tax Exempt" (Xero's name, in Canada and the US, for its NONE rate), because the
journal already posts sales tax to its own Sales Tax Payable lines and Xero must not add tax
again. A file never holds more than 300 lines, its header row included: when the next
entry does not fit, the writer asks for another file (the export names them "journal.csv",
"journal-2.csv", ...), and an entry is never split across two files, since a journal must
balance within its file.
"""

from __future__ import annotations

import csv
from typing import Callable, Iterable, Iterator, TextIO

from ...spreadsheet_cells import neutralise
from ..entries import AccountRow, JournalEntry
from .common import (Amounts, Days, EntryNumbers, account_of, by_name, entry_text,
                     one_line)

HEADERS = ("Narration", "Date", "Description", "AccountCode", "TaxRate", "Amount")
#: Lines one Xero import file may hold (help.xero.com/nz/ManualJournalsImport).
XERO_MAX_LINES = 300
NO_TAX = "Tax Exempt"


class XeroWriter:
    """Writes entries file after file, each within `max_lines` lines (header included)."""

    def __init__(self, accounts: Iterable[AccountRow], *, digits: int = 2,
                 max_lines: int = XERO_MAX_LINES, tax_rate: str = NO_TAX):
        self._chart = by_name(accounts)
        self._digits = digits
        self._room = max(2, max_lines) - 1  # the header takes one line of each file
        self._tax_rate = tax_rate
        self._numbers = EntryNumbers()
        # made once, not once a line: a year is a quarter of a million lines
        self._days = Days("{:%d/%m/%Y}")
        self._amounts = Amounts(digits)
        self._codes: dict[str, str] = {}  # account name -> its AccountCode cell
        self._pending: list[tuple] | None = None  # an entry's rows that did not fit
        self.written = 0

    def _rows(self, entry: JournalEntry) -> list[tuple]:
        number = self._numbers.next(entry.on)
        text = entry_text(entry)
        narration = neutralise(f"{number} {text}".strip())
        description = neutralise(text)
        on = self._days[entry.on]
        codes, amounts, tax_rate = self._codes, self._amounts, self._tax_rate
        rows = []
        for name, cents in entry.postings:
            if cents == 0:
                continue  # Xero wants an amount on every line
            code = codes.get(name)
            if code is None:
                account = account_of(self._chart, name)
                code = codes[name] = neutralise(  # (Xero needs a code)
                    one_line(account.code) or one_line(account.name))
            rows.append((narration, on, description, code, tax_rate, amounts[cents]))
        return rows

    def write_file(self, entries: Iterator[JournalEntry], stream: TextIO) -> bool:
        """Fill one file from `entries`; True when entries remain for another file.
        An entry longer than a whole file gets a file of its own (Xero will say so)."""
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(HEADERS)
        lines: list[tuple] = []  # the file's rows, written at once (one writerows a file)
        while True:
            if self._pending is None:
                entry = next(entries, None)
                if entry is None:
                    writer.writerows(lines)
                    return False
                self._pending = self._rows(entry)
            rows = self._pending
            if lines and len(lines) + len(rows) > self._room:
                writer.writerows(lines)
                return True
            lines += rows
            self._pending = None
            self.written += 1


def write_xero(entries: Iterable[JournalEntry], accounts: Iterable[AccountRow],
               stream: TextIO, *, next_stream: Callable[[], TextIO] | None = None,
               digits: int = 2, max_lines: int = XERO_MAX_LINES) -> int:
    """Write `entries` to `stream`, then to `next_stream()` each time a file is full (all in
    `stream` when there is none); return how many entries were written."""
    writer = XeroWriter(accounts, digits=digits,
                        max_lines=max_lines if next_stream else 1 << 62)
    source = iter(entries)
    while writer.write_file(source, stream):
        stream = next_stream()
    return writer.written
