"""File › Export a Table to CSV… (issue 8).

Pick a table, pick a file; clinic.csv.export_table writes it on the worker while a bar
counts the rows. Cancel stops it and leaves no file behind (the service writes to a
temporary file and renames it only when the whole table is in it).
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QLabel, QVBoxLayout, QWidget)

from app.i18n import _, ngettext
from app.services import Clinic
from app.services.csv import ExportResult
from app.services.errors import ClinicError

from .. import file_chooser, msgbox
from ..forms import hidden_progress_bar
from ..tasks import Running, explain_failure, tasks_for
from .csv_import import Progress, follow


def choose_export_file(parent: QWidget | None, suggested: str) -> str | None:
    return file_chooser.save_file(parent, _("Export to CSV"), suggested,
                                  _("CSV files") + " (*.csv)")


class ExportDialog(QDialog):
    #: The export is over: the ExportResult, or the exception that stopped it.
    export_over = Signal(object)

    # Replaceable in tests: the file chooser.
    choose_file = staticmethod(choose_export_file)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.result_value: ExportResult | None = None
        self._task: Running | None = None
        self._stop = threading.Event()
        self.setWindowTitle(_("Export to CSV"))
        self.setMinimumWidth(460)

        self.table_box = QComboBox()
        self.table_box.setAccessibleName(_("Table to export"))
        for name, label in clinic.csv.tables():
            self.table_box.addItem(label, name)
        patients = self.table_box.findData("patients")
        if patients >= 0:
            self.table_box.setCurrentIndex(patients)
        table_label = QLabel(_("&Table:"))
        table_label.setBuddy(self.table_box)
        form = QFormLayout()
        form.addRow(table_label, self.table_box)

        self.note = QLabel(_("The file opens in Excel with accents intact. Amounts are in "
                             "cents, in the columns whose names end in \u201c_cents\u201d "
                             "(12345 means 123.45). PINs are never exported."))
        self.note.setWordWrap(True)
        self.status = QLabel()
        self.status.setAccessibleName(_("Export status"))
        self.status.setWordWrap(True)
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 2)
        self.bar = hidden_progress_bar()

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            _("&Export…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setAccessibleName(_("Export the table"))
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel the export"))
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.reject)
        self.export_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        QWidget.setTabOrder(self.table_box, self.export_button)
        QWidget.setTabOrder(self.export_button, self.cancel_button)
        self._progress = Progress()
        self._ticks = follow(self._progress, self.bar, self)

    @classmethod
    def ask(cls, parent: QWidget | None, clinic: Clinic) -> bool:
        """Export one table: True if a file was written."""
        dialog = cls(clinic, parent=parent)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return bool(accepted and dialog.result_value and not dialog.result_value.cancelled)
        finally:
            dialog.deleteLater()

    @property
    def table(self) -> str:
        return self.table_box.currentData()

    def start_export(self) -> None:
        if self._task is not None:
            return
        table, label = self.table, self.table_box.currentText()
        try:
            self.clinic.csv.check_can_export(table)
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not exported"))
            return
        suggested = _("{table} {date}.csv").format(table=label, date=date.today().isoformat())
        chosen = self.choose_file(self, suggested.replace("/", "-"))
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".csv")
        stop, progress = threading.Event(), self._progress
        self._stop = stop
        self._task = tasks_for(self.clinic).run(
            lambda clinic: clinic.csv.export_table(table, path, progress=progress.report,
                                                   cancelled=stop.is_set),
            self._exported, self._failed)
        self.setProperty("keepsLockAway", True)  # the idle lock waits for the export to end
        self._progress.value = None
        self._ticks.restart()
        self._ticks.start()
        self.bar.setRange(0, 0)
        self.bar.show()
        self.export_button.setEnabled(False)
        self.table_box.setEnabled(False)
        self.status.setText(_("Writing {file}…").format(file=path.name))
        self.cancel_button.setFocus()

    @Slot(object)
    def _exported(self, result: ExportResult) -> None:
        self._over()
        self.result_value = result
        self.export_over.emit(result)
        if result.cancelled:
            super().reject()
            return
        msgbox.information(self, _("Export to CSV"), ngettext(
            "{n} row written to {file}.", "{n} rows written to {file}.", result.rows).format(
                n=result.rows, file=result.path))
        self.accept()

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        self._over()
        self.export_over.emit(error)
        self.status.setText(_("Nothing was written."))
        explain_failure(self, error, _("Not exported"))

    def _over(self) -> None:
        self._task = None
        self._ticks.stop()
        self.setProperty("keepsLockAway", False)
        self.bar.hide()
        self.export_button.setEnabled(True)
        self.table_box.setEnabled(True)
        self.cancel_button.setEnabled(True)

    def reject(self) -> None:
        """Cancel: a running export stops at its next chunk and its file is removed; the
        dialog closes when the worker says so."""
        if self._task is not None:
            self._stop.set()
            self.cancel_button.setEnabled(False)
            self.status.setText(_("Stopping: the file will not be kept…"))
            return
        super().reject()
