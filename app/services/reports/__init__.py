"""Reports over packages and the books: sales, usage, outstanding liability, staff compensation
(R3, R21); package liability, revenue and sales tax (R33, R34, R36).

Every figure is computed in SQL (SQLAlchemy Core): the detail rows, the per-group totals and
the grand total of one report section come from ONE statement. The section's detail query is
a materialised CTE; the group totals are a GROUP BY over it and the grand total adds up the
groups, glued to the detail rows with UNION ALL. So the work of joining and numbering happens
once, and Python only turns result rows into plain row objects (taken straight from the
DBAPI cursor, see `_fetch`). Nothing is formatted here (money stays in cents, dates stay
dates); the UI and `reports.export` format at the edge. Reports over years return tens of
thousands of rows (a year of usage at a busy clinic: ~50,000, ~0.3 s): call them from the
worker thread, not the GUI thread. bench/RESULTS.md has the measurements.

A `Report` is generic: one or more `Section`s, each a table with typed `Column`s, rows,
per-group subtotal rows and a grand total. A table view or an exporter needs nothing else:

    for section in report.sections:
        headings = [c.heading for c in section.columns]      # c.kind: text|money|date|int
        for row in section.rows: cells = section.cells(row)   # raw: cents, dates, ints
        for group in section.groups: group.label, group.count, group.totals[column.key]
        section.count, section.totals[column.key]             # for columns with total=True

Per-use value (R3): use n of a package of price P and N uses is P // N, plus one cent for the
last P % N uses — exactly `money.split_evenly(P, N)[n - 1]`; the values of all uses add up to
P. "Use n" numbers a package's redemptions that are not voided, ordered by date then id (as
on the package's show page); the number is stored on the redemption
(`package_rules.renumber_uses`), so a report reads it rather than counting.

The package, by job: `shape` (Column, Group, Section, Report: what a report is), `engine` (one
section from one statement, rows straight off the cursor), `formulas` (the SQL twins of the
money and package rules), one module per report (`sales`, `usage`, `outstanding`,
`compensation`, `liability`, `revenue`, `sales_tax`; `tally` makes a section from rows
worked out in Python, for the two that add up the liability core's steps), `service`
(ReportService, which `clinic.reports` is), and the writers `export` (CSV, XLSX) and `pdf`.
"""

from .compensation import CompensationRow, DoubleCompensationRow
from .engine import FETCH_ROWS, LARGE_REPORT_ROWS, REPORT_CACHE_KIB
from .liability import LiabilityRow
from .outstanding import EXPIRING_DAYS, OutstandingRow
from .revenue import RevenueRow
from .sales import SaleRow
from .sales_tax import TaxRow
from .service import ReportService
from .shape import KINDS, NO_STAFF, NOTHING, Column, Group, Report, Section
from .usage import UsageRow

__all__ = ["EXPIRING_DAYS", "FETCH_ROWS", "KINDS", "LARGE_REPORT_ROWS", "NOTHING", "NO_STAFF",
           "REPORT_CACHE_KIB", "Column", "CompensationRow", "DoubleCompensationRow", "Group",
           "LiabilityRow", "OutstandingRow", "Report", "ReportService", "RevenueRow", "SaleRow",
           "Section", "TaxRow", "UsageRow"]
