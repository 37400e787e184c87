"""Selling, invoices, payments, credit and refund payments (R5-R9, R27, R29)."""

from __future__ import annotations

from sqlalchemy import insert, select

from ..domain import ledger as ledger_rules
from ..i18n import _, ngettext
from ..models import (Appointment, Invoice, Package, PackageRefund,
                      PackageTemplate, Patient, Payment, PaymentRefund, Staff, TreatmentType)
from . import compensation, final_uses, gift_card_payments, ledger
from . import package_transfer
from . import package_shares
from . import locks, rows
from . import package_rules as rules
from . import validation as v
from . import why_not
from .audit import snapshot
from .base import Service
from .day_close import DayCloseDesk
from .billing_views import (Account, InvoiceView, PaymentPreview, PaymentRow, RefundView,
                            SalePreview, SaleResult, account_view, invoice_view, payment_rows,
                            refund_view)
from .errors import NotAllowed, ValidationError
from .money import cents as money_cents, tax_on
from .schedule import state_phrase
from .validity import expiry_for, show_when

METHODS = ledger.METHODS
_REFUND_ORDER = (PaymentRefund.refunded_at, PaymentRefund.id)
_PACKAGE = insert(Package.__table__).returning(Package.__table__.c.id)  # (issue 22)


def method_names() -> str:
    """"Cash, Debit, ...": the payment methods, in the desk's language, for a refusal."""
    return ", ".join(_(name) for name in METHODS.values())


class BillingService(DayCloseDesk, Service):
    @property
    def _locale(self) -> str:
        return self._clinic.money_context()["locale"]

    # selling (R5-R9)
    def sell_package(self, patient_id: int, package_template_id: int, *, staff_id=None,
                     appointment_id: int | None = None) -> SaleResult:
        with self._db.write() as s:
            locks.patient(s, patient_id)
            locks.terms(s, "package_templates", package_template_id)  # R40: copied whole
            patient_id = v.present(s, Patient, patient_id, "patient")
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
                if appointment.patient_id != patient_id:
                    raise NotAllowed(_("That appointment belongs to another patient."))
            today = self._today()
            invoice = ledger.new_invoice(s, patient_id, issued_on=today, now=self._now(),
                                         actor=self._actor)
            package = rows.inserted(
                s, Package, _PACKAGE, patient_id=patient_id, template_id=template.id,
                invoice_id=invoice.id, name=template.name, price=template.price,
                tax_rate=template.tax_rate, uses_total=template.uses, purchased_on=today,
                expires_on=expiry_for(today, template.validity),
                staff_id=staff.id if staff else None, status="active", created_at=self._now(),
                refund_policy=template.refund_policy, imported_on=None, uses_before=0)
            rules.copy_coverage(s, package.id, template.id)
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
                                    "expires_on", "staff_id", "refund_policy"), "invoice": invoice.number})
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
        # R12: a package applied replaces a membership covering the visit (as apply_package
        # does); a visit covered by both would arrive redeeming one and showing the other
        appointment.package_id, appointment.membership_id = package.id, None
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
                    self._audit(s, "appointment.unassign_compensation", "appointment",
                                appointment.id, {"compensate_staff": True},
                                {"compensate_staff": False})

    # payments (R8, R27)
    def receive_payment(self, patient_id: int, amount, method: str, *,
                        invoice_id: int | None = None, allocations: dict | None = None,
                        reference: str = "", gift_card_code: str | None = None) -> int:
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
        if method == gift_card_payments.METHOD:  # R45: a card pays one invoice, by its code
            return gift_card_payments.receive(self, patient_id, cents, invoice_id,
                                              gift_card_code, reference)
        with self._db.write() as s:
            locks.patient(s, patient_id)
            v.present(s, Patient, patient_id, "patient")
            balances: dict[int, int] = {}
            plan = self._allocation_plan(s, patient_id, cents, invoice_id, allocations, balances)
            # one moment for the payment and what it pays: the journal posts them as one
            # entry on the payment's day (R35), so they must never fall on two days
            now = self._now()
            payment_id = ledger.new_payment(s, patient_id=patient_id, received_at=now,
                                            method=method, amount=cents, reference=reference,
                                            actor=self._actor)
            for target, share in plan:
                ledger.apply(s, payment_id, target, share, now=now, actor=self._actor,
                             balance=balances[target])
            self._audit(s, "payment.receive", "payment", payment_id, None,
                        {"patient_id": patient_id, "method": method, "amount": cents,
                         "applied": {str(i): a for i, a in plan}})
            return payment_id

    def _allocation_plan(self, s, patient_id: int, cents: int, invoice_id, allocations,
                         balances: dict[int, int]):
        """[(invoice id, share)], filling `balances` with each invoice's balance, read once."""
        def balance_of(invoice):
            if invoice.id not in balances:
                balances[invoice.id] = ledger.balance_of(s, invoice)
            return balances[invoice.id]

        if allocations is not None and not isinstance(allocations, dict):
            raise ValidationError("allocations", _("Give the amount to apply to each "
                                                   "invoice."))
        if invoice_id is not None:
            named = self._open_invoice(s, invoice_id, patient_id)
            if refusal := why_not.pay_invoice(s, named, balance=balance_of(named)):
                raise NotAllowed(refusal)  # R28a: not silently turned into credit
            allocations = {named.id: None}
        if allocations is None:
            owing = s.scalars(select(Invoice).where(Invoice.patient_id == patient_id,
                                                    Invoice.voided_at.is_(None))
                              .order_by(Invoice.issued_on, Invoice.number)).all()
            allocations = {i.id: None for i in owing if balance_of(i) > 0}
        plan, left = [], cents
        for target_id, share in allocations.items():
            invoice = self._open_invoice(s, target_id, patient_id)
            balance = balance_of(invoice)
            if share is None:
                share = ledger_rules.payable(balance, left)
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
            most = ledger_rules.payable(balance, credit)
            if limit is not None and limit > most:
                raise ValidationError("amount", _("You can apply at most {amount}: the smaller "
                                                  "of the patient's credit and the invoice "
                                                  "balance.").format(
                    amount=self._clinic.format_money(most)))
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
            if refusal := gift_card_payments.refund_method(payment, method):
                raise ValidationError("method", refusal)  # R45: a card's money goes back to it
            free = ledger.unapplied_of_payment(s, payment)
            credit = ledger.credit_of(s, payment.patient_id)
            limit = ledger_rules.refundable(free, credit)
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
            gift_card_payments.back_to_card(s, payment, refund.id, cents, at=refund.refunded_at,
                                            actor=self._actor, money=self._clinic.format_money)
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
                if package.imported_on is not None:  # R42: its sale was the old system's
                    raise NotAllowed(_("The package \u201c{name}\u201d on invoice #{number} "
                                       "was sold before ClinicDesk; refund the package "
                                       "instead of voiding its invoice.")
                                     .format(name=package.name, number=invoice.number))
                if refusal := package_transfer.void_refusal(s, package, invoice.number):
                    raise NotAllowed(refusal)  # R38
                if package.status != "active" or rules.redeemed_count(s, package.id):
                    raise NotAllowed(_("The package \u201c{name}\u201d on invoice #{number} "
                                       "has been used or refunded; refund the package instead "
                                       "of voiding its invoice.")
                                     .format(name=package.name, number=invoice.number))
                package.status = "void"
                rules.release_booked(s, package.id)
                package_shares.end_every_share(s, package, now=self._now(), actor=self._actor)
            gift_card_payments.unload_on_void(s, invoice, at=self._now(), actor=self._actor,
                                              money=self._clinic.format_money)  # R45
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
            plan = self._allocation_plan(s, patient_id, cents, invoice_id, allocations, {})
            left = cents - sum(share for _, share in plan)
            return PaymentPreview(cents, tuple(plan), left,
                                  ledger.credit_of(s, patient_id) + left)

    def gift_card_preview(self, patient_id: int, amount, *, invoice_id, gift_card_code):
        """R45: what a gift card payment would pay (a GiftCardPaymentPreview), refused as
        the payment would be; `amount` None asks only for the most the card can pay."""
        from .gift_card_preview import preview
        return preview(self, patient_id, amount, invoice_id, gift_card_code)

    def invoice(self, invoice_id: int) -> InvoiceView:
        with self._db.read() as s:
            return invoice_view(s, v.get(s, Invoice, invoice_id, "invoice"))

    def payment(self, payment_id: int) -> PaymentRow:
        with self._db.read() as s:
            payment = v.get(s, Payment, payment_id, "payment")
            return payment_rows(s, [payment])[0]

    def payment_refund(self, refund_id: int) -> RefundView:
        """One refund payment handed back to a patient (not a package refund)."""
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
            return account_view(s, patient_id)
