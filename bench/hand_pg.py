"""Hand-written psycopg code for the same answers as the measured service calls, on
PostgreSQL (issue 22): bench/hand.py's yardstick, for a server.

Plain SQL on a plain psycopg connection (autocommit; writes in one explicit transaction),
results as tuples, no ORM, no SQLAlchemy. The statements are hand.py's, in PostgreSQL's
terms: real dates and timestamps as parameters, booleans as booleans (cast to 0/1 where a
figure counts them), GREATEST/LEAST for SQLite's two-argument max/min. The reports keep
hand.py's shape (a materialised CTE for the detail rows, the group and grand totals over it
in the same statement), which PostgreSQL plans well too. The writes take the row locks the
services take on a server (app.services.locks): the patient, the template's terms, the
invoice counter, the audit chain, since a desk on a server must, and they cost round trips.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from bench import hand
from bench.hand import HandSection, Targets, _add_months, _round  # noqa: F401 (re-exported)

NO_STAFF = hand.NO_STAFF


def _sql(statement: str) -> str:
    """hand.py's :name parameters as psycopg's %(name)s (and its % as %%); casts (::) stay."""
    return re.sub(r"(?<![:\w]):([a-z_]+)", r"%(\1)s", statement.replace("%", "%%"))


class Connection:
    """A psycopg connection that also takes hand.py's :name statements (for hand._section)."""

    def __init__(self, url: str):
        import psycopg

        from bench.pg_server import plain_url
        self.raw = psycopg.connect(plain_url(url), autocommit=True,
                                   options="-c lock_timeout=10000")

    def execute(self, statement: str, params=None):
        if isinstance(params, dict):
            statement = _sql(statement)
        return self.raw.execute(statement, params)

    def transaction(self):
        return self.raw.transaction()

    def close(self) -> None:
        self.raw.close()


def connect(url: str) -> Connection:
    return Connection(url)


def counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (
        "patients", "appointments", "packages", "redemptions", "invoices", "invoice_lines",
        "payments", "payment_applications", "package_refunds", "payment_refunds")}


def first_day(con) -> date:
    return con.execute("SELECT min(purchased_on) FROM packages").fetchone()[0]


def today(con) -> date:
    """The generator's "today": the first day with booked (not yet seen) appointments."""
    return con.execute("SELECT min(start)::date FROM appointments WHERE status = 'booked'"
                       ).fetchone()[0]


# ------------------------------------------------------------------------------ reads

def search(con, text: str, limit: int = 50):
    """patients.search's answer: prefix ranges on the folded keys (0004). One statement:
    with thousands of matches PostgreSQL's planner walks (last_key, first_key, id) in order
    and stops at `limit` by itself, so no count first and no index-defeating rewrite."""
    from app.services.patients import search_key

    def starts(column, key):
        return f"({column} >= %s AND {column} < %s)", [key, key + "\U0010ffff"]

    where, params = ["active"], []
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 3 and re.fullmatch(r"[\d\s().+\-]+", text.strip()):
        clause, params = starts("phone_digits", digits)
        where.append(clause)
    else:
        for word in text.split():
            key = search_key(word)
            if not key:
                continue
            clause = []
            for column in ("first_key", "last_key", "email_key"):
                sql, values = starts(column, key)
                clause.append(sql)
                params += values
            word_digits = re.sub(r"\D", "", word)
            if len(word_digits) >= 3 and len(word_digits) >= len(word) - 3:
                sql, values = starts("phone_digits", word_digits)
                clause.append(sql)
                params += values
            where.append("(" + " OR ".join(clause) + ")")
    return con.execute(
        "SELECT id, first_name, last_name, phone, email, birth_date, notes, active "
        f"FROM patients WHERE {' AND '.join(where)} ORDER BY last_key, first_key, id LIMIT %s",
        (*params, limit)).fetchall()


def busiest_day(con, start: date, end: date) -> date:
    return con.execute("SELECT start::date AS d FROM appointments WHERE start >= %s "
                       "AND start < %s GROUP BY d ORDER BY count(*) DESC, d LIMIT 1",
                       (start, end)).fetchone()[0]


def day(con, on: date):
    start = datetime.combine(on, datetime.min.time())
    return con.execute(
        "SELECT a.id, a.start, a.\"end\", a.patient_id, p.first_name || ' ' || p.last_name, "
        "a.staff_id, s.name, a.treatment_type_id, t.name, a.status, a.package_id, k.name, "
        "a.invoice_id, a.compensate_staff, a.notes "
        "FROM appointments a JOIN patients p ON p.id = a.patient_id "
        "JOIN staff s ON s.id = a.staff_id JOIN treatment_types t ON t.id = a.treatment_type_id "
        "LEFT JOIN packages k ON k.id = a.package_id "
        "WHERE a.start >= %s AND a.start < %s ORDER BY a.start, s.name",
        (start, start + timedelta(days=1))).fetchall()


# ------------------------------------------------------------------------------ reports

def section(con, detail: str, params: dict, columns: list[str], sums: list[str],
            group: str | None, sort, counted: str | None = None) -> HandSection:
    """hand._section on a server: sums cast back to bigint (PostgreSQL's sum of a bigint
    is a numeric), a boolean `counted` column tested as one."""
    sql = hand.section_sql(detail, columns, sums, group,
                           where=f" WHERE {counted}" if counted else "",
                           total=lambda c: f"coalesce(sum({c}), 0)::bigint",
                           first="SELECT 0, 1::bigint, * FROM base")
    return hand.section_of(con.execute(sql, params), columns, sums, group, sort)


NUMBERED = """numbered AS MATERIALIZED (
  SELECT r.id, r.package_id, r.appointment_id, r.redeemed_on, r.patient_pays, r.reason,
    r.use_number AS n
  FROM redemptions r WHERE r.voided_at IS NULL AND r.redeemed_on BETWEEN :start AND :end)"""
VALUE = "p.price / p.uses_total + (x.n > p.uses_total - p.price % p.uses_total)::int"


def package_sales(con, start: date, end: date, today: date):
    detail = f"""base({', '.join(hand.SALES)}) AS MATERIALIZED (
      SELECT p.id, p.purchased_on, p.invoice_id, i.number, p.patient_id,
        pt.first_name || ' ' || pt.last_name, p.template_id, p.name,
        p.staff_id, coalesce(s.name, 'No Staff Member'), p.price,
        (SELECT coalesce(sum(l.tax), 0) FROM invoice_lines l WHERE l.invoice_id = p.invoice_id
           AND l.kind = 'package' AND l.package_id = p.id),
        (SELECT coalesce(sum(a.amount), 0) FROM payment_applications a
           WHERE a.invoice_id = p.invoice_id AND a.reason != 'package_refund'),
        (SELECT coalesce(sum(r.amount), 0) FROM package_refunds r WHERE r.package_id = p.id),
        CASE WHEN p.status IN ('refunded', 'void') THEN p.status
             WHEN (SELECT count(*) FROM redemptions r WHERE r.package_id = p.id
                   AND r.voided_at IS NULL) >= p.uses_total THEN 'used up'
             WHEN p.expires_on IS NOT NULL AND p.expires_on < :today THEN 'expired'
             ELSE 'active' END,
        p.status != 'void'
      FROM packages p JOIN invoices i ON i.id = p.invoice_id
      JOIN patients pt ON pt.id = p.patient_id LEFT JOIN staff s ON s.id = p.staff_id
      WHERE p.purchased_on BETWEEN :start AND :end)"""
    params = {"start": start, "end": end, "today": today}
    return [section(con, detail, params, hand.SALES, ["price", "tax", "collected", "refunded"],
                    "template", lambda r: (r[1], r[3]), counted="counted")]


def package_usage(con, start: date, end: date, today: date):
    detail = f"""{NUMBERED},
      base({', '.join(hand.USAGE)}) AS MATERIALIZED (
      SELECT x.id, x.redeemed_on, p.patient_id, pt.first_name || ' ' || pt.last_name,
        x.package_id, p.template_id, p.name, tt.name, a.staff_id, s.name, x.n, p.uses_total,
        {VALUE}, x.patient_pays, x.reason
      FROM numbered x JOIN packages p ON p.id = x.package_id
      JOIN patients pt ON pt.id = p.patient_id JOIN appointments a ON a.id = x.appointment_id
      JOIN treatment_types tt ON tt.id = a.treatment_type_id JOIN staff s ON s.id = a.staff_id)"""
    return [section(con, detail, {"start": start, "end": end}, hand.USAGE, ["value", "pays"],
                    "template", lambda r: (r[1], r[0]))]


def outstanding(con, on: date):
    after = datetime.combine(on + timedelta(days=1), datetime.min.time())
    sections = []
    for expiring in (False, True):
        expiry = ("p.expires_on BETWEEN :on AND :soon" if expiring
                  else "(p.expires_on IS NULL OR p.expires_on >= :on)")
        detail = f"""live AS MATERIALIZED (
          SELECT p.id, p.purchased_on, p.patient_id, p.template_id, p.name, p.expires_on,
            p.uses_total, p.price,
            (SELECT count(*) FROM redemptions r WHERE r.package_id = p.id
               AND r.voided_at IS NULL AND r.redeemed_on <= :on) AS redeemed
          FROM packages p
          WHERE p.purchased_on <= :on AND {expiry} AND (p.status = 'active'
            OR (p.status = 'refunded' AND EXISTS (SELECT 1 FROM package_refunds f
                WHERE f.package_id = p.id AND f.refunded_at >= :after))
            OR (p.status = 'void' AND EXISTS (SELECT 1 FROM invoices i
                WHERE i.id = p.invoice_id AND i.voided_at >= :after)))),
          base({', '.join(hand.OUTSTANDING)}) AS MATERIALIZED (
          SELECT l.id, l.purchased_on, l.patient_id, pt.first_name || ' ' || pt.last_name,
            l.template_id, l.name, l.expires_on, l.uses_total, l.redeemed,
            l.uses_total - l.redeemed,
            l.price - (l.redeemed * (l.price / l.uses_total)
                       + greatest(0, l.redeemed - (l.uses_total - l.price % l.uses_total)))
          FROM live l JOIN patients pt ON pt.id = l.patient_id
          WHERE l.redeemed < l.uses_total)"""
        params = {"on": on, "soon": on + timedelta(days=30), "after": after}
        sort = (lambda r: (r[6], r[0])) if expiring else (lambda r: (r[1], r[0]))
        sections.append(section(con, detail, params, hand.OUTSTANDING,
                                ["used", "remaining", "value"], "template", sort))
    return sections


def compensation(con, start: date, end: date, today: date):
    measures = hand.MEASURES
    detail = f"""performed AS MATERIALIZED (
        SELECT a.staff_id AS staff,
          p.price / p.uses_total
            + (r.use_number > p.uses_total - p.price % p.uses_total)::int AS value,
          a.compensate_staff::int AS compensated,
          (a.compensate_staff AND p.staff_id IS NOT DISTINCT FROM a.staff_id)::int AS twice
        FROM redemptions r JOIN packages p ON p.id = r.package_id
        JOIN appointments a ON a.id = r.appointment_id
        WHERE r.voided_at IS NULL AND r.redeemed_on BETWEEN :start AND :end),
      facts AS (
        SELECT p.staff_id AS staff, 1 AS sales, p.price AS sales_value, 0 AS uses,
          0 AS uses_value, 0 AS compensated_uses, 0 AS compensated_value, 0 AS double_uses,
          0 AS double_value
        FROM packages p WHERE p.purchased_on BETWEEN :start AND :end AND p.status != 'void'
        UNION ALL
        SELECT staff, 0, 0, 1, value, compensated, compensated * value, twice, twice * value
        FROM performed),
      base(staff, name, {', '.join(measures)}) AS MATERIALIZED (
        SELECT f.staff, coalesce(s.name, 'No Staff Member'),
          {', '.join(f'sum(f.{m})::bigint' for m in measures)}
        FROM facts f LEFT JOIN staff s ON s.id = f.staff GROUP BY f.staff, s.name)"""
    params = {"start": start, "end": end}
    main = section(con, detail, params, ["staff", "name", *measures], measures, None,
                   lambda r: (r[0] is not None, r[1].casefold(), r[0] or 0))
    flagged = f"""flagged AS MATERIALIZED (
      SELECT r.id, r.redeemed_on, r.appointment_id, p.patient_id,
        pt.first_name || ' ' || pt.last_name AS patient, r.package_id, p.template_id, p.name,
        a.staff_id, s.name AS staff_name, p.purchased_on, p.uses_total, p.price,
        r.use_number AS n
      FROM redemptions r JOIN packages p ON p.id = r.package_id
      JOIN appointments a ON a.id = r.appointment_id JOIN patients pt ON pt.id = p.patient_id
      JOIN staff s ON s.id = a.staff_id
      WHERE r.voided_at IS NULL AND r.redeemed_on BETWEEN :start AND :end
        AND p.staff_id IS NOT NULL AND a.compensate_staff AND p.staff_id = a.staff_id),
      base({', '.join(hand.FLAGGED)}) AS MATERIALIZED (
      SELECT id, redeemed_on, appointment_id, patient_id, patient, package_id, template_id,
        name, staff_id, staff_name, purchased_on, n, uses_total,
        price / uses_total + (n > uses_total - price % uses_total)::int FROM flagged)"""
    doubles = section(con, flagged, params, hand.FLAGGED, ["value"], "staff",
                      lambda r: (r[1], r[0]))
    return [main, doubles]


signature, same_report = hand.signature, hand.same_report


# ------------------------------------------------------------------------------ writes

def write_targets(con, today: date, n: int) -> Targets:
    """hand.write_targets on the server (the writes go to a copy of the loaded database,
    made for the run, so each run finds the same targets)."""
    total = con.execute("SELECT count(*) FROM patients").fetchone()[0]
    template = con.execute("SELECT id FROM package_templates ORDER BY id LIMIT 1").fetchone()[0]
    start = datetime.combine(today, datetime.min.time())
    covered = [r[0] for r in con.execute(
        "SELECT a.id FROM appointments a JOIN packages p ON p.id = a.package_id "
        "WHERE a.start >= %s AND a.start < %s AND a.status = 'booked' AND p.status = 'active' "
        "ORDER BY a.start, a.id LIMIT %s", (start, start + timedelta(days=7), n))]
    refundable = [r[0] for r in con.execute(
        "SELECT p.id FROM packages p WHERE p.status = 'active' AND p.purchased_on >= %s "
        "AND (SELECT count(*) FROM redemptions r WHERE r.package_id = p.id "
        "     AND r.voided_at IS NULL) < p.uses_total "
        "AND (SELECT sum(amount) FROM payment_applications a WHERE a.invoice_id = p.invoice_id) "
        "    > 0 ORDER BY p.id LIMIT %s", (today - timedelta(days=60), n))]
    return Targets([1 + (i * 7919) % total for i in range(n)], template, covered, refundable)


# bench/run.py takes this module in hand.py's place: the writes too, by the same names
from bench.hand_pg_writes import SOLD, arrive, receive_payment, refund, sell_package  # noqa
from bench import hand_pg_books as BOOKS  # noqa: E402,N812 (the books, for bench.run_books)
