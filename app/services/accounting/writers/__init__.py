"""The journal's export formats (R35): Beancount, QuickBooks Online and Xero import CSVs.

Each writer takes the journal's entries as an iterable (the journal streams them: a year
never sits in memory), the clinic's chart, and a text stream, and returns the number of
entries it wrote. Amounts are formatted here only, from integer cents, with no float on the
way: the same entries always give the same bytes.
"""

from .beancount import write_beancount
from .quickbooks import write_quickbooks
from .xero import XERO_MAX_LINES, XeroWriter, write_xero

__all__ = ["XERO_MAX_LINES", "XeroWriter", "write_beancount", "write_quickbooks",
           "write_xero"]
