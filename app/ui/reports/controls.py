"""What the desk asks for: the report, its period (or its one date), the package and staff
filters it takes, and Run / Cancel with the busy bar."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QProgressBar,
                               QPushButton, QVBoxLayout, QWidget)

from app.i18n import _
from app.services import Clinic

from ..date_fields import DateField
from .kinds import BY_CODE, KINDS, ReportKind
from .period import CHOICES, CUSTOM, choice_for, period


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _date_edit(value: date, locale: str, name: str, field: str, label: str) -> DateField:
    # The clinic's way (R4), not ISO; a wrong date typed is refused by Run.
    edit = DateField(value, locale, field=field, label=label, tell_on_leave=False)
    edit.setAccessibleName(name)
    return edit


def _labelled(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class ReportControls(QWidget):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        today = clinic.today()
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Report"))
        for kind in KINDS:
            self.kind.addItem(_(kind.label), kind.code)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.period = QComboBox()
        self.period.setAccessibleName(_("Period"))
        for code, label in CHOICES:
            self.period.addItem(_(label), code)
        self.period.currentIndexChanged.connect(self._period_chosen)
        locale = clinic.money_context()["locale"]
        self.start = _date_edit(today, locale, _("From"), "start", "start date")
        self.end = _date_edit(today, locale, _("To"), "end", "end date")
        self.on = _date_edit(today, locale, _("On"), "on", "report date")
        for edit in (self.start, self.end):
            edit.dateChanged.connect(self._dates_typed)
        self.template = QComboBox()
        self.template.setAccessibleName(_("Package"))
        self.template.setMinimumContentsLength(18)
        self.staff = QComboBox()
        self.staff.setAccessibleName(_("Staff member"))
        self.staff.setMinimumContentsLength(16)
        self.run_button = QPushButton(_("R&un"))
        self.run_button.setToolTip(_("Run the report with these dates and filters"))
        self.cancel_button = QPushButton(_("Cance&l"))
        self.cancel_button.setToolTip(_("Stop waiting for this report (Esc)"))
        self.cancel_button.setEnabled(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # a query has no steps to count: just "working"
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(160)
        self.busy.setAccessibleName(_("Working"))
        self.busy.hide()

        self.period_label = _labelled(_("P&eriod:"), self.period)
        self.start_label = _labelled(_("Fro&m:"), self.start)
        self.end_label = _labelled(_("t&o"), self.end)
        self.on_label = _labelled(_("O&n:"), self.on)
        self.template_label = _labelled(_("Pac&kage:"), self.template)
        self.staff_label = _labelled(_("St&aff:"), self.staff)
        first = QHBoxLayout()
        for widget in (_labelled(_("Re&port:"), self.kind), self.kind, self.period_label,
                       self.period, self.start_label, self.start, self.end_label, self.end,
                       self.on_label, self.on):
            first.addWidget(widget)
        first.addStretch(1)
        second = QHBoxLayout()
        for widget in (self.template_label, self.template, self.staff_label, self.staff):
            second.addWidget(widget)
        second.addStretch(1)
        for widget in (self.busy, self.run_button, self.cancel_button):
            second.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(first)
        layout.addLayout(second)
        self.refresh()
        self._kind_changed()

    def refresh(self) -> None:
        """Templates and staff may have changed elsewhere, and today may be a new month:
        what is chosen stays chosen, a quick period is worked out again."""
        self._refill(self.template, _("All packages"),
                     [(t.id, _("{name} (archived)").format(name=t.name) if t.archived
                       else t.name)
                      for t in self.clinic.catalog.package_templates(include_archived=True)])
        self._refill(self.staff, _("All staff"),
                     [(s.id, s.name if s.active else _("{name} (inactive)").format(name=s.name))
                      for s in self.clinic.staff.list(include_inactive=True)])
        self._period_chosen()

    @staticmethod
    def _refill(combo: QComboBox, everyone: str, items: list[tuple[int, str]]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everyone, None)
        for ident, name in items:
            combo.addItem(name, ident)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)

    def current_kind(self) -> ReportKind:
        return BY_CODE[self.kind.currentData()]

    def parameters(self) -> dict:
        """The chosen report's arguments, as the report service takes them (a date typed
        wrong: its ValidationError)."""
        kind = self.current_kind()
        if kind.dated:
            args: dict = {"start": self.start.value(), "end": self.end.value()}
        else:
            args = {"on": self.on.value()}
        if kind.by_template:
            args["template_id"] = self.template.currentData()
        if kind.staff_label is not None:
            args["staff_id"] = self.staff.currentData()
        return args

    def field(self, name: str | None) -> QWidget | None:
        """The widget holding a service argument (a refusal's `field`)."""
        return {"start": self.start, "end": self.end, "on": self.on,
                "template_id": self.template, "staff_id": self.staff}.get(name or "")

    def name_of(self, combo: QComboBox, ident: int) -> str:
        index = combo.findData(ident)
        return combo.itemText(index) if index >= 0 else f"#{ident}"

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        for widget in (self.period_label, self.period, self.start_label, self.start,
                       self.end_label, self.end):
            widget.setVisible(kind.dated)
        self.on_label.setVisible(not kind.dated)
        self.on.setVisible(not kind.dated)
        self.template_label.setVisible(kind.by_template)
        self.template.setVisible(kind.by_template)
        self.staff_label.setVisible(kind.staff_label is not None)
        self.staff.setVisible(kind.staff_label is not None)
        if kind.staff_label is not None:
            label = _(kind.staff_label)
            self.staff_label.setText(label)
            self.staff.setAccessibleName(label.replace("&", "").rstrip(": \u00a0"))

    def _period_chosen(self) -> None:
        code = self.period.currentData()
        if code == CUSTOM:
            return
        start, end = period(code, self.clinic.today())
        for edit, value in ((self.start, start), (self.end, end)):
            edit.blockSignals(True)
            edit.setDate(_qdate(value))
            edit.blockSignals(False)

    def _dates_typed(self) -> None:
        """Dates changed by hand: the period says which quick choice they are, if any."""
        code = choice_for(self.start.date().toPython(), self.end.date().toPython(),
                          self.clinic.today())
        self.period.blockSignals(True)
        self.period.setCurrentIndex(self.period.findData(code))
        self.period.blockSignals(False)
