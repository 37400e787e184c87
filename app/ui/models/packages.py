"""A patient's packages, and what one package has been used for (R19, R20)."""

from __future__ import annotations

from datetime import datetime

from app.domain.states import AppointmentStatus, PackageStatus, PaymentMethod, name_for
from app.i18n import N_, _
from app.services.invoice_payments import AppliedPayment
from app.services.package_text import uses_phrase
from app.services.packages import PackageSummary, RedemptionRow
from app.services.schedule import AppointmentRow

from ..formats import Formats
from .base import RowsModel
from .catalog import TranslatedColumns

def status_name(status: str) -> str:
    """A package's status in the desk's language (names: app/domain/states.py)."""
    return _(name_for(PackageStatus, status))


class PatientPackagesModel(TranslatedColumns, RowsModel):
    NAME, PURCHASED, USED, USES, EXPIRY, STATUS = range(6)
    # USES: the phrase every screen gives a package's uses ("8 of 10 left · 1 booked · …").
    COLUMNS = (N_("Package"), N_("Purchased"), N_("Used"), N_("Uses"), N_("Expires"),
               N_("Status"))
    RIGHT = frozenset({USED})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats
        self._translate_columns()

    def display(self, p: PackageSummary, column: int) -> str:
        if column == self.NAME:  # a package sold before ClinicDesk says so (R42)
            name = p.name if p.imported_on is None else \
                _("{name} (imported)").format(name=p.name)
            if p.shared_by:  # R37: someone else's, that this patient may use
                return _("{name} — Shared by {purchaser}").format(name=name,
                                                                    purchaser=p.shared_by)
            return name
        if column == self.PURCHASED:
            return self._f.date(p.purchased_on)
        if column == self.USED:
            return _("{used} of {total}").format(used=p.uses_redeemed, total=p.uses_total)
        if column == self.USES:
            return uses_phrase(p, self._f.locale)
        if column == self.EXPIRY:
            if p.expiry_held:  # R39
                return _("Held while frozen")
            return _("No expiry") if p.expires_on is None else self._f.date(p.expires_on)
        return status_name(p.status)

    def sort_key(self, p: PackageSummary, column: int):
        if column == self.PURCHASED:
            return p.purchased_on.isoformat()
        if column == self.USED:
            return p.uses_redeemed
        if column == self.USES:
            return p.uses_remaining
        if column == self.EXPIRY:
            # No expiry sorts after every date.
            return "9999" if p.expires_on is None else p.expires_on.isoformat()
        return super().sort_key(p, column)

    def dimmed(self, p: PackageSummary) -> bool:
        return p.status != PackageStatus.ACTIVE


def when(formats: Formats, moment: datetime) -> str:
    """An appointment's day and time, as the desk reads them."""
    return f"{formats.date(moment.date())} {formats.time(moment)}"


#: How a use was consumed (R14, R16): the visit's state, named as the schedule names it.
VISITS = (AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW)


class RedemptionsModel(TranslatedColumns, RowsModel):
    """Every use of one package: when, for which visit, billed on which invoice (R20)."""

    USE, REDEEMED, APPOINTMENT, TREATMENT, PRACTITIONER, INVOICE, PAYS, VALUE, VISIT, \
        REDEEMED_BY = range(10)
    COLUMNS = (N_("Use"), N_("Redeemed"), N_("Appointment"), N_("Treatment"),
               N_("Practitioner"), N_("Invoice"), N_("Patient Pays"), N_("Per-use value"),
               N_("Visit"), N_("Redeemed by"))  # R37: the purchaser or a household member
    RIGHT = frozenset({USE, INVOICE, PAYS, VALUE})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats
        self._translate_columns()

    def display(self, r: RedemptionRow, column: int) -> str:
        if column == self.USE:
            return str(r.use_number)
        if column == self.REDEEMED:
            return self._f.date(r.redeemed_on)
        if column == self.APPOINTMENT:
            return when(self._f, r.appointment_start)
        if column == self.TREATMENT:
            return r.treatment_name
        if column == self.PRACTITIONER:
            return r.practitioner_name
        if column == self.INVOICE:
            return f"#{r.invoice_number}"
        if column == self.PAYS:
            return self._f.money(r.patient_pays)
        if column == self.VALUE:
            return self._f.money(r.per_use_value)
        if column == self.REDEEMED_BY:
            return r.redeemed_by
        return _(name_for(AppointmentStatus, r.reason)) if r.reason in VISITS else r.reason


class HeldAppointmentsModel(TranslatedColumns, RowsModel):
    """Booked appointments holding one of the package's uses (R11, R28)."""

    APPOINTMENT, TREATMENT, PRACTITIONER = range(3)
    COLUMNS = (N_("Appointment"), N_("Treatment"), N_("Practitioner"))

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats
        self._translate_columns()

    def display(self, a: AppointmentRow, column: int) -> str:
        if column == self.APPOINTMENT:
            return when(self._f, a.start)
        if column == self.TREATMENT:
            return a.treatment_name
        return a.staff_name


class SalePaymentsModel(TranslatedColumns, RowsModel):
    """Every payment the sale invoice received, with what a package refund took back of it
    and how that went back to the patient (R27)."""

    RECEIVED, METHOD, PAID, REFUNDED, AMOUNT = range(5)
    COLUMNS = (N_("Received"), N_("Method"), N_("Paid"), N_("Refunded"), N_("Applied"))
    RIGHT = frozenset({PAID, REFUNDED, AMOUNT})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats
        self._translate_columns()

    def display(self, p: AppliedPayment, column: int) -> str:
        if column == self.RECEIVED:
            return self._f.date(p.received_at.date())
        if column == self.METHOD:
            return _(name_for(PaymentMethod, p.method))
        if column == self.PAID:
            return self._f.money(p.received)
        if column == self.REFUNDED:
            if not p.refunded:
                return ""
            back = "; ".join(_("{amount} by {method}").format(
                amount=self._f.money(h.amount), method=_(name_for(PaymentMethod, h.method)))
                for h in p.handed_back)
            return (_("{amount} ({handed_back})").format(amount=self._f.money(p.refunded),
                                                         handed_back=back)
                    if back else self._f.money(p.refunded))
        return self._f.money(p.amount)
