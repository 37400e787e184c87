"""Ledger consistency checks, all in SQL: what must hold after any sequence of actions,
and after any crash (each action is one transaction, R29)."""

from __future__ import annotations

from sqlalchemy import text

_CHECKS = {
    "an invoice's total differs from its lines": """
        SELECT i.number FROM invoices i
        LEFT JOIN (SELECT invoice_id, SUM(total) t FROM invoice_lines GROUP BY invoice_id) l
               ON l.invoice_id = i.id
        WHERE i.total != COALESCE(l.t, 0)""",
    "an invoice is paid below zero or above its total": """
        SELECT i.number FROM invoices i
        JOIN (SELECT invoice_id, SUM(amount) paid FROM payment_applications
              GROUP BY invoice_id) a ON a.invoice_id = i.id
        WHERE i.voided_at IS NULL AND (a.paid < 0 OR a.paid > i.total)""",
    "a void invoice still holds payments": """
        SELECT i.number FROM invoices i
        JOIN (SELECT invoice_id, SUM(amount) paid FROM payment_applications
              GROUP BY invoice_id) a ON a.invoice_id = i.id
        WHERE i.voided_at IS NOT NULL AND a.paid != 0""",
    "a payment is applied or refunded beyond its amount": """
        SELECT p.id FROM payments p
        LEFT JOIN (SELECT payment_id, SUM(amount) s FROM payment_applications
                   GROUP BY payment_id) a ON a.payment_id = p.id
        LEFT JOIN (SELECT payment_id, SUM(amount) s FROM payment_refunds
                   GROUP BY payment_id) r ON r.payment_id = p.id
        WHERE COALESCE(a.s, 0) < 0 OR COALESCE(a.s, 0) + COALESCE(r.s, 0) > p.amount""",
    "a package has more uses taken than it holds": """
        SELECT k.id FROM packages k
        LEFT JOIN (SELECT package_id, COUNT(*) n FROM redemptions WHERE voided_at IS NULL
                   GROUP BY package_id) r ON r.package_id = k.id
        LEFT JOIN (SELECT package_id, COUNT(*) n FROM appointments WHERE status = 'booked'
                   AND package_id IS NOT NULL GROUP BY package_id) b ON b.package_id = k.id
        WHERE COALESCE(r.n, 0) + COALESCE(b.n, 0) > k.uses_total""",
    "a package's uses are not numbered 1, 2, ... by date (R3)": """
        SELECT r.id FROM redemptions r
        WHERE (r.voided_at IS NOT NULL AND r.use_number IS NOT NULL)
           OR (r.voided_at IS NULL AND (r.use_number IS NULL OR r.use_number != (
               SELECT COUNT(*) FROM redemptions b
               WHERE b.package_id = r.package_id AND b.voided_at IS NULL
                 AND (b.redeemed_on, b.id) <= (r.redeemed_on, r.id))
               + (SELECT k.uses_before FROM packages k WHERE k.id = r.package_id)))""",
    "a redemption belongs to an appointment that was not arrived or a no-show": """
        SELECT r.id FROM redemptions r JOIN appointments a ON a.id = r.appointment_id
        WHERE r.voided_at IS NULL AND a.status NOT IN ('arrived', 'no_show')""",
    # R28a: once refunded, the invoice asks at most for the uses given (R3, on the charged
    # price: uses 1..k of P over N are k·(P div N), plus one cent each for those past N − P mod N).
    "a refunded package's invoice is owed more than the value of its redeemed uses": """
        SELECT i.number FROM packages k
        JOIN invoices i ON i.id = k.invoice_id
        JOIN (SELECT invoice_id, CAST(SUM(total) AS BIGINT) p FROM invoice_lines
              WHERE kind IN ('package', 'imported_package')
              GROUP BY invoice_id) c ON c.invoice_id = i.id
        LEFT JOIN (SELECT invoice_id, SUM(amount) paid FROM payment_applications
                   GROUP BY invoice_id) a ON a.invoice_id = i.id
        LEFT JOIN (SELECT package_id, COUNT(*) n FROM redemptions WHERE voided_at IS NULL
                   GROUP BY package_id) r ON r.package_id = k.id
        WHERE k.status = 'refunded' AND i.voided_at IS NULL
          AND i.total - COALESCE(a.paid, 0) > 0
          AND i.total > (COALESCE(r.n, 0) + k.uses_before) * (c.p / k.uses_total)
              + CASE WHEN (COALESCE(r.n, 0) + k.uses_before)
                          > k.uses_total - c.p % k.uses_total
                     THEN (COALESCE(r.n, 0) + k.uses_before)
                          - (k.uses_total - c.p % k.uses_total) ELSE 0 END""",
    "an arrived appointment has no invoice": """
        SELECT id FROM appointments WHERE status = 'arrived' AND invoice_id IS NULL""",
    "invoice numbers have a gap or the counter is behind": """
        SELECT 1 FROM (SELECT COUNT(*) n, COALESCE(MAX(number), 0) top,
                              COUNT(DISTINCT number) d FROM invoices) c,
                      clinic_settings s
        WHERE s.id = 1 AND (c.n != c.top OR c.d != c.n OR s.next_invoice_number != c.top + 1)""",
}


def ledger_problems(clinic) -> list[str]:
    """Every broken invariant, as a sentence with the first few offending numbers."""
    problems = []
    with clinic.db.read() as s:
        for sentence, sql in _CHECKS.items():
            rows = s.execute(text(sql + " LIMIT 5")).scalars().all()
            if rows:
                problems.append(f"{sentence}: {', '.join(map(str, rows))}")
    return problems
