"""The Patient Billing list: who the desk is looking for."""

from __future__ import annotations

from app.i18n import N_, _
from app.services.patients import PatientRow

from ..formats import Formats
from .base import RowsModel


class PatientsModel(RowsModel):
    NAME, PHONE, EMAIL, BIRTH_DATE = range(4)
    COLUMNS = (N_("Name"), N_("Phone"), N_("Email"), N_("Birth date"))

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats
        # Headings in the language in force when the list is built.
        self.COLUMNS = tuple(_(heading) for heading in type(self).COLUMNS)

    def display(self, p: PatientRow, column: int) -> str:
        if column == self.NAME:
            return p.sort_name
        if column == self.PHONE:
            return p.phone or ""
        if column == self.EMAIL:
            return p.email or ""
        return self._f.date(p.birth_date)

    def sort_key(self, p: PatientRow, column: int):
        if column == self.BIRTH_DATE:
            return p.birth_date.isoformat() if p.birth_date else ""
        return super().sort_key(p, column)
