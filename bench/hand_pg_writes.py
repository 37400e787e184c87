"""Hand-written psycopg writes for bench/run.py on PostgreSQL (issue 22): hand_writes.py's
four writes, the same inserts and updates and the same checks that need a read, in one
transaction each, leaving the database as the services do (tests/pg/
test_bench_hand_pg_writes.py), plus what a server needs that a file does not: the row locks
the services take (app.services.locks), in their order (the patient, then the template's
terms, the invoice counter, the audit chain last), so a second desk waits instead of
double-selling the last use. RETURNING saves the round trips SQLite did not have.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

from app.services.validity import show_when
from bench.hand_writes import (RELEASED, _round, arrival_state, cancelled_line, expiry_of,
                               suggestion)

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
                 tax: int) -> tuple[int, int, str]:
    """(id, number, the clinic's locale) of a new invoice."""
    # the UPDATE takes the counter's row lock: two desks get consecutive numbers
    number, locale = con.execute("UPDATE clinic_settings SET next_invoice_number = "
                                 "next_invoice_number + 1 WHERE id = 1 "
                                 "RETURNING next_invoice_number - 1, locale").fetchone()
    return *con.execute(
        "INSERT INTO invoices (number, patient_id, issued_on, created_at, created_by, subtotal, "
        "tax, total, voided_at, voided_by, void_reason) "
        "VALUES (%s, %s, %s, %s, NULL, %s, %s, %s, NULL, NULL, '') RETURNING id",
        (number, patient_id, issued_on, now, subtotal, tax, subtotal + tax)).fetchone(), \
        number, locale


def sell_package(con, patient_id: int, template_id: int, now: datetime) -> int:
    with con.transaction():
        if not _patient(con, patient_id):
            raise LookupError(patient_id)
        name, price, uses, rate, validity, archived, policy = con.execute(
            "SELECT name, price, uses, tax_rate, validity, archived, refund_policy "
            "FROM package_templates WHERE id = %s FOR SHARE", (template_id,)).fetchone()
        assert not archived
        today = now.date()
        expires = expiry_of(today, validity)
        tax = _round(Decimal(price) * Decimal(rate))
        invoice, number, _locale = _new_invoice(con, patient_id, today, now, price, tax)
        package = con.execute(
            "INSERT INTO packages (patient_id, template_id, invoice_id, name, price, tax_rate, "
            "uses_total, purchased_on, expires_on, staff_id, status, created_at, "
            "refund_policy) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, 'active', %s, %s) "
            "RETURNING id",
            (patient_id, template_id, invoice, name, price, rate, uses, today, expires, now,
             policy)).fetchone()[0]
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
                "expires_on": expires.isoformat() if expires else None, "staff_id": None,
                "refund_policy": policy, "invoice": number})
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
        paid = con.execute("SELECT coalesce(sum(amount), 0)::bigint "
                           "FROM payment_applications WHERE invoice_id = %s",
                           (invoice_id,)).fetchone()[0]
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
        (patient_id, staff_id, treatment_id, start, end, status, package_id, released,
         membership, compensate) = con.execute(
            "SELECT patient_id, staff_id, treatment_type_id, start, \"end\", status, "
            "package_id, released_package_id, membership_id, compensate_staff "
            "FROM appointments WHERE id = %s", (appointment_id,)).fetchone()
        con.execute("SELECT id FROM staff WHERE id = %s FOR NO KEY UPDATE", (staff_id,))
        assert status == "booked" and package_id is not None and membership is None
        tname, rate = con.execute("SELECT name, tax_rate FROM treatment_types WHERE id = %s",
                                  (treatment_id,)).fetchone()
        pstatus, expires, uses, pname, owner, before = con.execute(
            "SELECT status, expires_on, uses_total, name, patient_id, uses_before "
            "FROM packages WHERE id = %s FOR NO KEY UPDATE", (package_id,)).fetchone()
        day = start.date()
        pays = con.execute("SELECT patient_pays FROM package_coverage WHERE package_id = %s "
                           "AND treatment_type_id = %s", (package_id, treatment_id)).fetchone()
        frozen = con.execute(  # R39: a frozen day is from its start to the day before its end
            "SELECT 1 FROM package_freezes WHERE package_id = %s AND starts_on <= %s "
            "AND (ends_on IS NULL OR ends_on > %s)", (package_id, day, day)).fetchone()
        live, later = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE redeemed_on > %s) FROM redemptions "
            "WHERE package_id = %s AND voided_at IS NULL", (day, package_id)).fetchone()
        booked = con.execute("SELECT count(*) FROM appointments WHERE package_id = %s "
                             "AND status = 'booked' AND id != %s",
                             (package_id, appointment_id)).fetchone()[0]
        redeemed = (before or 0) + live
        member = owner == patient_id or con.execute(
            "SELECT 1 FROM package_shares WHERE package_id = %s AND patient_id = %s "
            "AND ended_at IS NULL", (package_id, patient_id)).fetchone() is not None
        if (pstatus in ("refunded", "void", "transferred") or pays is None or frozen
                or not member or (expires is not None and day > expires)
                or redeemed + booked + 1 > uses):
            raise RuntimeError("package cannot cover this appointment")
        pays = pays[0]
        tax = _round(Decimal(pays) * Decimal(rate))
        invoice, _number, locale = _new_invoice(con, patient_id, day, now, pays, tax)
        line_staff = staff_id if compensate else None
        # its "use n" by date (0006): next when none is dated after it, else all renumbered
        use = redeemed + 1 if not later else None
        redemption = con.execute(
            "INSERT INTO redemptions (package_id, appointment_id, redeemed_on, invoice_id, "
            "patient_pays, reason, use_number, created_at, created_by, voided_at, voided_by, "
            "patient_id) VALUES (%s, %s, %s, %s, %s, 'arrived', %s, %s, NULL, NULL, NULL, %s) "
            "RETURNING id", (package_id, appointment_id, day, invoice, pays, use, now,
                             patient_id)).fetchone()[0]
        if use is None:
            for rid, n in con.execute(
                    "UPDATE redemptions r SET use_number = %s + b.n FROM (SELECT id, "
                    "row_number() OVER (ORDER BY redeemed_on, id) AS n FROM redemptions "
                    "WHERE package_id = %s AND voided_at IS NULL) b WHERE r.id = b.id "
                    "AND (r.redeemed_on, r.id) >= (%s, %s) RETURNING r.id, r.use_number",
                    (before or 0, package_id, day, redemption)):
                if rid == redemption:
                    use = n
        con.execute(
            "INSERT INTO invoice_lines (invoice_id, line_no, kind, description, staff_id, "
            "quantity, unit_price, tax_rate, tax, total, package_id, appointment_id, "
            "treatment_type_id) VALUES (%s, 1, 'patient_pays', %s, %s, 1, %s, %s, %s, %s, %s, "
            "%s, %s)",
            (invoice, f"{tname} ({show_when(start, locale)}), covered by {pname} (use {use} "
                      f"of {uses})", line_staff, pays, rate, tax, pays + tax, package_id,
             appointment_id, treatment_id))
        con.execute("UPDATE appointments SET status = 'arrived', invoice_id = %s, "
                    "version = version + 1 WHERE id = %s", (invoice, appointment_id))
        state = arrival_state(package_id, released, start, end, staff_id)
        _audit(con, now, "appointment.arrive", "appointment", appointment_id,
               {**state, "status": "booked", "invoice_id": None},
               {**state, "status": "arrived", "invoice_id": invoice})
    return invoice


def refund(con, package_id: int, amount: int, now: datetime) -> int:
    """bench.hand_writes.refund on a server, with the package's locks."""
    with con.transaction():
        owner = con.execute("SELECT patient_id FROM packages WHERE id = %s",
                            (package_id,)).fetchone()[0]
        _patient(con, owner)
        status, invoice_id, name, rate, price, uses, before, policy = con.execute(
            "SELECT status, invoice_id, name, tax_rate, price, uses_total, uses_before, "
            "refund_policy FROM packages WHERE id = %s FOR NO KEY UPDATE",
            (package_id,)).fetchone()
        assert status not in ("refunded", "void", "transferred")
        collected = con.execute("SELECT coalesce(sum(amount), 0)::bigint "
                                "FROM payment_applications WHERE invoice_id = %s",
                           (invoice_id,)).fetchone()[0]
        assert amount <= collected
        redeemed = (before or 0) + con.execute(
            "SELECT count(*) FROM redemptions WHERE package_id = %s AND voided_at IS NULL",
            (package_id,)).fetchone()[0]
        pro_rata, basis = suggestion(con, package_id, price=price, rate=rate, uses=uses,
                                     redeemed=redeemed, collected=collected, policy=policy,
                                     mark="%s")
        if amount:
            moved = 0
            for payment_id, applied in con.execute(
                    "SELECT payment_id, sum(amount)::bigint FROM payment_applications "
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
        total = con.execute("SELECT total FROM invoices WHERE id = %s",
                            (invoice_id,)).fetchone()[0]
        cancelled = total - max(collected - amount, pro_rata.given_value)  # R28a
        line_id = None
        if cancelled > 0:
            net, tax, words = cancelled_line(name, cancelled, rate)
            line_id = con.execute(
                "INSERT INTO invoice_lines (invoice_id, line_no, kind, description, staff_id, "
                "quantity, unit_price, tax_rate, tax, total, package_id, appointment_id, "
                "treatment_type_id) SELECT %s, max(line_no) + 1, 'package_refund', %s, NULL, 1, "
                "%s, %s, %s, %s, %s, NULL, NULL FROM invoice_lines WHERE invoice_id = %s "
                "RETURNING id", (invoice_id, words, -net, rate, -tax, -cancelled, package_id,
                                 invoice_id)).fetchone()[0]
            total = con.execute("UPDATE invoices SET subtotal = subtotal - %s, "
                                "tax = tax - %s, total = total - %s WHERE id = %s "
                                "RETURNING total", (net, tax, cancelled, invoice_id)
                                ).fetchone()[0]
        released = con.execute(RELEASED.replace("?", "%s"), (package_id,)).fetchall()
        if released:
            con.execute("UPDATE appointments SET package_id = NULL, version = version + 1 "
                        "WHERE package_id = %s AND status = 'booked'", (package_id,))
        con.execute("UPDATE packages SET status = 'refunded' WHERE id = %s", (package_id,))
        con.execute("UPDATE package_shares SET ended_at = %s, ended_by = NULL "
                    "WHERE package_id = %s AND ended_at IS NULL", (now, package_id))
        refund_id = con.execute(
            "INSERT INTO package_refunds (package_id, amount, suggested, uses_remaining, "
            "invoice_line_id, refunded_at, created_by, basis) "
            "VALUES (%s, %s, %s, %s, %s, %s, NULL, %s) RETURNING id",
            (package_id, amount, basis.amount, pro_rata.remaining, line_id, now,
             json.dumps(basis.as_record(), sort_keys=True))).fetchone()[0]
        _audit(con, now, "package.refund", "package", package_id, {"status": "active"},
               {"status": "refunded", "amount": amount, "suggested": basis.amount,
                "invoice_total": total, "released_appointments": [r[0] for r in released]})
    return refund_id
