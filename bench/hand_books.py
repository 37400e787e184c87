"""Hand-written sqlite3 code for the books (issue 17): Package Liability (R33), Revenue (R34),
Sales Tax (R36) over a period, and the cash figures of a Day Close (R32).

The yardstick of bench/run_books.py, in bench/hand.py's manner: plain SQL on a plain sqlite3
connection, one statement per report, every figure added up by SQLite.

The liability is the hard one. The service (app/services/liability.py) loads each package's
life and walks its change days in Python (app/domain/liability.py). Here SQLite does it, for
every package at once, in two ways (`PACKAGES` picks, per package, with `walk`):
- `simple`: a package with no expiry history, no use undone at or after the period's start
  and its sale not voided is live once, from its purchase to the day before `gone` (its
  first refund, or the day after its expiry). Its movements are a closed form of the value
  left where it enters the period (the opening, or its price on its purchase day) and where it
  leaves (the day it stops being live, or the last day): two counts of its live uses
  (ix_redemptions_live). Revenue takes its uses' values (R3, from `use_number`) day by day.
- `moves` (the others), walked day by day as `steps` does: `hist` is the expiry history in
  the order it was made, each entry in force from the running maximum of the days up to it
  until the next one's (exactly how PackageLife.expiry_on reads the list); `stream` has one
  row per package and day on which anything may change (sale, end, an expiry changed or
  passing, a use redeemed or undone), plus the day before the period and its last day; a
  use counts +1 on its day and -1 on the day it was undone, so a running sum gives the uses
  at each day's end; LAG over the day before gives the movement: redeemed while live,
  refunded / expired when it stops being live, reinstated when it starts again; on a voided
  sale's void day its whole price leaves as voided and what it had earned is taken back
  (negative redeemed and expired), as app/domain/liability._voided says.
The value left is R3's spread in closed form (price // uses a use, the remainder cents on
the last uses). This is the complete R33, reinstatement included, not an approximation; the
one assumption is the service's own rule that no use is dated before its package's purchase
(the closed form's revenue puts such a use on its own day, the walk on the purchase day).
tests/unit/test_bench_hand_books.py checks both paths against the services on random
clinics with undone uses, refunds, voids and expiries cut, extended and cleared.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bench.hand import _dt, _section

LIABILITY = ["opening", "sold", "redeemed", "refunded", "voided", "expired", "reinstated",
             "closing"]
REVENUE = ["treatments", "package_uses", "patient_pays", "no_show_fees", "memberships",
           "breakage", "refund_adjustments"]
TAX = ["taxable_sales", "tax_charged", "voided_sales", "voided_tax", "refunded_sales",
       "refunded_tax", "net_sales", "net_tax"]


def _period(start: date, end: date) -> dict:
    midnight = datetime.min.time()
    return {"start": start.isoformat(), "end": end.isoformat(),
            "before": (start - timedelta(days=1)).isoformat(),
            "since": _dt(datetime.combine(start, midnight)),
            "until": _dt(datetime.combine(end + timedelta(days=1), midnight))}


# The day a package stopped being live: its first refund, or its sale's void.
ENDED = """CASE p.status
        WHEN 'refunded' THEN (SELECT substr(min(f.refunded_at), 1, 10) FROM package_refunds f
                              WHERE f.package_id = p.id)
        WHEN 'void' THEN (SELECT substr(i.voided_at, 1, 10) FROM invoices i
                          WHERE i.id = p.invoice_id) END"""

# The value left of a package (price P over U uses) once `n` uses are redeemed (R3, the
# remainder cents on the last uses): app/domain/liability.value_left in SQL.
def _value(price: str, uses: str, n: str) -> str:
    m = f"min(max({n}, 0), {uses})"
    return f"({price} - ({m} * ({price} / {uses}) + max(0, {m} - ({uses} - {price} % {uses}))))"


def _live_uses(day: str) -> str:
    """Uses of package k not voided, redeemed by the end of `day` (ix_redemptions_live)."""
    return (f"(SELECT count(*) FROM redemptions r WHERE r.package_id = k.id "
            f"AND r.voided_at IS NULL AND r.redeemed_on <= {day})")


# Every package that matters (the service's own filter), with the day it ended and whether its
# liability needs the day-by-day walk: a voided sale, an expiry history, or a use undone at or
# after the period's start (the others are a closed form, `simple`).
PACKAGES = f"""
pk AS MATERIALIZED (
  SELECT *, CASE WHEN ended IS NULL THEN date(expires, '+1 day')
                 WHEN expires IS NULL THEN ended
                 ELSE min(ended, date(expires, '+1 day')) END AS gone
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
    WHERE p.purchased_on <= :end)
  WHERE ended IS NULL OR ended >= :start)"""

# A package with no expiry history and no use undone in the period is live from its purchase
# to the day before `gone` (its end or the day after its expiry), once: its movements are the
# value left where it enters the period (the opening, or its price on its purchase day) and
# where it leaves (`out`: the day it stops being live, or the period's last day).
SIMPLE = f"""
edges AS MATERIALIZED (  -- materialised: each count is made once, not once per use of it
  SELECT *, CASE WHEN live_before THEN {_live_uses(':before')} END AS n_before,
    {_live_uses('coalesce(died, :end)')} AS n_out
  FROM (SELECT k.*, bought <= :before AND (gone IS NULL OR gone > :before) AS live_before,
          CASE WHEN gone IS NOT NULL AND max(gone, bought) <= :end
               THEN max(gone, bought) END AS died
        FROM pk k WHERE NOT walk) k),
simple AS MATERIALIZED (
  SELECT id AS pkg, tpl, died, entered,
    CASE WHEN died IS NULL THEN 'open' WHEN died = ended THEN status ELSE 'expired' END AS how,
    opening, sold, CASE WHEN entered THEN entry - out ELSE 0 END AS redeemed,
    CASE WHEN entered AND died IS NOT NULL THEN out ELSE 0 END AS gone_value,
    CASE WHEN entered AND died IS NULL THEN out ELSE 0 END AS closing,
    CASE WHEN live_before THEN :start ELSE bought END AS from_day,
    coalesce(died, :end) AS to_day
  FROM (SELECT *, live_before OR bought >= :start AS entered,
          CASE WHEN live_before THEN {_value('price', 'uses', 'n_before')} ELSE 0 END AS opening,
          CASE WHEN bought >= :start THEN price ELSE 0 END AS sold,
          CASE WHEN live_before THEN {_value('price', 'uses', 'n_before')} ELSE price END
            AS entry,
          {_value('price', 'uses', 'n_out')} AS out
        FROM edges))"""

# The other packages, day by day, as app/domain/liability.steps walks them: one row per
# (package, day on which anything about it may change) with the day's movements (R33).
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
        FROM (SELECT k.id AS pkg, 0 AS seq, k.bought AS since, c.old AS exp
              FROM wk k JOIN chg c ON c.pkg = k.id AND c.seq = 1
              UNION ALL SELECT pkg, seq, since, exp FROM chg))),
stream(pkg, day, d) AS (
  SELECT k.id, :before, {_live_uses(':before')} FROM wk k
  UNION ALL SELECT r.package_id, r.redeemed_on, 1 FROM wk k JOIN redemptions r
    ON r.package_id = k.id AND r.voided_at IS NULL AND r.redeemed_on BETWEEN :start AND :end
  UNION ALL SELECT r.package_id, max(r.redeemed_on, :before), 1 FROM wk k JOIN redemptions r
    ON r.package_id = k.id AND r.voided_at >= :since AND r.redeemed_on <= :end
  UNION ALL SELECT r.package_id, max(r.redeemed_on, substr(r.voided_at, 1, 10), :before), -1
    FROM wk k JOIN redemptions r ON r.package_id = k.id
    AND r.voided_at >= :since AND r.voided_at < :until AND r.redeemed_on <= :end
  UNION ALL SELECT id, :end, 0 FROM wk
  UNION ALL SELECT id, bought, 0 FROM wk WHERE bought >= :start
  UNION ALL SELECT id, ended, 0 FROM wk WHERE ended <= :end
  UNION ALL SELECT id, date(expires, '+1 day'), 0 FROM wk
    WHERE expires >= :before AND expires < :end
  UNION ALL SELECT pkg, since, 0 FROM chg WHERE since BETWEEN :start AND :end
  UNION ALL SELECT pkg, date(exp, '+1 day'), 0 FROM hist
    WHERE exp >= :before AND exp < :end),
counted AS (
  SELECT pkg, day, sum(sum(d)) OVER (PARTITION BY pkg ORDER BY day) AS n
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
                AND (h.next IS NULL OR h.next > s.day)))),
steps AS (
  SELECT pkg, day, tpl, price, status, ended, live, value, left,
    day = ended AND status = 'void' AS void_day,
    price - {_value('price', 'uses', 'lag(n) OVER w')} AS used_before,
    CASE WHEN day = bought AND day >= :start THEN price ELSE 0 END AS sold,
    CASE WHEN day = bought AND day >= :start THEN 1 ELSE lag(live) OVER w END AS was_live,
    CASE WHEN day = bought AND day >= :start THEN price ELSE lag(left) OVER w END AS was_left
  FROM (SELECT *, CASE WHEN live THEN value ELSE 0 END AS left FROM valued)
  WINDOW w AS (PARTITION BY pkg ORDER BY day)),
moves AS MATERIALIZED (  -- a voided sale: app/domain/liability._voided
  SELECT pkg, day, tpl,
    CASE WHEN day = :before THEN left ELSE 0 END AS opening, sold,
    CASE WHEN void_day THEN CASE WHEN sold THEN 0 ELSE -used_before END
         WHEN was_live THEN was_left - value ELSE 0 END AS redeemed,
    CASE WHEN was_live AND NOT live AND day = ended AND status = 'refunded'
         THEN value ELSE 0 END AS refunded,
    CASE WHEN void_day THEN price ELSE 0 END AS voided,
    CASE WHEN void_day THEN CASE WHEN sold THEN 0 ELSE -(price - used_before - was_left) END
         WHEN was_live AND NOT live AND (ended IS NULL OR day != ended)
         THEN value ELSE 0 END AS expired,
    CASE WHEN NOT was_live AND live THEN value ELSE 0 END AS reinstated,
    CASE WHEN day = :end THEN left ELSE 0 END AS closing
  FROM steps)"""

STEPS = f"{PACKAGES},{SIMPLE},{WALK}"


def _nonzero(columns) -> str:
    return " OR ".join(f"{c} != 0" for c in columns)


def package_liability(con, start: date, end: date):
    """R33 per template: rows (template, name, the eight figures), sorted as the report."""
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
        SELECT tpl, {sums} FROM moves GROUP BY pkg
        HAVING {_nonzero(f'sum({f})' for f in LIABILITY)}),
      base(template, name, {', '.join(LIABILITY)}) AS MATERIALIZED (
        SELECT m.tpl, coalesce(t.name, '#' || m.tpl), {', '.join(f'sum(m.{f})' for f in LIABILITY)}
        FROM per_package m LEFT JOIN package_templates t ON t.id = m.tpl GROUP BY m.tpl)"""
    return [_section(con, detail, _period(start, end), ["template", "name", *LIABILITY],
                     LIABILITY, None, lambda r: (r[1].casefold(), r[0]))]


#: invoice line kind -> R34's kind (app/services/reports/revenue.py LINE_KINDS)
LINE_KINDS = {"treatment": "treatments", "patient_pays": "patient_pays",
              "no_show_fee": "no_show_fees", "membership": "memberships"}


def revenue(con, start: date, end: date):
    """R34 per day (rows: day, month, the seven kinds, total), with month and period
    totals: invoice lines on their issue day and taken back on their void day, and the
    liability's steps (package uses, breakage, what each refund released less its line)."""
    kinds = ", ".join(f"'{k}'" for k in LINE_KINDS)
    per_kind = ", ".join(
        f"sum(CASE kind WHEN '{k}' THEN amount ELSE 0 END)" for k in REVENUE)
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
            p.price / p.uses_total + (r.use_number > p.uses_total - p.price % p.uses_total)
            ELSE 0 END), 0, 0
        FROM simple x JOIN redemptions r ON r.package_id = x.pkg AND r.voided_at IS NULL
          AND r.redeemed_on BETWEEN x.from_day AND x.to_day
        JOIN packages p ON p.id = x.pkg WHERE x.entered GROUP BY x.pkg, r.redeemed_on),
      released AS (SELECT pkg, day, sum(refunded) AS amount FROM moved
                   WHERE refunded != 0 GROUP BY pkg, day),
      facts(day, kind, amount) AS (
        SELECT i.issued_on, CASE l.kind {' '.join(f"WHEN '{a}' THEN '{b}'" for a, b in
                                                 LINE_KINDS.items())} END,
          sum(l.unit_price * l.quantity)
        FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
        WHERE i.issued_on BETWEEN :start AND :end AND l.kind IN ({kinds})
        GROUP BY i.issued_on, l.kind
        UNION ALL
        SELECT substr(i.voided_at, 1, 10), CASE l.kind {' '.join(
            f"WHEN '{a}' THEN '{b}'" for a, b in LINE_KINDS.items())} END,
          -sum(l.unit_price * l.quantity)
        FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
        WHERE i.id IN (SELECT id FROM invoices WHERE voided_at >= :since AND voided_at < :until)
          AND l.kind IN ({kinds})
        GROUP BY substr(i.voided_at, 1, 10), l.kind
        UNION ALL SELECT day, 'package_uses', sum(redeemed) FROM moved GROUP BY day
        UNION ALL SELECT day, 'breakage', sum(breakage) FROM moved GROUP BY day
        UNION ALL
        SELECT substr(f.refunded_at, 1, 10), 'refund_adjustments',
          coalesce(r.amount, 0) + coalesce(l.unit_price * l.quantity, 0)
        FROM package_refunds f LEFT JOIN invoice_lines l ON l.id = f.invoice_line_id
        LEFT JOIN released r ON r.pkg = f.package_id AND r.day = substr(f.refunded_at, 1, 10)
        WHERE f.refunded_at >= :since AND f.refunded_at < :until),
      base(day, month, {', '.join(REVENUE)}, total) AS MATERIALIZED (
        SELECT day, substr(day, 1, 7), {per_kind}, sum(amount) FROM facts GROUP BY day
        HAVING {_nonzero(f'sum(CASE kind WHEN {k!r} THEN amount ELSE 0 END)'
                         for k in REVENUE)})"""
    return [_section(con, detail, _period(start, end), ["day", "month", *REVENUE, "total"],
                     [*REVENUE, "total"], "month", lambda r: r[0])]


def sales_tax(con, start: date, end: date):
    """R36 per rate (rows: rate as stored, the six measures, net sales and net tax): lines of
    the invoices issued in the period (not the refund credit lines added later), lines of
    the invoices voided in it, and the refund credit lines of the refunds made in it."""
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
        SELECT rate, sum(taxable_sales), sum(tax_charged), sum(voided_sales), sum(voided_tax),
          sum(refunded_sales), sum(refunded_tax),
          sum(taxable_sales) - sum(voided_sales) - sum(refunded_sales),
          sum(tax_charged) - sum(voided_tax) - sum(refunded_tax)
        FROM facts GROUP BY rate)"""
    return [_section(con, detail, _period(start, end), ["rate", *TAX], TAX, None,
                     lambda r: r[0])]


def day_close(con, on: date) -> dict:
    """R32's cash: per method, what was received (payments by received_at) and paid back
    (refund payments by refunded_at) that day, counts and amounts, in one statement; and
    cash_in, cash_out, expected_cash = in - out."""
    start = datetime.combine(on, datetime.min.time())
    span = (_dt(start), _dt(start + timedelta(days=1)))
    methods: dict[str, list[int]] = {}
    for side, method, count, amount in con.execute(
            "SELECT 0, method, count(*), sum(amount) FROM payments "
            "WHERE received_at >= ? AND received_at < ? GROUP BY method "
            "UNION ALL SELECT 1, method, count(*), sum(amount) FROM payment_refunds "
            "WHERE refunded_at >= ? AND refunded_at < ? GROUP BY method", span + span):
        figures = methods.setdefault(method, [0, 0, 0, 0])
        figures[2 * side], figures[2 * side + 1] = count, amount
    cash = methods.get("cash", [0, 0, 0, 0])
    return {"methods": methods, "cash_in": cash[1], "cash_out": cash[3],
            "expected_cash": cash[1] - cash[3]}
