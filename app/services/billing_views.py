"""What the billing screens read: invoices, payments, refund payments and previews (R5-R9,
R27), built from one transaction's rows with the arithmetic in app/domain/ledger.py.

Read models carry states as the enums of app/domain/states.py (equal to the codes the
database and the exports keep) and `can_…` flags, so no screen compares state strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ..domain import ledger as rules
from ..domain.states import InvoiceStatus, PaymentMethod, as_state, name_of
from ..i18n import _
from ..models import Invoice, Package, PackageRefund, Patient, Payment, PaymentRefund, Staff
from . import ledger, line_words, use_lines
from .invoice_payments import AppliedPayment, payments_on

@dataclass(frozen=True)
class LineView:
    id: int
    line_no: int
    kind: str
    description: str
    staff_id: int | None
    staff_name: str  # "No Staff Member" when unassigned (R6)
    quantity: int
    unit_price: int
    tax_rate: object
    tax: int
    total: int
    package_id: int | None
    appointment_id: int | None
    use_line: str = ""  # R41: "10 Massages: use 4 of 10, 6 left, expires …" (use_lines.py)


@dataclass(frozen=True)
class InvoiceView:
    id: int
    number: int
    patient_id: int
    patient_name: str
    issued_on: date
    lines: tuple[LineView, ...]
    subtotal: int
    tax: int
    total: int
    paid: int
    balance: int
    status: InvoiceStatus  # equal to its code: unpaid | partially paid | paid | void
    voided_at: datetime | None
    void_reason: str
    payments: tuple[AppliedPayment, ...]
    package_ids: tuple[int, ...]
    can_pay: bool = False   # as InvoiceSummary's
    can_void: bool = False

    @property
    def description(self) -> str:
        return "; ".join(line.description for line in self.lines if line.kind != "package_refund")


@dataclass(frozen=True)
class InvoiceSummary:
    id: int
    number: int
    issued_on: date
    description: str
    total: int
    paid: int
    balance: int
    status: InvoiceStatus
    package_id: int | None  # the package sold on it, if any (for Refund Package)
    can_pay: bool = False   # a payment can go on it (not void, something left to pay)
    can_void: bool = False  # Void Invoice is offered (the service may still refuse, saying why)
    uses: str = ""  # R41: its lines' use lines ("10 Massages: use 4 of 10, 6 left, …")


@dataclass(frozen=True)
class PaymentRow:
    id: int
    received_at: datetime
    method: PaymentMethod  # equal to its code
    method_name: str       # in the desk's language
    amount: int
    applied: int
    refunded: int
    unapplied: int
    reference: str


@dataclass(frozen=True)
class RefundView:
    id: int
    payment_id: int
    patient_id: int
    patient_name: str
    amount: int
    method: PaymentMethod
    method_name: str
    refunded_at: datetime
    payment_received_at: datetime
    payment_amount: int
    note: str
    package_name: str | None
    package_refund_amount: int | None
    staff_name: str | None


@dataclass(frozen=True)
class Account:
    patient_id: int
    invoiced: int      # total of invoices that are not void
    applied: int       # payments applied to those invoices
    owing: int         # invoiced - applied
    received: int      # all payments received
    refunded: int      # refund payments handed back
    credit: int        # the payments' unapplied parts: received - applied - refunded
    invoices: tuple[InvoiceSummary, ...]
    payments: tuple[PaymentRow, ...]


@dataclass(frozen=True)
class SalePreview:
    """What selling a template today would invoice (read-only; for the sale screen)."""
    template_id: int
    name: str
    price: int
    tax_rate: object
    tax: int
    total: int
    uses: int
    expires_on: date | None  # None: no expiry (R9)


@dataclass(frozen=True)
class PaymentPreview:
    """Where a payment would go if received now (read-only; for the payment screen)."""
    amount: int
    applied: tuple[tuple[int, int], ...]  # (invoice_id, amount), in the order applied
    unapplied: int  # the part that would become credit
    credit_after: int  # the patient's credit once it is received


@dataclass(frozen=True)
class SaleResult:
    invoice_id: int
    package_id: int
    warnings: tuple[str, ...] = ()
    # Upcoming appointments whose practitioner would be compensated again (R7).
    double_compensation: tuple[int, ...] = field(default=())


def invoice_view(s, invoice: Invoice) -> InvoiceView:
    staff_names = dict(s.execute(select(Staff.id, Staff.name)).all())
    patient = s.get(Patient, invoice.patient_id)
    uses = use_lines.for_lines(s, invoice.lines)  # as of each use (R41)
    words = line_words.for_lines(s, invoice.lines, uses)  # in the desk's language (R4)
    lines = tuple(LineView(line.id, line.line_no, line.kind, words[line.id], line.staff_id,
                           # a refund's line is the clinic's, never a staff member's (R6)
                           "" if line.kind == "package_refund" else
                           staff_names.get(line.staff_id) or _("No Staff Member"), line.quantity,
                           line.unit_price, line.tax_rate, line.tax, line.total,
                           line.package_id, line.appointment_id, uses.get(line.id, ""))
                  for line in invoice.lines)
    payments = payments_on(s, invoice.id)
    paid = ledger.paid_on_invoice(s, invoice.id)
    voided = invoice.voided_at is not None
    package_ids = tuple(s.scalars(select(Package.id).where(Package.invoice_id == invoice.id)))
    return InvoiceView(invoice.id, invoice.number, invoice.patient_id,
                       patient.full_name if patient else "", invoice.issued_on, lines,
                       invoice.subtotal, invoice.tax, invoice.total, paid,
                       rules.invoice_balance(invoice.total, paid, voided),
                       rules.invoice_status(invoice.total, paid, voided), invoice.voided_at,
                       invoice.void_reason, payments, package_ids,
                       can_pay=rules.can_pay(invoice.total, paid, voided),
                       can_void=rules.can_void(voided))


def invoice_summary(s, invoice: Invoice, uses: dict[int, str] | None = None) -> InvoiceSummary:
    paid = ledger.paid_on_invoice(s, invoice.id)
    voided = invoice.voided_at is not None
    lines = [line for line in sorted(invoice.lines, key=lambda line: line.line_no)
             if line.kind != "package_refund"]
    uses = use_lines.for_lines(s, lines) if uses is None else uses  # (R41)
    words = line_words.for_lines(s, lines, uses)  # the visit's time too, in the desk's locale
    descriptions = [words[line.id] for line in lines]
    package_id = s.scalar(select(Package.id).where(Package.invoice_id == invoice.id))
    return InvoiceSummary(invoice.id, invoice.number, invoice.issued_on, "; ".join(descriptions),
                          invoice.total, paid, rules.invoice_balance(invoice.total, paid, voided),
                          rules.invoice_status(invoice.total, paid, voided), package_id,
                          can_pay=rules.can_pay(invoice.total, paid, voided),
                          can_void=rules.can_void(voided),
                          uses="; ".join(uses[line.id] for line in lines if line.id in uses))


def payment_rows(s, payments) -> list[PaymentRow]:
    payments = list(payments)
    sums = ledger.applied_and_refunded(s, [p.id for p in payments])
    rows = []
    for p in payments:
        applied, refunded = sums[p.id]
        method = as_state(PaymentMethod, p.method)
        rows.append(PaymentRow(p.id, p.received_at, method, _(name_of(method)), p.amount,
                               applied, refunded, rules.unapplied(p.amount, applied, refunded),
                               p.reference))
    return rows


def refund_view(s, refund: PaymentRefund) -> RefundView:
    payment = s.get(Payment, refund.payment_id)
    patient = s.get(Patient, refund.patient_id)
    package_name = package_amount = None
    if refund.package_refund_id is not None:
        package_refund = s.get(PackageRefund, refund.package_refund_id)
        package_name, package_amount = package_refund.package.name, package_refund.amount
    staff = s.get(Staff, refund.created_by) if refund.created_by else None
    method = as_state(PaymentMethod, refund.method)
    return RefundView(refund.id, refund.payment_id, refund.patient_id,
                      patient.full_name if patient else "", refund.amount, method,
                      _(name_of(method)), refund.refunded_at,
                      payment.received_at, payment.amount, refund.note, package_name,
                      package_amount, staff.name if staff else None)


def account_view(s, patient_id: int) -> Account:
    """The patient's invoices, newest first, their payments, and the sums the desk reads."""
    invoices = s.scalars(select(Invoice).where(Invoice.patient_id == patient_id)
                         .order_by(Invoice.issued_on.desc(), Invoice.number.desc())).all()
    uses = use_lines.for_lines(s, [line for i in invoices for line in i.lines])  # at once
    summaries = tuple(invoice_summary(s, i, uses) for i in invoices)
    payments = tuple(payment_rows(s, s.scalars(
        select(Payment).where(Payment.patient_id == patient_id)
        .order_by(Payment.received_at.desc(), Payment.id.desc())).all()))
    kept = [i for i in summaries if i.status is not InvoiceStatus.VOID]
    invoiced = sum(i.total for i in kept)
    applied = sum(i.paid for i in kept)
    received = sum(p.amount for p in payments)
    refunded = sum(p.refunded for p in payments)
    return Account(patient_id, invoiced, applied, invoiced - applied, received, refunded,
                   rules.credit(p.unapplied for p in payments), summaries, payments)
