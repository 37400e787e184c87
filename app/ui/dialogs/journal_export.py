"""File › Export Journal… (R35): the journal of a period as a Beancount file, or as the
journal-import CSV of QuickBooks Online or Xero.

From and To are the desk's date fields; Export… asks where to save, then
clinic.accounting.export_journal writes on the task runner while a bar follows the period's
days. A refusal (the dates, the file) is the service's own sentence and nothing is written;
Cancel stops a running export and its file is not kept.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QVBoxLayout, QWidget)

from app.i18n import N_, _, ngettext
from app.services import Clinic
from app.services.errors import ClinicError

from .. import file_chooser, msgbox
from ..date_fields import DateField
from ..forms import hidden_progress_bar
from ..tasks import Running, explain_failure, tasks_for
from .csv_import import Progress, follow
from .manager_approval import carried

#: format -> (its name in the list, the file name's ending)
FORMATS = {"beancount": (N_("Beancount"), ".beancount"),
           "quickbooks": (N_("QuickBooks Online (CSV)"), ".csv"),
           "xero": (N_("Xero (CSV)"), ".csv")}


def choose_journal_file(parent: QWidget | None, suggested: str, kind: str) -> str | None:
    ending = FORMATS[kind][1]
    what = _("Beancount files") if kind == "beancount" else _("CSV files")
    return file_chooser.save_file(parent, _("Export Journal"), suggested,
                                  f"{what} (*{ending})")


def last_month(today: date) -> tuple[date, date]:
    """The period the books usually want: the month before this one."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


#: further Xero files named one by one; beyond, the first and the last (a year: a thousand)
NAMED_FILES = 3


def continued_in(further: tuple[Path, ...]) -> str:
    """What the message adds for the files after the first ("" when there are none)."""
    if not further:
        return ""
    if len(further) <= NAMED_FILES:
        return " " + _("Xero takes 300 lines a file: the journal continues in {files}."
                       ).format(files=", ".join(p.name for p in further))
    return " " + ngettext(
        "Xero takes 300 lines a file: the journal continues in {first} to {last}, "
        "{n} more file in all.",
        "Xero takes 300 lines a file: the journal continues in {first} to {last}, "
        "{n} more files in all.", len(further)).format(
            first=further[0].name, last=further[-1].name, n=len(further))


class JournalExportDialog(QDialog):
    #: The export is over: the JournalExport, or the exception that stopped it.
    export_over = Signal(object)

    # Replaceable in tests: the file chooser.
    choose_file = staticmethod(choose_journal_file)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.result_value = None
        self._task: Running | None = None
        self._stop = threading.Event()
        self.setWindowTitle(_("Export Journal"))
        self.setMinimumWidth(480)
        locale = clinic.money_context()["locale"]
        start, end = last_month(clinic.today())
        self.start_field = DateField(start, locale, field="start", label=_("start date"))
        self.start_field.setAccessibleName(_("From"))
        self.end_field = DateField(end, locale, field="end", label=_("end date"))
        self.end_field.setAccessibleName(_("To"))
        self.format_box = QComboBox()
        self.format_box.setAccessibleName(_("File format"))
        for kind, (label, _ending) in FORMATS.items():
            self.format_box.addItem(_(label), kind)
        form = QFormLayout()
        for text, widget in ((_("&From:"), self.start_field), (_("&To:"), self.end_field),
                             (_("F&ormat:"), self.format_box)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.status = QLabel()
        self.status.setAccessibleName(_("Export status"))
        self.status.setWordWrap(True)
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 2)
        self.bar = hidden_progress_bar()

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            _("&Save…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setAccessibleName(_("Export the journal"))
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel the export"))
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.reject)
        self.format_box.currentIndexChanged.connect(self._explain)
        self.export_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        QWidget.setTabOrder(self.start_field, self.end_field)
        QWidget.setTabOrder(self.end_field, self.format_box)
        QWidget.setTabOrder(self.format_box, self.export_button)
        QWidget.setTabOrder(self.export_button, self.cancel_button)
        self._progress = Progress()
        self._ticks = follow(self._progress, self.bar, self)
        self._explain()

    @classmethod
    def ask(cls, parent: QWidget | None, clinic: Clinic) -> bool:
        """Export the journal of a period: True if a file was written."""
        dialog = cls(clinic, parent=parent)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return bool(accepted and dialog.result_value and not dialog.result_value.cancelled)
        finally:
            dialog.deleteLater()

    @property
    def kind(self) -> str:
        return self.format_box.currentData()

    def _explain(self) -> None:
        self.note.setText({
            "beancount": _("A Beancount ledger: every account of the chart (Settings › "
                           "Accounts) opened on the first day, then each entry."),
            "quickbooks": _("For QuickBooks Online's Import Data › Journal Entries. The "
                            "accounts are named as in Settings › Accounts: they must be in "
                            "QuickBooks with the same names, and account numbers turned "
                            "off while importing."),
            "xero": _("For Xero's Manual Journals › Import. The accounts are given by their "
                      "codes (Settings › Accounts). Xero takes 300 lines a file: a longer "
                      "journal is saved in several files (name.csv, name-2.csv…)."),
        }[self.kind])

    def start_export(self) -> None:
        if self._task is not None:
            return
        kind = self.kind
        try:
            start, end = self.start_field.value(), self.end_field.value()
            self.clinic.accounting.iter_journal(start, end)  # the dates, before the file
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not exported"))
            return
        suggested = _("Journal {start} to {end}").format(start=start.isoformat(),
                                                          end=end.isoformat())
        chosen = self.choose_file(self, suggested + FORMATS[kind][1], kind)
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(FORMATS[kind][1])
        stop, progress = threading.Event(), self._progress
        self._stop = stop
        # the manager's approval, given before the form opened, goes to the worker with it
        self._task = tasks_for(self.clinic).run(
            carried(self.clinic, lambda clinic: clinic.accounting.export_journal(
                start, end, path, format=kind, progress=progress.report,
                cancelled=stop.is_set)),
            self._exported, self._failed)
        self.setProperty("keepsLockAway", True)  # the idle lock waits for the export to end
        self._progress.value = None
        self._ticks.restart()
        self._ticks.start()
        self.bar.setRange(0, 0)
        self.bar.show()
        self._editable(False)
        self.status.setText(_("Writing {file}…").format(file=path.name))
        self.cancel_button.setFocus()

    @Slot(object)
    def _exported(self, result) -> None:
        self._over()
        self.result_value = result
        self.export_over.emit(result)
        if result.cancelled:
            super().reject()
            return
        text = ngettext("{n} entry written to {file}.", "{n} entries written to {file}.",
                        result.entries).format(n=result.entries, file=result.files[0])
        text += continued_in(result.files[1:])
        msgbox.information(self, _("Export Journal"), text)
        self.accept()

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        self._over()
        self.export_over.emit(error)
        self.status.setText(_("Nothing was written."))
        explain_failure(self, error, _("Not exported"))

    def _editable(self, on: bool) -> None:
        for widget in (self.export_button, self.start_field, self.end_field, self.format_box):
            widget.setEnabled(on)

    def _over(self) -> None:
        self._task = None
        self._ticks.stop()
        self.setProperty("keepsLockAway", False)
        self.bar.hide()
        self._editable(True)
        self.cancel_button.setEnabled(True)

    def reject(self) -> None:
        """Cancel: a running export stops at its next entry and its file is removed; the
        dialog closes when the worker says so."""
        if self._task is not None:
            self._stop.set()
            self.cancel_button.setEnabled(False)
            self.status.setText(_("Stopping: the file will not be kept…"))
            return
        super().reject()
