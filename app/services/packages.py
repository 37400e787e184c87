"""A patient's packages: review, show page, expiry and refunds (R19-R20, R23-R28)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import bindparam, func, insert, select

from ..i18n import _, ngettext
from ..models import (Appointment, Invoice, Package, PackageCoverage, PackageExpiryChange,
                      PackageRefund, Patient,
                      Redemption, Staff, TreatmentType)
from . import ledger
from . import locks
from . import package_rules as rules
from . import refund_policies, refund_receipts, refund_rules, rows
from . import package_shares
from . import validation as v
from . import why_not
from .base import Service
from .billing_views import InvoiceView, invoice_view
from .errors import NotAllowed, NotFound, ValidationError
from .freezes import FreezeActions
from .money import cents as money_cents, per_use_value
from .package_transfer import PackageTransfers
from .package_shares import SharingCalls
from .released_words import released_warnings
from .schedule_views import AppointmentRow, appointment_row
from .validity import show_date, show_when

PackageSummary = rules.PackageSummary


@dataclass(frozen=True)
class RedemptionRow:
    id: int
    use_number: int
    redeemed_on: date
    appointment_id: int
    appointment_start: datetime
    treatment_name: str
    practitioner_name: str
    invoice_id: int
    invoice_number: int
    patient_pays: int
    per_use_value: int  # R3
    reason: str  # arrived | no_show
    redeemed_by: str = ""  # the patient who redeemed it: the purchaser or a member (R37)
    redeemed_by_id: int | None = None


@dataclass(frozen=True)
class CoverageRow:
    treatment_type_id: int
    treatment_name: str
    patient_pays: int


@dataclass(frozen=True)
class PackageRefundRow:
    id: int
    amount: int
    suggested: int
    uses_remaining: int
    refunded_at: datetime


@dataclass(frozen=True)
class PackageDetail:
    summary: PackageSummary
    patient_name: str
    tax_rate: object
    staff_name: str  # "No Staff Member" when unassigned (R6)
    invoice: InvoiceView
    collected: int  # paid on the sale invoice, before any package refund
    coverage: tuple[CoverageRow, ...]
    redemptions: tuple[RedemptionRow, ...]
    booked: tuple[AppointmentRow, ...]
    refunds: tuple[PackageRefundRow, ...]
    refund_policy: str = "pro_rata"  # R40: as sold (a code of app.domain.refund_policy)


@dataclass(frozen=True)
class RefundResult:
    package_refund_id: int
    credit_created: int
    released_appointments: tuple[AppointmentRow, ...]
    warnings: tuple[str, ...]


# (built once, issue 22: a refund's row is written at once, past the unit of work)
_REFUND = insert(PackageRefund.__table__).returning(PackageRefund.__table__.c.id)
_BOOKED_ROWS = (
    select(*Appointment.__table__.c, Patient.first_name.label("patient_first"),
           Patient.last_name.label("patient_last"), Staff.name.label("staff_name"),
           TreatmentType.name.label("treatment_name"))
    .join(Patient, Patient.id == Appointment.patient_id)
    .join(Staff, Staff.id == Appointment.staff_id)
    .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
    .where(Appointment.package_id == bindparam("package_id"), Appointment.status == "booked")
    .order_by(Appointment.start))


class PackageService(FreezeActions, PackageTransfers, SharingCalls, Service):  # R39 R38 R37
    @property
    def _locale(self) -> str:
        return self._clinic.money_context()["locale"]

    def for_patient(self, patient_id: int) -> list[PackageSummary]:
        with self._db.read() as s:
            v.get(s, Patient, patient_id, "patient")
            packages = s.scalars(select(Package).where(Package.patient_id == patient_id)
                                 .order_by(Package.purchased_on.desc(), Package.id.desc()))
            return [rules.summarise(s, p, self._today()) for p in packages]

    def summary(self, package_id: int) -> PackageSummary:
        with self._db.read() as s:
            return rules.summarise(s, v.get(s, Package, package_id, "package"), self._today())

    def detail(self, package_id: int) -> PackageDetail:
        with self._db.read() as s:
            package = v.get(s, Package, package_id, "package")
            patient = s.get(Patient, package.patient_id)
            staff = s.get(Staff, package.staff_id) if package.staff_id else None
            invoice = invoice_view(s, s.get(Invoice, package.invoice_id))
            coverage = tuple(CoverageRow(c.treatment_type_id, name, c.patient_pays)
                             for c, name in s.execute(
                                 select(PackageCoverage, TreatmentType.name)
                                 .join(TreatmentType,
                                       TreatmentType.id == PackageCoverage.treatment_type_id)
                                 .where(PackageCoverage.package_id == package.id)))
            refunds = tuple(PackageRefundRow(r.id, r.amount, r.suggested, r.uses_remaining,
                                             r.refunded_at)
                            for r in s.scalars(select(PackageRefund)
                                               .where(PackageRefund.package_id == package.id)))
            return PackageDetail(
                rules.summarise(s, package, self._today()), patient.full_name, package.tax_rate,
                staff.name if staff else _("No Staff Member"), invoice,
                invoice.paid + sum(r.amount for r in refunds), coverage,
                tuple(self._redemptions(s, package)), tuple(self._booked(s, package)), refunds,
                package.refund_policy)

    def set_expiry(self, package_id: int, expires_on: date | None) -> None:
        """R23: change or clear (None) the expiry; R24: never before a booked covered visit."""
        self._clinic.auth.require_manager("change a package's expiry date")
        with self._db.write() as s:
            locks.package(s, package_id)
            package = v.get(s, Package, package_id, "package")
            if refusal := why_not.change_expiry(package):  # as the package page offers it
                raise NotAllowed(refusal)
            if expires_on is not None:
                expires_on = v.a_date(expires_on, "expires_on", label="expiry date",
                                      earliest=package.purchased_on)
                late = [a for a in self._booked(s, package) if a.start.date() > expires_on]
                if late:  # R24
                    raise NotAllowed(ngettext(
                        "{n} booked appointment covered by this package falls after {date} "
                        "({when}). Remove the package from that appointment or move it first.",
                        "{n} booked appointments covered by this package fall after {date} "
                        "({when}). Remove the package from those appointments or move them "
                        "first.", len(late)).format(
                            n=len(late), date=show_date(expires_on, self._locale),
                            when="; ".join(show_when(a.start, self._locale) for a in late[:5])))
            before = {"expires_on": package.expires_on}
            if expires_on != package.expires_on:  # R33 reads when uses expired and came back
                s.add(PackageExpiryChange(package_id=package.id, changed_on=self._today(),
                                          changed_at=self._now(),
                                          old_expires_on=package.expires_on,
                                          new_expires_on=expires_on, changed_by=self._actor))
            package.expires_on = expires_on
            self._audit(s, "package.set_expiry", "package", package.id, before,
                        {"expires_on": expires_on})

    def suggested_refund(self, package_id: int) -> int:
        return self.refund_suggestion(package_id).amount

    def refund_suggestion(self, package_id: int) -> refund_rules.RefundSuggestion:
        """R26 with its pieces: the rule's amount, the cap (what was collected beyond the uses
        given, R28a) and whether it bit."""
        with self._db.read() as s:
            return refund_rules.suggestion(s, v.get(s, Package, package_id, "package"))

    def refund_limit(self, package_id: int) -> int:
        """The most that may be refunded: what was collected for the package (R26)."""
        with self._db.read() as s:
            package = v.get(s, Package, package_id, "package")
            return ledger.paid_on_invoice(s, package.invoice_id)

    def refund(self, package_id: int, amount) -> RefundResult:
        """R25-R28: invalidate the package at once, release its booked appointments, and move
        `amount` of what was paid for it into the patient's credit."""
        self._clinic.auth.require_manager("refund a package")
        cents = money_cents(amount, field="amount", **self._clinic.money_context())
        with self._db.write() as s:
            locks.package(s, package_id)
            # its columns, read after its lock: its status changes by one UPDATE (rows.py)
            package = rows.read(s, Package, v.an_id(package_id, "package"))
            if package is None:
                raise NotFound("package", package_id)
            if refusal := why_not.refund_package(package):  # as the screens offer it
                raise NotAllowed(refusal)
            collected = ledger.paid_on_invoice(s, package.invoice_id)
            if cents > collected:  # R26
                raise ValidationError("amount", _("The refund can be at most {amount}, the "
                                                  "total collected for this package.")
                                      .format(amount=self._clinic.format_money(collected)))
            suggested = refund_rules.suggestion(s, package, collected=collected)
            invoice = s.get(Invoice, package.invoice_id)
            if cents:
                ledger.unapply(s, invoice, cents, now=self._now(), actor=self._actor,
                               reason="package_refund")
            line = refund_rules.settle_invoice(s, package, invoice, kept=collected - cents,
                                               given=suggested.given_value)
            released = [replace(a, package_id=None, package_name=None)
                        for a in self._booked(s, package)]
            rules.release_booked(s, package.id)
            rows.set_columns(s, Package, package.id, status="refunded")
            package_shares.end_every_share(s, package, now=self._now(), actor=self._actor)
            refund_id = s.connection().execute(_REFUND, dict(
                package_id=package.id, amount=cents, suggested=suggested.amount,
                uses_remaining=suggested.remaining,
                basis=refund_policies.record(suggested.basis), invoice_line_id=line,
                refunded_at=self._now(), created_by=self._actor)).scalar_one()
            self._audit(s, "package.refund", "package", package.id, {"status": "active"},
                        {"status": "refunded", "amount": cents, "suggested": suggested.amount,
                         "invoice_total": invoice.total,
                         "released_appointments": [a.id for a in released]})
            warnings = released_warnings(released, self._locale)  # R28
            return RefundResult(refund_id, cents, tuple(released), tuple(warnings))

    def released_warnings(self, released: list[AppointmentRow]) -> list[str]:
        """R28's warning listing the booked appointments a package came off (a refund, a
        transfer R38): each will be billed at the standard price."""
        return released_warnings(released, self._locale)

    def refund_payments(self, package_id: int) -> list[tuple[int, int]]:
        """Payments the package's refund can go back through: (payment_id, refundable)."""
        from ..models import Payment, PaymentApplication
        with self._db.read() as s:
            package = v.get(s, Package, package_id, "package")
            ids = s.scalars(select(PaymentApplication.payment_id)
                            .where(PaymentApplication.invoice_id == package.invoice_id)
                            .distinct()).all()
            result = []
            for payment in s.scalars(select(Payment).where(Payment.id.in_(ids))
                                     .order_by(Payment.received_at.desc())):
                free = ledger.unapplied_of_payment(s, payment)
                if free > 0:
                    result.append((payment.id, free))
            return result

    def refund_offers(self, package_refund_id: int) -> list[tuple[int, int]]:
        """R27: what each original payment can hand back of one package refund now, as
        (payment_id, amount); in all never more than the part of that refund still on credit."""
        from ..models import PaymentRefund
        with self._db.read() as s:
            refund = v.get(s, PackageRefund, package_refund_id, "package refund")
            handed_back = s.scalar(select(func.coalesce(func.sum(PaymentRefund.amount), 0))
                                   .where(PaymentRefund.package_refund_id == refund.id))
            left = min(refund.amount - handed_back,
                       ledger.credit_of(s, refund.package.patient_id))
            package_id = refund.package_id
        offers = []
        for payment_id, refundable in self.refund_payments(package_id):
            if left <= 0:
                break
            offers.append((payment_id, min(refundable, left)))
            left -= offers[-1][1]
        return offers

    def refund_receipt(self, package_refund_id: int) -> refund_receipts.PackageRefundReceipt:
        """One package refund: what became credit and what went back by which method."""
        with self._db.read() as s:
            return refund_receipts.receipt(
                s, v.get(s, PackageRefund, package_refund_id, "package refund"))

    # helpers
    def _redemptions(self, s, package: Package) -> list[RedemptionRow]:
        rows = s.execute(
            select(Redemption, Appointment.start, TreatmentType.name, Staff.name, Invoice.number,
                   Patient.id, Patient.first_name, Patient.last_name)
            .join(Appointment, Appointment.id == Redemption.appointment_id)
            .join(Patient, Patient.id == func.coalesce(Redemption.patient_id,
                                                       Appointment.patient_id))
            .join(TreatmentType, TreatmentType.id == Appointment.treatment_type_id)
            .join(Staff, Staff.id == Appointment.staff_id)
            .join(Invoice, Invoice.id == Redemption.invoice_id)
            .where(Redemption.package_id == package.id, Redemption.voided_at.is_(None))
            .order_by(Redemption.redeemed_on, Redemption.id)).all()
        return [RedemptionRow(r.id, r.use_number, r.redeemed_on, r.appointment_id, start,
                              treatment, staff, r.invoice_id, number, r.patient_pays,
                              per_use_value(package.price, package.uses_total, r.use_number),
                              r.reason, f"{first} {last}".strip(), who)
                for r, start, treatment, staff, number, who, first, last in rows]

    def _booked(self, s, package: Package) -> list[AppointmentRow]:
        # (columns, not objects: the rows are for the page and the warnings, issue 22)
        booked = s.execute(_BOOKED_ROWS, {"package_id": package.id}).all()
        return [appointment_row(a, f"{a.patient_first} {a.patient_last}", a.staff_name,
                                a.treatment_name, package.name) for a in booked]

    def import_existing(self, patient_id: int, **terms) -> int:
        """A package sold before ClinicDesk, brought in (R42): app/services/switching_in.py."""
        from .switching_in import import_existing
        return import_existing(self, patient_id, **terms)
