"""File › Export a Table to CSV… (issue 8).

Pick a table, pick a file; clinic.csv.export_table writes it on the worker while a bar
counts the rows. Cancel stops it and leaves no file behind (the service writes to a
temporary file and renames it only when the whole table is in it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from app.i18n import _, ngettext
from app.services import Clinic
from app.services.csv import ExportResult
from app.services.errors import ClinicError

from .. import file_chooser, msgbox
from .export_base import FileExportDialog


def choose_export_file(parent: QWidget | None, suggested: str) -> str | None:
    return file_chooser.save_file(parent, _("Export to CSV"), suggested,
                                  _("CSV files") + " (*.csv)")


class ExportDialog(FileExportDialog):
    # Replaceable in tests: the file chooser.
    choose_file = staticmethod(choose_export_file)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(clinic, parent, title=_("Export to CSV"), export_text=_("&Export…"),
                         export_name=_("Export the table"))
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
        self.note.setText(_("The file opens in Excel with accents intact. Amounts are in "
                            "cents, in the columns whose names end in \u201c_cents\u201d "
                            "(12345 means 123.45). PINs are never exported."))
        self._lay_out(form, [self.table_box])

    @property
    def table(self) -> str:
        return self.table_box.currentData()

    def fields(self) -> list[QWidget]:
        return [self.table_box]

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
        self._begin(path, lambda progress, cancelled: lambda clinic: clinic.csv.export_table(
            table, path, progress=progress, cancelled=cancelled))

    def _exported(self, result: ExportResult) -> None:
        msgbox.information(self, _("Export to CSV"), ngettext(
            "{n} row written to {file}.", "{n} rows written to {file}.", result.rows).format(
                n=result.rows, file=result.path))
