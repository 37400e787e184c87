"""Hand-written sqlite3 writes for bench/run.py: the services' sell, pay, arrive and refund,
the same inserts and updates with the same checks that need a read, in one BEGIN IMMEDIATE
transaction each, with the same hash-chained audit entry. They leave the file exactly as the
services do, row by row (tests/unit/test_bench_hand_writes.py). The rules' arithmetic (a
refund's suggestion, R26 and R40) and the line's words (Babel) are the app's own pure
functions: what is compared is the way to the database, not the sums.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.domain import packages, refund_policy
from app.domain.arithmetic import tax_included_in
from app.services.validity import show_when

SOLD: list[int] = []  # invoices sold by sell_package, paid by receive_payment


def _dt(value: datetime) -> str:
    """A moment as SQLAlchemy stores it in the file."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _audit(con, now: datetime, action: str, entity: str, entity_id: int, before, after):
    prev = con.execute("SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1").fetchone()
    prev = prev[0] if prev else ""
    before = json.dumps(before, sort_keys=True) if before else ""
    after = json.dumps(after, sort_keys=True) if after else ""
    payload = json.dumps([prev, now.isoformat(), None, action, entity, entity_id, before, after],
                         separators=(",", ":"), ensure_ascii=False)
    con.execute("INSERT INTO audit_entries (at, staff_id, action, entity, entity_id, before, "
                "after, prev_hash, hash) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?)",
                (_dt(now), action, entity, entity_id, before, after, prev,
                 hashlib.sha256(payload.encode()).hexdigest()))


def _new_invoice(con, patient_id: int, issued_on: date, now: datetime, subtotal: int,
                 tax: int, *, number: int | None = None) -> tuple[int, int]:
    """(id, number) of a new invoice, numbered from the clinic's counter (`number`: its
    value, when the caller read it with other settings)."""
    if number is None:
        number = con.execute("SELECT next_invoice_number FROM clinic_settings WHERE id = 1"
                             ).fetchone()[0]
    con.execute("UPDATE clinic_settings SET next_invoice_number = ? WHERE id = 1", (number + 1,))
    return con.execute(
        "INSERT INTO invoices (number, patient_id, issued_on, created_at, created_by, subtotal, "
        "tax, total, voided_at, voided_by, void_reason) "
        "VALUES (?, ?, ?, ?, NULL, ?, ?, ?, NULL, NULL, '')",
        (number, patient_id, issued_on.isoformat(), _dt(now), subtotal, tax, subtotal + tax)
    ).lastrowid, number


def _add_months(start: date, months: int) -> date:
    import calendar
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def expiry_of(today: date, validity: str | None) -> date | None:
    """A package's expiry from its template's validity ("90d", "6m", "1y", or none)."""
    if not validity:
        return None
    number, unit = int(validity[:-1]), validity[-1]
    return (today + timedelta(days=number) if unit == "d" else
            _add_months(today, number * (12 if unit == "y" else 1)))


def sell_package(con, patient_id: int, template_id: int, now: datetime) -> int:
    con.execute("BEGIN IMMEDIATE")
    try:
        if con.execute("SELECT id FROM patients WHERE id = ?", (patient_id,)).fetchone() is None:
            raise LookupError(patient_id)
        name, price, uses, rate, validity, archived, policy = con.execute(
            "SELECT name, price, uses, tax_rate, validity, archived, refund_policy "
            "FROM package_templates WHERE id = ?", (template_id,)).fetchone()
        assert not archived
        today = now.date()
        expires = expiry_of(today, validity)
        tax = _round(Decimal(price) * Decimal(rate))
        invoice, number = _new_invoice(con, patient_id, today, now, price, tax)
        package = con.execute(
            "INSERT INTO packages (patient_id, template_id, invoice_id, name, price, tax_rate, "
            "uses_total, purchased_on, expires_on, staff_id, status, created_at, "
            "refund_policy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 'active', ?, ?)",
            (patient_id, template_id, invoice, name, price, rate, uses, today.isoformat(),
             expires.isoformat() if expires else None, _dt(now), policy)).lastrowid
        con.execute("INSERT INTO package_coverage (package_id, treatment_type_id, patient_pays) "
                    "SELECT ?, treatment_type_id, patient_pays FROM package_template_items "
                    "WHERE template_id = ? ORDER BY id", (package, template_id))
        con.execute(
            "INSERT INTO invoice_lines (invoice_id, line_no, kind, description, staff_id, "
            "quantity, unit_price, tax_rate, tax, total, package_id, appointment_id, "
            "treatment_type_id) VALUES (?, 1, 'package', ?, NULL, 1, ?, ?, ?, ?, ?, NULL, NULL)",
            (invoice, f"Package: {name}", price, rate, tax, price + tax, package))
        _audit(con, now, "package.sell", "package", package, None,
               {"name": name, "price": price, "uses_total": uses,
                "purchased_on": today.isoformat(),
                "expires_on": expires.isoformat() if expires else None, "staff_id": None,
                "refund_policy": policy, "invoice": number})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    SOLD.append(invoice)
    return invoice


def receive_payment(con, invoice_id: int, amount: int, method: str, now: datetime) -> int:
    con.execute("BEGIN IMMEDIATE")
    try:
        patient_id, total, voided = con.execute(
            "SELECT patient_id, total, voided_at FROM invoices WHERE id = ?", (invoice_id,)
        ).fetchone()
        assert voided is None
        paid = con.execute("SELECT coalesce(sum(amount), 0) FROM payment_applications "
                           "WHERE invoice_id = ?", (invoice_id,)).fetchone()[0]
        share = min(total - paid, amount)
        payment = con.execute(
            "INSERT INTO payments (patient_id, received_at, method, amount, reference, "
            "created_by) VALUES (?, ?, ?, ?, '', NULL)",
            (patient_id, _dt(now), method, amount)).lastrowid
        if share > 0:
            con.execute("INSERT INTO payment_applications (payment_id, invoice_id, amount, "
                        "created_at, created_by, reason) VALUES (?, ?, ?, ?, NULL, 'payment')",
                        (payment, invoice_id, share, _dt(now)))
        _audit(con, now, "payment.receive", "payment", payment, None,
               {"patient_id": patient_id, "method": method, "amount": amount,
                "applied": {str(invoice_id): share}})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return payment


def _may_use(con, package_id: int, owner: int, patient_id: int) -> bool:
    """The purchaser, or a member it is shared with now (R37)."""
    return owner == patient_id or con.execute(
        "SELECT 1 FROM package_shares WHERE package_id = ? AND patient_id = ? "
        "AND ended_at IS NULL", (package_id, patient_id)).fetchone() is not None


def arrive(con, appointment_id: int, now: datetime) -> int:
    con.execute("BEGIN IMMEDIATE")
    try:
        (patient_id, staff_id, treatment_id, start, end, status, package_id, released,
         membership, compensate) = con.execute(
            "SELECT patient_id, staff_id, treatment_type_id, start, \"end\", status, "
            "package_id, released_package_id, membership_id, compensate_staff "
            "FROM appointments WHERE id = ?", (appointment_id,)).fetchone()
        assert status == "booked" and package_id is not None and membership is None
        tname, rate = con.execute("SELECT name, tax_rate FROM treatment_types WHERE id = ?",
                                  (treatment_id,)).fetchone()
        pstatus, expires, uses, pname, owner, before = con.execute(
            "SELECT status, expires_on, uses_total, name, patient_id, uses_before "
            "FROM packages WHERE id = ?", (package_id,)).fetchone()
        day = start[:10]
        pays = con.execute("SELECT patient_pays FROM package_coverage WHERE package_id = ? "
                           "AND treatment_type_id = ?", (package_id, treatment_id)).fetchone()
        frozen = con.execute(  # R39: a frozen day is from its start to the day before its end
            "SELECT 1 FROM package_freezes WHERE package_id = ? AND starts_on <= ? "
            "AND (ends_on IS NULL OR ends_on > ?)", (package_id, day, day)).fetchone()
        live, later = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE redeemed_on > ?) FROM redemptions "
            "WHERE package_id = ? AND voided_at IS NULL", (day, package_id)).fetchone()
        booked = con.execute("SELECT count(*) FROM appointments WHERE package_id = ? "
                             "AND status = 'booked' AND id != ?",
                             (package_id, appointment_id)).fetchone()[0]
        redeemed = (before or 0) + live
        if (pstatus in ("refunded", "void", "transferred") or pays is None or frozen
                or not _may_use(con, package_id, owner, patient_id)
                or (expires is not None and day > expires) or redeemed + booked + 1 > uses):
            raise RuntimeError("package cannot cover this appointment")
        pays = pays[0]
        tax = _round(Decimal(pays) * Decimal(rate))
        number, locale = con.execute("SELECT next_invoice_number, locale FROM clinic_settings "
                                     "WHERE id = 1").fetchone()
        invoice, _number = _new_invoice(con, patient_id, date.fromisoformat(day), now, pays,
                                        tax, number=number)
        line_staff = staff_id if compensate else None
        # its "use n" by date (0006): next when none is dated after it, else all renumbered
        use = redeemed + 1 if not later else None
        redemption = con.execute(
            "INSERT INTO redemptions (package_id, appointment_id, redeemed_on, invoice_id, "
            "patient_pays, reason, use_number, created_at, created_by, voided_at, voided_by, "
            "patient_id) VALUES (?, ?, ?, ?, ?, 'arrived', ?, ?, NULL, NULL, NULL, ?)",
            (package_id, appointment_id, day, invoice, pays, use, _dt(now),
             patient_id)).lastrowid
        if use is None:
            con.execute(
                "UPDATE redemptions SET use_number = ? + (SELECT count(*) FROM redemptions b "
                "WHERE b.package_id = redemptions.package_id AND b.voided_at IS NULL "
                "AND (b.redeemed_on, b.id) <= (redemptions.redeemed_on, redemptions.id)) "
                "WHERE package_id = ? AND voided_at IS NULL AND (redeemed_on, id) >= (?, ?)",
                (before or 0, package_id, day, redemption))
            use = con.execute("SELECT use_number FROM redemptions WHERE id = ?",
                              (redemption,)).fetchone()[0]
        when = show_when(datetime.fromisoformat(start), locale)
        con.execute(
            "INSERT INTO invoice_lines (invoice_id, line_no, kind, description, staff_id, "
            "quantity, unit_price, tax_rate, tax, total, package_id, appointment_id, "
            "treatment_type_id) VALUES (?, 1, 'patient_pays', ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
            (invoice, f"{tname} ({when}), covered by {pname} (use {use} of {uses})",
             line_staff, pays, rate, tax, pays + tax, package_id, appointment_id,
             treatment_id))
        con.execute("UPDATE appointments SET status = 'arrived', invoice_id = ?, "
                    "version = version + 1 WHERE id = ?", (invoice, appointment_id))
        state = arrival_state(package_id, released, datetime.fromisoformat(start),
                              datetime.fromisoformat(end), staff_id)
        _audit(con, now, "appointment.arrive", "appointment", appointment_id,
               {**state, "status": "booked", "invoice_id": None},
               {**state, "status": "arrived", "invoice_id": invoice})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return invoice


RELEASED = ("SELECT a.id, a.start, p.first_name, p.last_name, s.name, t.name "
            "FROM appointments a JOIN patients p ON p.id = a.patient_id "
            "JOIN staff s ON s.id = a.staff_id "
            "JOIN treatment_types t ON t.id = a.treatment_type_id "
            "WHERE a.package_id = ? AND a.status = 'booked' ORDER BY a.start")


def _uses_given(con, package_id: int, mark: str = "?") -> tuple:
    """R40's standard_price policy: the live uses by treatment and standard price."""
    rows = con.execute(
        "SELECT t.name, t.price, t.tax_rate, r.patient_pays, count(r.id), min(r.use_number) "
        "FROM redemptions r JOIN appointments a ON a.id = r.appointment_id "
        "JOIN treatment_types t ON t.id = a.treatment_type_id "
        f"WHERE r.package_id = {mark} AND r.voided_at IS NULL "
        "GROUP BY t.id, t.name, t.price, t.tax_rate, r.patient_pays "
        "ORDER BY min(r.use_number), t.id", (package_id,)).fetchall()
    return tuple(refund_policy.UsesAt(count, name, packages.charged(price, Decimal(rate)),
                                      packages.charged(pays or 0, Decimal(rate)))
                 for name, price, rate, pays, count, _first in rows)


def suggestion(con, package_id: int, *, price: int, rate: Decimal, uses: int, redeemed: int,
               collected: int, policy: str | None, mark: str = "?"):
    """(R26's suggestion, the package's policy's calculation, R40), by the app's rules."""
    pro_rata = packages.refund_suggestion(packages.charged(price, rate), uses, redeemed,
                                          collected)
    chosen = refund_policy.parse_policy(policy or refund_policy.PRO_RATA)
    given = (_uses_given(con, package_id, mark)
             if chosen.kind == refund_policy.STANDARD_PRICE else ())
    return pro_rata, refund_policy.suggest(chosen, pro_rata, given)


def cancelled_line(name: str, cancelled: int, rate: Decimal) -> tuple[int, int, str]:
    """R28a's credit line on the sale invoice: (net, tax, words) of `cancelled` cents."""
    tax = tax_included_in(cancelled, rate) if rate else 0
    return cancelled - tax, tax, f"Unused uses cancelled: {name}"


def arrival_state(package_id: int, released, start: datetime, end: datetime,
                  staff_id: int) -> dict:
    """What the arrival's audit entry keeps of the appointment besides status and invoice."""
    return {"package_id": package_id, "released_package_id": released,
            "start": start.isoformat(), "end": end.isoformat(), "staff_id": staff_id,
            "membership_id": None}


def refund(con, package_id: int, amount: int, now: datetime) -> int:
    """R25-R28a, R40: the suggestion by the package's policy (the rules are the app's pure
    functions, app.domain: arithmetic, not SQL), the payments moved to credit newest first,
    the uses that can no longer be given cancelled on the sale invoice, its booked visits
    and shares released."""
    con.execute("BEGIN IMMEDIATE")
    try:
        status, invoice_id, name, rate, price, uses, before, policy = con.execute(
            "SELECT status, invoice_id, name, tax_rate, price, uses_total, uses_before, "
            "refund_policy FROM packages WHERE id = ?", (package_id,)).fetchone()
        assert status not in ("refunded", "void", "transferred")
        collected = con.execute("SELECT coalesce(sum(amount), 0) FROM payment_applications "
                                "WHERE invoice_id = ?", (invoice_id,)).fetchone()[0]
        assert amount <= collected
        redeemed = (before or 0) + con.execute(
            "SELECT count(*) FROM redemptions WHERE package_id = ? AND voided_at IS NULL",
            (package_id,)).fetchone()[0]
        rate = Decimal(rate)
        pro_rata, basis = suggestion(con, package_id, price=price, rate=rate, uses=uses,
                                     redeemed=redeemed, collected=collected, policy=policy)
        if amount:
            moved = 0
            for payment_id, applied in con.execute(
                    "SELECT payment_id, sum(amount) FROM payment_applications "
                    "WHERE invoice_id = ? GROUP BY payment_id ORDER BY max(id) DESC",
                    (invoice_id,)).fetchall():
                if moved >= amount:
                    break
                take = min(applied, amount - moved)
                if take > 0:
                    con.execute("INSERT INTO payment_applications (payment_id, invoice_id, "
                                "amount, created_at, created_by, reason) "
                                "VALUES (?, ?, ?, ?, NULL, 'package_refund')",
                                (payment_id, invoice_id, -take, _dt(now)))
                    moved += take
        # R28a: the invoice asks no more than the larger of what is kept and what was given
        total = con.execute("SELECT total FROM invoices WHERE id = ?",
                            (invoice_id,)).fetchone()[0]
        cancelled = total - max(collected - amount, pro_rata.given_value)
        line_id = None
        if cancelled > 0:
            net, tax, words = cancelled_line(name, cancelled, rate)
            line_no = con.execute("SELECT max(line_no) FROM invoice_lines WHERE invoice_id = ?",
                                  (invoice_id,)).fetchone()[0] + 1
            line_id = con.execute(
                "INSERT INTO invoice_lines (invoice_id, line_no, kind, description, staff_id, "
                "quantity, unit_price, tax_rate, tax, total, package_id, appointment_id, "
                "treatment_type_id) VALUES (?, ?, 'package_refund', ?, NULL, 1, ?, ?, ?, ?, ?, "
                "NULL, NULL)", (invoice_id, line_no, words, -net, str(rate), -tax, -cancelled,
                                package_id)).lastrowid
            con.execute("UPDATE invoices SET subtotal = subtotal - ?, tax = tax - ?, "
                        "total = total - ? WHERE id = ?", (net, tax, cancelled, invoice_id))
            total -= cancelled
        # R28: the booked visits it covered, with what the desk's warning names
        released = con.execute(RELEASED, (package_id,)).fetchall()
        if released:
            con.execute("UPDATE appointments SET package_id = NULL, version = version + 1 "
                        "WHERE package_id = ? AND status = 'booked'", (package_id,))
        con.execute("UPDATE packages SET status = 'refunded' WHERE id = ?", (package_id,))
        con.execute("UPDATE package_shares SET ended_at = ?, ended_by = NULL "
                    "WHERE package_id = ? AND ended_at IS NULL", (_dt(now), package_id))
        refund_id = con.execute(
            "INSERT INTO package_refunds (package_id, amount, suggested, uses_remaining, "
            "invoice_line_id, refunded_at, created_by, basis) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
            (package_id, amount, basis.amount, pro_rata.remaining, line_id, _dt(now),
             json.dumps(basis.as_record(), sort_keys=True))).lastrowid
        _audit(con, now, "package.refund", "package", package_id, {"status": "active"},
               {"status": "refunded", "amount": amount, "suggested": basis.amount,
                "invoice_total": total, "released_appointments": [r[0] for r in released]})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return refund_id
