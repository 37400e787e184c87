"""Packages › Membership Plans (R43): the plans the clinic offers beside its package
templates, and New Plan… (fee, period, uses per period or unlimited, eligible treatment types
with Patient Pays, roll-over cap, tax). Changing plans is a manager's, as templates are."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from app.i18n import N_, _
from app.services import Clinic
from app.services.errors import ClinicError
from app.services.membership_plans import MembershipPlanRow

from ..dialogs.manager_approval import approved, mark
from ..formats import Formats, percent_text, rate_from_percent, typed_money
from ..forms import FormDialog
from ..models.base import RowsModel
from ..settings.rows import add_row
from ..tables import make_table, reload
from .template_dialog import EligibleTable

#: The services' words for the manager-only action (plans are changed as templates are).
CHANGE = "change package templates"
#: (what the desk reads, the period's code; "w": every N weeks, N typed beside it)
PERIODS = ((N_("Monthly"), "1m"), (N_("Every N weeks"), "w"), (N_("Yearly"), "1y"))


class MembershipPlansModel(RowsModel):
    NAME, FEE, PERIOD, USES, ROLLOVER, ELIGIBLE = range(6)
    COLUMNS = (N_("Plan"), N_("Fee"), N_("Period"), N_("Uses per period"), N_("Roll-over"),
               N_("Eligible"))
    RIGHT = frozenset({FEE, ROLLOVER})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats

    def display(self, p: MembershipPlanRow, column: int) -> str:
        if column == self.NAME:
            return p.name
        if column == self.FEE:
            return self._f.money(p.fee)
        if column == self.PERIOD:
            return p.period_text
        if column == self.USES:
            return p.uses_text
        if column == self.ROLLOVER:
            return str(p.rollover_cap) if p.uses_per_period is not None else ""
        return ", ".join(e.treatment_name for e in p.eligible)


class MembershipPlansView(QWidget):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.model = MembershipPlansModel(Formats(clinic), self)
        self.table = make_table(self.model, self, stretch=MembershipPlansModel.ELIGIBLE)
        self.table.setAccessibleName(_("Membership plans"))
        self.table.setTabKeyNavigation(False)
        self.new_button = QPushButton(_("&New Plan…"))
        self.new_button.clicked.connect(self.new_plan)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("A fee every period for a number of visits, invoiced on "
                               "each period's first day.")), 1)
        bar.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        reload(self.table, self.model, self.clinic.catalog.membership_plans(), select)
        mark(self.clinic, CHANGE, self.new_button, _("&New Plan…"))

    def new_plan(self) -> None:
        saved = approved(self, self.clinic, CHANGE,
                         lambda: MembershipPlanDialog.ask(self, self.clinic))
        if saved is not None:
            self.refresh(select=saved)


class MembershipPlanDialog(FormDialog):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(_("New Membership Plan"), parent)
        self.clinic = clinic
        amount = clinic.settings.amount_text
        self.resize(640, 560)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. Monthly Massage"))
        self.fee = QLineEdit()
        self.fee.setPlaceholderText(amount(0))
        self.fee.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.period = QComboBox()
        self.period.setAccessibleName(_("Period"))
        for label, code in PERIODS:
            self.period.addItem(_(label), code)
        self.weeks = QSpinBox()
        self.weeks.setRange(0, 999)  # the service owns the limits and says what they are
        self.weeks.setValue(2)
        self.weeks.setAccessibleName(_("Weeks"))
        self.period.currentIndexChanged.connect(self._period_changed)
        self.uses = QSpinBox()
        self.uses.setRange(0, 99_999)
        self.uses.setValue(4)
        self.uses.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.unlimited = QCheckBox(_("&Unlimited"))
        self.unlimited.toggled.connect(self._unlimited_changed)
        self.rollover = QSpinBox()
        self.rollover.setRange(-1, 99_999)
        self.rollover.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.tax = QLineEdit(percent_text(clinic.settings.get().default_tax_rate))
        self.tax.setAlignment(Qt.AlignmentFlag.AlignRight)
        add_row(self.form, _("&Name:"), self.name)
        add_row(self.form, _("&Fee:"), self.fee, QLabel(_("each period, before tax")))
        add_row(self.form, _("&Period:"), self.period, self.weeks, QLabel(_("weeks")))
        add_row(self.form, _("Uses per peri&od:"), self.uses, self.unlimited)
        add_row(self.form, _("&Roll over up to:"), self.rollover,
                QLabel(_("unused uses into the next period (0: none)")))
        add_row(self.form, _("&Tax rate:"), self.tax, QLabel("%"))
        self.eligible = EligibleTable(Formats(clinic))
        for treatment in clinic.catalog.treatment_types():
            self.eligible.add(treatment, None, amount(0))
        self.body.addWidget(QLabel(_("Treatments this membership covers, and what the "
                                     "member still pays for each (usually 0):")))
        self.body.addWidget(self.eligible, 1)
        self.fields = {"name": self.name, "fee": self.fee, "period": self.period,
                       "uses_per_period": self.uses, "rollover_cap": self.rollover,
                       "tax_rate": self.tax}
        self._period_changed()

    def _period_changed(self, _index: int = 0) -> None:
        self.weeks.setEnabled(self.period.currentData() == "w")

    def _unlimited_changed(self, unlimited: bool) -> None:
        self.uses.setEnabled(not unlimited)
        self.rollover.setEnabled(not unlimited)

    def period_code(self) -> str:
        code = self.period.currentData()
        return f"{self.weeks.value()}w" if code == "w" else code

    def save(self) -> None:
        unlimited = self.unlimited.isChecked()
        self.outcome = self.clinic.catalog.add_membership_plan(
            self.name.text(), fee=typed_money(self.clinic, self.fee.text(), "fee"),
            period=self.period_code(),
            uses_per_period=None if unlimited else self.uses.value(),
            rollover_cap=0 if unlimited else self.rollover.value(),
            tax_rate=rate_from_percent(self.tax.text()),
            eligible=self.eligible.eligible(self.clinic))

    def widget_for(self, error: ClinicError) -> QWidget | None:
        field = getattr(error, "field", None)
        row_id = getattr(error, "treatment_type_id", None)
        if field == "patient_pays" and row_id in self.eligible.treatment_ids:
            return self.eligible.pays[self.eligible.row_of(row_id)]
        if field == "eligible" and self.eligible.checks:
            return self.eligible.checks[0]
        if field == "period" and self.period.currentData() == "w":
            return self.weeks
        return super().widget_for(error)
