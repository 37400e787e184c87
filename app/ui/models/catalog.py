"""What the clinic offers and who works there: templates, treatment types, staff, fees."""

from __future__ import annotations

from app.services.catalog import PackageTemplateRow, TreatmentTypeRow
from app.services.settings import NoShowFeeRow
from app.services.staff import StaffRow

from ..formats import Formats
from .base import RowsModel


def _active_text(active: bool) -> str:
    return "Active" if active else "Inactive"


def rate_key(rate) -> int:
    """A tax rate as an exact int to sort by (rates have at most six decimals)."""
    return int(rate.scaleb(6))


class PackageTemplatesModel(RowsModel):
    NAME, PRICE, USES, PER_USE, VALIDITY, ELIGIBLE, TAX, STATUS = range(8)
    COLUMNS = ("Name", "Price", "Uses", "Per use", "Validity", "Eligible treatments", "Tax",
               "Status")
    RIGHT = frozenset({PRICE, USES, PER_USE, TAX})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats

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
        if column == self.ELIGIBLE:
            return ", ".join(self._eligible_text(e) for e in t.eligible)
        if column == self.TAX:
            return self._f.percent(t.tax_rate)
        return "Archived" if t.archived else "Offered"

    def _eligible_text(self, e) -> str:
        if e.patient_pays:
            return f"{e.treatment_name} (pays {self._f.money(e.patient_pays)})"
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


class TreatmentTypesModel(RowsModel):
    NAME, DURATION, PRICE, TAX, STATUS = range(5)
    COLUMNS = ("Name", "Duration", "Standard price", "Tax", "Status")
    RIGHT = frozenset({DURATION, PRICE, TAX})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats

    def display(self, t: TreatmentTypeRow, column: int) -> str:
        if column == self.NAME:
            return t.name
        if column == self.DURATION:
            return f"{t.duration_min} min"
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


ROLE_NAMES = {"front_desk": "Front desk", "manager": "Manager"}


class StaffModel(RowsModel):
    NAME, PRACTITIONER, ROLE, STATUS = range(4)
    COLUMNS = ("Name", "Practitioner", "Role", "Status")

    def display(self, s: StaffRow, column: int) -> str:
        if column == self.NAME:
            return s.name
        if column == self.PRACTITIONER:
            return "Yes" if s.practitioner else "No"
        if column == self.ROLE:
            return ROLE_NAMES.get(s.role, s.role)
        return _active_text(s.active)

    def dimmed(self, s: StaffRow) -> bool:
        return not s.active


class NoShowFeesModel(RowsModel):
    NAME, AMOUNT, TAX, STATUS = range(4)
    COLUMNS = ("Name", "Amount", "Tax", "Status")
    RIGHT = frozenset({AMOUNT, TAX})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats

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
