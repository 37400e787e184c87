"""Hand-written sqlite3 code for the same answers as the measured service calls.

The yardstick of bench/run.py: plain SQL on a plain sqlite3 connection (the app's pragmas),
results as tuples, no ORM, no SQLAlchemy. Writes do the same inserts and updates as the
services, with the same checks that need a read, in one BEGIN IMMEDIATE transaction, and add
the same hash-chained audit entry. Reports use the best query shape found: a materialised
CTE for the detail rows, with the per-group and grand totals computed over it by SQLite in
the same statement; rows are sorted in Python (they mostly arrive sorted).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

# The writes (sell, pay, arrive, refund) are in bench/hand_writes.py, by the same names here.
from bench.hand_writes import (  # noqa: F401 (re-exported)
    SOLD, _add_months, _dt, _round, arrive, expiry_of, receive_payment, refund, sell_package)


NO_STAFF = "No Staff Member"


def connect(path: Path, key: str | None = None) -> sqlite3.Connection:
    """`key`: an encrypted clinic file (issue 23), read through SQLCipher's module."""
    if key is None:
        con = sqlite3.connect(path, isolation_level=None, timeout=10)
    else:
        from app.services.sqlite_files import cipher, keyed
        con = keyed(cipher().connect(str(path), isolation_level=None, timeout=10), key)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA busy_timeout = 10000")
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = FULL")
    return con


def counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (
            "patients", "appointments", "packages", "redemptions", "invoices", "invoice_lines",
            "payments", "payment_applications", "package_refunds", "payment_refunds")}
    finally:
        con.close()


def first_day(con) -> date:
    return date.fromisoformat(con.execute("SELECT min(purchased_on) FROM packages"
                                          ).fetchone()[0])


# ------------------------------------------------------------------------------ reads

def search(con, text: str, limit: int = 50):
    """What patients.search answers, by hand, in its shape: prefix ranges on the folded keys
    (0004); when more than 2,000 patients match (a letter or two), the same test written so
    that no index serves it (`key || ''`), which lets SQLite walk the name index in order
    and stop at `limit` instead of sorting every match. Files from before 0004: ilike."""
    keyed = "first_key" in {r[1] for r in con.execute("PRAGMA table_info(patients)")}

    def matching(ranges: bool):
        def starts(column, key):
            column = column if ranges else f"({column} || '')"
            return f"({column} >= ? AND {column} < ?)", [key, key + "\U0010ffff"]

        where, params = ["active = 1"], []
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 3 and re.fullmatch(r"[\d\s().+\-]+", text.strip()):
            clause, values = starts("phone_digits", digits)
            return [*where, clause], values
        for word in text.split():
            clause = []
            if keyed:
                from app.services.patients import search_key
                key = search_key(word)
                if not key:
                    continue
                for column in ("first_key", "last_key", "email_key"):
                    sql, values = starts(column, key)
                    clause.append(sql)
                    params += values
            else:
                pattern = (word.replace("\\", "\\\\").replace("%", "\\%")
                           .replace("_", "\\_") + "%")
                clause = [f"lower({c}) LIKE lower(?) ESCAPE '\\'"
                          for c in ("first_name", "last_name", "email")]
                params += [pattern] * 3
            word_digits = re.sub(r"\D", "", word)
            if len(word_digits) >= 3 and len(word_digits) >= len(word) - 3:
                sql, values = starts("phone_digits", word_digits)
                clause.append(sql)
                params += values
            where.append("(" + " OR ".join(clause) + ")")
        return where, params

    where, params = matching(True)
    if keyed and con.execute(
            f"SELECT count(*) FROM (SELECT id FROM patients WHERE {' AND '.join(where)} "
            "LIMIT 2001)", params).fetchone()[0] > 2000:
        where, params = matching(False)
    order = "last_key, first_key, id" if keyed else "last_name, first_name, id"
    return con.execute(
        "SELECT id, first_name, last_name, phone, email, birth_date, notes, active "
        f"FROM patients WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?",
        (*params, limit)).fetchall()


def busiest_day(con, start: date, end: date) -> date:
    day = con.execute("SELECT substr(start, 1, 10) AS d FROM appointments WHERE start >= ? "
                      "AND start < ? GROUP BY d ORDER BY count(*) DESC, d LIMIT 1",
                      (start.isoformat(), end.isoformat())).fetchone()[0]
    return date.fromisoformat(day)


def day(con, on: date):
    start = datetime.combine(on, datetime.min.time())
    return con.execute(
        "SELECT a.id, a.start, a.\"end\", a.patient_id, p.first_name || ' ' || p.last_name, "
        "a.staff_id, s.name, a.treatment_type_id, t.name, a.status, a.package_id, k.name, "
        "a.invoice_id, a.compensate_staff, a.notes "
        "FROM appointments a JOIN patients p ON p.id = a.patient_id "
        "JOIN staff s ON s.id = a.staff_id JOIN treatment_types t ON t.id = a.treatment_type_id "
        "LEFT JOIN packages k ON k.id = a.package_id "
        "WHERE a.start >= ? AND a.start < ? ORDER BY a.start, s.name",
        (_dt(start), _dt(start + timedelta(days=1)))).fetchall()


# ------------------------------------------------------------------------------ reports

@dataclass
class HandSection:
    rows: list
    groups: dict
    totals: dict
    count: int


def _section(con, detail: str, params: dict, columns: list[str], sums: list[str],
             group: str | None, sort, counted: str | None = None) -> HandSection:
    """detail rows, per-group totals and the grand total from one statement over a
    materialised CTE (the same shape the service builds with SQLAlchemy Core)."""
    where = f" WHERE {counted} = 1" if counted else ""
    sql = section_sql(detail, columns, sums, group, where=where,
                      total=lambda c: f"coalesce(sum({c}), 0)", first="SELECT 0, 1, * FROM base")
    return section_of(con.execute(sql, params), columns, sums, group, sort)


def section_sql(detail: str, columns: list[str], sums: list[str], group: str | None, *,
                where: str, total, first: str) -> str:
    """The one statement of a report section: its rows (level 0), a total per `group`
    (level 1) and the grand total (level 2); `total(column)` sums a column, as the engine
    needs it said."""
    def totals(level, grouped):
        cells = [total(c) if c in sums else c if grouped and c == group else "NULL"
                 for c in columns]
        return (f"SELECT {level}, count(*), {', '.join(cells)} FROM base{where}"
                + (f" GROUP BY {group}" if grouped else ""))
    parts = [first]
    if group:
        parts.append(totals(1, True))
    parts.append(totals(2, False))
    return f"WITH {detail} " + " UNION ALL ".join(parts)


def section_of(raws, columns: list[str], sums: list[str], group: str | None,
               sort) -> HandSection:
    """A section from its statement's rows (section_sql's levels)."""
    rows, groups, grand, count = [], {}, {}, 0
    gi = columns.index(group) + 2 if group else None
    sum_at = [(s, columns.index(s) + 2) for s in sums]
    for raw in raws:
        if raw[0] == 0:
            rows.append(raw[2:])
        elif raw[0] == 1:
            groups[raw[gi]] = (raw[1], {s: raw[i] for s, i in sum_at})
        else:
            count, grand = raw[1], {s: raw[i] for s, i in sum_at}
    rows.sort(key=sort)
    return HandSection(rows, groups, grand, count)

NUMBERED = """numbered AS MATERIALIZED (
  SELECT r.id, r.package_id, r.appointment_id, r.redeemed_on, r.patient_pays, r.reason,
    r.use_number AS n
  FROM redemptions r WHERE r.voided_at IS NULL AND r.redeemed_on BETWEEN :start AND :end)"""
VALUE = "p.price / p.uses_total + (x.n > p.uses_total - p.price % p.uses_total)"

SALES = ["id", "day", "invoice", "number", "patient_id", "patient", "template", "name",
         "staff", "staff_name", "price", "tax", "collected", "refunded", "status", "counted"]


def package_sales(con, start: date, end: date, today: date):
    detail = f"""base({', '.join(SALES)}) AS MATERIALIZED (
      SELECT p.id, p.purchased_on, p.invoice_id, i.number, p.patient_id,
        pt.first_name || ' ' || pt.last_name, p.template_id, p.name,
        p.staff_id, coalesce(s.name, 'No Staff Member'), p.price,
        (SELECT coalesce(sum(l.tax), 0) FROM invoice_lines l WHERE l.invoice_id = p.invoice_id
           AND l.kind = 'package' AND l.package_id + 0 = p.id),
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
    params = {"start": start.isoformat(), "end": end.isoformat(), "today": today.isoformat()}
    return [_section(con, detail, params, SALES, ["price", "tax", "collected", "refunded"],
                     "template", lambda r: (r[1], r[3]), counted="counted")]


USAGE = ["id", "day", "patient_id", "patient", "package_id", "template", "name", "treatment",
         "staff", "staff_name", "n", "uses", "value", "pays", "reason"]


def package_usage(con, start: date, end: date, today: date):
    detail = f"""{NUMBERED},
      base({', '.join(USAGE)}) AS MATERIALIZED (
      SELECT x.id, x.redeemed_on, p.patient_id, pt.first_name || ' ' || pt.last_name,
        x.package_id, p.template_id, p.name, tt.name, a.staff_id, s.name, x.n, p.uses_total,
        {VALUE}, x.patient_pays, x.reason
      FROM numbered x JOIN packages p ON p.id = x.package_id
      JOIN patients pt ON pt.id = p.patient_id JOIN appointments a ON a.id = x.appointment_id
      JOIN treatment_types tt ON tt.id = a.treatment_type_id JOIN staff s ON s.id = a.staff_id)"""
    params = {"start": start.isoformat(), "end": end.isoformat()}
    return [_section(con, detail, params, USAGE, ["value", "pays"], "template",
                     lambda r: (r[1], r[0]))]


OUTSTANDING = ["id", "day", "patient_id", "patient", "template", "name", "expires", "uses",
               "used", "remaining", "value"]


def outstanding(con, on: date):
    after = _dt(datetime.combine(on + timedelta(days=1), datetime.min.time()))
    soon = (on + timedelta(days=30)).isoformat()
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
          base({', '.join(OUTSTANDING)}) AS MATERIALIZED (
          SELECT l.id, l.purchased_on, l.patient_id, pt.first_name || ' ' || pt.last_name,
            l.template_id, l.name, l.expires_on, l.uses_total, l.redeemed,
            l.uses_total - l.redeemed,
            l.price - (l.redeemed * (l.price / l.uses_total)
                       + max(0, l.redeemed - (l.uses_total - l.price % l.uses_total)))
          FROM live l JOIN patients pt ON pt.id = l.patient_id
          WHERE l.redeemed < l.uses_total)"""
        params = {"on": on.isoformat(), "soon": soon, "after": after}
        sort = (lambda r: (r[6], r[0])) if expiring else (lambda r: (r[1], r[0]))
        sections.append(_section(con, detail, params, OUTSTANDING,
                                 ["used", "remaining", "value"], "template", sort))
    return sections


MEASURES = ["sales", "sales_value", "uses", "uses_value", "compensated_uses",
            "compensated_value", "double_uses", "double_value"]
FLAGGED = ["id", "day", "appointment", "patient_id", "patient", "package_id", "template",
           "name", "staff", "staff_name", "sold_on", "n", "uses", "value"]


def compensation(con, start: date, end: date, today: date):
    detail = f"""performed AS MATERIALIZED (
        SELECT a.staff_id AS staff,
          p.price / p.uses_total + (r.use_number > p.uses_total - p.price % p.uses_total)
            AS value,
          a.compensate_staff = 1 AS compensated,
          a.compensate_staff = 1 AND p.staff_id = a.staff_id AS double
        FROM redemptions r JOIN packages p ON p.id = r.package_id
        JOIN appointments a ON a.id = r.appointment_id
        WHERE r.voided_at IS NULL AND r.redeemed_on BETWEEN :start AND :end),
      facts AS (
        SELECT p.staff_id AS staff, 1 AS sales, p.price AS sales_value, 0 AS uses,
          0 AS uses_value, 0 AS compensated_uses, 0 AS compensated_value, 0 AS double_uses,
          0 AS double_value
        FROM packages p WHERE p.purchased_on BETWEEN :start AND :end AND p.status != 'void'
        UNION ALL
        SELECT staff, 0, 0, 1, value, compensated, compensated * value, double, double * value
        FROM performed),
      base(staff, name, {', '.join(MEASURES)}) AS MATERIALIZED (
        SELECT f.staff, coalesce(s.name, 'No Staff Member'),
          {', '.join(f'sum(f.{m})' for m in MEASURES)}
        FROM facts f LEFT JOIN staff s ON s.id = f.staff GROUP BY f.staff)"""
    params = {"start": start.isoformat(), "end": end.isoformat()}
    main = _section(con, detail, params, ["staff", "name", *MEASURES], MEASURES, None,
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
        AND p.staff_id IS NOT NULL AND a.compensate_staff = 1 AND p.staff_id = a.staff_id),
      base({', '.join(FLAGGED)}) AS MATERIALIZED (
      SELECT id, redeemed_on, appointment_id, patient_id, patient, package_id, template_id,
        name, staff_id, staff_name, purchased_on, n, uses_total,
        price / uses_total + (n > uses_total - price % uses_total) FROM flagged)"""
    doubles = _section(con, flagged, params, FLAGGED, ["value"], "staff",
                       lambda r: (r[1], r[0]))
    return [main, doubles]


def signature(report) -> list:
    """What a report is compared on: per section, the row count, the count and totals of
    each group and of the whole, and the first and last rows' ids."""
    return [(len(s.rows), s.count, list(s.totals.values()),
             {g.key: (g.count, list(g.totals.values())) for g in s.groups} if s.group_by
             else None,
             (s.cells(s.rows[0])[0], s.cells(s.rows[-1])[0]) if s.rows else None)
            for s in report.sections]


def same_report(mine, hand_sections) -> bool:
    """`mine` is signature(report): the same counts, groups and totals, section by section."""
    if len(mine) != len(hand_sections):
        return False
    for (rows, count, totals, groups, _), theirs in zip(mine, hand_sections):
        if rows != len(theirs.rows) or count != theirs.count:
            return False
        if totals != list(theirs.totals.values()):
            return False
        their_groups = {k: (n, list(t.values())) for k, (n, t) in theirs.groups.items()}
        if groups is not None and groups != their_groups:
            return False
    return True


# ------------------------------------------------------------------------------ writes

@dataclass
class Targets:
    patients: list[int]
    template_id: int
    covered: list[int]  # booked appointments today covered by a package
    refundable: list[int]  # active packages with uses left and money collected


def write_targets(con, today: date, n: int) -> Targets:
    total = con.execute("SELECT count(*) FROM patients").fetchone()[0]
    patients = [1 + (i * 7919) % total for i in range(n)]
    template = con.execute("SELECT id FROM package_templates ORDER BY id LIMIT 1").fetchone()[0]
    start = datetime.combine(today, datetime.min.time())
    covered = [r[0] for r in con.execute(
        "SELECT a.id FROM appointments a JOIN packages p ON p.id = a.package_id "
        "WHERE a.start >= ? AND a.start < ? AND a.status = 'booked' AND p.status = 'active' "
        "ORDER BY a.start, a.id LIMIT ?",
        (_dt(start), _dt(start + timedelta(days=7)), n))]
    refundable = [r[0] for r in con.execute(
        "SELECT p.id FROM packages p WHERE p.status = 'active' AND p.purchased_on >= ? "
        "AND (SELECT count(*) FROM redemptions r WHERE r.package_id = p.id "
        "     AND r.voided_at IS NULL) < p.uses_total "
        "AND (SELECT sum(amount) FROM payment_applications a WHERE a.invoice_id = p.invoice_id) "
        "    > 0 ORDER BY p.id LIMIT ?", ((today - timedelta(days=60)).isoformat(), n))]
    return Targets(patients, template, covered, refundable)


