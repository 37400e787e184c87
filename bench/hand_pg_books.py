"""Hand-written psycopg code for the books (issue 17) on PostgreSQL (issue 22): bench/
hand_books.py's statements in PostgreSQL's terms, for bench/run_books.py's measures on a
server (bench/run.py takes this module through bench.hand_pg.BOOKS).

Dates are dates here: a timestamp's day is `::date`, the day after is `+ 1`, and a day
shown as text (a revenue row's day, its month) is formatted by the server as the service
formats it (ISO).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bench.hand_books import LIABILITY, LINE_KINDS, REVENUE, TAX  # noqa: F401
from bench.hand_pg import section


def _period(start: date, end: date) -> dict:
    midnight = datetime.min.time()
    return {"start": start, "end": end, "before": start - timedelta(days=1),
            "since": datetime.combine(start, midnight),
            "until": datetime.combine(end + timedelta(days=1), midnight)}


def busiest_payment_day(con, start: date, end: date) -> date:
    """The day of start..end with the most payments received (the day close reads them)."""
    return con.execute("SELECT received_at::date AS d FROM payments "
                       "WHERE received_at >= %s AND received_at < %s "
                       "GROUP BY d ORDER BY count(*) DESC, d LIMIT 1", (start, end)).fetchone()[0]


def sales_tax(con, start: date, end: date):
    """R36 per rate, as hand_books.sales_tax."""
    detail = """facts(rate, taxable_sales, tax_charged, voided_sales, voided_tax,
                      refunded_sales, refunded_tax) AS (
        SELECT l.tax_rate, l.unit_price * l.quantity, l.tax, 0, 0, 0, 0
        FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
        WHERE i.issued_on BETWEEN :start AND :end AND l.kind != 'package_refund'
        UNION ALL
        SELECT l.tax_rate, 0, 0, l.unit_price * l.quantity, l.tax, 0, 0 FROM invoice_lines l
        WHERE l.invoice_id IN (SELECT id FROM invoices
                               WHERE voided_at >= :since AND voided_at < :until)
        UNION ALL
        SELECT l.tax_rate, 0, 0, 0, 0, -(l.unit_price * l.quantity), -l.tax
        FROM package_refunds f JOIN invoice_lines l ON l.id = f.invoice_line_id
        WHERE l.kind = 'package_refund' AND f.refunded_at >= :since AND f.refunded_at < :until),
      base(rate, taxable_sales, tax_charged, voided_sales, voided_tax, refunded_sales,
           refunded_tax, net_sales, net_tax) AS MATERIALIZED (
        SELECT rate, sum(taxable_sales)::bigint, sum(tax_charged)::bigint,
          sum(voided_sales)::bigint, sum(voided_tax)::bigint, sum(refunded_sales)::bigint,
          sum(refunded_tax)::bigint,
          (sum(taxable_sales) - sum(voided_sales) - sum(refunded_sales))::bigint,
          (sum(tax_charged) - sum(voided_tax) - sum(refunded_tax))::bigint
        FROM facts GROUP BY rate)"""
    return [section(con, detail, _period(start, end), ["rate", *TAX], TAX, None,
                    lambda r: r[0])]


def day_close(con, on: date) -> dict:
    """R32's cash, as hand_books.day_close."""
    start = datetime.combine(on, datetime.min.time())
    span = (start, start + timedelta(days=1))
    methods: dict[str, list[int]] = {}
    for side, method, count, amount in con.execute(
            "SELECT 0, method, count(*), sum(amount) FROM payments "
            "WHERE received_at >= %s AND received_at < %s GROUP BY method "
            "UNION ALL SELECT 1, method, count(*), sum(amount) FROM payment_refunds "
            "WHERE refunded_at >= %s AND refunded_at < %s GROUP BY method", span + span):
        figures = methods.setdefault(method, [0, 0, 0, 0])
        figures[2 * side], figures[2 * side + 1] = count, amount
    cash = methods.get("cash", [0, 0, 0, 0])
    return {"methods": methods, "cash_in": cash[1], "cash_out": cash[3],
            "expected_cash": cash[1] - cash[3]}


from bench.hand_pg_liability import package_liability, revenue  # noqa: E402,F401 (R33, R34)
