"""Desk › Day Close…: a day's figures, the cash counted against the expected, the close, its
sheet, the history of closes, and a manager's reopening (R32).

The figures come from clinic.reports.day_close (kept at the close, or the open day's now);
the buttons are enabled from the service's answers (can_close_day, can_reopen_day), with the
reason as the tooltip; the over/short shown while the desk types is the rule the close
records (app/domain/day_close.py). Nothing is worked out here.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from app.domain.day_close import over_short
from app.i18n import _
from app.services import Clinic
from app.services.day_close import REOPEN, DayClose
from app.services.errors import ClinicError

from .. import msgbox
from ..date_fields import DateField
from ..dialogs.manager_approval import approved, mark
from ..dialogs.print_dialog import PrintDialog
from ..formats import Formats, typed_money
from ..forms import FormDialog, beside, focus
from ..models.reports import SectionModel
from ..tables import make_table
from .day_close_history import HistoryTable


class ReopenDayDialog(FormDialog):
    """Why the close of a day is reopened; the reopening is the manager's (approved)."""

    def __init__(self, clinic: Clinic, day: date, parent: QWidget | None = None):
        f = Formats(clinic)
        super().__init__(_("Reopen {day}").format(day=f.date(day)), parent)
        self.clinic, self.day = clinic, day
        self.setMinimumWidth(440)
        self.ok_button.setText(_("Re&open Day"))
        about = QLabel(_("The close stays on file, marked reopened with your reason; the day "
                         "can then be closed again with a new count."))
        about.setWordWrap(True)
        self.body.insertWidget(0, about)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. Cash recounted"))
        self.reason.setAccessibleName(_("Reason for reopening"))
        self.form.addRow(_("&Reason:"), self.reason)
        self.fields = {"reason": self.reason}
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.reason.setFocus()

    def save(self) -> None:
        self.outcome = self.clinic.billing.reopen_day(self.day, self.reason.text())


class DayCloseDialog(QDialog):
    def __init__(self, clinic: Clinic, *, day: date | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.f = Formats(clinic)
        self.setWindowTitle(_("Day Close"))
        self.setMinimumSize(720, 640)
        self.report = None
        self.close_of: DayClose | None = None

        self.day = DateField(day or clinic.today(), self.f.locale, field="on",
                             label=_("day"))
        self.day.setAccessibleName(_("Day"))
        self.day.dateChanged.connect(lambda *_: self.refresh())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("note")

        self.methods_model = SectionModel(self.f, self)
        self.methods = make_table(self.methods_model, self, sortable=False)
        self.methods.setAccessibleName(_("Payments by method"))
        self.methods.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.figures = QTreeWidget()
        self.figures.setAccessibleName(_("The day's figures"))
        self.figures.setColumnCount(3)
        self.figures.setHeaderLabels([_("Item"), _("Count"), _("Amount")])
        self.figures.setRootIsDecorated(False)

        self.counted = QLineEdit()
        self.counted.setAccessibleName(_("Counted cash"))
        self.counted.setPlaceholderText(_("Cash in the drawer"))
        self.counted.textChanged.connect(lambda *_: self.show_over_short())
        self.counted.returnPressed.connect(self.close_day)
        self.expected = QLabel()
        self.expected.setAccessibleName(_("Expected cash"))
        self.difference = QLabel()
        self.difference.setAccessibleName(_("Over or short"))
        self.difference.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Done"))
        buttons.rejected.connect(self.reject)
        role = QDialogButtonBox.ButtonRole.ActionRole
        self.close_button = buttons.addButton(_("&Close Day"), role)
        self.print_button = buttons.addButton(_("&Print…"), role)
        self.reopen_button = buttons.addButton(_("&Reopen…"), role)
        # Enter in the day field shows that day; only Enter in Counted cash (or a click)
        # closes it, so no button is the dialog's default (seen in the walk-through: typing
        # a date and Enter said "Please enter the counted cash").
        for button in buttons.buttons():
            button.setAutoDefault(False)
            button.setDefault(False)
        self.close_button.clicked.connect(self.close_day)
        self.print_button.clicked.connect(self.print_day)
        self.reopen_button.clicked.connect(self.reopen_day)
        self.history = HistoryTable(clinic, self)
        self.history.chosen.connect(self.show_day)

        top = QFormLayout()
        top.addRow(_("&Day:"), beside(self.day))
        cash = QFormLayout()
        cash.addRow(_("Expected cash:"), self.expected)
        cash.addRow(_("C&ounted cash:"), beside(self.counted))
        cash.addRow(_("Over / short:"), self.difference)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.methods, 2)
        layout.addWidget(self.figures, 3)
        row = QHBoxLayout()
        row.addLayout(cash, 1)
        layout.addLayout(row)
        layout.addWidget(QLabel(_("Closes:")))
        layout.addWidget(self.history, 1)
        layout.addWidget(buttons)
        self.refresh()
        self.counted.setFocus()

    # what is shown
    def on(self) -> date:
        return self.day.date().toPython()

    def show_day(self, day: date) -> None:
        self.day.setDate(day)  # (refreshes through dateChanged)

    def refresh(self) -> None:
        on = self.on()
        try:
            self.report = self.clinic.reports.day_close(on)
            self.close_of = self.clinic.billing.day_close_of(on)
            why_not_close = self.clinic.billing.can_close_day(on)
            why_not_reopen = self.clinic.billing.can_reopen_day(on)
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not shown"))
            return
        self.methods_model.set_section(self.report.sections[0])
        self.methods.resizeColumnsToContents()
        self._fill_figures()
        self.status.setText(" ".join(self.report.notes[:1]))
        self.expected.setText(self.f.money(self.report.totals["expected_cash"]))
        closed = self.close_of is not None
        if closed:
            self.counted.setText(self.f.money(self.close_of.counted_cash))
        elif self.counted.isReadOnly():
            self.counted.clear()  # an earlier close's count is not this day's
        self.counted.setReadOnly(closed)
        self.close_button.setEnabled(why_not_close is None)
        self.close_button.setToolTip(why_not_close or _("Record the count and keep the "
                                                        "figures as they are now"))
        mark(self.clinic, REOPEN, self.reopen_button, _("&Reopen…"),
             _("Reopen the close of this day"))
        self.reopen_button.setEnabled(why_not_reopen is None)
        if why_not_reopen is not None:
            self.reopen_button.setToolTip(why_not_reopen)
        self.history.refresh(on)
        self.show_over_short()

    def _fill_figures(self) -> None:
        self.figures.clear()
        # (the last section, the cash drawer, is the count's own rows below the figures)
        for section in self.report.sections[1:-1]:
            head = QTreeWidgetItem([section.title, "", ""])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            self.figures.addTopLevelItem(head)
            for row in section.rows:
                count = getattr(row, "count", None)
                item = QTreeWidgetItem(["    " + row.label,
                                        "" if count is None else str(count),
                                        self.f.money(row.amount)])
                for column in (1, 2):
                    item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.figures.addTopLevelItem(item)
        self.figures.resizeColumnToContents(0)

    def typed_count(self) -> int:
        return typed_money(self.clinic, self.counted.text(), "counted_cash")

    def show_over_short(self) -> None:
        """The difference as the desk types: over, short or even; a word while the text is
        not an amount yet."""
        if self.report is None:
            return
        if self.close_of is not None:
            difference = self.close_of.over_short
        elif not self.counted.text().strip():
            self.difference.setText(_("Type the cash counted in the drawer."))
            return
        else:
            try:
                difference = over_short(self.typed_count(), self.report.totals["expected_cash"])
            except ClinicError as error:
                self.difference.setText(str(error))
                return
        if difference > 0:
            words = _("{amount} over").format(amount=self.f.money(difference))
        elif difference < 0:
            words = _("{amount} short").format(amount=self.f.money(-difference))
        else:
            words = _("Even: the drawer holds what is expected.")
        self.difference.setText(words)

    # actions
    def close_day(self) -> None:
        if not self.close_button.isEnabled():
            return
        try:
            self.clinic.billing.close_day(self.on(), self.typed_count())
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not closed"))
            focus(self.counted if getattr(error, "field", None) == "counted_cash"
                  else self.day)
            self.refresh()
            return
        self.refresh()  # the status then says who closed it and when, in the close's words

    def print_day(self) -> None:
        PrintDialog.ask(self.clinic, day=self.on(), parent=self)

    def reopen_day(self) -> None:
        on = self.on()
        if approved(self, self.clinic, REOPEN,
                    lambda: ReopenDayDialog.ask(self, self.clinic, on)) is not None:
            self.refresh()

    @classmethod
    def ask(cls, parent: QWidget | None, clinic: Clinic, *, day: date | None = None) -> None:
        dialog = cls(clinic, day=day, parent=parent)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
