"""The journal (R35): every money event of a period as a balanced entry, in cents.

What each event posts (debits positive, credits negative; accounts by role, see chart.py):
- Invoice issued, on its issue day: Dr Accounts Receivable its total; Cr per line kind (a
  package sale to Deferred Revenue – Packages, treatment to Treatments, Patient Pays,
  no-show fee, membership), net of tax; Cr Sales Tax Payable per rate, the tax stored on each
  line (the invoice's own totals are the sums of those, so receivables tie to the cent). The
  "Unused uses cancelled" lines (kind package_refund) are left out: they post on the day of
  the refund that made them, below.
- Invoice voided, on the day of the void: the reverse of everything it posted, those lines
  included.
- Payment received (payment_entries.py): Dr the method's clearing account its amount / Cr
  Accounts Receivable what it paid on invoices as it was received / Cr Patient Credit the rest.
  Each later application of credit to an invoice, on the day it was made: Dr Patient Credit /
  Cr Accounts Receivable; a negative application (taken back by a void or a package refund)
  the reverse. Money handed back (payment_refunds): Dr Patient Credit / Cr the refund
  method's clearing account.
- Packages, from the liability core's day-by-day steps (app/domain/liability.steps over
  app/services/liability.package_lives), so deferred revenue is R33's closing by
  construction: uses redeemed Dr Deferred / Cr Revenue – Packages (an undone use the
  reverse), uses expired Dr Deferred / Cr Breakage, reinstated the reverse; refunded Dr
  Deferred the unredeemed value / Cr Refund Adjustments, and on the refund's day its
  "Unused uses cancelled" line: Dr Refund Adjustments its net, Dr Sales Tax Payable its tax,
  Cr Accounts Receivable (so Refund Adjustments nets to R34's refund adjustment). A sale
  voided while all its uses are left posts nothing more: the void reverses its Deferred
  credit. One voided after its uses expired (or, were it allowed, after some were given)
  also takes back, that day, what it had earned: Dr Breakage / Revenue – Packages, Cr
  Deferred, since the void reverses the whole price while R33 released only what was left.
  One entry per package per day it moved: each stays traceable to one patient's package,
  and a day's uses of one package (rarely more than one) are one entry, not one per use.
- Opening balances (a period that starts after the clinic's first day): one entry on the
  first day, each balance-sheet account's balance at the end of the day before (SQL sums,
  opening.py; deferred revenue is R33's opening) against Opening Balances. Income accounts
  open at zero: earlier periods' income is in that equity, as after a year-end close.

Entries come in date order, then by kind of document, then its id: the same period gives
the same entries. They are read and built a month at a time (the package steps of the period
are worked out first: small tuples, one per package and day), so a year of a large clinic
streams to a file without its rows or entries held at once.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import chain, groupby
from operator import itemgetter
from typing import Iterable, Iterator

from sqlalchemy import String, func, select, type_coerce

from ...i18n import _
from ...models import (Invoice, InvoiceLine, Package, PackageRefund, Patient, Payment,
                       PaymentApplication, PaymentRefund)
from ..day_times import day_of, within
from . import chart
from .entries import JournalEntry

BATCH = 2000  # rows fetched at a time
#: the order of the kinds of document within a day
ORDER = {"opening": 0, "invoice": 1, "payment": 2, "application": 3, "package": 4,
         "cancelled": 5, "refund": 6, "void": 7, "unsold": 8}
#: invoice line kind -> the account it credits (package_refund lines post at the refund)
LINE_ROLES = {"package": "deferred", "treatment": "revenue:treatment",
              "patient_pays": "revenue:patient_pays", "no_show_fee": "revenue:no_show_fee",
              "membership": "revenue:membership", "package_refund": "revenue:refund_adjustment",
              # sold before ClinicDesk (R42): its liability is R33's opening, not a sale
              "imported_package": "opening", "opening_balance": "opening",
              "gift_card": "gift_cards"}  # R45: a card's sale or reload is owed, not earned
DASH = " \u2014 "


class UnbalancedEntry(AssertionError):
    """An entry whose postings do not add up to zero: a defect in this module, never the
    clinic's doing (not a ClinicError)."""


#: An entry and where it goes: (day, kind of document, its time, its id, the entry). Each
#: source yields them in this order, so they are merged as they come (heapq.merge); no two
#: have the same first four, so entries themselves are never compared.
Keyed = tuple


def _at(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _raw(column):
    """`column` as the driver gives it: on SQLite a date or time is ISO text, which
    SQLAlchemy would parse with a regular expression, row by row; day_of and _at read it with
    fromisoformat (PostgreSQL's driver gives dates and datetimes, which they pass on)."""
    return type_coerce(column, String)


class _Days(dict):
    """A source's days, each read once (a year's rows fall on a few hundred days)."""

    def __missing__(self, value) -> date:
        day = self[value] = day_of(value)
        return day


def _name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def _words(*parts: str) -> str:
    return DASH.join(parts)


def make_entry(names: dict[str, str], on: date, description: str, reference: str,
               postings: Iterable[tuple[str, int]]) -> JournalEntry | None:
    """One entry from (role, cents) postings: the same account's postings added, zeros left
    out; None when nothing is left. Raises UnbalancedEntry unless they add up to zero."""
    # (plain loops, no generators: a year of a large clinic makes a quarter million)
    merged: dict[str, int] = {}
    for role, cents in postings:
        if cents:
            merged[role] = merged[role] + cents if role in merged else cents
    kept = []
    total = 0
    for role, cents in merged.items():
        if cents:
            if type(cents) is not int:
                raise UnbalancedEntry(f"{on} {description}: {cents!r} is not whole cents")
            kept.append((names[role], cents))
            total += cents
    if total:
        raise UnbalancedEntry(f"{on} {description}: postings add up to {total}, not 0: "
                              f"{kept}")
    return JournalEntry(on, description, tuple(kept), reference) if kept else None


def pair_entry(names: dict[str, str], on: date, description: str, reference: str,
               debit: str, credit: str, cents: int) -> JournalEntry | None:
    """make_entry of [(debit, cents), (credit, -cents)], built directly: a payment or an
    application, half of a year's entries, needs no merging (None when nothing moves)."""
    if not cents or debit == credit:
        return None
    if type(cents) is not int:
        raise UnbalancedEntry(f"{on} {description}: {cents!r} is not whole cents")
    return JournalEntry(on, description, ((names[debit], cents), (names[credit], -cents)),
                        reference)


def first_day(s) -> date | None:
    """The clinic's first day with money: the earliest day any entry can fall on. A visit
    booked ahead is invoiced on its own day, so its invoice may be voided (and paid) before
    the day it was issued: every dated source counts."""
    columns = (Invoice.issued_on, Invoice.voided_at, Payment.received_at,
               PaymentApplication.created_at, PaymentRefund.refunded_at,
               PackageRefund.refunded_at, Package.purchased_on)
    # (IS NOT NULL: min() leaves NULLs out anyway, and so the partial index on voided_at
    # serves it instead of a walk of every invoice)
    days = [day_of(v) for v in (s.scalar(select(func.min(column)).where(column.isnot(None)))
                              for column in columns)
            if v is not None]
    return min(days) if days else None


#: where each column of _line_query's rows is
(L_ID, L_NUMBER, L_ISSUED, L_VOIDED, L_INVOICE_TOTAL, L_FIRST, L_LAST, L_KIND, L_QUANTITY,
 L_PRICE, L_RATE, L_TAX, L_TOTAL) = range(13)


def _invoice_postings(lines, sign: int) -> list[tuple[str, int]]:
    """Dr receivables the lines' totals, Cr each line's account its net and its rate's
    Sales Tax Payable its tax (`sign` -1: the reverse, for a void)."""
    receivable = 0
    postings = [("receivable", 0)]
    taxes = []
    for line in lines:
        receivable += line[L_TOTAL]
        postings.append((LINE_ROLES[line[L_KIND]], -sign * line[L_PRICE] * line[L_QUANTITY]))
        if line[L_TAX]:
            taxes.append((chart.tax_role(line[L_RATE]), -sign * line[L_TAX]))
    postings[0] = ("receivable", sign * receivable)
    postings += taxes
    return postings


def _stream(s, query):
    """Rows a batch at a time (a server-side cursor on PostgreSQL): never the period's rows
    at once."""
    # Core rows, not the ORM's, a batch at a time (partitions: no per-row fetch call): a year
    # is a quarter of a million of them
    result = s.connection().execution_options(yield_per=BATCH).execute(query)
    return chain.from_iterable(result.partitions())


def _line_query(invoices=None, *, where=None):
    """The lines of the invoices `invoices` (a subquery of ids), or of those `where` holds,
    with their invoice and patient. A subquery's ids are found first, then their lines by
    ix_invoice_lines_invoice: joined from the lines, SQLite reads every line of ten years to
    look up its invoice. `where` (on the invoices: their issue days) is read from the
    invoices, by ix_invoices_issued_on, then their lines: already in the order of the
    journal (day, invoice, line), so without the sort of a year's lines the subquery needs
    (a third of the time of reading them)."""
    columns = (Invoice.id, Invoice.number, _raw(Invoice.issued_on), _raw(Invoice.voided_at),
               Invoice.total.label("invoice_total"), Patient.first_name,
               Patient.last_name, InvoiceLine.kind, InvoiceLine.quantity,
               InvoiceLine.unit_price,
               # the rate as stored ("0.15"), not as a Decimal: only its role is wanted,
               # and chart.tax_role spells both alike
               type_coerce(InvoiceLine.tax_rate, String), InvoiceLine.tax,
               InvoiceLine.total)
    if where is not None:
        return (select(*columns).select_from(Invoice)
                .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
                .join(Patient, Patient.id == Invoice.patient_id)
                .where(where))
    return (select(*columns)
            .select_from(InvoiceLine)
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .join(Patient, Patient.id == Invoice.patient_id)
            .where(InvoiceLine.invoice_id.in_(invoices)))


def _by_invoice(rows) -> Iterator[list]:
    """The rows of one invoice at a time, as plain tuples (they come grouped: ordered by
    invoice)."""
    for _invoice, group in groupby(map(tuple, rows), key=itemgetter(0)):
        lines = list(group)
        for line in lines:
            if line[L_KIND] not in LINE_ROLES:
                # a new kind of line must be given its account here, or the books are wrong
                raise UnbalancedEntry(f"no account for invoice lines of kind {line[L_KIND]}")
        yield lines


def invoices(s, names, a: date, b: date) -> Iterator[Keyed]:
    """Invoices issued in a..b (their lines but the package_refund ones)."""
    rows = _stream(s, _line_query(where=Invoice.issued_on.between(a, b))
                   .order_by(Invoice.issued_on, Invoice.id, InvoiceLine.line_no))
    words, kind, days = _("Invoice #{number}").format, ORDER["invoice"], _Days()
    for lines in _by_invoice(rows):
        (invoice_id, number, issued_on, _voided, invoice_total, first_name, last_name,
         _kind, quantity, price, _rate, tax, total) = first = lines[0]
        issued_on = days[issued_on]
        if len(lines) == 1 and total == 0 and tax == 0 and price * quantity == 0:
            continue  # a visit the package covered in full: nothing to post
        kept = [line for line in lines if line[L_KIND] != "package_refund"]
        if len(kept) < len(lines):
            # the invoice's stored total counts its "Unused uses cancelled" lines: they
            # post at their refund, so receivables are the total less them
            tied = invoice_total - sum(line[L_TOTAL] for line in lines
                                       if line[L_KIND] == "package_refund")
        else:
            tied = invoice_total
        if tied != sum(line[L_TOTAL] for line in kept):
            raise UnbalancedEntry(f"invoice #{number}: lines do not add up to its total")
        reference = words(number=number)
        entry = make_entry(names, issued_on,
                           f"{reference}{DASH}{_name(first_name, last_name)}",
                           reference, _invoice_postings(kept, 1))
        if entry is not None:
            yield (issued_on, kind, issued_on, invoice_id, entry)


def voids(s, names, a: date, b: date) -> Iterator[Keyed]:
    """Invoices voided in a..b: every line they posted, taken back."""
    voided = select(Invoice.id).where(within(Invoice.voided_at, a, b))
    rows = _stream(s, _line_query(voided)
                   .order_by(Invoice.voided_at, Invoice.id, InvoiceLine.line_no))
    invoice, words, kind = (_("Invoice #{number}").format, _("Invoice #{number} voided").format,
                            ORDER["void"])
    for lines in _by_invoice(rows):
        first = lines[0]
        at = _at(first[L_VOIDED])
        number = first[L_NUMBER]
        entry = make_entry(names, at.date(), _words(words(number=number),
                                                    _name(first[L_FIRST], first[L_LAST])),
                           invoice(number=number), _invoice_postings(lines, -1))
        if entry is not None:
            yield (at.date(), kind, at, first[L_ID], entry)


def cancelled_lines(s, names, a: date, b: date) -> Iterator[Keyed]:
    """The "Unused uses cancelled" line of each package refund of a..b, on its day."""
    rows = _stream(s,
        select(PackageRefund.id, PackageRefund.refunded_at, Package.name, Invoice.number,
               InvoiceLine.quantity, InvoiceLine.unit_price, InvoiceLine.tax_rate,
               InvoiceLine.tax, InvoiceLine.total, Patient.first_name, Patient.last_name)
        .join(InvoiceLine, InvoiceLine.id == PackageRefund.invoice_line_id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .join(Package, Package.id == PackageRefund.package_id)
        .join(Patient, Patient.id == Invoice.patient_id)
        .where(within(PackageRefund.refunded_at, a, b))
        .order_by(PackageRefund.refunded_at, PackageRefund.id))
    for row in rows:
        on = day_of(row.refunded_at)
        postings = [("revenue:refund_adjustment", -row.unit_price * row.quantity),
                    ("receivable", row.total)]
        if row.tax:
            postings.append((chart.tax_role(row.tax_rate), -row.tax))
        entry = make_entry(names, on, _words(_("Unused uses cancelled"), row.name,
                                             _name(row.first_name, row.last_name)),
                           _("Invoice #{number}").format(number=row.number), postings)
        if entry is not None:
            yield (on, ORDER["cancelled"], _at(row.refunded_at), row.id, entry)
