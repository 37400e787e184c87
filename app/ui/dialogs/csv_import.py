"""File › Import Patients… / Import Treatment Types… from a CSV file (issue 8).

The file is read and every row checked on the worker (clinic.csv.preview_import), then shown:
each row's number, status, values and problem, rows with problems highlighted, and the counts.
"Import N patients" writes the ready rows in one transaction (clinic.csv.import_rows), also
on the worker. Cancel, at any moment, leaves the clinic as it was: before the import nothing
has been written, and during it the transaction is rolled back.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog,
                               QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from app.i18n import N_, _, ngettext
from app.services import Clinic
from app.services.csv import ERROR, OK, ImportPreview, ImportResult
from app.services.csv.switching_in import KINDS as SWITCHING_KINDS, TITLES as SWITCHING_TITLES
from app.services.errors import ClinicError

from .. import file_chooser, msgbox
from ..forms import hidden_progress_bar
from ..models.csv_preview import PreviewModel
from ..tables import make_table
from ..tasks import Running, explain_failure, tasks_for

TITLES = {"patients": N_("Import Patients"), "treatment_types": N_("Import Treatment Types"),
          **SWITCHING_TITLES}  # (switching in, R42)


class Progress:
    """How far the worker is, read by the GUI thread on a timer: (done, total) or None.

    Not a signal: in the PySide6 we ship every Python `Signal.emit()` drops a reference to
    True, and a 50,000-row import reporting by signal ended in a crash at exit.
    """

    def __init__(self) -> None:
        self.value: tuple[int, int] | None = None

    def report(self, done: int, total: int) -> None:
        self.value = (int(done), int(total))   # one assignment: atomic for the GUI's reads


def follow(progress: Progress, bar: QProgressBar, parent: QObject) -> QTimer:
    """A timer that moves `bar` to `progress` while work runs: `begin()` as the work starts
    (the bar shown busy until the first report), `end()` when it is over (the bar hidden)."""
    shown: list = [None, None]   # what the bar shows: touched only when it changes (each
                                 # call into PySide 6.12 that returns nothing drops a
                                 # reference to None, so ten calls a second add up)

    def tick() -> None:
        value = progress.value
        if value is None or value[1] <= 0:
            return
        done, total = min(value[0], value[1]), value[1]
        if shown[1] != total:
            bar.setRange(0, total)
            shown[1] = total
        if shown[0] != done:
            bar.setValue(done)
            shown[0] = done

    def restart() -> None:
        shown[:] = [None, None]

    timer = QTimer(parent)
    timer.setInterval(100)
    timer.timeout.connect(tick)
    def begin() -> None:
        progress.value = None
        restart()
        timer.start()
        bar.setRange(0, 0)
        bar.show()

    def end() -> None:
        timer.stop()
        bar.hide()

    timer.tick = tick   # for tests
    timer.begin, timer.end = begin, end
    return timer


def choose_import_file(parent: QWidget | None, kind: str) -> str | None:
    return file_chooser.open_file(
        parent, _(TITLES[kind]),
        _("CSV files") + " (*.csv *.txt *.tsv);;" + _("All files") + " (*)")


show_failure = explain_failure  # the desk's one wording (app/ui/tasks.py)


class ImportDialog(QDialog):
    #: Reading the file is over: the ImportPreview shown, or the exception refusing it.
    previewed = Signal(object)
    #: The import is over (the ImportResult), or refused (the exception).
    import_over = Signal(object)

    # Replaceable in tests: the file chooser.
    choose_file = staticmethod(choose_import_file)

    def __init__(self, clinic: Clinic, kind: str, path: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.kind = kind
        self.path: str | None = None
        self.preview: ImportPreview | None = None
        self.result_value: ImportResult | None = None
        self._task: Running | None = None
        self._stop = threading.Event()
        self._importing = False
        self.setWindowTitle(_(TITLES[kind]))
        self.setMinimumSize(820, 480)
        # Treatment types are a manager's: closed if someone else signs in after a lock.
        self.setProperty("managerOnly", kind in ("treatment_types", "packages_before",
                                                 "opening_balances"))

        self.file_label = QLabel()
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setAccessibleName(_("File to import"))
        self.choose_button = QPushButton(_("C&hoose Another File…"))
        self.choose_button.setAccessibleName(_("Choose another file"))
        self.choose_button.clicked.connect(self.choose_another)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)

        self.counts = QLabel()
        self.counts.setObjectName("heading")
        self.counts.setAccessibleName(_("Rows in the file"))
        font = self.counts.font()
        font.setBold(True)
        self.counts.setFont(font)
        self.unknown = QLabel()
        self.unknown.setWordWrap(True)
        self.unknown.setAccessibleName(_("Columns not imported"))
        self.only_problems = QCheckBox(_("&Show only rows that will not be imported"))
        self.only_problems.setAccessibleName(_("Show only rows that will not be imported"))
        self.only_problems.toggled.connect(self._filter)

        self.model = PreviewModel(kind, self)
        # In file order, not sortable: 50,000 rows sort too slowly through Python, and the
        # row numbers are what the desk looks up in the spreadsheet.
        self.table: QTableView = make_table(self.model, self, sortable=False,
                                            stretch=self.model.columnCount() - 1)
        header = self.table.horizontalHeader()
        # Sized once per file from its first rows, not on every reset over 50,000 of them.
        header.setResizeContentsPrecision(200)
        for column in range(self.model.columnCount() - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.table.setAccessibleName(_("Rows of the file"))
        self.table.setWordWrap(False)

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName(_("Problem on the selected row"))
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 2)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.status = QLabel()
        self.status.setAccessibleName(_("Import status"))
        self.bar = hidden_progress_bar()

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            _("&Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel without importing"))
        self.import_button.setEnabled(False)
        self.import_button.setDefault(False)
        self.import_button.setAutoDefault(False)
        self.cancel_button.setAutoDefault(False)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(self.unknown)
        layout.addWidget(self.only_problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        # Tab order: the file, the filter, the rows, then Import and Cancel.
        QWidget.setTabOrder(self.choose_button, self.only_problems)
        QWidget.setTabOrder(self.only_problems, self.table)
        QWidget.setTabOrder(self.table, self.import_button)
        QWidget.setTabOrder(self.import_button, self.cancel_button)

        self._progress = Progress()
        self._ticks = follow(self._progress, self.bar, self)
        self._update_import_button()
        if path:
            self.read(path)

    # -- the file ---------------------------------------------------------------------------
    @classmethod
    def ask(cls, parent: QWidget | None, clinic: Clinic, kind: str) -> bool:
        """Choose a file, preview it, import it: True if rows were imported."""
        try:
            clinic.csv.check_can_import(kind)
        except ClinicError as error:
            msgbox.refusal(parent, error, _("Not imported"))
            return False
        path = cls.choose_file(parent, kind)
        if not path:
            return False
        dialog = cls(clinic, kind, path, parent=parent)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return bool(accepted and dialog.result_value and dialog.result_value.created)
        finally:
            dialog.deleteLater()

    def choose_another(self) -> None:
        if self._task is not None:
            return
        path = self.choose_file(self, self.kind)
        if path:
            self.read(path)

    def read(self, path: str) -> None:
        """Read and check the file on the worker; the preview appears when it is done."""
        self.path = path
        self.preview = None
        self.model.set_rows([])
        self.detail.setText("")
        self.file_label.setText(_("File: {file}").format(file=Path(path).name))
        self.file_label.setToolTip(str(path))
        self.counts.setText("")
        self.unknown.setText("")
        self.status.setText(_("Reading {file}…").format(file=Path(path).name))
        clinic, kind, stop, progress = self.clinic, self.kind, threading.Event(), self._progress
        self._stop = stop
        self._run(lambda: clinic.csv.preview_import(kind, path, progress=progress.report,
                                                    cancelled=stop.is_set),
                  self._previewed, self._preview_failed)

    @Slot(object)
    def _previewed(self, preview: ImportPreview | None) -> None:
        self._over()
        if preview is None:
            return
        self.preview = preview
        self._filter(self.only_problems.isChecked())
        self.table.resizeColumnsToContents()
        self.counts.setText(self.summary())
        if preview.unknown_columns:
            self.unknown.setText(_("Columns not imported (not known to ClinicDesk): "
                                   "{columns}").format(
                                       columns=", ".join(preview.unknown_columns)))
        self.status.setText("")
        self._update_import_button()
        self._select_first_problem()
        self.previewed.emit(preview)

    def summary(self) -> str:
        return self.preview.summary() if self.preview is not None else ""

    @Slot(object)
    def _preview_failed(self, error: BaseException) -> None:
        self._over()
        self.status.setText(_("This file cannot be imported. Choose another file, or Cancel."))
        show_failure(self, error, _("Not imported"))
        self.previewed.emit(error)

    # -- importing --------------------------------------------------------------------------
    def start_import(self) -> None:
        if self.preview is None or self.preview.ready == 0 or self._task is not None:
            return
        preview, clinic, stop, progress = self.preview, self.clinic, threading.Event(), \
            self._progress
        self._stop = stop
        self._importing = True
        self.status.setText(self._import_text(preview.ready, ongoing=True))
        self._run(lambda: clinic.csv.import_rows(preview, progress=progress.report,
                                                 cancelled=stop.is_set),
                  self._imported, self._import_failed)

    @Slot(object)
    def _imported(self, result: ImportResult) -> None:
        self._over()
        self._importing = False
        self.result_value = result
        self.import_over.emit(result)
        if result.cancelled:
            super().reject()
            return
        text = self._import_text(result.created, ongoing=False)
        if result.skipped:
            text += " " + ngettext(
                "{n} row was skipped: another desk added it while you were looking.",
                "{n} rows were skipped: another desk added them while you were looking.",
                result.skipped).format(n=result.skipped)
        msgbox.information(self, _(TITLES[self.kind]), text)
        self.accept()

    @Slot(object)
    def _import_failed(self, error: BaseException) -> None:
        self._over()
        self._importing = False
        self.import_over.emit(error)
        self.status.setText(_("Nothing was imported."))
        show_failure(self, error, _("Not imported"))

    def _import_text(self, n: int, *, ongoing: bool) -> str:
        if self.kind in SWITCHING_KINDS:
            if ongoing:
                return ngettext("Importing {n} row…", "Importing {n} rows…", n).format(n=n)
            return ngettext("{n} row imported.", "{n} rows imported.", n).format(n=n)
        if self.kind == "patients":
            if ongoing:
                return ngettext("Importing {n} patient…", "Importing {n} patients…", n).format(n=n)
            return ngettext("{n} patient imported.", "{n} patients imported.", n).format(n=n)
        if ongoing:
            return ngettext("Importing {n} treatment type…", "Importing {n} treatment types…",
                            n).format(n=n)
        return ngettext("{n} treatment type imported.", "{n} treatment types imported.",
                        n).format(n=n)

    def reject(self) -> None:
        """Cancel: during the import, the transaction is rolled back and the dialog closes
        when the worker says so; otherwise it closes at once. Nothing is written."""
        if self._task is not None and self._importing:
            self._stop.set()
            self.cancel_button.setEnabled(False)
            self.status.setText(_("Stopping: nothing will be imported…"))
            return
        if self._task is not None:
            self._stop.set()
            self._task.cancel()
            self._task = None
        super().reject()

    # -- the worker -------------------------------------------------------------------------
    def _run(self, work, done, failed) -> None:
        # (the work already holds the clinic it was given; write: only an import writes)
        self._task = tasks_for(self.clinic).run(lambda _clinic: work(), done, failed,
                                                write=self._importing)
        self.setProperty("keepsLockAway", True)  # the idle lock waits for the work to end
        self._ticks.begin()
        self._update_import_button()
        self.choose_button.setEnabled(False)

    def _over(self) -> None:
        self._task = None
        self._ticks.end()
        self.setProperty("keepsLockAway", False)
        self.cancel_button.setEnabled(True)
        self.choose_button.setEnabled(True)
        self._update_import_button()

    def _update_import_button(self) -> None:
        n = self.preview.ready if self.preview is not None else 0
        if self.kind in SWITCHING_KINDS:
            text = ngettext("&Import {n} Row", "&Import {n} Rows", n)
        elif self.kind == "patients":
            text = ngettext("&Import {n} Patient", "&Import {n} Patients", n)
        else:
            text = ngettext("&Import {n} Treatment Type", "&Import {n} Treatment Types", n)
        self.import_button.setText(text.format(n=n))
        self.import_button.setAccessibleName(text.replace("&", "").format(n=n))
        self.import_button.setEnabled(n > 0 and self._task is None)

    def _show_detail(self, current, _previous=None) -> None:
        if not current.isValid():
            self.detail.setText("")
            return
        row = self.model.row_at(current.row())
        self.detail.setText(_("Row {row}: {problem}").format(row=row.number,
                                                             problem=row.problem)
                            if row.problem else "")

    def _filter(self, only: bool) -> None:
        """With the box ticked, only the rows that will not be imported."""
        rows = self.preview.rows if self.preview is not None else ()
        self.model.set_rows([row for row in rows if row.status != OK] if only else rows)
        self._select_first_problem()

    def _select_first_problem(self) -> None:
        rows = self.model.rows()
        first = next((i for i, row in enumerate(rows) if row.status == ERROR),
                     0 if rows else None)
        if first is not None:
            self.table.setCurrentIndex(self.model.index(first, 0))
        else:
            self.detail.setText("")
