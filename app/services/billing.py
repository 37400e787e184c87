"""Selling, invoices, payments, credit and refund payments (R5-R9, R27, R29)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from ..i18n import _, ngettext
from ..models import (Appointment, Invoice, InvoiceLine, Package, PackageCoverage,
                      PackageRefund, PackageTemplate, Patient, Payment, PaymentApplication,
                      PaymentRefund, Staff, TreatmentType)
from . import compensation, final_uses, ledger, line_words
from . import locks
from . import package_rules as rules
from . import validation as v
from . import why_not
from .audit import snapshot
from .base import Service
from .errors import NotAllowed, NotFound, ValidationError
from .invoice_payments import AppliedPayment, payments_on
from .money import tax_on, cents as money_cents
from .schedule import state_phrase
from .validity import expiry_for, show_when

METHODS = ledger.METHODS
_REFUND_ORDER = (PaymentRefund.refunded_at, PaymentRefund.id)


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
    status: str  # unpaid | partially paid | paid | void
    voided_at: datetime | None
    void_reason: str
    payments: tuple[AppliedPayment, ...]
    package_ids: tuple[int, ...]

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
    status: str
    package_id: int | None  # the package sold on it, if any (for Refund Package)


@dataclass(frozen=True)
class PaymentRow:
    id: int
    received_at: datetime
    method: str
    method_name: str
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
    method: str
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
    credit: int        # received - applied - refunded
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


def method_names() -> str:
    """"Cash, Debit, ...": the payment methods, in the desk's language, for a refusal."""
    return ", ".join(_(name) for name in METHODS.values())


class BillingService(Service):
    @property
    def _locale(self) -> str:
        return self._clinic.money_context()["locale"]

    # selling (R5-R9)
    def sell_package(self, patient_id: int, package_template_id: int, *, staff_id=None,
                     appointment_id: int | None = None) -> SaleResult:
        with self._db.write() as s:
            locks.patient(s, patient_id)
            patient = v.get(s, Patient, patient_id, "patient")
            template = v.get(s, PackageTemplate, package_template_id, "package template")
            if template.archived:
                raise NotAllowed(_("The package \u201c{name}\u201d is archived and no longer "
                                   "for sale; unarchive it in the Packages tab first.")
                                 .format(name=template.name))
            staff = None
            if staff_id is not None:
                staff = v.get(s, Staff, staff_id, "staff member")
                if not staff.active:
                    raise NotAllowed(_("{staff} is no longer active and cannot be "
                                       "assigned to a sale.").format(staff=staff.name))
            appointment = None
            if appointment_id is not None:
                appointment = v.get(s, Appointment, appointment_id, "appointment")
                if appointment.patient_id != patient.id:
                    raise NotAllowed(_("That appointment belongs to another patient."))
            today = self._today()
            invoice = ledger.new_invoice(s, patient.id, issued_on=today, now=self._now(),
                                         actor=self._actor)
            package = Package(patient_id=patient.id, template_id=template.id,
                              invoice_id=invoice.id, name=template.name, price=template.price,
                              tax_rate=template.tax_rate, uses_total=template.uses,
                              purchased_on=today, expires_on=expiry_for(today, template.validity),
                              staff_id=staff.id if staff else None, status="active",
                              created_at=self._now())
            s.add(package)
            s.flush()
            for item in template.eligible:
                s.add(PackageCoverage(package_id=package.id,
                                      treatment_type_id=item.treatment_type_id,
                                      patient_pays=item.patient_pays))
            ledger.add_line(s, invoice, kind="package",
                            description=_("Package: {name}").format(name=template.name),
                            unit_price=template.price, tax_rate=template.tax_rate,
                            staff_id=package.staff_id, package_id=package.id)
            s.flush()
            warnings = []
            if appointment is not None:
                warnings += self._apply_to_sale_appointment(s, package, appointment)
            flagged = compensation.at_sale(s, package, now=self._now())
            if flagged:  # R7
                warnings.append(ngettext(
                    "{staff} is compensated for this sale up front, and {n} upcoming "
                    "appointment this package will cover would compensate its practitioner "
                    "again. Unassign that appointment's compensation to avoid paying twice.",
                    "{staff} is compensated for this sale up front, and {n} upcoming "
                    "appointments this package will cover would compensate their "
                    "practitioner again. Unassign those appointments' compensation to avoid "
                    "paying twice.", len(flagged)).format(staff=staff.name, n=len(flagged)))
            self._audit(s, "package.sell", "package", package.id, None,
                        {**snapshot(package, "name", "price", "uses_total", "purchased_on",
                                    "expires_on", "staff_id"), "invoice": invoice.number})
            return SaleResult(invoice.id, package.id, tuple(warnings), tuple(flagged))

    def _apply_to_sale_appointment(self, s, package: Package, appointment: Appointment):
        """Sold from an appointment's Add Items: cover that appointment when the rules allow,
        else say why not (the sale itself stands)."""
        if appointment.status != "booked":
            return [_("The new package was not applied to the appointment: it is {state}, and "
                      "a package can only be added to a booked appointment.")
                    .format(state=state_phrase(appointment.status))]
        if appointment.package_id is not None:
            current = s.get(Package, appointment.package_id)
            return [_("The new package was not applied to the appointment: it is already "
                      "covered by \u201c{name}\u201d.").format(name=current.name)]
        treatment = s.get(TreatmentType, appointment.treatment_type_id)
        try:
            rules.require_can_cover(s, package, appointment, treatment_name=treatment.name,
                                    holding=False, locale=self._locale)
        except NotAllowed as refusal:
            return [_("The new package was not applied to the appointment: {reason}")
                    .format(reason=refusal)]
        appointment.package_id = package.id
        appointment.version += 1
        return []

    def unassign_compensation(self, appointment_ids: list[int]) -> None:
        """R7, R7a: these appointments' practitioners are not compensated again on redemption."""
        if not isinstance(appointment_ids, (list, tuple)):
            raise ValidationError("appointment_ids", _("Choose the appointments whose "
                                                       "compensation to unassign."))
        with self._db.write() as s:
            locks.appointments(s, appointment_ids)
            for appointment_id in appointment_ids:
                appointment = v.get(s, Appointment, appointment_id, "appointment")
                if appointment.status != "booked":
                    # Its visit is already billed, with or without its practitioner.
                    raise NotAllowed(_("Only booked appointments can have their "
                                       "compensation unassigned; the one on {when} is "
                                       "{state}.").format(
                                           when=show_when(appointment.start, self._locale),
                                           state=state_phrase(appointment.status)))
                if appointment.compensate_staff:
                    appointment.compensate_staff = False
                    appointment.version += 1
                    self._audit(s, "appointment.unassign_compensation", "appointment",
                                appointment.id, {"compensate_staff": True},
                                {"compensate_staff": False})

    # payments (R8, R27)
    def receive_payment(self, patient_id: int, amount, method: str, *,
                        invoice_id: int | None = None, allocations: dict | None = None,
                        reference: str = "") -> int:
        """Take a payment. With `invoice_id`, it is applied to that invoice (up to its balance);
        with `allocations` ({invoice_id: amount}), to those; with neither, to the oldest
        owing invoices. Whatever is left is the patient's credit."""
        cents = money_cents(amount, field="amount", **self._clinic.money_context())
        if cents <= 0:
            raise ValidationError("amount", _("The payment amount must be more than zero."))
        if not isinstance(method, str) or method not in METHODS:
            raise ValidationError("method", _("Choose how the patient paid: {methods}.")
                                  .format(methods=method_names()))
        reference = v.text(reference, "reference", max_len=100, required=False)
        with self._db.write() as s:
            locks.patient(s, patient_id)
            v.get(s, Patient, patient_id, "patient")
            plan = self._allocation_plan(s, patient_id, cents, invoice_id, allocations)
            payment = Payment(patient_id=patient_id, received_at=self._now(), method=method,
                              amount=cents, reference=reference, created_by=self._actor)
            s.add(payment)
            s.flush()
            for target, share in plan:
                ledger.apply(s, payment.id, target, share, now=self._now(), actor=self._actor)
            self._audit(s, "payment.receive", "payment", payment.id, None,
                        {**snapshot(payment, "patient_id", "method", "amount"),
                         "applied": {str(i): a for i, a in plan}})
            return payment.id

    def _allocation_plan(self, s, patient_id: int, cents: int, invoice_id, allocations):
        if allocations is not None and not isinstance(allocations, dict):
            raise ValidationError("allocations", _("Give the amount to apply to each "
                                                   "invoice."))
        if invoice_id is not None:
            named = self._open_invoice(s, invoice_id, patient_id)
            if refusal := why_not.pay_invoice(s, named, balance=ledger.balance_of(s, named)):
                raise NotAllowed(refusal)  # R28a: not silently turned into credit
            allocations = {named.id: None}
        if allocations is None:
            owing = s.scalars(select(Invoice).where(Invoice.patient_id == patient_id,
                                                    Invoice.voided_at.is_(None))
                              .order_by(Invoice.issued_on, Invoice.number)).all()
            allocations = {i.id: None for i in owing if ledger.balance_of(s, i) > 0}
        plan, left = [], cents
        for target_id, share in allocations.items():
            invoice = self._open_invoice(s, target_id, patient_id)
            balance = ledger.balance_of(s, invoice)
            if share is None:
                share = min(balance, left)
            else:
                share = money_cents(share, field="allocation", **self._clinic.money_context())
                if share > balance:
                    raise ValidationError("allocation", _("Invoice #{number} has only "
                                                          "{amount} left to pay.").format(
                        number=invoice.number, amount=self._clinic.format_money(balance)))
            if share > left:
                raise ValidationError("allocation", _("The amounts applied to invoices add up "
                                                      "to more than the payment."))
            if share > 0:
                plan.append((invoice.id, share))
                left -= share
        return plan

    def _open_invoice(self, s, invoice_id, patient_id: int) -> Invoice:
        invoice = v.get(s, Invoice, invoice_id, "invoice")
        if invoice.patient_id != patient_id:
            raise NotAllowed(_("Invoice #{number} belongs to another patient.")
                             .format(number=invoice.number))
        if invoice.voided_at is not None:
            raise NotAllowed(_("Invoice #{number} is void; nothing can be paid on it.")
                             .format(number=invoice.number))
        return invoice

    def apply_credit(self, patient_id: int, invoice_id: int, amount=None) -> int:
        """Use the patient's credit to pay an invoice. Returns the amount applied."""
        limit = None if amount is None else money_cents(amount, field="amount",
                                                        **self._clinic.money_context())
        if limit == 0:
            raise ValidationError("amount", _("The amount of credit to apply must be more "
                                              "than zero."))
        with self._db.write() as s:
            locks.patient(s, patient_id)
            v.get(s, Patient, patient_id, "patient")
            invoice = self._open_invoice(s, invoice_id, patient_id)
            credit = ledger.credit_of(s, patient_id)
            balance = ledger.balance_of(s, invoice)
            if refusal := why_not.apply_credit(s, invoice, balance=balance, credit=credit):
                raise NotAllowed(refusal)  # as Purchases offers it
            if limit is not None and limit > min(credit, balance):
                raise ValidationError("amount", _("You can apply at most {amount}: the smaller "
                                                  "of the patient's credit and the invoice "
                                                  "balance.").format(
                    amount=self._clinic.format_money(min(credit, balance))))
            applied = ledger.apply_credit(s, invoice, limit=limit, now=self._now(),
                                          actor=self._actor)
            self._audit(s, "credit.apply", "invoice", invoice.id, None, {"amount": applied})
            return applied

    def refund_payment(self, payment_id: int, amount, *, method: str | None = None,
                       note: str = "", package_refund_id: int | None = None) -> int:
        """Hand credit back to the patient against one payment (R27): never more than the part
        of that payment that is not applied to invoices (which is also within the credit)."""
        self._clinic.auth.require_manager("refund a payment")
        cents = money_cents(amount, field="amount", **self._clinic.money_context())
        if cents <= 0:
            raise ValidationError("amount", _("The refund amount must be more than zero."))
        if method is not None and (not isinstance(method, str) or method not in METHODS):
            raise ValidationError("method", _("Choose a refund method: {methods}.")
                                  .format(methods=method_names()))
        note = v.text(note, "note", max_len=500, required=False)
        with self._db.write() as s:
            locks.payment(s, payment_id)
            payment = v.get(s, Payment, payment_id, "payment")
            if package_refund_id is not None:
                package_refund = v.get(s, PackageRefund, package_refund_id, "package refund")
                if package_refund.package.patient_id != payment.patient_id:
                    raise NotAllowed(_("That package refund belongs to another patient than "
                                       "this payment."))
            free = ledger.unapplied_of_payment(s, payment)
            credit = ledger.credit_of(s, payment.patient_id)
            limit = min(free, credit)
            if cents > limit:
                money = self._clinic.format_money
                if limit <= 0:
                    raise ValidationError("amount", _(
                        "Nothing of this payment can be refunded: all of it is applied to "
                        "invoices or already refunded. Free it first (void the invoice or "
                        "refund the package)."))
                raise ValidationError("amount", _(
                    "You can refund at most {limit} from this {amount} payment: the part not "
                    "applied to invoices and not already refunded.").format(
                        limit=money(limit), amount=money(payment.amount)))
            refund = PaymentRefund(payment_id=payment.id, patient_id=payment.patient_id,
                                   amount=cents, method=method or payment.method,
                                   refunded_at=self._now(), created_by=self._actor,
                                   package_refund_id=package_refund_id, note=note)
            s.add(refund)
            s.flush()
            self._audit(s, "payment.refund", "payment_refund", refund.id, None,
                        snapshot(refund, "payment_id", "amount", "method", "package_refund_id"))
            return refund.id

    # invoices
    def void_invoice(self, invoice_id: int, reason: str) -> int:
        """Void a sale made by mistake; money paid on it becomes credit. Returns that credit."""
        self._clinic.auth.require_manager("void an invoice")
        reason = v.text(reason, "reason", label="reason for voiding", max_len=500)
        with self._db.write() as s:
            locks.invoice(s, invoice_id)
            invoice = v.get(s, Invoice, invoice_id, "invoice")
            if invoice.voided_at is not None:
                raise NotAllowed(_("Invoice #{number} is already void.")
                                 .format(number=invoice.number))
            if final_uses.bills_an_open_visit(s, invoice.id):
                raise NotAllowed(_("Invoice #{number} bills an appointment; undo the arrival or "
                                   "the no-show on the schedule instead.")
                                 .format(number=invoice.number))
            for package in s.scalars(select(Package).where(Package.invoice_id == invoice.id)):
                if package.status != "active" or rules.redeemed_count(s, package.id):
                    raise NotAllowed(_("The package \u201c{name}\u201d on invoice #{number} "
                                       "has been used or refunded; refund the package instead "
                                       "of voiding its invoice.")
                                     .format(name=package.name, number=invoice.number))
                package.status = "void"
                for appointment in s.scalars(select(Appointment).where(
                        Appointment.package_id == package.id, Appointment.status == "booked")):
                    appointment.package_id = None
                    appointment.version += 1
            credit = ledger.void(s, invoice, reason=reason, now=self._now(), actor=self._actor)
            self._audit(s, "invoice.void", "invoice", invoice.id, {"status": "open"},
                        {"status": "void", "reason": reason, "credit": credit})
            return credit

    # read-only previews: the screens show what a sale or payment would do, computed here
    # by the same rules, so no widget does arithmetic on money
    def sale_preview(self, package_template_id: int) -> SalePreview:
        with self._db.read() as s:
            template = v.get(s, PackageTemplate, package_template_id, "package template")
            tax = tax_on(template.price, template.tax_rate)  # as ledger.add_line taxes a line
            return SalePreview(template.id, template.name, template.price, template.tax_rate,
                               tax, template.price + tax, template.uses,
                               expiry_for(self._today(), template.validity))

    def payment_preview(self, patient_id: int, amount, *, invoice_id: int | None = None,
                        allocations: dict | None = None) -> PaymentPreview:
        """As receive_payment would apply it; raises the same refusals for bad amounts."""
        cents = money_cents(amount, field="amount", **self._clinic.money_context())
        with self._db.read() as s:
            v.get(s, Patient, patient_id, "patient")
            plan = self._allocation_plan(s, patient_id, cents, invoice_id, allocations)
            left = cents - sum(share for _, share in plan)
            return PaymentPreview(cents, tuple(plan), left,
                                  ledger.credit_of(s, patient_id) + left)

    def invoice(self, invoice_id: int) -> InvoiceView:
        with self._db.read() as s:
            return invoice_view(s, v.get(s, Invoice, invoice_id, "invoice"))

    def payment(self, payment_id: int) -> PaymentRow:
        with self._db.read() as s:
            payment = v.get(s, Payment, payment_id, "payment")
            return _payment_rows(s, [payment])[0]

    def refund(self, refund_id: int) -> RefundView:
        with self._db.read() as s:
            return refund_view(s, v.get(s, PaymentRefund, refund_id, "refund"))

    def refunds(self, patient_id: int) -> list[RefundView]:
        with self._db.read() as s:
            v.get(s, Patient, patient_id, "patient")
            return [refund_view(s, r) for r in s.scalars(select(PaymentRefund).where(
                PaymentRefund.patient_id == patient_id).order_by(*_REFUND_ORDER))]

    def account(self, patient_id: int) -> Account:
        with self._db.read() as s:
            v.get(s, Patient, patient_id, "patient")
            invoices = s.scalars(select(Invoice).where(Invoice.patient_id == patient_id)
                                 .order_by(Invoice.issued_on.desc(), Invoice.number.desc())
                                 ).all()
            summaries = tuple(_invoice_summary(s, i) for i in invoices)
            payments = tuple(_payment_rows(s, s.scalars(
                select(Payment).where(Payment.patient_id == patient_id)
                .order_by(Payment.received_at.desc(), Payment.id.desc())).all()))
            invoiced = sum(i.total for i in summaries if i.status != "void")
            applied = sum(i.paid for i in summaries if i.status != "void")
            received = sum(p.amount for p in payments)
            refunded = sum(p.refunded for p in payments)
            return Account(patient_id, invoiced, applied, invoiced - applied, received, refunded,
                           received - applied - refunded, summaries, payments)


def invoice_view(s, invoice: Invoice) -> InvoiceView:
    staff_names = dict(s.execute(select(Staff.id, Staff.name)).all())
    patient = s.get(Patient, invoice.patient_id)
    words = line_words.for_lines(s, invoice.lines)  # in the desk's language (R4)
    lines = tuple(LineView(line.id, line.line_no, line.kind, words[line.id], line.staff_id,
                           # a refund's line is the clinic's, never a staff member's (R6)
                           "" if line.kind == "package_refund" else
                           staff_names.get(line.staff_id) or _("No Staff Member"), line.quantity,
                           line.unit_price, line.tax_rate, line.tax, line.total,
                           line.package_id, line.appointment_id)
                  for line in invoice.lines)
    payments = payments_on(s, invoice.id)
    paid = ledger.paid_on_invoice(s, invoice.id)
    voided = invoice.voided_at is not None
    balance = 0 if voided else invoice.total - paid
    package_ids = tuple(s.scalars(select(Package.id).where(Package.invoice_id == invoice.id)))
    return InvoiceView(invoice.id, invoice.number, invoice.patient_id,
                       patient.full_name if patient else "", invoice.issued_on, lines,
                       invoice.subtotal, invoice.tax, invoice.total, paid, balance,
                       ledger.status_of(invoice.total, paid, voided), invoice.voided_at,
                       invoice.void_reason, payments, package_ids)


def _invoice_summary(s, invoice: Invoice) -> InvoiceSummary:
    paid = ledger.paid_on_invoice(s, invoice.id)
    voided = invoice.voided_at is not None
    lines = [line for line in sorted(invoice.lines, key=lambda line: line.line_no)
             if line.kind != "package_refund"]
    words = line_words.for_lines(s, lines)  # the visit's time too, in the desk's locale
    descriptions = [words[line.id] for line in lines]
    package_id = s.scalar(select(Package.id).where(Package.invoice_id == invoice.id))
    return InvoiceSummary(invoice.id, invoice.number, invoice.issued_on, "; ".join(descriptions),
                          invoice.total, paid, 0 if voided else invoice.total - paid,
                          ledger.status_of(invoice.total, paid, voided), package_id)


def _payment_rows(s, payments) -> list[PaymentRow]:
    rows = []
    for p in payments:
        applied = s.scalar(select(func.coalesce(func.sum(PaymentApplication.amount), 0))
                           .where(PaymentApplication.payment_id == p.id))
        refunded = s.scalar(select(func.coalesce(func.sum(PaymentRefund.amount), 0))
                            .where(PaymentRefund.payment_id == p.id))
        rows.append(PaymentRow(p.id, p.received_at, p.method,
                               _(METHODS.get(p.method, p.method)),
                               p.amount, applied, refunded, p.amount - applied - refunded,
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
    return RefundView(refund.id, refund.payment_id, refund.patient_id,
                      patient.full_name if patient else "", refund.amount, refund.method,
                      _(METHODS.get(refund.method, refund.method)), refund.refunded_at,
                      payment.received_at, payment.amount, refund.note, package_name,
                      package_amount, staff.name if staff else None)


__all__ = ["Account", "AppliedPayment", "BillingService", "InvoiceView", "METHODS", "NotFound",
           "SaleResult"]
