"""A patient's packages, and what one package has been used for (R19, R20)."""

from __future__ import annotations

from app.services.packages import PackageSummary

from ..formats import Formats
from .base import RowsModel

#: The desk's words for a package's status.
STATUS_NAMES = {"active": "Active", "expired": "Expired", "refunded": "Refunded",
                "used up": "Used up", "void": "Void"}


class PatientPackagesModel(RowsModel):
    NAME, PURCHASED, USED, BOOKED, REMAINING, EXPIRY, STATUS = range(7)
    COLUMNS = ("Package", "Purchased", "Used", "Booked", "Remaining", "Expires", "Status")
    RIGHT = frozenset({USED, BOOKED, REMAINING})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats

    def display(self, p: PackageSummary, column: int) -> str:
        if column == self.NAME:
            return p.name
        if column == self.PURCHASED:
            return self._f.date(p.purchased_on)
        if column == self.USED:
            return f"{p.uses_redeemed} of {p.uses_total}"
        if column == self.BOOKED:
            return str(p.uses_booked)
        if column == self.REMAINING:
            return str(p.uses_remaining)
        if column == self.EXPIRY:
            return "No expiry" if p.expires_on is None else self._f.date(p.expires_on)
        return STATUS_NAMES.get(p.status, p.status)

    def sort_key(self, p: PackageSummary, column: int):
        if column == self.PURCHASED:
            return p.purchased_on.isoformat()
        if column == self.USED:
            return p.uses_redeemed
        if column == self.BOOKED:
            return p.uses_booked
        if column == self.REMAINING:
            return p.uses_remaining
        if column == self.EXPIRY:
            # No expiry sorts after every date.
            return "9999" if p.expires_on is None else p.expires_on.isoformat()
        return super().sort_key(p, column)

    def dimmed(self, p: PackageSummary) -> bool:
        return p.status != "active"
