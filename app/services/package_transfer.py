"""Transferring a package's remaining uses to another patient (R38).

The original ends "transferred" and keeps its redemptions; the recipient gets a new package
with the uses left, the same expiry, coverage and staff assignment, and the same per-use
values: its price is the value of the uses it receives (R3's spread puts the remainder cents
on the last uses, so uses 1..m of the new package are worth exactly what uses k+1..N of the
original were). The books read the pair as one package (app/services/transfer_chains.py), so
no report moves. No money moves either: the recipient gets a zero-total invoice naming what
they received (a package always has a sale invoice, and theirs must not be the giver's, whose
payments and refunds stay with the giver).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.liability import value_left
from ..domain.states import PackageStatus
from ..i18n import N_, _
from ..models import Package, PackageCoverage, PackageTransfer, Patient
from . import freezes
from . import ledger
from . import locks
from . import package_shares
from . import package_rules as rules
from . import validation as v
from .errors import NotAllowed, ValidationError
from .schedule_views import AppointmentRow

#: the desk's words for the action (app.services.auth.MANAGER_ACTIONS)
TRANSFER = "transfer a package"
REASON_MAX = 500
REASON_LABEL = N_("reason for the transfer")


@dataclass(frozen=True)
class TransferResult:
    new_package_id: int
    invoice_id: int  # the recipient's zero-total invoice
    uses: int
    released_appointments: tuple[AppointmentRow, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class TransferLink:
    """What the show page says: "Transferred to X on DATE (reason)" or "… from X"."""
    direction: str  # "to" (this package was transferred) | "from" (it was received)
    other_package_id: int
    other_patient_id: int
    other_patient_name: str
    transferred_on: date
    transferred_at: datetime
    reason: str
    uses: int


def can_transfer(s: Session, package: Package, today: date) -> str | None:
    """Why `package` cannot be transferred now (the sentence the service refuses with and the
    page shows as the button's tooltip), or None. Only an active package with a use left
    moves: a refunded, voided, expired, used-up or already transferred one has nothing to
    give. A frozen package, or one with a freeze still to come, moves once unfrozen: the
    freeze and the expiry it moves belong to the holder who asked for it (R39)."""
    redeemed = rules.redeemed_count(s, package.id)
    status = rules.package_status(package, redeemed, today)
    name = package.name
    if status == PackageStatus.TRANSFERRED:
        return _("The package \u201c{name}\u201d was already transferred; only its new holder's "
                 "package can be transferred.").format(name=name)
    if status == PackageStatus.REFUNDED:
        return _("The package \u201c{name}\u201d was refunded; it has no uses left to "
                 "transfer.").format(name=name)
    if status == PackageStatus.VOID:
        return _("The package \u201c{name}\u201d was voided; it has no uses left to "
                 "transfer.").format(name=name)
    if status == PackageStatus.USED_UP:
        return _("Every use of \u201c{name}\u201d has been redeemed; at least 1 use must be "
                 "left to transfer.").format(name=name)
    if status == PackageStatus.EXPIRED:
        return _("The package \u201c{name}\u201d expired; change its expiry date first to "
                 "transfer its uses.").format(name=name)
    if any(f.ends_on is None or f.ends_on > today for f in freezes.freezes_of(s, package.id)):
        return _("The package \u201c{name}\u201d is frozen or has a freeze to come; unfreeze "
                 "it first to transfer its uses.").format(name=name)
    return None


def links_of(s: Session, package_id: int) -> tuple[TransferLink, ...]:
    """The transfers this package received ("from") then gave ("to"): a package passed on
    again has both."""
    rows = s.scalars(select(PackageTransfer).where(
        (PackageTransfer.from_package_id == package_id)
        | (PackageTransfer.to_package_id == package_id))
        .order_by(PackageTransfer.transferred_at, PackageTransfer.id)).all()
    return tuple(_link(s, row, package_id) for row in rows)


def link_of(s: Session, package_id: int) -> TransferLink | None:
    """The transfer this package gave, else the one it received, if any."""
    links = links_of(s, package_id)
    return links[-1] if links else None


def _link(s: Session, row: PackageTransfer, package_id: int) -> TransferLink:
    gave = row.from_package_id == package_id
    other_patient = s.get(Patient, row.to_patient_id if gave else row.from_patient_id)
    return TransferLink("to" if gave else "from",
                        row.to_package_id if gave else row.from_package_id,
                        other_patient.id, other_patient.full_name, row.transferred_on,
                        row.transferred_at, row.reason, row.uses)


def received_by_transfer(s: Session, package_id: int) -> bool:
    return s.scalar(select(PackageTransfer.id)
                    .where(PackageTransfer.to_package_id == package_id)) is not None


def void_refusal(s: Session, package: Package, invoice_number: int) -> str | None:
    """A transfer's new package is the original's value continued (R38): voiding its
    zero-total invoice would take back a sale that never happened."""
    if received_by_transfer(s, package.id):
        return _("The package \u201c{name}\u201d on invoice #{number} was received by "
                 "transfer; refund the package instead of voiding its invoice.").format(
                     name=package.name, number=invoice_number)
    return None


def transferred_package_of(s: Session, appointment_id: int) -> Package | None:
    """The transferred package whose live use this visit is, if any: its uses are final,
    the uses after them now belong to the recipient (as R28b for a refund)."""
    from ..models import Redemption
    return s.scalar(select(Package).join(Redemption, Redemption.package_id == Package.id)
                    .where(Redemption.appointment_id == appointment_id,
                           Redemption.voided_at.is_(None),
                           Package.status == PackageStatus.TRANSFERRED))


def _an_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63


def _lock_both(s: Session, package_id: object, to_patient_id: object) -> None:
    """The giver and the recipient, in id order (locks.py), before anything is read: an
    arrival or a booking at the giver's desk waits for the transfer, or it for them."""
    owner = (s.scalar(select(Package.patient_id).where(Package.id == package_id))
             if _an_id(package_id) else None)
    for patient_id in sorted({p for p in (owner, to_patient_id) if _an_id(p)}):
        locks.patient(s, patient_id)


class PackageTransfers:
    """PackageService's part for R38 (mixed into app.services.packages.PackageService)."""

    def can_transfer(self, package_id: int) -> str | None:
        """None when Transfer… may be offered, else why not."""
        with self._db.read() as s:
            return can_transfer(s, v.get(s, Package, package_id, "package"), self._today())

    def transfer_releases(self, package_id: int) -> list[AppointmentRow]:
        """The booked appointments a transfer would release: the dialog warns before."""
        with self._db.read() as s:
            return self._booked(s, v.get(s, Package, package_id, "package"))

    def transfer_link(self, package_id: int) -> TransferLink | None:
        with self._db.read() as s:
            v.get(s, Package, package_id, "package")
            return link_of(s, package_id)

    def transfer_links(self, package_id: int) -> tuple[TransferLink, ...]:
        """Where the uses came from and went to, oldest first (the show page's lines)."""
        with self._db.read() as s:
            v.get(s, Package, package_id, "package")
            return links_of(s, package_id)

    def transfer(self, package_id: int, to_patient_id: int, *, reason: str) -> int:
        """R38; returns the new package's id (transfer_with_warnings for the warnings)."""
        return self.transfer_with_warnings(package_id, to_patient_id,
                                           reason=reason).new_package_id

    def transfer_with_warnings(self, package_id: int, to_patient_id: int, *,
                               reason: str) -> TransferResult:
        self._clinic.auth.require_manager(TRANSFER)
        reason = v.text(reason, "reason", label=REASON_LABEL, max_len=REASON_MAX)
        with self._db.write() as s:
            _lock_both(s, package_id, to_patient_id)
            package = v.get(s, Package, package_id, "package")
            recipient = v.get(s, Patient, to_patient_id, "patient")
            if recipient.id == package.patient_id:
                raise ValidationError("to_patient_id", _(
                    "The package already belongs to {name}; choose another patient to "
                    "transfer it to.").format(name=recipient.full_name))
            if refusal := can_transfer(s, package, self._today()):
                raise NotAllowed(refusal)
            giver = s.get(Patient, package.patient_id)
            redeemed = rules.redeemed_count(s, package.id)
            uses = package.uses_total - redeemed
            value = value_left(package.price, package.uses_total, redeemed)
            now, today = self._now(), self._today()
            invoice = ledger.new_invoice(s, recipient.id, issued_on=today, now=now,
                                         actor=self._actor)
            new = Package(patient_id=recipient.id, template_id=package.template_id,
                          invoice_id=invoice.id, name=package.name, price=value,
                          tax_rate=package.tax_rate, uses_total=uses, purchased_on=today,
                          expires_on=package.expires_on, staff_id=package.staff_id,
                          status=PackageStatus.ACTIVE, refund_policy=package.refund_policy,
                          created_at=now)  # R40: the new holder keeps what was promised
            s.add(new)
            s.flush()
            for c in package.coverage:
                s.add(PackageCoverage(package_id=new.id, treatment_type_id=c.treatment_type_id,
                                      patient_pays=c.patient_pays))
            ledger.add_line(s, invoice, kind="package", unit_price=0, tax_rate=Decimal("0"),
                            package_id=new.id,
                            description=_("{name}: {uses} uses transferred from {patient}")
                            .format(name=package.name, uses=uses, patient=giver.full_name))
            released = [replace(a, package_id=None, package_name=None)
                        for a in self._booked(s, package)]
            rules.release_booked(s, package.id)
            package.status = PackageStatus.TRANSFERRED
            package_shares.end_every_share(s, package, now=now, actor=self._actor)  # R37
            s.add(PackageTransfer(from_package_id=package.id, to_package_id=new.id,
                                  from_patient_id=giver.id, to_patient_id=recipient.id,
                                  invoice_id=invoice.id, uses=uses, value=value,
                                  reason=reason, transferred_on=today, transferred_at=now,
                                  created_by=self._actor))
            s.flush()
            self._audit(s, "package.transfer_in", "package", new.id, None,
                        {"from_package_id": package.id, "from_patient_id": giver.id,
                         "patient_id": recipient.id, "uses": uses, "price": value,
                         "expires_on": new.expires_on, "invoice_id": invoice.id,
                         "reason": reason})
            self._audit(s, "package.transfer", "package", package.id, {"status": "active"},
                        {"status": "transferred", "to_package_id": new.id,
                         "to_patient_id": recipient.id, "uses": uses, "value": value,
                         "reason": reason, "invoice_id": invoice.id,
                         "released_appointments": [a.id for a in released]})
            return TransferResult(new.id, invoice.id, uses, tuple(released),
                                  tuple(self.released_warnings(released)))
