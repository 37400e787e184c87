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
- Payment received: Dr the method's clearing account / Cr Patient Credit. Each application of
  a payment or of credit to an invoice, on the day it was made: Dr Patient Credit / Cr
  Accounts Receivable; a negative application (taken back by a void or a package refund) the
  reverse. Money handed back (payment_refunds): Dr Patient Credit / Cr the refund method's
  clearing account.
- Packages, from the liability core's day-by-day steps (app/domain/liability.steps over
  app/services/liability.package_lives), so deferred revenue is R33's closing by
  construction: uses redeemed Dr Deferred / Cr Revenue – Packages (an undone use the
  reverse), uses expired Dr Deferred / Cr Breakage, reinstated the reverse; refunded Dr
  Deferred the unredeemed value / Cr Refund Adjustments, and on the refund's day its
  "Unused uses cancelled" line: Dr Refund Adjustments its net, Dr Sales Tax Payable its tax,
  Cr Accounts Receivable (so Refund Adjustments nets to R34's refund adjustment). A sale
  voided before any use posts nothing more: the void reverses its Deferred credit.
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

from datetime import date, datetime, time, timedelta
from itertools import groupby
from typing import Iterable, Iterator, NamedTuple

from sqlalchemy import func, select

from ...i18n import _
from ...models import (Invoice, InvoiceLine, Package, PackageRefund, Patient, Payment,
                       PaymentApplication, PaymentRefund)
from ..ledger import METHODS
from . import chart
from .entries import JournalEntry

ONE_DAY = timedelta(days=1)
CHUNK = 900  # ids per IN (...), under SQLite's old limit
#: the order of the kinds of document within a day
ORDER = {"opening": 0, "invoice": 1, "payment": 2, "application": 3, "package": 4,
         "cancelled": 5, "refund": 6, "void": 7}
#: invoice line kind -> the account it credits (package_refund lines post at the refund)
LINE_ROLES = {"package": "deferred", "treatment": "revenue:treatment",
              "patient_pays": "revenue:patient_pays", "no_show_fee": "revenue:no_show_fee",
              "membership": "revenue:membership", "package_refund": "revenue:refund_adjustment"}
DASH = " \u2014 "


class UnbalancedEntry(AssertionError):
    """An entry whose postings do not add up to zero: a defect in this module, never the
    clinic's doing (not a ClinicError)."""


class Keyed(NamedTuple):
    """An entry and where it goes: (day, kind of document, its id)."""
    key: tuple
    entry: JournalEntry


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _day(value) -> date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


def _name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def _words(*parts: str) -> str:
    return DASH.join(p for p in parts if p)


def make_entry(names: dict[str, str], on: date, description: str, reference: str,
               postings: Iterable[tuple[str, int]]) -> JournalEntry | None:
    """One entry from (role, cents) postings: the same account's postings added, zeros left
    out; None when nothing is left. Raises UnbalancedEntry unless they add up to zero."""
    merged: dict[str, int] = {}
    for role, cents in postings:
        merged[role] = merged.get(role, 0) + int(cents)
    kept = tuple((names[role], cents) for role, cents in merged.items() if cents)
    if sum(cents for _name_, cents in kept) != 0:
        raise UnbalancedEntry(f"{on} {description}: postings add up to "
                              f"{sum(c for _n, c in kept)}, not 0: {kept}")
    return JournalEntry(on, description, kept, reference) if kept else None


def first_day(s) -> date | None:
    """The clinic's first day with money: its first invoice, payment or package."""
    days = [_day(v) for v in (s.scalar(select(func.min(Invoice.issued_on))),
                              s.scalar(select(func.min(Payment.received_at))),
                              s.scalar(select(func.min(Package.purchased_on))))
            if v is not None]
    return min(days) if days else None


def _windows(start: date, end: date) -> Iterator[tuple[date, date]]:
    """The period cut into calendar months (the first and last may be partial)."""
    a = start
    while a <= end:
        following = date(a.year + (a.month == 12), a.month % 12 + 1, 1)
        b = min(end, following - ONE_DAY)
        yield a, b
        a = b + ONE_DAY


def _invoice_postings(lines, sign: int) -> list[tuple[str, int]]:
    receivable = sum(line.total for line in lines)
    postings = [("receivable", sign * receivable)]
    for line in lines:
        postings.append((LINE_ROLES[line.kind], -sign * line.unit_price * line.quantity))
    for line in sorted(lines, key=lambda line: chart.rate_key(line.tax_rate)):
        if line.tax:
            postings.append((chart.tax_role(line.tax_rate), -sign * line.tax))
    return postings


def _line_query():
    return (select(Invoice.id, Invoice.number, Invoice.issued_on, Invoice.voided_at,
                   Invoice.total.label("invoice_total"), Patient.first_name,
                   Patient.last_name, InvoiceLine.kind, InvoiceLine.quantity,
                   InvoiceLine.unit_price, InvoiceLine.tax_rate, InvoiceLine.tax,
                   InvoiceLine.total)
            .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
            .join(Patient, Patient.id == Invoice.patient_id))


def _unknown(kinds) -> None:
    strange = set(kinds) - set(LINE_ROLES)
    if strange:  # a new kind of line must be given its account here, or the books are wrong
        raise UnbalancedEntry(f"no account for invoice lines of kind {sorted(strange)}")


def invoices(s, names, a: date, b: date) -> Iterator[Keyed]:
    """Invoices issued in a..b (their lines but the package_refund ones)."""
    rows = s.execute(_line_query().where(Invoice.issued_on.between(a, b))
                     .order_by(Invoice.issued_on, Invoice.id, InvoiceLine.line_no))
    for invoice_id, group in groupby(rows, key=lambda r: r.id):
        lines = list(group)
        _unknown(line.kind for line in lines)
        first = lines[0]
        kept = [line for line in lines if line.kind != "package_refund"]
        tied = first.invoice_total - sum(line.total for line in lines
                                         if line.kind == "package_refund")
        if tied != sum(line.total for line in kept):
            raise UnbalancedEntry(f"invoice #{first.number}: lines do not add up to its total")
        reference = _("Invoice #{number}").format(number=first.number)
        entry = make_entry(names, first.issued_on,
                           _words(reference, _name(first.first_name, first.last_name)),
                           reference, _invoice_postings(kept, 1))
        if entry is not None:
            yield Keyed((first.issued_on, ORDER["invoice"], invoice_id), entry)


def voids(s, names, a: date, b: date) -> Iterator[Keyed]:
    """Invoices voided in a..b: every line they posted, taken back."""
    voided = select(Invoice.id).where(Invoice.voided_at >= _midnight(a),
                                      Invoice.voided_at < _midnight(b + ONE_DAY))
    rows = s.execute(_line_query().where(Invoice.id.in_(voided))
                     .order_by(Invoice.id, InvoiceLine.line_no))
    for invoice_id, group in groupby(rows, key=lambda r: r.id):
        lines = list(group)
        _unknown(line.kind for line in lines)
        first = lines[0]
        on = _day(first.voided_at)
        reference = _("Invoice #{number}").format(number=first.number)
        entry = make_entry(names, on, _words(_("Invoice #{number} voided").format(
            number=first.number), _name(first.first_name, first.last_name)),
            reference, _invoice_postings(lines, -1))
        if entry is not None:
            yield Keyed((on, ORDER["void"], invoice_id), entry)


def _method(code: str) -> str:
    return _(METHODS[code]).lower() if code in METHODS else code


def payments(s, names, a: date, b: date) -> Iterator[Keyed]:
    rows = s.execute(
        select(Payment.id, Payment.received_at, Payment.method, Payment.amount,
               Patient.first_name, Patient.last_name)
        .join(Patient, Patient.id == Payment.patient_id)
        .where(Payment.received_at >= _midnight(a), Payment.received_at < _midnight(b + ONE_DAY))
        .order_by(Payment.received_at, Payment.id))
    for row in rows:
        on = _day(row.received_at)
        entry = make_entry(names, on, _words(_("Payment"), _method(row.method),
                                             _name(row.first_name, row.last_name)),
                           _("Payment #{number}").format(number=row.id),
                           [(chart.clearing_role(row.method), row.amount),
                            ("credit", -row.amount)])
        yield Keyed((on, ORDER["payment"], row.id), entry)


def applications(s, names, a: date, b: date) -> Iterator[Keyed]:
    rows = s.execute(
        select(PaymentApplication.id, PaymentApplication.created_at, PaymentApplication.amount,
               PaymentApplication.reason, Invoice.number, Patient.first_name,
               Patient.last_name)
        .join(Invoice, Invoice.id == PaymentApplication.invoice_id)
        .join(Patient, Patient.id == Invoice.patient_id)
        .where(PaymentApplication.created_at >= _midnight(a),
               PaymentApplication.created_at < _midnight(b + ONE_DAY))
        .order_by(PaymentApplication.created_at, PaymentApplication.id))
    for row in rows:
        on = _day(row.created_at)
        if row.amount < 0:
            words = _("Payment taken back from invoice #{number}")
        elif row.reason == "credit":
            words = _("Credit applied to invoice #{number}")
        else:
            words = _("Payment applied to invoice #{number}")
        entry = make_entry(names, on, _words(words.format(number=row.number),
                                             _name(row.first_name, row.last_name)),
                           _("Invoice #{number}").format(number=row.number),
                           [("credit", row.amount), ("receivable", -row.amount)])
        if entry is not None:
            yield Keyed((on, ORDER["application"], row.id), entry)


def refunds(s, names, a: date, b: date) -> Iterator[Keyed]:
    """Money handed back to patients out of their credit."""
    rows = s.execute(
        select(PaymentRefund.id, PaymentRefund.refunded_at, PaymentRefund.method,
               PaymentRefund.amount, Patient.first_name, Patient.last_name)
        .join(Patient, Patient.id == PaymentRefund.patient_id)
        .where(PaymentRefund.refunded_at >= _midnight(a),
               PaymentRefund.refunded_at < _midnight(b + ONE_DAY))
        .order_by(PaymentRefund.refunded_at, PaymentRefund.id))
    for row in rows:
        on = _day(row.refunded_at)
        entry = make_entry(names, on, _words(_("Refund"), _method(row.method),
                                             _name(row.first_name, row.last_name)),
                           _("Refund #{number}").format(number=row.id),
                           [("credit", row.amount), (chart.clearing_role(row.method),
                                                     -row.amount)])
        yield Keyed((on, ORDER["refund"], row.id), entry)


def cancelled_lines(s, names, a: date, b: date) -> Iterator[Keyed]:
    """The "Unused uses cancelled" line of each package refund of a..b, on its day."""
    rows = s.execute(
        select(PackageRefund.id, PackageRefund.refunded_at, Package.name, Invoice.number,
               InvoiceLine.quantity, InvoiceLine.unit_price, InvoiceLine.tax_rate,
               InvoiceLine.tax, InvoiceLine.total, Patient.first_name, Patient.last_name)
        .join(InvoiceLine, InvoiceLine.id == PackageRefund.invoice_line_id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .join(Package, Package.id == PackageRefund.package_id)
        .join(Patient, Patient.id == Invoice.patient_id)
        .where(PackageRefund.refunded_at >= _midnight(a),
               PackageRefund.refunded_at < _midnight(b + ONE_DAY))
        .order_by(PackageRefund.refunded_at, PackageRefund.id))
    for row in rows:
        on = _day(row.refunded_at)
        postings = [("revenue:refund_adjustment", -row.unit_price * row.quantity),
                    ("receivable", row.total)]
        if row.tax:
            postings.append((chart.tax_role(row.tax_rate), -row.tax))
        entry = make_entry(names, on, _words(_("Unused uses cancelled"), row.name,
                                             _name(row.first_name, row.last_name)),
                           _("Invoice #{number}").format(number=row.number), postings)
        if entry is not None:
            yield Keyed((on, ORDER["cancelled"], row.id), entry)
