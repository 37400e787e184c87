"""Package Liability (R33) and Revenue (R34) by hand on PostgreSQL (issue 22): bench/
hand_books.py's statements (read its docstring for how they work: every package at once, a
closed form for the simple ones, a day-by-day walk for the others), in PostgreSQL's terms:
- GREATEST/LEAST for SQLite's two-argument max/min. SQLite's max(NULL, x) is NULL where
  GREATEST ignores the NULL: `_value` keeps a NULL count NULL, as SQLite does;
- a day after is `+ 1`, a timestamp's day `::date`, a revenue row's day and month are text
  formatted by the server (ISO), as the service's rows are compared on;
- a running count is `::bigint` (a sum of bigints is a numeric on PostgreSQL);
- every derived table is named, grouped columns are listed, and a column called "left" in
  SQLite is `val_left` here (LEFT is a reserved word).
"""

from __future__ import annotations

from datetime import date

from bench.hand_books import LIABILITY, LINE_KINDS, REVENUE, _nonzero
from bench.hand_pg import section
from bench.hand_pg_books import _period

ENDED = """CASE p.status
        WHEN 'refunded' THEN (SELECT min(f.refunded_at)::date FROM package_refunds f
                              WHERE f.package_id = p.id)
        WHEN 'void' THEN (SELECT i.voided_at::date FROM invoices i
                          WHERE i.id = p.invoice_id) END"""


def _value(price: str, uses: str, n: str) -> str:
    m = f"least(greatest({n}, 0), {uses})"
    return (f"(CASE WHEN {n} IS NOT NULL THEN {price} - ({m} * ({price} / {uses}) "
            f"+ greatest(0, {m} - ({uses} - {price} % {uses}))) END)")


def _live_uses(day: str) -> str:
    return (f"(SELECT count(*) FROM redemptions r WHERE r.package_id = k.id "
            f"AND r.voided_at IS NULL AND r.redeemed_on <= {day})")


PACKAGES = f"""
pk AS MATERIALIZED (
  SELECT *, CASE WHEN ended IS NULL THEN expires + 1
                 WHEN expires IS NULL THEN ended
                 ELSE least(ended, expires + 1) END AS gone
  FROM (
    SELECT p.id, p.template_id AS tpl, p.price, p.uses_total AS uses, p.purchased_on AS bought,
      p.expires_on AS expires, p.status, {ENDED} AS ended,
      p.status = 'void'
        OR EXISTS (SELECT 1 FROM package_expiry_changes c WHERE c.package_id = p.id)
        OR EXISTS (SELECT 1 FROM redemptions r WHERE r.package_id = p.id
                   AND r.voided_at >= :since AND r.redeemed_on <= :end) AS walk
    FROM (SELECT id FROM packages WHERE expires_on IS NULL
          UNION ALL SELECT id FROM packages WHERE expires_on >= :before
          UNION ALL SELECT id FROM packages q WHERE q.expires_on < :before
            AND (q.status = 'void' OR EXISTS (SELECT 1 FROM package_expiry_changes c
                 WHERE c.package_id = q.id AND c.changed_on > :before))) chosen
    JOIN packages p ON p.id = chosen.id
    WHERE p.purchased_on <= :end) every
  WHERE ended IS NULL OR ended >= :start)"""

SIMPLE = f"""
edges AS MATERIALIZED (
  SELECT *, CASE WHEN live_before THEN {_live_uses(':before')} END AS n_before,
    {_live_uses('coalesce(died, :end)')} AS n_out
  FROM (SELECT k.*, bought <= :before AND (gone IS NULL OR gone > :before) AS live_before,
          CASE WHEN gone IS NOT NULL AND greatest(gone, bought) <= :end
               THEN greatest(gone, bought) END AS died
        FROM pk k WHERE NOT walk) k),
simple AS MATERIALIZED (
  SELECT id AS pkg, tpl, died, entered,
    CASE WHEN died IS NULL THEN 'open' WHEN died = ended THEN status ELSE 'expired' END AS how,
    opening, sold, CASE WHEN entered THEN entry - val_out ELSE 0 END AS redeemed,
    CASE WHEN entered AND died IS NOT NULL THEN val_out ELSE 0 END AS gone_value,
    CASE WHEN entered AND died IS NULL THEN val_out ELSE 0 END AS closing,
    CASE WHEN live_before THEN :start ELSE bought END AS from_day,
    coalesce(died, :end) AS to_day
  FROM (SELECT *, live_before OR bought >= :start AS entered,
          CASE WHEN live_before THEN {_value('price', 'uses', 'n_before')} ELSE 0 END AS opening,
          CASE WHEN bought >= :start THEN price ELSE 0 END AS sold,
          CASE WHEN live_before THEN {_value('price', 'uses', 'n_before')} ELSE price END
            AS entry,
          {_value('price', 'uses', 'n_out')} AS val_out
        FROM edges) e)"""

WALK = f"""
wk AS MATERIALIZED (SELECT * FROM pk WHERE walk),
chg AS MATERIALIZED (
  SELECT c.package_id AS pkg, c.changed_on AS since, c.old_expires_on AS old,
    c.new_expires_on AS exp,
    row_number() OVER (PARTITION BY c.package_id ORDER BY c.changed_at, c.id) AS seq
  FROM package_expiry_changes c WHERE c.package_id IN (SELECT id FROM wk)),
hist AS MATERIALIZED (
  SELECT pkg, exp, pmax, lead(pmax) OVER (PARTITION BY pkg ORDER BY seq) AS next
  FROM (SELECT pkg, seq, exp, max(since) OVER (PARTITION BY pkg ORDER BY seq) AS pmax
        FROM (SELECT k.id AS pkg, 0::bigint AS seq, k.bought AS since, c.old AS exp
              FROM wk k JOIN chg c ON c.pkg = k.id AND c.seq = 1
              UNION ALL SELECT pkg, seq, since, exp FROM chg) h) h),
stream(pkg, day, d) AS (
  SELECT k.id, :before, {_live_uses(':before')} FROM wk k
  UNION ALL SELECT r.package_id, r.redeemed_on, 1 FROM wk k JOIN redemptions r
    ON r.package_id = k.id AND r.voided_at IS NULL AND r.redeemed_on BETWEEN :start AND :end
  UNION ALL SELECT r.package_id, greatest(r.redeemed_on, :before), 1 FROM wk k
    JOIN redemptions r
    ON r.package_id = k.id AND r.voided_at >= :since AND r.redeemed_on <= :end
  UNION ALL SELECT r.package_id, greatest(r.redeemed_on, r.voided_at::date, :before), -1
    FROM wk k JOIN redemptions r ON r.package_id = k.id
    AND r.voided_at >= :since AND r.voided_at < :until AND r.redeemed_on <= :end
  UNION ALL SELECT id, :end, 0 FROM wk
  UNION ALL SELECT id, bought, 0 FROM wk WHERE bought >= :start
  UNION ALL SELECT id, ended, 0 FROM wk WHERE ended <= :end
  UNION ALL SELECT id, expires + 1, 0 FROM wk
    WHERE expires >= :before AND expires < :end
  UNION ALL SELECT pkg, since, 0 FROM chg WHERE since BETWEEN :start AND :end
  UNION ALL SELECT pkg, exp + 1, 0 FROM hist
    WHERE exp >= :before AND exp < :end),
counted AS (
  SELECT pkg, day, (sum(sum(d)) OVER (PARTITION BY pkg ORDER BY day))::bigint AS n
  FROM stream GROUP BY pkg, day),
valued AS (
  SELECT pkg, day, n, tpl, price, uses, bought, ended, status, live,
    {_value('price', 'uses', 'n')} AS value
  FROM (SELECT *, bought <= day AND (ended IS NULL OR ended > day)
                  AND (expiry IS NULL OR day <= expiry) AS live
        FROM (SELECT s.pkg, s.day, s.n, k.tpl, k.price, k.uses, k.bought, k.ended, k.status,
                CASE WHEN h.pkg IS NULL THEN k.expires ELSE h.exp END AS expiry
              FROM counted s JOIN (SELECT id, template_id AS tpl, price, uses_total AS uses,
                purchased_on AS bought, expires_on AS expires, status, {ENDED} AS ended
                FROM packages p) k ON k.id = s.pkg
              LEFT JOIN hist h ON h.pkg = s.pkg AND h.pmax <= s.day
                AND (h.next IS NULL OR h.next > s.day)) j) v),
steps AS (
  SELECT pkg, day, tpl, price, status, ended, live, value, val_left,
    day = ended AND status = 'void' AS void_day,
    price - {_value('price', 'uses', 'lag(n) OVER w')} AS used_before,
    CASE WHEN day = bought AND day >= :start THEN price ELSE 0 END AS sold,
    CASE WHEN day = bought AND day >= :start THEN true ELSE lag(live) OVER w END AS was_live,
    CASE WHEN day = bought AND day >= :start THEN price ELSE lag(val_left) OVER w END
      AS was_left
  FROM (SELECT *, CASE WHEN live THEN value ELSE 0 END AS val_left FROM valued) l
  WINDOW w AS (PARTITION BY pkg ORDER BY day)),
moves AS MATERIALIZED (
  SELECT pkg, day, tpl,
    CASE WHEN day = :before THEN val_left ELSE 0 END AS opening, sold,
    CASE WHEN void_day THEN CASE WHEN sold != 0 THEN 0 ELSE -used_before END
         WHEN was_live THEN was_left - value ELSE 0 END AS redeemed,
    CASE WHEN was_live AND NOT live AND day = ended AND status = 'refunded'
         THEN value ELSE 0 END AS refunded,
    CASE WHEN void_day THEN price ELSE 0 END AS voided,
    CASE WHEN void_day THEN CASE WHEN sold != 0 THEN 0
                                 ELSE -(price - used_before - was_left) END
         WHEN was_live AND NOT live AND (ended IS NULL OR day != ended)
         THEN value ELSE 0 END AS expired,
    CASE WHEN NOT was_live AND live THEN value ELSE 0 END AS reinstated,
    CASE WHEN day = :end THEN val_left ELSE 0 END AS closing
  FROM steps)"""

STEPS = f"{PACKAGES},{SIMPLE},{WALK}"


def package_liability(con, start: date, end: date):
    """R33 per template, as hand_books.package_liability."""
    sums = ", ".join(f"sum({f}) AS {f}" for f in LIABILITY)
    detail = f"""{STEPS},
      per_package AS (
        SELECT tpl, opening, sold, redeemed,
          CASE how WHEN 'refunded' THEN gone_value ELSE 0 END AS refunded,
          CASE how WHEN 'void' THEN gone_value ELSE 0 END AS voided,
          CASE how WHEN 'expired' THEN gone_value ELSE 0 END AS expired,
          0 AS reinstated, closing
        FROM simple
        WHERE opening != 0 OR sold != 0 OR redeemed != 0 OR gone_value != 0 OR closing != 0
        UNION ALL
        SELECT tpl, {sums} FROM moves GROUP BY pkg, tpl
        HAVING {_nonzero(f'sum({f})' for f in LIABILITY)}),
      base(template, name, {', '.join(LIABILITY)}) AS MATERIALIZED (
        SELECT m.tpl, coalesce(t.name, '#' || m.tpl),
          {', '.join(f'sum(m.{f})::bigint' for f in LIABILITY)}
        FROM per_package m LEFT JOIN package_templates t ON t.id = m.tpl
        GROUP BY m.tpl, t.name)"""
    return [section(con, detail, _period(start, end), ["template", "name", *LIABILITY],
                    LIABILITY, None, lambda r: (r[1].casefold(), r[0]))]


def revenue(con, start: date, end: date):
    """R34 per day, with month and period totals, as hand_books.revenue."""
    kinds = ", ".join(f"'{k}'" for k in LINE_KINDS)
    as_kind = " ".join(f"WHEN '{a}' THEN '{b}'" for a, b in LINE_KINDS.items())
    per_kind = ", ".join(
        f"sum(CASE kind WHEN '{k}' THEN amount ELSE 0 END)::bigint" for k in REVENUE)
    detail = f"""{STEPS},
      moved AS MATERIALIZED (
        SELECT pkg, day, redeemed, expired - reinstated AS breakage, refunded FROM moves
        WHERE day >= :start AND (redeemed != 0 OR expired != 0 OR reinstated != 0
                                 OR refunded != 0)
        UNION ALL
        SELECT pkg, died, 0, CASE how WHEN 'expired' THEN gone_value ELSE 0 END,
          CASE how WHEN 'refunded' THEN gone_value ELSE 0 END
        FROM simple WHERE entered AND died IS NOT NULL AND gone_value != 0
        UNION ALL
        SELECT x.pkg, r.redeemed_on, sum(CASE WHEN r.use_number <= p.uses_total THEN
            p.price / p.uses_total
            + (r.use_number > p.uses_total - p.price % p.uses_total)::int ELSE 0 END), 0, 0
        FROM simple x JOIN redemptions r ON r.package_id = x.pkg AND r.voided_at IS NULL
          AND r.redeemed_on BETWEEN x.from_day AND x.to_day
        JOIN packages p ON p.id = x.pkg WHERE x.entered GROUP BY x.pkg, r.redeemed_on),
      released AS (SELECT pkg, day, sum(refunded) AS amount FROM moved
                   WHERE refunded != 0 GROUP BY pkg, day),
      facts(day, kind, amount) AS (
        SELECT i.issued_on, CASE l.kind {as_kind} END, sum(l.unit_price * l.quantity)
        FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
        WHERE i.issued_on BETWEEN :start AND :end AND l.kind IN ({kinds})
        GROUP BY i.issued_on, l.kind
        UNION ALL
        SELECT i.voided_at::date, CASE l.kind {as_kind} END, -sum(l.unit_price * l.quantity)
        FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
        WHERE i.id IN (SELECT id FROM invoices WHERE voided_at >= :since AND voided_at < :until)
          AND l.kind IN ({kinds})
        GROUP BY i.voided_at::date, l.kind
        UNION ALL SELECT day, 'package_uses', sum(redeemed) FROM moved GROUP BY day
        UNION ALL SELECT day, 'breakage', sum(breakage) FROM moved GROUP BY day
        UNION ALL
        SELECT f.refunded_at::date, 'refund_adjustments',
          coalesce(r.amount, 0) + coalesce(l.unit_price * l.quantity, 0)
        FROM package_refunds f LEFT JOIN invoice_lines l ON l.id = f.invoice_line_id
        LEFT JOIN released r ON r.pkg = f.package_id AND r.day = f.refunded_at::date
        WHERE f.refunded_at >= :since AND f.refunded_at < :until),
      base(day, month, {', '.join(REVENUE)}, total) AS MATERIALIZED (
        SELECT to_char(day, 'YYYY-MM-DD'), to_char(day, 'YYYY-MM'), {per_kind},
          sum(amount)::bigint FROM facts GROUP BY day
        HAVING {_nonzero(f'sum(CASE kind WHEN {k!r} THEN amount ELSE 0 END)'
                         for k in REVENUE)})"""
    return [section(con, detail, _period(start, end), ["day", "month", *REVENUE, "total"],
                    [*REVENUE, "total"], "month", lambda r: r[0])]
