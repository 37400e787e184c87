"""The journal as a QuickBooks Online journal-entry import CSV (R35).

Intuit's page "Import journal entries" (QuickBooks Online, Settings > Import data > Journal
Entries): https://quickbooks.intuit.com/learn-support/en-au/help-article/import-export-files/import-journal-entries-quickbooks-online/L4tQBwbs7_AU_en_AU
lists the columns Journal No., Journal Date, Account Name, Description, Debits, Credits, and a
Name column that QuickBooks asks for on Accounts Receivable / Payable lines; it names the
account by its name (account numbers turned off during the import, sub-accounts as
"Parent:Sub"). The page gives no date format; the importers' guides all write MM/DD/YYYY,
so that is what is written. One row per posting; the rows of one entry share its Journal
No.; a debit goes in Debits, a credit (as a positive amount) in Credits, the other left
empty. Name is left empty: the journal's entries do not carry the patient apart from their
description, and a Name QuickBooks does not know as a customer stops the import.

UTF-8 without a BOM, rows ending "\\r\\n" (RFC 4180, the csv module's own); text cells go
through `neutralise`, since descriptions carry patients' names (issue 15).
"""

from __future__ import annotations

import csv
from typing import Iterable, TextIO

from ...spreadsheet_cells import neutralise
from ..entries import AccountRow, JournalEntry
from .common import (Amounts, Days, EntryNumbers, account_of, by_name, entry_text,
                     one_line)

HEADERS = ("Journal No.", "Journal Date", "Account Name", "Description", "Debits", "Credits",
           "Name")


def write_quickbooks(entries: Iterable[JournalEntry], accounts: Iterable[AccountRow],
                     stream: TextIO, *, digits: int = 2) -> int:
    """Write `entries` to `stream` (opened with newline=""); return how many were written."""
    chart = by_name(accounts)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(HEADERS)
    written = 0

    def rows():
        # A quarter of a million rows a year: what is the same from row to row (an account's
        # cell, a day's date, an amount) is made once, and the rows go to one writerows.
        nonlocal written
        numbers = EntryNumbers()
        days = Days("{:%m/%d/%Y}")
        amounts = Amounts(digits)
        cells: dict[str, str] = {}  # account name -> its cell
        for entry in entries:
            number = numbers.next(entry.on)
            on = days[entry.on]
            description = neutralise(entry_text(entry))
            for name, cents in entry.postings:
                if cents == 0:
                    continue  # a line of nothing: QuickBooks wants a debit or a credit
                account = cells.get(name)
                if account is None:
                    account = cells[name] = neutralise(one_line(account_of(chart, name).name))
                if cents > 0:
                    yield (number, on, account, description, amounts[cents], "", "")
                else:
                    yield (number, on, account, description, "", amounts[-cents], "")
            written += 1

    writer.writerows(rows())
    return written
