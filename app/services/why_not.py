"""Why an action cannot be done now, or None when it can (R12, R25, R27; issue 14).

One rule, asked twice: each function returns the sentence the service refuses with, and the
service calls it to refuse; the screens ask the same answer through `clinic.why_not` to
disable the button, with the sentence as its tooltip, before the desk types anything.
"""

from __future__ import annotations

from sqlalchemy import select

from ..i18n import _
from ..models import Appointment, Invoice, Package
from . import ledger
from . import validation as v
from .base import Service


def remove_package(appointment: Appointment) -> str | None:
    """R12: a package comes off a booked appointment only, and only if it has one."""
    if appointment.status == "arrived":
        return _("This appointment has been arrived, so its package can no longer be "
                 "removed. Undo the arrival first.")
    if appointment.status != "booked":
        from .schedule import state_phrase  # (schedule imports this module)
        return _("You can only remove a package from a booked appointment; this one is "
                 "{state}.").format(state=state_phrase(appointment.status))
    if appointment.package_id is None:
        return _("This appointment has no package applied.")
    return None


def refund_package(package: Package) -> str | None:
    """R25, R28: a package is refunded once; a voided one has nothing left to refund."""
    if package.status == "refunded":
        return _("The package \u201c{name}\u201d was already refunded.").format(
            name=package.name)
    if package.status == "void":
        return _("The package \u201c{name}\u201d was already voided.").format(name=package.name)
    if package.status == "transferred":  # R38: the recipient's new package holds the uses
        return _("The package \u201c{name}\u201d was transferred; refund the new holder's "
                 "package instead.").format(name=package.name)
    return None


def change_expiry(package: Package) -> str | None:
    """R23: a refunded or voided package's expiry no longer means anything."""
    if package.status == "refunded":
        return _("The package \u201c{name}\u201d was refunded; its expiry can no longer be "
                 "changed.").format(name=package.name)
    if package.status == "void":
        return _("The package \u201c{name}\u201d was voided; its expiry can no longer be "
                 "changed.").format(name=package.name)
    if package.status == "transferred":  # R38
        return _("The package \u201c{name}\u201d was transferred; change the expiry of the "
                 "new holder's package instead.").format(name=package.name)
    from sqlalchemy.orm import object_session
    from .freezes import expiry_refusal
    return expiry_refusal(object_session(package), package)  # R39: held while frozen


def pay_invoice(s, invoice: Invoice, *, balance: int) -> str | None:
    """Money may be put on an invoice unless it is void, or a package refund settled it and
    it asks for nothing more (R28a: the uses it sold can no longer be given)."""
    if invoice.voided_at is not None:
        return _("Invoice #{number} is void; nothing can be paid on it.").format(
            number=invoice.number)
    if balance <= 0:
        package = s.scalar(select(Package).where(Package.invoice_id == invoice.id,
                                                 Package.status == "refunded"))
        if package is not None:
            return _("Invoice #{number} was settled when the package \u201c{name}\u201d was "
                     "refunded; nothing more can be paid on it. Take the money as the "
                     "patient's credit instead.").format(number=invoice.number,
                                                         name=package.name)
    return None


def apply_credit(s, invoice: Invoice, *, balance: int, credit: int) -> str | None:
    """Credit pays an open invoice that still owes, from credit the patient has."""
    if refusal := pay_invoice(s, invoice, balance=balance):
        return refusal
    if balance <= 0:
        return _("Invoice #{number} is already paid.").format(number=invoice.number)
    if credit <= 0:
        return _("This patient has no credit to apply.")
    return None


class WhyNotService(Service):
    """The same answers by id, read-only, for the screens."""

    def remove_package(self, appointment_id: int) -> str | None:
        with self._db.read() as s:
            return remove_package(v.get(s, Appointment, appointment_id, "appointment"))

    def refund_package(self, package_id: int) -> str | None:
        with self._db.read() as s:
            return refund_package(v.get(s, Package, package_id, "package"))

    def change_expiry(self, package_id: int) -> str | None:
        with self._db.read() as s:
            return change_expiry(v.get(s, Package, package_id, "package"))

    def apply_credit(self, invoice_id: int) -> str | None:
        with self._db.read() as s:
            invoice = v.get(s, Invoice, invoice_id, "invoice")
            return apply_credit(s, invoice, balance=ledger.balance_of(s, invoice),
                                credit=ledger.credit_of(s, invoice.patient_id))
