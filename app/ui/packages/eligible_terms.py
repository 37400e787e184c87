"""What a package template's dialog and a membership plan's share (R9, R43): a name, an
amount, a tax rate, and the table of eligible treatment types with what the patient still
pays for each. One widget, so the two dialogs offer, read and point at refusals alike."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QCheckBox, QHeaderView, QLabel, QLineEdit, QTableWidget,
                               QTableWidgetItem, QWidget)

from app.i18n import _
from app.services import Clinic
from app.services.catalog import TreatmentTypeRow
from app.services.errors import ClinicError, ValidationError

from ..formats import Formats, percent_text, typed_money
from ..forms import FormDialog


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

    def fill(self, clinic: Clinic, covered: dict[int, int]) -> None:
        """A row per active treatment type, ticked where `covered` (id: Patient Pays in cents)
        says; an inactive type is offered only where it is covered already."""
        amount = clinic.settings.amount_text
        for treatment in clinic.catalog.treatment_types(include_inactive=bool(covered)):
            if treatment.active or treatment.id in covered:
                pays = covered.get(treatment.id)
                self.add(treatment, None if pays is None else amount(pays), amount(0))

    def widget_for(self, error: ClinicError) -> QWidget | None:
        """The row's field a refusal of the eligible treatments names, if it names one."""
        field = getattr(error, "field", None)
        row_id = getattr(error, "treatment_type_id", None)
        if field == "patient_pays" and row_id in self.treatment_ids:
            return self.pays[self.row_of(row_id)]
        if field == "eligible" and self.checks:
            return self.checks[0]
        return None


class EligibleTermsDialog(FormDialog):
    """The base of the template and plan dialogs: `row` is the one being edited, or None."""

    def __init__(self, title: str, clinic: Clinic, row, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.clinic = clinic
        self.resize(640, 560)
        self.name = QLineEdit(row.name if row else "")
        self.tax = QLineEdit(percent_text(row.tax_rate if row
                                          else clinic.settings.get().default_tax_rate))
        self.tax.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.eligible = EligibleTable(Formats(clinic))
        self.eligible.fill(clinic, {e.treatment_type_id: e.patient_pays
                                    for e in (row.eligible if row else ())})

    def money_field(self, cents: int | None) -> QLineEdit:
        amount = self.clinic.settings.amount_text
        field = QLineEdit("" if cents is None else amount(cents))
        field.setPlaceholderText(amount(0))
        field.setAlignment(Qt.AlignmentFlag.AlignRight)
        return field

    def add_eligible(self, words: str) -> None:
        self.body.addWidget(QLabel(words))
        self.body.addWidget(self.eligible, 1)

    def widget_for(self, error: ClinicError) -> QWidget | None:
        return self.eligible.widget_for(error) or super().widget_for(error)
