"""Patient Billing › Memberships (R43, R44): the patient's memberships with the current
period, uses left in it and the next invoice date; the chosen one's periods and pauses; and
Enrol…, Pause…, Resume…, Cancel… (a manager's, as a package refund is: it stops the fees and
releases booked visits, with R28's warning)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from app.i18n import N_, _
from app.services import Clinic
from app.services.errors import ValidationError
from app.services.membership_views import MembershipSummary
from app.services.memberships import CANCEL

from .. import msgbox
from ..date_fields import DateField
from ..dialogs.manager_approval import approved, mark
from ..formats import Formats
from ..forms import FormDialog, beside
from ..models.base import RowsModel
from ..tables import make_table, reload, selected_row
from .keys import leave_with_tab

STATUS = {"active": N_("Active"), "paused": N_("Paused"), "upcoming": N_("Starts later"),
          "cancelled": N_("Cancelled")}


class MembershipsModel(RowsModel):
    PLAN, STATUS_, PERIOD, LEFT, NEXT = range(5)
    COLUMNS = (N_("Membership"), N_("Status"), N_("Current period"),
               N_("Uses left this period"), N_("Next invoice"))
    RIGHT = frozenset({LEFT})

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats

    def display(self, m: MembershipSummary, column: int) -> str:
        f = self._f
        if column == self.PLAN:
            return m.plan_name
        if column == self.STATUS_:
            return _(STATUS[m.status])
        if column == self.PERIOD:
            return (_("{start} to {end}").format(start=f.date(m.period_start),
                                                  end=f.date(m.period_end))
                    if m.period_start else "")
        if column == self.LEFT:
            if m.period_start is None:
                return ""
            return _("unlimited") if m.unlimited else str(m.uses_left_this_period)
        return f.date(m.next_invoice_on)

    def dimmed(self, m: MembershipSummary) -> bool:
        return m.status == "cancelled"


class MembershipsView(QWidget):
    #: Enrolled, paused or cancelled: invoices (and so the account) may have changed.
    changed = Signal()

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self._f = Formats(clinic)
        self.patient_id: int | None = None
        self.model = MembershipsModel(self._f, self)
        self.table = make_table(self.model, self, stretch=MembershipsModel.PLAN,
                                sortable=False)
        self.table.setAccessibleName(_("Memberships"))
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.history.setAccessibleName(_("Periods and pauses"))
        self.enrol_button = QPushButton(_("&Enrol…"))
        self.enrol_button.clicked.connect(self.enrol)
        self.pause_button = QPushButton(_("Pau&se…"))
        self.pause_button.clicked.connect(self.pause)
        self.resume_button = QPushButton(_("&Resume…"))
        self.resume_button.clicked.connect(self.resume)
        self.cancel_button = QPushButton(_("Ca&ncel Membership…"))
        self.cancel_button.clicked.connect(self.cancel)
        bar = QHBoxLayout()
        bar.addStretch(1)
        for button in (self.enrol_button, self.pause_button, self.resume_button,
                       self.cancel_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.history, 1)
        layout.addLayout(bar)
        leave_with_tab(self.table)
        self.refresh()

    def set_patient(self, patient_id: int | None) -> None:
        self.patient_id = patient_id
        self.model.set_rows([])
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        rows = ([] if self.patient_id is None
                else self.clinic.memberships.for_patient(self.patient_id))
        reload(self.table, self.model, rows, select)
        if select is None and rows and selected_row(self.table) is None:
            self.table.selectRow(0)
        self._selected()

    def selected(self) -> MembershipSummary | None:
        return selected_row(self.table)

    def _selected(self, *_args) -> None:
        m = self.selected()
        empty = self.patient_id is not None and not self.model.rowCount()
        self.history.setText(self._history(m) if m else _(
            "No memberships. Enrol… signs the patient up for a plan: a fee every period "
            "for a number of visits.") if empty else "")
        self.enrol_button.setEnabled(self.patient_id is not None
                                     and bool(self.clinic.catalog.membership_plans()))
        self.pause_button.setEnabled(m is not None and m.can_pause)
        self.resume_button.setEnabled(m is not None and m.can_resume)
        mark(self.clinic, CANCEL, self.cancel_button, _("Ca&ncel Membership…"))
        self.cancel_button.setEnabled(m is not None and m.can_cancel)

    def _history(self, m: MembershipSummary) -> str:
        f = self._f
        lines = [_("Periods:")]
        for p in m.periods:
            span = _("{start} to {end}").format(start=f.date(p.starts_on),
                                                end=f.date(p.ends_on))
            lines.append(_("{span}: invoiced, {n} used").format(span=span, n=p.uses)
                         if p.invoice_id else
                         _("{span}: not invoiced yet").format(span=span))
        for p in m.pauses:
            lines.append(_("Paused from {start} until resumed").format(
                start=f.date(p.starts_on)) if p.ends_on is None else
                _("Paused from {start}, runs again on {end}").format(
                    start=f.date(p.starts_on), end=f.date(p.ends_on)))
        if m.cancelled_on is not None:
            lines.append(_("Cancelled from {date}").format(date=f.date(m.cancelled_on)))
        return "\n".join(lines)

    def _after(self, outcome, select: int | None = None) -> None:
        if outcome is None:
            return
        if isinstance(outcome, list) and outcome:
            for warning in self.clinic.memberships.released_warnings(outcome):
                msgbox.information(self, _("Booked appointments released"), warning)
        self.refresh(select)
        self.changed.emit()

    def enrol(self) -> None:
        if self.patient_id is not None:
            made = EnrolDialog.ask(self, self.clinic, self.patient_id)
            self._after(made, made)

    def pause(self) -> None:
        m = self.selected()
        if m is not None:
            self._after(PauseDialog.ask(self, self.clinic, m), m.id)

    def resume(self) -> None:
        m = self.selected()
        if m is not None:
            self._after(ResumeDialog.ask(self, self.clinic, m), m.id)

    def cancel(self) -> None:
        m = self.selected()
        if m is not None:
            self._after(approved(self, self.clinic, CANCEL,
                                 lambda: CancelDialog.ask(self, self.clinic, m)), m.id)


class EnrolDialog(FormDialog):
    def __init__(self, clinic: Clinic, patient_id: int, parent: QWidget | None = None):
        super().__init__(_("Enrol in a Membership"), parent)
        self.clinic, self.patient_id = clinic, patient_id
        f = Formats(clinic)
        self.setMinimumWidth(440)
        self.plan = QComboBox()
        self.plan.setAccessibleName(_("Membership plan"))
        for p in clinic.catalog.membership_plans():
            self.plan.addItem(_("{plan} ({fee}, {period})").format(
                plan=p.name, fee=f.money(p.fee), period=p.period_text), p.id)
        self.start = DateField(clinic.today(), f.locale, field="start", label="start date",
                               tell_on_leave=False)
        self.form.addRow(_("&Plan:"), self.plan)
        self.form.addRow(_("&Starts on:"), self.start)
        note = QLabel(_("The first period is invoiced now; each later one on its first day."))
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.ok_button.setText(_("Enrol"))
        self.fields = {"start": self.start, "plan_id": self.plan}

    def save(self) -> None:
        if self.plan.currentData() is None:
            raise ValidationError("plan_id", _("Choose a membership plan."))
        self.outcome = self.clinic.memberships.enroll(
            self.patient_id, self.plan.currentData(), start=self.start.value())


class PauseDialog(FormDialog):
    def __init__(self, clinic: Clinic, m: MembershipSummary, parent: QWidget | None = None):
        super().__init__(_("Pause Membership"), parent)
        self.clinic, self.membership = clinic, m
        f = Formats(clinic)
        self.setMinimumWidth(460)
        intro = QLabel(_("While \u201c{plan}\u201d is paused it is not invoiced and covers no "
                         "appointment; its next period starts on the day it runs again.")
                       .format(plan=m.plan_name))
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        today = clinic.today()
        self.start = DateField(today + timedelta(days=1), f.locale, field="start",
                               label="pause start", tell_on_leave=False)
        self.end = DateField(today + timedelta(days=29), f.locale, field="end",
                             label="pause end", tell_on_leave=False)
        self.open_ended = QCheckBox(_("Until &resumed"))
        self.open_ended.toggled.connect(self.end.setDisabled)
        self.form.addRow(_("Paused &from:"), self.start)
        self.form.addRow(_("Runs &again on:"), beside(self.end, self.open_ended))
        self.ok_button.setText(_("Pause"))
        self.fields = {"start": self.start, "end": self.end}

    def save(self) -> None:
        end = None if self.open_ended.isChecked() else self.end.value()
        self.outcome = self.clinic.memberships.pause(self.membership.id, self.start.value(),
                                                     end)


class ResumeDialog(FormDialog):
    def __init__(self, clinic: Clinic, m: MembershipSummary, parent: QWidget | None = None):
        super().__init__(_("Resume Membership"), parent)
        self.clinic, self.membership = clinic, m
        self.on = DateField(clinic.today(), Formats(clinic).locale, field="on",
                            label="resume date", tell_on_leave=False)
        self.form.addRow(_("Runs &again on:"), self.on)
        self.ok_button.setText(_("Resume"))
        self.fields = {"on": self.on}

    def save(self) -> None:
        self.clinic.memberships.resume(self.membership.id, self.on.value())
        self.outcome = []


class CancelDialog(FormDialog):
    def __init__(self, clinic: Clinic, m: MembershipSummary, parent: QWidget | None = None):
        super().__init__(_("Cancel Membership"), parent)
        self.clinic, self.membership = clinic, m
        intro = QLabel(_("From this day \u201c{plan}\u201d is not invoiced again, and booked "
                         "appointments it covers from then on are billed at the standard "
                         "price. Its invoices so far stay as they are.").format(
                             plan=m.plan_name))
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        self.on = DateField(m.next_invoice_on or clinic.today(), Formats(clinic).locale,
                            field="on", label="cancellation date", tell_on_leave=False)
        self.form.addRow(_("Cancelled &from:"), self.on)
        self.ok_button.setText(_("Cancel Membership"))
        self.fields = {"on": self.on}

    def save(self) -> None:
        self.outcome = self.clinic.memberships.cancel(self.membership.id, self.on.value())
