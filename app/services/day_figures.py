"""One day's figures for the Day Close (R32), worked out in SQL.

Every figure is dated by when its record was MADE, never by the date it is about: a payment
by received_at, a refund paid by refunded_at, an invoice issued by created_at and voided by
voided_at, a package sold by created_at, a use redeemed by created_at and an undone use by
voided_at (taken back on the day it is undone). So a correction made after a day was closed
(a void, a refund, a late arrival) falls on the day it is made, and a closed day's figures
stay true. Each figure is an aggregate over a range of an indexed time stamp (migration
0008), all of them in two statements: the busiest day of a ten-year clinic reads a few
hundred rows (~9 ms, bench clinic of bench/generate.py).

Credit (money the patients hold at the clinic, R8) moves like this on a day:
    created = payments received - the part applied to invoices on receipt ('payment')
              + money taken back off invoices into credit (negative applications: a void,
              a package refund)
    used    = credit applied to invoices ('credit') + credit handed back (refunds paid)
so created - used is exactly the change in the patients' credit that day.

The figures are a plain dict of ints and text, so a close can keep them as JSON as they were.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from sqlalchemy import (DateTime, and_, bindparam, case, exists, func, literal, select,
                        union_all)
from sqlalchemy.orm import Session

from ..domain.day_close import expected_cash
from ..models import Invoice, InvoiceLine, Package, Payment, PaymentApplication, PaymentRefund
from ..models import GiftCardMove, PackageTransfer, Redemption
from .day_times import period_bounds
from .ledger import METHODS
from .reports.formulas import use_value, whole_sum

#: The figures' layout; a close keeps the one it was made with.
VERSION = 1


def day_bounds(on: date) -> tuple[datetime, datetime]:
    """The day as a half-open range of the clinic's clock: [midnight, next midnight)."""
    return period_bounds(on, on)


START, END = bindparam("start", type_=DateTime()), bindparam("end", type_=DateTime())


def _within(column):
    return and_(column >= START, column < END)


def _one(query):
    return query.scalar_subquery()


#: brought in from before ClinicDesk (R42): app/services/switching_in.py
BROUGHT_IN = "imported"
BROUGHT_IN_LINES = ("imported_package", "opening_balance")


def a_payment_id_not_brought_in():
    return PaymentApplication.payment_id.not_in(
        select(Payment.id).where(Payment.method == BROUGHT_IN))


@cache
def _statements():
    """The two statements of a day, built once: building and caching a statement costs more
    than running it over one day's rows (nine statements made per call: ~35 ms, of which
    1.7 ms SQL, on the busiest day of the ten-year benchmark clinic; these two: ~9 ms)."""
    by_method = union_all(
        select(literal("in").label("way"), Payment.method, whole_sum(1),
               whole_sum(Payment.amount))
        .where(_within(Payment.received_at), Payment.method != BROUGHT_IN)
        .group_by(Payment.method),
        select(literal("out"), PaymentRefund.method, whole_sum(1),
               whole_sum(PaymentRefund.amount))
        .where(_within(PaymentRefund.refunded_at)).group_by(PaymentRefund.method))
    value = use_value(Package.price, Package.uses_total, func.coalesce(Redemption.use_number, 0))
    made, undone = _within(Redemption.created_at), and_(Redemption.voided_at.is_not(None),
                                                        _within(Redemption.voided_at))
    voided = and_(Invoice.voided_at.is_not(None), _within(Invoice.voided_at))
    # What was brought in from before ClinicDesk (R42) is none of the day's money, even
    # when dated today: its packages, its invoices, what was collected and applied then.
    not_imported = Package.imported_on.is_(None)
    made_here = ~exists().where(InvoiceLine.invoice_id == Invoice.id,
                                InvoiceLine.kind.in_(BROUGHT_IN_LINES))
    collected_here = a_payment_id_not_brought_in()
    fee_lines = (select(InvoiceLine.total).join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                 .where(_within(Invoice.created_at), InvoiceLine.kind == "no_show_fee")
                 .subquery())
    a = PaymentApplication
    loaded = and_(GiftCardMove.kind == "load", _within(GiftCardMove.at))
    # R38: a transfer's new package and its zero-total invoice are no sale and no money
    issued = and_(_within(Invoice.created_at),
                  Invoice.id.not_in(select(PackageTransfer.invoice_id)), made_here)
    sold = and_(_within(Package.created_at),
                Package.id.not_in(select(PackageTransfer.to_package_id)), not_imported)
    totals = select(
        _one(select(whole_sum(1)).where(issued)),
        _one(select(whole_sum(Invoice.total)).where(issued)),
        _one(select(whole_sum(Invoice.tax)).where(issued)),
        _one(select(whole_sum(1)).where(voided)),
        _one(select(whole_sum(Invoice.total)).where(voided)),
        _one(select(whole_sum(Invoice.tax)).where(voided)),
        _one(select(whole_sum(1)).where(sold)),
        _one(select(whole_sum(Package.price)).where(sold)),
        _one(select(whole_sum(1)).select_from(Redemption).where(made)),
        _one(select(whole_sum(value)).select_from(Redemption)
             .join(Package, Package.id == Redemption.package_id).where(made)),
        _one(select(whole_sum(1)).select_from(Redemption).where(undone)),
        _one(select(whole_sum(value)).select_from(Redemption)
             .join(Package, Package.id == Redemption.package_id).where(undone)),
        _one(select(whole_sum(1)).select_from(fee_lines)),
        _one(select(whole_sum(fee_lines.c.total))),
        _one(select(whole_sum(case((and_(a.amount > 0, a.reason == "payment"), a.amount),
                                   else_=0))).where(_within(a.created_at), collected_here)),
        _one(select(whole_sum(case((and_(a.amount > 0, a.reason != "payment"), a.amount),
                                   else_=0))).where(_within(a.created_at))),
        _one(select(whole_sum(case((a.amount < 0, -a.amount), else_=0)))
             .where(_within(a.created_at))),
        # R45: cards sold or reloaded (a liability, no sale of treatments)
        _one(select(whole_sum(1)).select_from(GiftCardMove).where(loaded)),
        _one(select(whole_sum(GiftCardMove.amount)).where(loaded)))
    return by_method, totals


def figures(s: Session, on: date) -> dict:
    """The day's figures, in cents (see the module's docstring for what each one is)."""
    start, end = day_bounds(on)
    by_method, totals = _statements()
    conn = s.connection()
    received, refunded = {}, {}
    for way, method, count, amount in conn.execute(by_method, {"start": start, "end": end}):
        (received if way == "in" else refunded)[method] = (count, amount)
    methods = []
    for code in (*METHODS, *sorted((set(received) | set(refunded)) - set(METHODS))):
        (n_in, amount_in), (n_out, amount_out) = received.get(code, (0, 0)), \
            refunded.get(code, (0, 0))
        methods.append({"method": code, "received_count": n_in, "received": amount_in,
                        "refunded_count": n_out, "refunded": amount_out,
                        "net": amount_in - amount_out})
    (n_issued, issued_total, issued_tax, n_voided, voided_total, voided_tax, n_sold, sold_value,
     n_redeemed, redeemed_value, n_undone, undone_value, n_fees, fees_total, on_receipt,
     from_credit, taken_back, n_cards, cards_total) = conn.execute(totals, {"start": start, "end": end}).one()
    issued = (n_issued, issued_total, issued_tax)
    voided = (n_voided, voided_total, voided_tax)
    sold = (n_sold, sold_value)
    redeemed, undone = (n_redeemed, redeemed_value), (n_undone, undone_value)
    fees = (n_fees, fees_total)

    cash = next(m for m in methods if m["method"] == "cash")
    payments = sum(m["received"] for m in methods)
    refunds = sum(m["refunded"] for m in methods)
    return {
        "version": VERSION,
        "on": on.isoformat(),
        "methods": methods,
        "received": payments, "refunded": refunds, "net": payments - refunds,
        "invoices_issued": issued[0], "invoices_issued_total": issued[1],
        "invoices_issued_tax": issued[2],
        "invoices_voided": voided[0], "invoices_voided_total": voided[1],
        "invoices_voided_tax": voided[2],
        "packages_sold": sold[0], "packages_sold_value": sold[1],
        "uses_redeemed": redeemed[0], "uses_redeemed_value": redeemed[1],
        "uses_undone": undone[0], "uses_undone_value": undone[1],
        "no_show_fees": fees[0], "no_show_fees_total": fees[1],
        "credit_created": payments - on_receipt + taken_back,
        "credit_used": from_credit + refunds,
        "cash_in": cash["received"], "cash_out": cash["refunded"],
        "expected_cash": expected_cash(cash["received"], cash["refunded"]),
        "gift_cards_sold": n_cards, "gift_cards_sold_total": cards_total,  # R45
    }
