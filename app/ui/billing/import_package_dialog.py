"""Import Existing Package…: a package the patient bought before the clinic used ClinicDesk,
brought in with the uses already had and what was collected (R42)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.i18n import _
from app.services import Clinic

from ..date_fields import DateField
from ..formats import Formats, typed_money
from ..forms import FormDialog, beside
from .keys import buttons_in_order, tab_order


class ImportPackageDialog(FormDialog):
    def __init__(self, clinic: Clinic, patient_id: int, parent: QWidget | None = None):
        super().__init__(_("Import Existing Package"), parent)
        self.clinic = clinic
        self.patient_id = patient_id
        formats = Formats(clinic)
        amount_text = clinic.settings.amount_text
        self.setMinimumWidth(460)
        intro = QLabel(_("A package this patient bought before the clinic used ClinicDesk. It "
                         "is used and refunded like any other from now on; what was collected "
                         "is not money of today."))
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)

        self.template = QComboBox()
        self.template.addItem(_("None: type its terms"), None)
        self._templates = {t.id: t for t in clinic.catalog.package_templates()}
        for template in self._templates.values():
            self.template.addItem(template.name, template.id)
        self.template.setAccessibleName(_("Package template"))
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Package name"))
        self.price = QLineEdit()
        self.price.setPlaceholderText(amount_text(0))
        self.price.setAccessibleName(_("Price charged, taxes included"))
        self.uses = QLineEdit()
        self.uses.setAccessibleName(_("Number of uses"))
        self.purchased_on = DateField(clinic.today(), formats.locale, field="purchased_on",
                                      label="purchase date", tell_on_leave=False)
        self.purchased_on.setAccessibleName(_("Purchase date"))
        self.uses_used = QLineEdit("0")
        self.uses_used.setAccessibleName(_("Uses already used"))
        self.collected = QLineEdit()
        self.collected.setPlaceholderText(amount_text(0))
        self.collected.setAccessibleName(_("Amount already collected"))
        self.expires_on = DateField(clinic.today(), formats.locale, field="expires_on",
                                    label="expiry date", tell_on_leave=False)
        self.expires_on.setAccessibleName(_("Expiry date"))
        self.no_expiry = QCheckBox(_("&No expiry"))
        self.no_expiry.toggled.connect(self.expires_on.setDisabled)
        self.no_expiry.setChecked(True)

        self.form.addRow(_("&Template:"), self.template)
        self.form.addRow(_("Na&me:"), self.name)
        self.form.addRow(_("&Price (taxes included):"), beside(self.price))
        self.form.addRow(_("&Uses:"), beside(self.uses))
        self.form.addRow(_("Purc&hased on:"), self.purchased_on)
        self.form.addRow(_("Uses &already used:"), beside(self.uses_used))
        self.form.addRow(_("&Collected:"), beside(self.collected))
        self.form.addRow(_("&Expires on:"), beside(self.expires_on, self.no_expiry))
        self.template.currentIndexChanged.connect(self._template_chosen)
        self.ok_button.setText(_("Import Package"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.fields = {"template_id": self.template, "name": self.name, "price": self.price,
                       "uses": self.uses, "purchased_on": self.purchased_on,
                       "uses_used": self.uses_used, "collected": self.collected,
                       "expires_on": self.expires_on}
        tab_order(self.template, self.name, self.price, self.uses, self.purchased_on,
                  self.uses_used, self.collected, self.expires_on, self.no_expiry,
                  *buttons_in_order(self.buttons))
        self.template.setFocus()

    def _template_chosen(self) -> None:
        """The template's terms, shown where they apply when left blank (the service takes
        them from the template); the desk types what the old system sold if it differs."""
        template = self._templates.get(self.template.currentData())
        amount_text = self.clinic.settings.amount_text
        self.name.setPlaceholderText(template.name if template else "")
        self.uses.setPlaceholderText(str(template.uses) if template else "")
        self.price.setPlaceholderText(
            _("{price} and its taxes").format(price=amount_text(template.price))
            if template else amount_text(0))

    def save(self) -> None:
        price = self.price.text().strip()
        self.outcome = self.clinic.packages.import_existing(
            self.patient_id, template_id=self.template.currentData(),
            name=self.name.text() or None,
            price=typed_money(self.clinic, price, "price") if price else None,
            uses=self.uses.text().strip() or None,
            uses_used=self.uses_used.text().strip(),
            collected=typed_money(self.clinic, self.collected.text() or "0", "collected"),
            purchased_on=self.purchased_on.value(),
            expires_on=None if self.no_expiry.isChecked() else self.expires_on.value())
