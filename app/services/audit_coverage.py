"""Money the audit trail should record: every money row has the entry that made it (R29).

Every service that writes money writes its audit entry in the same transaction (R29), so a
money row whose entry is missing means the entry was removed afterwards. This needs no new
column and no migration: each kind of row names the entry it comes with, by entity, entity
id and action:

    payment          ("payment", payment id, payment.receive)
    refund           ("payment_refund", refund id, payment.refund)
    package sale     ("package", package id, package.sell)
    package refund   ("package", package id, package.refund)
    package use      ("appointment", its appointment, arrive or no_show): one entry per use
    visit invoice    ("appointment", its appointment, arrive or no_show): one entry per invoice

A visit can be arrived, undone and arrived again: its uses and invoices are counted against
its arrive/no-show entries, so removing the second arrival's entry shows too. Each query is
one statement, so on a server it reads one snapshot even while other desks write.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, exists, func, select
from sqlalchemy.orm import Session

from ..models import AuditEntry, Invoice, InvoiceLine, Package, PackageRefund, Payment
from ..models import GiftCardMove, MembershipPeriod, PaymentRefund, Redemption

A = AuditEntry
VISIT_ACTIONS = ("appointment.arrive", "appointment.no_show")


@dataclass(frozen=True)
class Unrecorded:
    """A money row with no audit entry: its kind and its number (an invoice's number,
    otherwise the row's id)."""
    kind: str  # payment | refund | package_sale | package_refund | package_use | invoice
    number: int


def _has_entry(entity: str, entity_id, actions: tuple[str, ...]):
    return exists().where(A.entity == entity, A.entity_id == entity_id, A.action.in_(actions))


def _visit_entries(appointment_id):
    return (select(func.count()).select_from(A)
            .where(A.entity == "appointment", A.entity_id == appointment_id,
                   A.action.in_(VISIT_ACTIONS))
            .scalar_subquery())


def unrecorded(s: Session) -> list[Unrecorded]:
    found: list[Unrecorded] = []
    for kind, number, key, entity, action in (
            ("payment", Payment.id, Payment.id, "payment", "payment.receive"),
            ("refund", PaymentRefund.id, PaymentRefund.id, "payment_refund", "payment.refund"),
            # (a package received by transfer is recorded on itself, R38)
            ("package_sale", Package.id, Package.id, "package",
             ("package.sell", "package.transfer_in")),
            ("package_refund", PackageRefund.id, PackageRefund.package_id, "package",
             "package.refund")):
        found += [Unrecorded(kind, n) for n in s.scalars(
            select(number).where(~_has_entry(
                entity, key, action if isinstance(action, tuple) else (action,)))
            .order_by(number))]

    uses = (select(Redemption.appointment_id.label("visit"), func.count().label("n"),
                   func.max(Redemption.id).label("newest"))
            .group_by(Redemption.appointment_id).subquery())
    found += [Unrecorded("package_use", n) for n in s.scalars(
        select(uses.c.newest).where(uses.c.n > _visit_entries(uses.c.visit))
        .order_by(uses.c.newest))]

    sale = exists().where(Package.invoice_id == InvoiceLine.invoice_id)
    bills = (select(InvoiceLine.appointment_id.label("visit"),
                    func.count(distinct(InvoiceLine.invoice_id)).label("n"),
                    func.max(InvoiceLine.invoice_id).label("newest"))
             .where(InvoiceLine.appointment_id.is_not(None), ~sale)
             .group_by(InvoiceLine.appointment_id).subquery())
    found += [Unrecorded("invoice", n) for n in s.scalars(
        select(Invoice.number).join(bills, bills.c.newest == Invoice.id)
        .where(bills.c.n > _visit_entries(bills.c.visit)).order_by(Invoice.number))]

    # An invoice neither a sale's nor a visit's was made by no action that ClinicDesk has,
    # but a membership's period (R43) or a gift card's sale or reload (R45): each counted
    # only with its own entry.
    made_by = (exists().where(Package.invoice_id == Invoice.id)
               | exists().where(InvoiceLine.invoice_id == Invoice.id,
                                InvoiceLine.appointment_id.is_not(None))
               | _membership_fee_recorded() | _gift_card_load_recorded())
    found += [Unrecorded("invoice", n) for n in s.scalars(
        select(Invoice.number).where(~made_by).order_by(Invoice.number))]
    return found


def _membership_fee_recorded():
    """A period's invoice, with its membership.invoice entry (one at a time: enrolling,
    cancelling) or the membership.invoice_due entry of its batch, written at the same moment
    (app.services.membership_invoicing)."""
    entry = (select(A.id).where(
        A.entity == "membership", A.at == Invoice.created_at,
        ((A.action == "membership.invoice") & (A.entity_id == MembershipPeriod.membership_id))
        | (A.action == "membership.invoice_due"))
        .correlate(Invoice, MembershipPeriod).exists())
    return (select(MembershipPeriod.id)
            .where(MembershipPeriod.invoice_id == Invoice.id, entry)
            .correlate(Invoice).exists())


def _gift_card_load_recorded():
    """A card's sale or reload invoice, with the card's gift_card.sell or reload entry of
    the same moment."""
    entry = (select(A.id).where(
        A.entity == "gift_card", A.entity_id == GiftCardMove.card_id,
        A.action.in_(("gift_card.sell", "gift_card.reload")), A.at == Invoice.created_at)
        .correlate(Invoice, GiftCardMove).exists())
    return (select(GiftCardMove.id)
            .where(GiftCardMove.invoice_id == Invoice.id, GiftCardMove.kind == "load", entry)
            .correlate(Invoice).exists())
