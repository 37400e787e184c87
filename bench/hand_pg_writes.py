"""Hand-written psycopg writes for bench/run.py on PostgreSQL (issue 22): hand.py's four
writes, the same inserts and updates and the same checks that need a read, in one
transaction each, plus what a server needs that a file does not: the row locks the
services take (app.services.locks), in their order (the patient, then the template's
terms, the invoice counter, the audit chain last), so a second desk waits instead of
double-selling the last use. RETURNING saves the round trips SQLite did not have.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

from bench.hand import _round, expiry_of

SOLD: list[int] = []  # invoices sold by sell_package, paid by receive_payment
_AUDIT_CHAIN = 0x436C696E41756474  # app.services.locks: the audit chain's advisory lock


def _patient(con, patient_id: int) -> bool:
    return con.execute("SELECT id FROM patients WHERE id = %s FOR NO KEY UPDATE",
                       (patient_id,)).fetchone() is not None


def _audit(con, now: datetime, action: str, entity: str, entity_id: int, before, after):
    con.execute("SELECT pg_advisory_xact_lock(%s)", (_AUDIT_CHAIN,))
    prev = con.execute("SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1").fetchone()
    prev = prev[0] if prev else ""
    before = json.dumps(before, sort_keys=True) if before else ""
    after = json.dumps(after, sort_keys=True) if after else ""
    payload = json.dumps([prev, now.isoformat(), None, action, entity, entity_id, before, after],
                         separators=(",", ":"), ensure_ascii=False)
    con.execute("INSERT INTO audit_entries (at, staff_id, action, entity, entity_id, before, "
                "after, prev_hash, hash) VALUES (%s, NULL, %s, %s, %s, %s, %s, %s, %s)",
                (now, action, entity, entity_id, before, after, prev,
                 hashlib.sha256(payload.encode()).hexdigest()))


def _new_invoice(con, patient_id: int, issued_on: date, now: datetime, subtotal: int,
                 tax: int) -> int:
    # the UPDATE takes the counter's row lock: two desks get consecutive numbers
    number = con.execute("UPDATE clinic_settings SET next_invoice_number = "
                         "next_invoice_number + 1 WHERE id = 1 "
                         "RETURNING next_invoice_number - 1").fetchone()[0]
    return con.execute(
        "INSERT INTO invoices (number, patient_id, issued_on, created_at, created_by, subtotal, "
        "tax, total, voided_at, voided_by, void_reason) "
        "VALUES (%s, %s, %s, %s, NULL, %s, %s, %s, NULL, NULL, '') RETURNING id",
        (number, patient_id, issued_on, now, subtotal, tax, subtotal + tax)).fetchone()[0]


def sell_package(con, patient_id: int, template_id: int, now: datetime) -> int:
    with con.transaction():
        if not _patient(con, patient_id):
            raise LookupError(patient_id)
        name, price, uses, rate, validity, archived = con.execute(
            "SELECT name, price, uses, tax_rate, validity, archived FROM package_templates "
            "WHERE id = %s FOR SHARE", (template_id,)).fetchone()
        assert not archived
        today = now.date()
        expires = expiry_of(today, validity)
        tax = _round(Decimal(price) * Decimal(rate))
        invoice = _new_invoice(con, patient_id, today, now, price, tax)
        package = con.execute(
            "INSERT INTO packages (patient_id, template_id, invoice_id, name, price, tax_rate, "
            "uses_total, purchased_on, expires_on, staff_id, status, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, 'active', %s) RETURNING id",
            (patient_id, template_id, invoice, name, price, rate, uses, today, expires, now)
        ).fetchone()[0]
        con.execute("INSERT INTO package_coverage (package_id, treatment_type_id, patient_pays) "
                    "SELECT %s, treatment_type_id, patient_pays FROM package_template_items "
                    "WHERE template_id = %s ORDER BY id", (package, template_id))
        con.execute(
            "INSERT INTO invoice_lines (invoice_id, line_no, kind, description, staff_id, "
            "quantity, unit_price, tax_rate, tax, total, package_id, appointment_id, "
            "treatment_type_id) VALUES (%s, 1, 'package', %s, NULL, 1, %s, %s, %s, %s, %s, "
            "NULL, NULL)", (invoice, f"Package: {name}", price, rate, tax, price + tax, package))
        _audit(con, now, "package.sell", "package", package, None,
               {"name": name, "price": price, "uses_total": uses,
                "purchased_on": today.isoformat(),
                "expires_on": expires.isoformat() if expires else None, "staff_id": None})
    SOLD.append(invoice)
    return invoice


def receive_payment(con, invoice_id: int, amount: int, method: str, now: datetime) -> int:
    with con.transaction():
        owner = con.execute("SELECT patient_id FROM invoices WHERE id = %s",
                            (invoice_id,)).fetchone()[0]
        _patient(con, owner)
        patient_id, total, voided = con.execute(
            "SELECT patient_id, total, voided_at FROM invoices WHERE id = %s", (invoice_id,)
        ).fetchone()
        assert voided is None
        paid = con.execute("SELECT coalesce(sum(amount), 0) FROM payment_applications "
                           "WHERE invoice_id = %s", (invoice_id,)).fetchone()[0]
        share = min(total - paid, amount)
        payment = con.execute(
            "INSERT INTO payments (patient_id, received_at, method, amount, reference, "
            "created_by) VALUES (%s, %s, %s, %s, '', NULL) RETURNING id",
            (patient_id, now, method, amount)).fetchone()[0]
        if share > 0:
            con.execute("INSERT INTO payment_applications (payment_id, invoice_id, amount, "
                        "created_at, created_by, reason) "
                        "VALUES (%s, %s, %s, %s, NULL, 'payment')",
                        (payment, invoice_id, share, now))
        _audit(con, now, "payment.receive", "payment", payment, None,
               {"patient_id": patient_id, "method": method, "amount": amount,
                "applied": {str(invoice_id): share}})
    return payment


def arrive(con, appointment_id: int, now: datetime) -> int:
    with con.transaction():
        owner = con.execute("SELECT patient_id FROM appointments WHERE id = %s",
                            (appointment_id,)).fetchone()[0]
        _patient(con, owner)
        (patient_id, staff_id, treatment_id, start, status, package_id,
         compensate) = con.execute(
            "SELECT patient_id, staff_id, treatment_type_id, start, status, package_id, "
            "compensate_staff FROM appointments WHERE id = %s", (appointment_id,)).fetchone()
        con.execute("SELECT id FROM staff WHERE id = %s FOR NO KEY UPDATE", (staff_id,))
        assert status == "booked" and package_id is not None
        tname, rate = con.execute("SELECT name, tax_rate FROM treatment_types WHERE id = %s",
                                  (treatment_id,)).fetchone()
        pstatus, expires, uses, pname, owner = con.execute(
            "SELECT status, expires_on, uses_total, name, patient_id FROM packages "
            "WHERE id = %s FOR NO KEY UPDATE", (package_id,)).fetchone()
        day = start.date()
        pays = con.execute("SELECT patient_pays FROM package_coverage WHERE package_id = %s "
                           "AND treatment_type_id = %s", (package_id, treatment_id)).fetchone()
        redeemed = con.execute("SELECT count(*) FROM redemptions WHERE package_id = %s "
                               "AND voided_at IS NULL", (package_id,)).fetchone()[0]
        booked = con.execute("SELECT count(*) FROM appointments WHERE package_id = %s "
                             "AND status = 'booked' AND id != %s",
                             (package_id, appointment_id)).fetchone()[0]
        if (owner != patient_id or pstatus != "active" or pays is None
                or (expires is not None and day > expires) or redeemed + booked + 1 > uses):
            raise RuntimeError("package cannot cover this appointment")
        pays = pays[0]
        tax = _round(Decimal(pays) * Decimal(rate))
        invoice = _new_invoice(con, patient_id, day, now, pays, tax)
        line_staff = staff_id if compensate else None
        redemption = con.execute(
            "INSERT INTO redemptions (package_id, appointment_id, redeemed_on, invoice_id, "
            "patient_pays, reason, created_at, created_by, voided_at, voided_by) "
            "VALUES (%s, %s, %s, %s, %s, 'arrived', %s, NULL, NULL, NULL) RETURNING id",
            (package_id, appointment_id, day, invoice, pays, now)).fetchone()[0]
        # the stored "use n" (0006): this use and any dated after it take their places
        use = None
        for rid, n in con.execute(
                "UPDATE redemptions r SET use_number = b.n FROM (SELECT id, row_number() "
                "OVER (ORDER BY redeemed_on, id) AS n FROM redemptions WHERE package_id = %s "
                "AND voided_at IS NULL) b WHERE r.id = b.id AND (r.redeemed_on, r.id) >= (%s, %s) "
                "RETURNING r.id, r.use_number", (package_id, day, redemption)):
            if rid == redemption:
                use = n
        con.execute(
            "INSERT INTO invoice_lines (invoice_id, line_no, kind, description, staff_id, "
            "quantity, unit_price, tax_rate, tax, total, package_id, appointment_id, "
            "treatment_type_id) VALUES (%s, 1, 'patient_pays', %s, %s, 1, %s, %s, %s, %s, %s, "
            "%s, %s)",
            (invoice, f"{tname} ({start:%Y-%m-%d %H:%M}), covered by {pname} (use {use} of "
                      f"{uses})", line_staff, pays, rate, tax, pays + tax, package_id,
             appointment_id, treatment_id))
        con.execute("UPDATE appointments SET status = 'arrived', invoice_id = %s, "
                    "version = version + 1 WHERE id = %s", (invoice, appointment_id))
        _audit(con, now, "appointment.arrive", "appointment", appointment_id,
               {"status": "booked", "invoice_id": None},
               {"status": "arrived", "invoice_id": invoice})
    return invoice


def refund(con, package_id: int, amount: int, now: datetime) -> int:
    with con.transaction():
        owner = con.execute("SELECT patient_id FROM packages WHERE id = %s",
                            (package_id,)).fetchone()[0]
        _patient(con, owner)
        status, invoice_id, name, rate, price, uses = con.execute(
            "SELECT status, invoice_id, name, tax_rate, price, uses_total FROM packages "
            "WHERE id = %s FOR NO KEY UPDATE", (package_id,)).fetchone()
        assert status == "active"
        collected = con.execute("SELECT coalesce(sum(amount), 0) FROM payment_applications "
                                "WHERE invoice_id = %s", (invoice_id,)).fetchone()[0]
        assert amount <= collected
        redeemed = con.execute("SELECT count(*) FROM redemptions WHERE package_id = %s "
                               "AND voided_at IS NULL", (package_id,)).fetchone()[0]
        remaining = uses - redeemed
        charged = price + _round(Decimal(price) * Decimal(rate))
        suggested = min(_round(Decimal(charged) * remaining / uses), collected)
        line_id = None
        if amount:
            r = Decimal(rate)
            tax = _round(Decimal(amount) * r / (1 + r)) if r else 0
            line_id = con.execute(
                "INSERT INTO invoice_lines (invoice_id, line_no, kind, description, staff_id, "
                "quantity, unit_price, tax_rate, tax, total, package_id, appointment_id, "
                "treatment_type_id) SELECT %s, max(line_no) + 1, 'package_refund', %s, NULL, 1, "
                "%s, %s, %s, %s, %s, NULL, NULL FROM invoice_lines WHERE invoice_id = %s "
                "RETURNING id", (invoice_id, f"Refund of package: {name}", -(amount - tax),
                                 rate, -tax, -amount, package_id, invoice_id)).fetchone()[0]
            con.execute("UPDATE invoices SET subtotal = subtotal - %s, tax = tax - %s, "
                        "total = total - %s WHERE id = %s",
                        (amount - tax, tax, amount, invoice_id))
            moved = 0
            for payment_id, applied in con.execute(
                    "SELECT payment_id, sum(amount) FROM payment_applications "
                    "WHERE invoice_id = %s GROUP BY payment_id ORDER BY max(id) DESC",
                    (invoice_id,)).fetchall():
                if moved >= amount:
                    break
                take = min(applied, amount - moved)
                if take > 0:
                    con.execute("INSERT INTO payment_applications (payment_id, invoice_id, "
                                "amount, created_at, created_by, reason) "
                                "VALUES (%s, %s, %s, %s, NULL, 'package_refund')",
                                (payment_id, invoice_id, -take, now))
                    moved += take
        released = [r[0] for r in con.execute(
            "UPDATE appointments SET package_id = NULL, version = version + 1 "
            "WHERE package_id = %s AND status = 'booked' RETURNING id", (package_id,))]
        con.execute("UPDATE packages SET status = 'refunded' WHERE id = %s", (package_id,))
        refund_id = con.execute(
            "INSERT INTO package_refunds (package_id, amount, suggested, uses_remaining, "
            "invoice_line_id, refunded_at, created_by) VALUES (%s, %s, %s, %s, %s, %s, NULL) "
            "RETURNING id", (package_id, amount, suggested, remaining, line_id, now)
        ).fetchone()[0]
        _audit(con, now, "package.refund", "package", package_id, {"status": "active"},
               {"status": "refunded", "amount": amount, "suggested": suggested,
                "released_appointments": sorted(released)})
    return refund_id
