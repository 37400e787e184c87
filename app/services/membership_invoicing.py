"""Invoicing membership periods (R43, R44): every period that has started, exactly once.

A period is invoiced by writing its `membership_periods` row in the same transaction as its
invoice. The row is unique on (membership, start): whichever desk or process comes second
cannot write it, so a period is never invoiced twice. Before that backstop is ever reached
the second one waits: on SQLite every write begins IMMEDIATE (writers take turns); on
PostgreSQL the patient's row is locked first (app.services.locks), and what was invoiced is
read only after the lock, so the second desk sees the first one's periods and skips them.

Many memberships are invoiced in batches: each batch locks its patients in id order and only
then takes the invoice counter, the order every desk keeps (locks.py), so no two desks wait
on each other in a circle.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from ..domain import memberships as rule
from ..domain.freezes import Span
from ..i18n import _
from ..models import Invoice, InvoiceLine, Membership, MembershipPause, MembershipPeriod
from . import audit, ledger, locks
from .money import tax_on
from .validity import show_date

BATCH = 250
CANCELLED_LATELY = timedelta(days=400)


def pauses_by_membership(s: Session, ids) -> dict[int, list[Span]]:
    found: dict[int, list[Span]] = defaultdict(list)
    for chunk in _chunks(sorted(ids)):
        for mid, start, end in s.execute(
                select(MembershipPause.membership_id, MembershipPause.starts_on,
                       MembershipPause.ends_on)
                .where(MembershipPause.membership_id.in_(chunk))):
            found[mid].append(Span(start, end))
    return found


def invoiced_starts(s: Session, ids) -> dict[int, set[date]]:
    found: dict[int, set[date]] = defaultdict(set)
    for chunk in _chunks(sorted(ids)):
        for mid, start in s.execute(
                select(MembershipPeriod.membership_id, MembershipPeriod.starts_on)
                .where(MembershipPeriod.membership_id.in_(chunk))):
            found[mid].add(start)
    return found


def due_periods(m: Membership, pauses: list[Span], invoiced: set[date], today: date, *,
                first: bool = False) -> list[rule.Period]:
    """The periods started by `today` (and the first one, at enrolment) not yet invoiced."""
    schedule = rule.periods(m.starts_on, m.period, pauses, cancelled_on=m.cancelled_on,
                            until=max(today, m.starts_on) if first else today)
    return [p for p in schedule if p.starts_on not in invoiced
            and (p.starts_on <= today or (first and p.starts_on == m.starts_on))]


def period_text(period: rule.Period, locale: str) -> str:
    return _("{start} to {end}").format(start=show_date(period.starts_on, locale),
                                        end=show_date(period.ends_on, locale))


def invoice_period(s: Session, m: Membership, period: rule.Period, *, today: date,
                   now: datetime, actor: int | None, locale: str) -> int:
    invoice = ledger.new_invoice(s, m.patient_id, issued_on=today, now=now, actor=actor)
    ledger.add_line(s, invoice, kind="membership",
                    description=_("Membership: {plan}, {period}").format(
                        plan=m.name, period=period_text(period, locale)),
                    unit_price=m.fee, tax_rate=m.tax_rate)
    s.add(MembershipPeriod(membership_id=m.id, starts_on=period.starts_on,
                           ends_on=period.ends_on, invoice_id=invoice.id, created_at=now))
    s.flush()
    audit.record(s, at=now, staff_id=actor, action="membership.invoice", entity="membership",
                 entity_id=m.id, before=None,
                 after={"period_start": period.starts_on.isoformat(),
                        "period_end": period.ends_on.isoformat(), "invoice": invoice.number,
                        "fee": m.fee, "tax": invoice.tax})
    return invoice.id


def invoice_many(s: Session, due: list[tuple[Membership, rule.Period]], *, today: date,
                 now: datetime, actor: int | None, locale: str) -> list[int]:
    """Invoice many periods in one transaction, as `invoice_period` does one at a time but in
    a few statements: 5,000 memberships' periods are invoiced in seconds (bench/). The invoice
    numbers are taken together from the counter (consecutive, no gap, as ledger.new_invoice
    takes one), each invoice holds its one line, and one audit entry names them all."""
    if not due:
        return []
    first = ledger.take_invoice_numbers(s, len(due))
    heads = []
    for n, (m, period) in enumerate(due):
        tax = tax_on(m.fee, m.tax_rate)
        heads.append(dict(number=first + n, patient_id=m.patient_id, issued_on=today,
                          created_at=now, created_by=actor, subtotal=m.fee, tax=tax,
                          total=m.fee + tax, void_reason=""))
    ids = list(s.scalars(insert(Invoice).returning(Invoice.id, sort_by_parameter_order=True),
                         heads))
    s.execute(insert(InvoiceLine), [
        dict(invoice_id=invoice_id, line_no=1, kind="membership",
             description=_("Membership: {plan}, {period}").format(
                 plan=m.name, period=period_text(period, locale))[:200],
             staff_id=None, quantity=1, unit_price=m.fee, tax_rate=m.tax_rate,
             tax=head["tax"], total=head["total"])
        for invoice_id, head, (m, period) in zip(ids, heads, due)])
    s.execute(insert(MembershipPeriod), [
        dict(membership_id=m.id, starts_on=period.starts_on, ends_on=period.ends_on,
             invoice_id=invoice_id, created_at=now)
        for invoice_id, (m, period) in zip(ids, due)])
    audit.record(s, at=now, staff_id=actor, action="membership.invoice_due",
                 entity="membership", entity_id=None, before=None,
                 after={"invoices": [[m.id, period.starts_on.isoformat(), head["number"],
                                      head["total"]]
                                     for head, (m, period) in zip(heads, due)]})
    return ids


def invoice_due(db, *, today: date, now: datetime, actor: int | None, locale: str) -> list[int]:
    """Invoice every started period of every running membership; the new invoices' ids."""
    with db.read() as s:
        running = list(_all_running(s, today))
        ids = [m.id for m in running]
        pauses, invoiced = pauses_by_membership(s, ids), invoiced_starts(s, ids)
        candidates = [(m.patient_id, m.id) for m in running
                      if due_periods(m, pauses.get(m.id, []), invoiced.get(m.id, set()), today)]
    candidates.sort()
    made: list[int] = []
    for batch in _chunks(candidates, BATCH):
        with db.write() as s:
            for patient_id in sorted({p for p, _m in batch}):
                locks.patient(s, patient_id)
            ids = [mid for _p, mid in batch]
            # Read again after the locks: another desk may have just invoiced some of them.
            pauses = pauses_by_membership(s, ids)
            invoiced = invoiced_starts(s, ids)
            due = [(m, period) for m in s.scalars(
                       select(Membership).where(Membership.id.in_(ids))
                       .order_by(Membership.patient_id, Membership.id))
                   for period in due_periods(m, pauses.get(m.id, []),
                                             invoiced.get(m.id, set()), today)]
            made += invoice_many(s, due, today=today, now=now, actor=actor, locale=locale)
    return made


def _all_running(s: Session, today: date):
    """Memberships that may have a started period not invoiced: not cancelled, or cancelled
    from a day still to come or lately past (a period between the cancellation and the day
    it takes effect is still invoiced). Cancelling invoices what had started by then, so an
    older cancellation has nothing left, and years of them are not read every day."""
    recent = today - CANCELLED_LATELY
    return s.scalars(select(Membership).where(
        or_(Membership.cancelled_on.is_(None), Membership.cancelled_on > recent),
        Membership.starts_on <= today))


def _chunks(items, size: int = 500):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]
