"""Whether a visit's arrival or no-show can be undone (R18), and R28b: a refunded
package's uses are final.

Its refund was worked out on the uses given at the time (R26, R28a); giving one back by
undoing its visit would change what the patient was owed after the money moved. What the
desk can still do is stop charging for the visit: void the visit's invoice.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import Appointment, Invoice, InvoiceLine, Package, Redemption


def refunded_package_of(s: Session, appointment_id: int) -> Package | None:
    """The refunded package whose live use this visit is, if any."""
    return s.scalar(select(Package).join(Redemption, Redemption.package_id == Package.id)
                    .where(Redemption.appointment_id == appointment_id,
                           Redemption.voided_at.is_(None), Package.status == "refunded"))


def undo_refusal(s: Session, appointment: Appointment,
                 expected: str | None = None) -> str | None:
    """Why this arrival or no-show cannot be undone, and what to do instead; None if it can
    be. `expected` is the state the desk's Undo is for ("arrived" or "no_show"); None asks
    for either, as the panel does before it offers one."""
    if expected is None and appointment.status not in ("arrived", "no_show"):
        return _("This appointment is not marked as arrived or as a no-show, so there is "
                 "nothing to undo.")
    if expected is not None and appointment.status != expected:
        return (_("This appointment is not marked as arrived, so there is nothing to undo.")
                if expected == "arrived" else
                _("This appointment is not marked as a no-show, so there is nothing to "
                  "undo."))
    package = refunded_package_of(s, appointment.id)
    if package is None:
        from .package_transfer import transferred_package_of  # (it imports the schedule's)
        given = transferred_package_of(s, appointment.id)
        if given is not None:  # R38: the uses after this one are the recipient's now
            return _("This visit used one of the uses of \u201c{name}\u201d, which was "
                     "transferred to another patient afterwards: the transfer counted it, so "
                     "it is final and cannot be undone.").format(name=given.name)
        return None
    invoice = s.get(Invoice, appointment.invoice_id) if appointment.invoice_id else None
    if appointment.status == "no_show":
        sentence = _("This no-show used one of the uses of \u201c{name}\u201d, which was "
                     "refunded: the refund counted it, so it is final and the no-show cannot "
                     "be undone.")
    else:
        sentence = _("This visit used one of the uses of \u201c{name}\u201d, which was "
                     "refunded: the refund counted it, so it is final and the arrival cannot "
                     "be undone.")
    sentence = sentence.format(name=package.name)
    if invoice is not None and invoice.voided_at is None:
        return " ".join((sentence, _("To stop charging the patient for it, void its invoice "
                                     "#{number} in Patient Billing instead.")
                         .format(number=invoice.number)))
    return sentence


def bills_an_open_visit(s: Session, invoice_id: int) -> bool:
    """An invoice that bills a visit is corrected by undoing the visit, unless the visit is a
    final use of a refunded package (R28b): then voiding the invoice is the way."""
    visits = s.scalars(select(InvoiceLine.appointment_id)
                       .where(InvoiceLine.invoice_id == invoice_id,
                              InvoiceLine.appointment_id.is_not(None))).all()
    from .package_transfer import transferred_package_of
    return any(refunded_package_of(s, visit) is None
               and transferred_package_of(s, visit) is None for visit in visits)


class FinalUses:
    """ScheduleService's answer to "can this visit be undone?", for the screens to ask."""

    def can_undo(self, appointment_id: int) -> str | None:
        """None when Undo Arrival / Undo No Show may be offered; else the reason (R28b)."""
        with self._db.read() as s:
            return undo_refusal(s, self._appointment(s, appointment_id))
