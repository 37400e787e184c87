"""Packages › Membership Plans (R43): the plans the clinic offers beside its package
templates, and New Plan… (fee, period, uses per period or unlimited, eligible treatment types
with Patient Pays, roll-over cap, tax), Edit… and Archive. Changing plans is a manager's, as
templates are; patients already enrolled keep the terms copied when they enrolled."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from app.i18n import N_, _
from app.services import Clinic
from app.services.errors import ClinicError
from app.services.membership_plans import MembershipPlanRow

from .. import msgbox
from ..dialogs.manager_approval import approved, mark
from ..formats import Formats, rate_from_percent, typed_money
from ..models.base import RowsModel
from ..settings.rows import add_row
from ..tables import make_table, reload, selected_row
from .eligible_terms import EligibleTermsDialog

#: The services' words for the manager-only action (plans are changed as templates are).
CHANGE = "change package templates"
ARCHIVE = "archive package templates"
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

    def dimmed(self, p: MembershipPlanRow) -> bool:
        return not p.active  # archived: still listed under Show archived, greyed as templates


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
        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.clicked.connect(self.edit_plan)
        self.archive_button = QPushButton(_("&Archive"))
        self.archive_button.clicked.connect(self.toggle_archived)
        self.show_archived = QCheckBox(_("Sho&w archived"))
        self.show_archived.toggled.connect(lambda _checked: self.refresh())
        self.table.doubleClicked.connect(self.edit_plan)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("A fee every period for a number of visits, invoiced on "
                               "each period's first day.")), 1)
        bar.addWidget(self.show_archived)
        for button in (self.new_button, self.edit_button, self.archive_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        reload(self.table, self.model, self.clinic.catalog.membership_plans(
            include_inactive=self.show_archived.isChecked()), select)
        mark(self.clinic, CHANGE, self.new_button, _("&New Plan…"))
        self._update_buttons()

    def selected(self) -> MembershipPlanRow | None:
        return selected_row(self.table)

    def edit_plan(self) -> None:
        plan = self.selected()
        if plan is None:
            return
        saved = approved(self, self.clinic, CHANGE,
                         lambda: MembershipPlanDialog.ask(self, self.clinic, plan))
        if saved is not None:
            self.refresh(select=saved)

    def toggle_archived(self) -> None:
        plan = self.selected()
        if plan is None:
            return

        def toggle() -> bool:
            try:
                self.clinic.catalog.archive_membership_plan(plan.id, plan.active)
            except ClinicError as error:
                msgbox.refusal(self, error)
            return True
        approved(self, self.clinic, ARCHIVE, toggle)
        self.refresh(select=plan.id)

    def _update_buttons(self) -> None:
        plan = self.selected()
        self.edit_button.setEnabled(plan is not None)
        self.archive_button.setEnabled(plan is not None)
        mark(self.clinic, CHANGE, self.edit_button, _("&Edit…"))
        mark(self.clinic, ARCHIVE, self.archive_button,
             _("Un&archive") if plan is not None and not plan.active else _("&Archive"))

    def new_plan(self) -> None:
        saved = approved(self, self.clinic, CHANGE,
                         lambda: MembershipPlanDialog.ask(self, self.clinic))
        if saved is not None:
            self.refresh(select=saved)


class MembershipPlanDialog(EligibleTermsDialog):
    def __init__(self, clinic: Clinic, plan: MembershipPlanRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(_("Edit Membership Plan") if plan else _("New Membership Plan"),
                         clinic, plan, parent)
        self.plan = plan
        self.name.setPlaceholderText(_("e.g. Monthly Massage"))
        self.fee = self.money_field(plan.fee if plan else None)
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
        add_row(self.form, _("&Name:"), self.name)
        add_row(self.form, _("&Fee:"), self.fee, QLabel(_("each period, before tax")))
        add_row(self.form, _("&Period:"), self.period, self.weeks, QLabel(_("weeks")))
        add_row(self.form, _("Uses per peri&od:"), self.uses, self.unlimited)
        add_row(self.form, _("&Roll over up to:"), self.rollover,
                QLabel(_("unused uses into the next period (0: none)")))
        add_row(self.form, _("&Tax rate:"), self.tax, QLabel("%"))
        self.add_eligible(_("Treatments this membership covers, and what the "
                            "member still pays for each (usually 0):"))
        self.fields = {"name": self.name, "fee": self.fee, "period": self.period,
                       "uses_per_period": self.uses, "rollover_cap": self.rollover,
                       "tax_rate": self.tax}
        if plan is not None:
            self._show(plan)
        self._period_changed()

    def _show(self, plan: MembershipPlanRow) -> None:
        weekly = plan.period.endswith("w")
        self.period.setCurrentIndex(self.period.findData("w" if weekly else plan.period))
        if weekly:
            self.weeks.setValue(int(plan.period[:-1]))
        self.unlimited.setChecked(plan.uses_per_period is None)
        if plan.uses_per_period is not None:
            self.uses.setValue(plan.uses_per_period)
        self.rollover.setValue(plan.rollover_cap)
        note = QLabel(_("Patients already enrolled keep their terms; new enrolments take "
                        "these."))
        note.setWordWrap(True)
        self.body.insertWidget(0, note)

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
        terms = dict(fee=typed_money(self.clinic, self.fee.text(), "fee"),
                     period=self.period_code(),
                     uses_per_period=None if unlimited else self.uses.value(),
                     rollover_cap=0 if unlimited else self.rollover.value(),
                     tax_rate=rate_from_percent(self.tax.text()),
                     eligible=self.eligible.eligible(self.clinic))
        if self.plan is None:
            self.outcome = self.clinic.catalog.add_membership_plan(self.name.text(), **terms)
        else:
            self.clinic.catalog.update_membership_plan(self.plan.id, name=self.name.text(),
                                                       **terms)
            self.outcome = self.plan.id

    def widget_for(self, error: ClinicError) -> QWidget | None:
        if getattr(error, "field", None) == "period" and self.period.currentData() == "w":
            return self.weeks
        return super().widget_for(error)
