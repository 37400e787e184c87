"""What the clinic offers and who works there: templates, treatment types, staff, fees."""

from __future__ import annotations

from app.i18n import N_, _
from app.services.catalog import PackageTemplateRow, TreatmentTypeRow
from app.services.refund_words import policy_brief
from app.services.settings import NoShowFeeRow
from app.services.staff import StaffRow

from ..formats import Formats
from .base import RowsModel


def _active_text(active: bool) -> str:
    return _("Active") if active else _("Inactive")


class TranslatedColumns:
    """Headings marked with N_() on the class, shown in the language in force when the
    model is built (the window is built again when the desk changes language)."""

    def _translate_columns(self) -> None:
        self.COLUMNS = tuple(_(heading) for heading in type(self).COLUMNS)


def rate_key(rate) -> int:
    """A tax rate as an exact int to sort by (rates have at most six decimals)."""
    return int(rate.scaleb(6))


class PackageTemplatesModel(TranslatedColumns, RowsModel):
    NAME, PRICE, USES, PER_USE, VALIDITY, REFUND, ELIGIBLE, TAX, STATUS = range(9)
    COLUMNS = (N_("Name"), N_("Price"), N_("Uses"), N_("Per use"), N_("Validity"),
               N_("Refund policy"), N_("Eligible treatments"), N_("Tax"), N_("Status"))
    RIGHT = frozenset({PRICE, USES, PER_USE, TAX})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats
        self._translate_columns()

    def display(self, t: PackageTemplateRow, column: int) -> str:
        if column == self.NAME:
            return t.name
        if column == self.PRICE:
            return self._f.money(t.price)
        if column == self.USES:
            return str(t.uses)
        if column == self.PER_USE:
            return self._f.money_range(*t.per_use_range)
        if column == self.VALIDITY:
            return t.validity_text
        if column == self.REFUND:  # R40: what a refund of a package sold now follows
            return policy_brief(t.refund_policy, self._f.money)
        if column == self.ELIGIBLE:
            return ", ".join(self._eligible_text(e) for e in t.eligible)
        if column == self.TAX:
            return self._f.percent(t.tax_rate)
        return _("Archived") if t.archived else _("Offered")

    def _eligible_text(self, e) -> str:
        if e.patient_pays:
            return _("{treatment} (pays {amount})").format(
                treatment=e.treatment_name, amount=self._f.money(e.patient_pays))
        return e.treatment_name

    def sort_key(self, t: PackageTemplateRow, column: int):
        if column == self.PRICE:
            return t.price
        if column == self.USES:
            return t.uses
        if column == self.PER_USE:
            return t.per_use_range[0]
        if column == self.TAX:
            return rate_key(t.tax_rate)
        return super().sort_key(t, column)

    def dimmed(self, t: PackageTemplateRow) -> bool:
        return t.archived


class TreatmentTypesModel(TranslatedColumns, RowsModel):
    NAME, DURATION, PRICE, TAX, STATUS = range(5)
    COLUMNS = (N_("Name"), N_("Duration"), N_("Standard price"), N_("Tax"), N_("Status"))
    RIGHT = frozenset({DURATION, PRICE, TAX})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats
        self._translate_columns()

    def display(self, t: TreatmentTypeRow, column: int) -> str:
        if column == self.NAME:
            return t.name
        if column == self.DURATION:
            return _("{minutes} min").format(minutes=t.duration_min)
        if column == self.PRICE:
            return self._f.money(t.price)
        if column == self.TAX:
            return self._f.percent(t.tax_rate)
        return _active_text(t.active)

    def sort_key(self, t: TreatmentTypeRow, column: int):
        if column == self.DURATION:
            return t.duration_min
        if column == self.PRICE:
            return t.price
        if column == self.TAX:
            return rate_key(t.tax_rate)
        return super().sort_key(t, column)

    def dimmed(self, t: TreatmentTypeRow) -> bool:
        return not t.active


#: A staff member's role as the desk reads it (translate with _() where shown).
ROLE_NAMES = {"front_desk": N_("Front desk"), "manager": N_("Manager")}


class StaffModel(TranslatedColumns, RowsModel):
    NAME, PRACTITIONER, ROLE, STATUS = range(4)
    COLUMNS = (N_("Name"), N_("Practitioner"), N_("Role"), N_("Status"))

    def __init__(self, parent=None):
        super().__init__(parent)
        self._translate_columns()

    def display(self, s: StaffRow, column: int) -> str:
        if column == self.NAME:
            return s.name
        if column == self.PRACTITIONER:
            return _("Yes") if s.practitioner else _("No")
        if column == self.ROLE:
            return _(ROLE_NAMES[s.role]) if s.role in ROLE_NAMES else s.role
        return _active_text(s.active)

    def dimmed(self, s: StaffRow) -> bool:
        return not s.active


class NoShowFeesModel(TranslatedColumns, RowsModel):
    NAME, AMOUNT, TAX, STATUS = range(4)
    COLUMNS = (N_("Name"), N_("Amount"), N_("Tax"), N_("Status"))
    RIGHT = frozenset({AMOUNT, TAX})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats
        self._translate_columns()

    def display(self, fee: NoShowFeeRow, column: int) -> str:
        if column == self.NAME:
            return fee.name
        if column == self.AMOUNT:
            return self._f.money(fee.amount)
        if column == self.TAX:
            return self._f.percent(fee.tax_rate)
        return _active_text(fee.active)

    def sort_key(self, fee: NoShowFeeRow, column: int):
        if column == self.AMOUNT:
            return fee.amount
        if column == self.TAX:
            return rate_key(fee.tax_rate)
        return super().sort_key(fee, column)

    def dimmed(self, fee: NoShowFeeRow) -> bool:
        return not fee.active
