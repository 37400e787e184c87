"""New / edit package template: what is sold, for how much, for which treatments (R3, R9)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHeaderView, QLabel,
                               QLineEdit, QSpinBox, QTableWidget, QTableWidgetItem, QWidget)

from app.i18n import N_, _
from app.services import Clinic
from app.services.catalog import PackageTemplateRow, TreatmentTypeRow
from app.services.errors import ClinicError, ValidationError

from ..formats import Formats, percent_text, rate_from_percent, typed_money
from ..forms import FormDialog
from ..settings.rows import add_row
from .refund_policy_field import RefundPolicyRows

#: (what the desk reads, English N_(); the validity's unit code)
UNITS = ((N_("days"), "d"), (N_("months"), "m"), (N_("years"), "y"))


class EligibleTable(QTableWidget):
    """One row per treatment type: does the package cover it, and what the patient still pays."""

    TREATMENT, PRICE, PAYS = range(3)

    def __init__(self, formats: Formats, parent: QWidget | None = None):
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels([_("Eligible treatment type"), _("Standard price"),
                                        _("Patient Pays")])
        self.setAccessibleName(_("Eligible treatment types"))
        for column in (self.PRICE, self.PAYS):
            self.horizontalHeaderItem(column).setTextAlignment(
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.verticalHeader().setVisible(False)
        self.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Tab goes from one row's fields to the next, then on to OK: not from cell to cell.
        self.setTabKeyNavigation(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(self.TREATMENT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.PRICE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.PAYS, QHeaderView.ResizeMode.Fixed)
        # Wide enough for its heading in any language ("À payer par le patient"), in bold
        # as the stylesheet shows headings.
        bold = QFont(header.font())
        bold.setBold(True)
        pays_heading = self.horizontalHeaderItem(self.PAYS).text()
        header.resizeSection(self.PAYS,
                             max(120, QFontMetrics(bold).horizontalAdvance(pays_heading) + 24))
        self.verticalHeader().setDefaultSectionSize(30)
        self._f = formats
        self.treatment_ids: list[int] = []
        self.checks: list[QCheckBox] = []
        self.pays: list[QLineEdit] = []

    def add(self, treatment: TreatmentTypeRow, pays_text: str | None, default_pays: str) -> None:
        row = self.rowCount()
        self.insertRow(row)
        label = (treatment.name if treatment.active
                 else _("{name} (inactive)").format(name=treatment.name))
        check = QCheckBox(label)
        check.setChecked(pays_text is not None)
        price = QTableWidgetItem(self._f.money(treatment.price))
        price.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        price.setFlags(Qt.ItemFlag.ItemIsEnabled)
        pays = QLineEdit(pays_text if pays_text is not None else default_pays)
        pays.setAlignment(Qt.AlignmentFlag.AlignRight)
        pays.setAccessibleName(_("Patient Pays for {treatment}").format(
            treatment=treatment.name))
        pays.setEnabled(check.isChecked())
        check.toggled.connect(pays.setEnabled)
        self.setCellWidget(row, self.TREATMENT, check)
        self.setItem(row, self.PRICE, price)
        self.setCellWidget(row, self.PAYS, pays)
        self.treatment_ids.append(treatment.id)
        self.checks.append(check)
        self.pays.append(pays)

    def eligible(self, clinic: Clinic) -> dict[int, int]:
        """Ticked rows, with Patient Pays read as cents (R1)."""
        chosen = {}
        for tid, check, pays in zip(self.treatment_ids, self.checks, self.pays):
            if not check.isChecked():
                continue
            try:
                chosen[tid] = typed_money(clinic, pays.text(), "patient_pays")
            except ValidationError as error:
                error.treatment_type_id = tid  # as the catalogue names the row it refuses
                raise
        return chosen

    def row_of(self, treatment_type_id: int) -> int:
        return self.treatment_ids.index(treatment_type_id)


class PackageTemplateDialog(FormDialog):
    def __init__(self, clinic: Clinic, template: PackageTemplateRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(_("Edit Package Template") if template else _("New Package Template"),
                         parent)
        self.clinic = clinic
        self.template = template
        amount = clinic.settings.amount_text
        self.resize(640, 560)

        self.name = QLineEdit(template.name if template else "")
        self.name.setPlaceholderText(_("e.g. 10 Massages"))
        self.price = QLineEdit(amount(template.price) if template else "")
        self.price.setPlaceholderText(amount(0))
        self.price.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.uses = QSpinBox()
        # Wide on purpose: the service owns the limits and says what they are.
        self.uses.setRange(0, 99_999)
        self.uses.setValue(template.uses if template else 10)
        self.uses.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.tax = QLineEdit(percent_text(template.tax_rate if template
                                          else clinic.settings.get().default_tax_rate))
        self.tax.setAlignment(Qt.AlignmentFlag.AlignRight)

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

        self.eligible = EligibleTable(Formats(clinic))
        self._fill_eligible()
        self.body.addWidget(QLabel(_("Treatments this package covers, and what the patient "
                                     "still pays for each (usually 0):")))
        self.body.addWidget(self.eligible, 1)
        if not self.eligible.treatment_ids:
            self.body.addWidget(_note(_("There are no treatment types yet: add them first in "
                                        "File › Settings › Treatment types.")))
        if template is not None:
            self.body.addWidget(_note(_("Changes apply to packages sold from now on; packages "
                                        "already sold keep the terms they were sold with.")))

        self.fields = {"name": self.name, "price": self.price, "uses": self.uses,
                       "tax_rate": self.tax, "validity": self.validity_number,
                       **self.refund_policy.fields}

    def _fill_eligible(self) -> None:
        amount = self.clinic.settings.amount_text
        chosen = {e.treatment_type_id: e.patient_pays
                  for e in (self.template.eligible if self.template else ())}
        for treatment in self.clinic.catalog.treatment_types(include_inactive=True):
            # An inactive type is offered only where this template already covers it.
            if treatment.active or treatment.id in chosen:
                pays = chosen.get(treatment.id)
                self.eligible.add(treatment, None if pays is None else amount(pays), amount(0))

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

    def widget_for(self, error: ClinicError) -> QWidget | None:
        field = getattr(error, "field", None)
        row_id = getattr(error, "treatment_type_id", None)
        if field == "patient_pays" and row_id in self.eligible.treatment_ids:
            return self.eligible.pays[self.eligible.row_of(row_id)]
        if field == "eligible" and self.eligible.checks:
            return self.eligible.checks[0]
        return super().widget_for(error)



def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("note")
    return label
