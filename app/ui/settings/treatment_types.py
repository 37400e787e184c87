"""Treatment types: what can be booked, how long it takes, its standard price (R15)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.catalog import TreatmentTypeRow

from ..formats import Formats, percent_text, rate_from_percent, typed_money
from ..forms import FormDialog
from ..models.catalog import TreatmentTypesModel
from .record_list import RecordListPage
from .rows import add_row


class TreatmentTypeDialog(FormDialog):
    def __init__(self, clinic: Clinic, treatment: TreatmentTypeRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(_("Edit Treatment Type") if treatment else _("New Treatment Type"),
                         parent)
        self.clinic, self.treatment = clinic, treatment
        self.name = QLineEdit(treatment.name if treatment else "")
        self.name.setPlaceholderText(_("e.g. Massage 60 min"))
        self.duration = QSpinBox()
        self.duration.setRange(0, 9_999)  # the service owns the real limits
        self.duration.setSuffix(_(" min"))
        self.duration.setValue(treatment.duration_min if treatment else 60)
        self.price = QLineEdit(clinic.settings.amount_text(treatment.price) if treatment else "")
        self.price.setPlaceholderText(clinic.settings.amount_text(0))
        self.price.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.tax = QLineEdit(percent_text(treatment.tax_rate if treatment
                                          else clinic.settings.get().default_tax_rate))
        self.tax.setAlignment(Qt.AlignmentFlag.AlignRight)
        add_row(self.form, _("&Name:"), self.name)
        add_row(self.form, _("&Duration:"), self.duration, packed=True)
        add_row(self.form, _("Standard &price:"), self.price, packed=True)
        add_row(self.form, _("&Tax rate:"), self.tax, QLabel("%"))
        self.fields = {"name": self.name, "duration_min": self.duration, "price": self.price,
                       "tax_rate": self.tax}

    def save(self) -> None:
        values = dict(name=self.name.text(), duration_min=self.duration.value(),
                      price=typed_money(self.clinic, self.price.text(), "price"),
                      tax_rate=rate_from_percent(self.tax.text()))
        if self.treatment is None:
            self.outcome = self.clinic.catalog.add_treatment_type(values.pop("name"), **values)
        else:
            self.clinic.catalog.update_treatment_type(self.treatment.id, **values)
            self.outcome = self.treatment.id


def treatment_types_page(clinic: Clinic, parent: QWidget | None = None) -> RecordListPage:
    return RecordListPage(
        TreatmentTypesModel(Formats(clinic)),
        load=lambda: clinic.catalog.treatment_types(include_inactive=True),
        edit=lambda owner, row: TreatmentTypeDialog.ask(owner, clinic, row),
        set_active=lambda ident, active: clinic.catalog.update_treatment_type(
            ident, active=active),
        add_text=_("&Add Treatment Type…"), name=_("Treatment types"), parent=parent)
