"""After bench/desks.py's desks stop: is every acknowledged write there, once, as it was
acknowledged, and nothing else? And do the ledger's invariants and the audit chain hold?

`before(clinic)` notes where each table ended before the desks began; `lost(clinic, marks,
acknowledged)` returns the sentences of what went wrong (empty when nothing did): a write
acknowledged and missing, changed or made twice, a row no desk was told of, a broken
invariant (app.services.integrity) or a broken audit chain (R29).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import text

TABLES = ("appointments", "packages", "payments", "invoices", "audit_entries")


def before(clinic) -> dict:
    """Where each table ends, and what of the ledger was already broken (a sentence each):
    the desks are judged on what they change."""
    from app.services.integrity import ledger_problems

    with clinic.db.read() as s:
        marks = {t: s.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {t}")).scalar()
                 for t in TABLES}
    return marks | {"ledger": ledger_problems(clinic)}


def _new_ids(s, table: str, after: int, where: str = "") -> list[int]:
    return list(s.execute(text(f"SELECT id FROM {table} WHERE id > :after {where}"),
                          {"after": after}).scalars())


def _same_set(what: str, acknowledged: list[int], found: list[int]) -> list[str]:
    problems = []
    counted = Counter(acknowledged)
    twice = sorted(i for i, n in counted.items() if n > 1)
    missing = sorted(set(counted) - set(found))
    unasked = sorted(set(found) - set(counted))
    if twice:
        problems.append(f"{what}: acknowledged twice {twice[:5]}")
    if missing:
        problems.append(f"{what}: acknowledged and missing {missing[:5]} ({len(missing)})")
    if unasked:
        problems.append(f"{what}: made and never acknowledged {unasked[:5]} ({len(unasked)})")
    return problems


def lost(clinic, marks: dict, acknowledged: list[dict]) -> list[str]:
    from app.services.audit import verify_chain
    from app.services.integrity import ledger_problems

    by_kind: dict[str, list[dict]] = {}
    for write in acknowledged:
        by_kind.setdefault(write["kind"], []).append(write)
    problems: list[str] = []
    with clinic.db.read() as s:
        problems += _same_set("bookings", [w["id"] for w in by_kind.get("book", [])],
                              _new_ids(s, "appointments", marks["appointments"]))
        problems += _same_set("package sales", [w["id"] for w in by_kind.get("sell", [])],
                              _new_ids(s, "packages", marks["packages"]))
        problems += _same_set("payments", [w["id"] for w in by_kind.get("pay", [])],
                              _new_ids(s, "payments", marks["payments"]))
        problems += _payments(s, by_kind.get("pay", []))
        problems += _states(s, by_kind)
        entries = s.execute(text("SELECT COUNT(*) FROM audit_entries WHERE id > :after"),
                            {"after": marks["audit_entries"]}).scalar()
    if entries < len(acknowledged):
        problems.append(f"audit trail: {entries} entries for {len(acknowledged)} "
                        "acknowledged writes")
    problems += [p for p in ledger_problems(clinic) if p not in marks["ledger"]]
    with clinic.db.read() as s:
        # The chain alone: the generated file's bulk rows were never audited, so the trail's
        # "a money row without its entry" would speak of them, not of the desks.
        chain = verify_chain(s)
    if not chain.ok:
        problems.append(f"audit chain broken at entry {chain.first_broken_id}")
    return problems


def _payments(s, pays: list[dict]) -> list[str]:
    """Each payment once under its reference, for the amount taken, on its invoice."""
    rows = s.execute(text("SELECT p.id, p.reference, p.amount, a.invoice_id FROM payments p "
                          "LEFT JOIN payment_applications a ON a.payment_id = p.id "
                          "WHERE p.reference LIKE 'desk%'")).all()
    found = Counter(r.reference for r in rows)
    problems = [f"payment {ref} made {n} times" for ref, n in found.items() if n > 1]
    by_ref = {r.reference: r for r in rows}
    for pay in pays:
        row = by_ref.get(pay["reference"])
        if row is None or (row.id, row.amount, row.invoice_id) != (
                pay["id"], pay["amount"], pay["invoice"]):
            problems.append(f"payment {pay['reference']}: acknowledged as {pay['id']} of "
                            f"{pay['amount']} on invoice {pay['invoice']}, found {row}")
    return problems


def _states(s, by_kind: dict[str, list[dict]]) -> list[str]:
    """Moved visits where their last move put them, arrivals arrived with their invoice,
    refunded packages refunded."""
    problems = []
    last_start = {w["id"]: w["start"] for w in by_kind.get("book", [])}
    last_start |= {w["id"]: w["start"] for w in by_kind.get("reschedule", [])}
    for appointment, start in last_start.items():
        found = s.execute(text("SELECT start FROM appointments WHERE id = :id"),
                          {"id": appointment}).scalar()
        if found is None or _when(found) != datetime.fromisoformat(start):
            problems.append(f"appointment {appointment}: acknowledged at {start}, "
                            f"found at {found}")
    for arrival in by_kind.get("arrive", []):
        row = s.execute(text("SELECT a.status, i.id FROM appointments a LEFT JOIN invoices i "
                             "ON i.id = :invoice WHERE a.id = :id"),
                        {"id": arrival["id"], "invoice": arrival["invoice"]}).first()
        if row is None or row[0] != "arrived" or row[1] is None:
            problems.append(f"arrival of appointment {arrival['id']}: found {row}")
    for refund in by_kind.get("refund", []):
        status = s.execute(text("SELECT status FROM packages WHERE id = :id"),
                           {"id": refund["id"]}).scalar()
        if status != "refunded":
            problems.append(f"package {refund['id']} refunded, found {status}")
    return problems


def _when(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
