"""The balance-sheet accounts at the end of a day, by SQL sums (R35's opening balances).

Each sum is what the journal (journal.py) posts to the account from the clinic's first day
through that day, added up by the database instead of replayed entry by entry, so a period's
export opens with the right balances at the cost of a few aggregates. Deferred revenue is not
here: it is R33's liability at the end of the day, from the packages' lives (stream.py).
tests/unit/test_journal_r35_balances.py checks these sums against the replayed journal.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable

from sqlalchemy import select

from ...models import Invoice, InvoiceLine, PackageRefund, Payment, PaymentApplication
from ...models import PaymentRefund
from ..day_times import ONE_DAY, midnight
from ..reports.formulas import whole_sum
from . import chart

REFUND_LINE = "package_refund"
TAX_ROLE = "sales_tax:"


def balance_sheet(s, day: date, tax_roles: Iterable[str] | None = None) -> dict[str, int]:
    """role -> balance in cents (debits positive) at the end of `day`, for the clearing
    accounts, receivables, patient credit and sales tax payable.

    `tax_roles`, when given, are the chart's sales-tax roles (ensure_chart gives every rate
    ever charged on a line its account). With only one, every taxed line is at that rate,
    so its balance is summed from the invoices' own stored tax (the sum of their lines'),
    less their "Unused uses cancelled" lines' (those post on their refund's day, below), less
    the voided invoices' whole tax: ten years of invoices instead of ten years of lines
    joined to them, a third of the cost. Otherwise, or with several rates, the lines are
    summed per rate (_tax_by_rate)."""
    until = midnight(day + ONE_DAY)
    out: dict[str, int] = defaultdict(int)
    received = refunded = 0
    for method, total in s.execute(select(Payment.method, whole_sum(Payment.amount))
                                   .where(Payment.received_at < until)
                                   .group_by(Payment.method)):
        out[chart.clearing_role(method)] += total
        received += total
    for method, total in s.execute(select(PaymentRefund.method, whole_sum(PaymentRefund.amount))
                                   .where(PaymentRefund.refunded_at < until)
                                   .group_by(PaymentRefund.method)):
        out[chart.clearing_role(method)] -= total
        refunded += total
    applied = s.scalar(select(whole_sum(PaymentApplication.amount))
                       .where(PaymentApplication.created_at < until))
    out["credit"] = -(received - applied - refunded)

    issued, issued_tax = s.execute(select(whole_sum(Invoice.total), whole_sum(Invoice.tax))
                                   .where(Invoice.issued_on <= day)).one()
    # the "Unused uses cancelled" lines post on their refund's day, not the invoice's
    cancelled_on_issued, cancelled_tax = s.execute(
        select(whole_sum(InvoiceLine.total), whole_sum(InvoiceLine.tax))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(InvoiceLine.kind == REFUND_LINE, Invoice.issued_on <= day)).one()
    cancelled = (select(InvoiceLine.tax_rate, InvoiceLine.tax, InvoiceLine.total)
                 .join(PackageRefund, PackageRefund.invoice_line_id == InvoiceLine.id)
                 .where(PackageRefund.refunded_at < until))
    voided = select(Invoice.id).where(Invoice.voided_at < until)
    voided_total, voided_tax = s.execute(select(whole_sum(Invoice.total),
                                                whole_sum(Invoice.tax))
                                         .where(Invoice.id.in_(voided))).one()
    cancelled_total = 0
    for rate, tax, total in s.execute(cancelled):
        cancelled_total += total
        if tax:
            out[chart.tax_role(rate)] -= tax
    out["receivable"] = issued - cancelled_on_issued + cancelled_total - voided_total - applied

    # R45: what the cards' sales and reloads owe (their payments and refunds are above)
    out["gift_cards"] -= _gift_card_lines(s, day, voided)

    roles = sorted({role for role in tax_roles or () if role.startswith(TAX_ROLE)})
    if tax_roles is not None and len(roles) <= 1:
        tax = issued_tax - cancelled_tax - voided_tax
        if tax:
            if not roles:  # tax, yet no rate was ever charged: a defect, never the clinic's
                raise ValueError("sales tax on invoices, but no sales tax account")  # i18n: not shown
            out[roles[0]] -= tax
    else:
        _tax_by_rate(s, out, day, voided)
    # (what was brought in from before ClinicDesk, R42, is Opening Balances: the opening
    # entry's own balancing figure, never one of these accounts)
    return {role: cents for role, cents in out.items() if cents and role != "opening"}


def _tax_by_rate(s, out, day: date, voided) -> None:
    """Sales tax per rate, from the lines of the invoices issued through `day` less those of
    the invoices voided by then."""
    for rate, tax in s.execute(
            select(InvoiceLine.tax_rate, whole_sum(InvoiceLine.tax))
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(Invoice.issued_on <= day, InvoiceLine.kind != REFUND_LINE)
            .group_by(InvoiceLine.tax_rate)):
        if tax:
            out[chart.tax_role(rate)] -= tax
    for rate, tax in s.execute(
            select(InvoiceLine.tax_rate, whole_sum(InvoiceLine.tax))
            .where(InvoiceLine.invoice_id.in_(voided))
            .group_by(InvoiceLine.tax_rate)):
        if tax:
            out[chart.tax_role(rate)] += tax


def _gift_card_lines(s, day: date, voided) -> int:
    """Gift cards sold or reloaded through `day` (their untaxed lines), less those voided."""
    issued = s.scalar(select(whole_sum(InvoiceLine.total))
                      .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                      .where(InvoiceLine.kind == "gift_card", Invoice.issued_on <= day))
    taken_back = s.scalar(select(whole_sum(InvoiceLine.total))
                          .where(InvoiceLine.kind == "gift_card",
                                 InvoiceLine.invoice_id.in_(voided)))
    return issued - taken_back
