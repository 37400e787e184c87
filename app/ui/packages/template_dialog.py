"""New / edit package template: what is sold, for how much, for which treatments (R3, R9)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox, QWidget

from app.i18n import N_, _
from app.services import Clinic
from app.services.catalog import PackageTemplateRow

from ..formats import rate_from_percent, typed_money
from ..settings.rows import add_row
from .eligible_terms import EligibleTermsDialog
from .refund_policy_field import RefundPolicyRows

#: (what the desk reads, English N_(); the validity's unit code)
UNITS = ((N_("days"), "d"), (N_("months"), "m"), (N_("years"), "y"))


class PackageTemplateDialog(EligibleTermsDialog):
    def __init__(self, clinic: Clinic, template: PackageTemplateRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(_("Edit Package Template") if template else _("New Package Template"),
                         clinic, template, parent)
        self.template = template

        self.name.setPlaceholderText(_("e.g. 10 Massages"))
        self.price = self.money_field(template.price if template else None)
        self.uses = QSpinBox()
        # Wide on purpose: the service owns the limits and says what they are.
        self.uses.setRange(0, 99_999)
        self.uses.setValue(template.uses if template else 10)
        self.uses.setAlignment(Qt.AlignmentFlag.AlignRight)

        self.validity_number = QSpinBox()
        self.validity_number.setRange(0, 9_999)
        self.validity_number.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.validity_unit = QComboBox()
        self.validity_unit.setAccessibleName(_("Validity unit"))
        for label, code in UNITS:
            self.validity_unit.addItem(_(label), code)
        self.no_expiry = QCheckBox(_("No e&xpiry"))
        self.no_expiry.toggled.connect(self._expiry_toggled)
        self._show_validity(template.validity if template else "6m")

        add_row(self.form, _("&Name:"), self.name)
        add_row(self.form, _("&Price:"), self.price, QLabel(_("before tax")))
        add_row(self.form, _("Number of &uses:"), self.uses, packed=True)
        add_row(self.form, _("&Tax rate:"), self.tax, QLabel("%"))
        add_row(self.form, _("Default &validity:"), self.validity_number, self.validity_unit,
                QLabel(_("after purchase")), self.no_expiry)
        self.refund_policy = RefundPolicyRows(  # R40
            clinic, self.form, template.refund_policy if template else "pro_rata", self)

        self.add_eligible(_("Treatments this package covers, and what the patient still "
                            "pays for each (usually 0):"))
        if not self.eligible.treatment_ids:
            self.body.addWidget(_note(_("There are no treatment types yet: add them first in "
                                        "File › Settings › Treatment types.")))
        if template is not None:
            self.body.addWidget(_note(_("Changes apply to packages sold from now on; packages "
                                        "already sold keep the terms they were sold with.")))

        self.fields = {"name": self.name, "price": self.price, "uses": self.uses,
                       "tax_rate": self.tax, "validity": self.validity_number,
                       **self.refund_policy.fields}

    def _show_validity(self, validity: str | None) -> None:
        if validity:
            self.validity_number.setValue(int(validity[:-1]))
            self.validity_unit.setCurrentIndex(self.validity_unit.findData(validity[-1]))
        else:
            self.validity_number.setValue(6)
            self.validity_unit.setCurrentIndex(self.validity_unit.findData("m"))
        self.no_expiry.setChecked(validity is None)
        self._expiry_toggled(validity is None)

    def _expiry_toggled(self, no_expiry: bool) -> None:
        self.validity_number.setEnabled(not no_expiry)
        self.validity_unit.setEnabled(not no_expiry)

    def validity(self) -> str | None:
        if self.no_expiry.isChecked():
            return None
        return f"{self.validity_number.value()}{self.validity_unit.currentData()}"

    def save(self) -> None:
        terms = dict(price=typed_money(self.clinic, self.price.text(), "price"),
                     uses=self.uses.value(), tax_rate=rate_from_percent(self.tax.text()),
                     validity=self.validity(), eligible=self.eligible.eligible(self.clinic),
                     refund_policy=self.refund_policy.code())
        catalog = self.clinic.catalog
        if self.template is None:
            self.outcome = catalog.add_package_template(self.name.text(), **terms)
        else:
            catalog.update_package_template(self.template.id, name=self.name.text(), **terms)
            self.outcome = self.template.id


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("note")
    return label
