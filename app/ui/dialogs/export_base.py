"""What the export dialogs share (Export to CSV, Export Journal): a form and a note above a
status line, a progress bar and Export/Cancel; the file written on the task runner while the
bar follows the service's progress; Cancel stopping a running export (its file is not kept)
and closing the dialog only once the worker says so.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QVBoxLayout, QWidget

from app.i18n import _
from app.services import Clinic

from ..forms import hidden_progress_bar
from ..tasks import Running, explain_failure, tasks_for
from .csv_import import Progress, follow


class FileExportDialog(QDialog):
    """A subclass builds its form and calls `_lay_out`, names its fields (`fields`: disabled
    while the export runs), starts its work with `_begin` and says what was written in
    `_exported`."""

    #: The export is over: the service's result, or the exception that stopped it.
    export_over = Signal(object)

    def __init__(self, clinic: Clinic, parent: QWidget | None, *, title: str,
                 export_text: str, export_name: str):
        super().__init__(parent)
        self.clinic = clinic
        self.result_value = None
        self._task: Running | None = None
        self._stop = threading.Event()
        self.setWindowTitle(title)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.status = QLabel()
        self.status.setAccessibleName(_("Export status"))
        self.status.setWordWrap(True)
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 2)
        self.bar = hidden_progress_bar()
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(export_text,
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setAccessibleName(export_name)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel the export"))
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.reject)
        self.export_button.setDefault(True)
        self._progress = Progress()
        self._ticks = follow(self._progress, self.bar, self)

    def _lay_out(self, form: QLayout, order: list[QWidget]) -> None:
        """The form, the note, the status, the bar, the buttons; Tab through `order`, then
        Export and Cancel."""
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for widget in (self.note, self.status, self.bar):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        chain = [*order, self.export_button, self.cancel_button]
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

    @classmethod
    def ask(cls, parent: QWidget | None, clinic: Clinic) -> bool:
        """Show the dialog: True if a file was written."""
        dialog = cls(clinic, parent=parent)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return bool(accepted and dialog.result_value and not dialog.result_value.cancelled)
        finally:
            dialog.deleteLater()

    def fields(self) -> list[QWidget]:
        return []

    def start_export(self) -> None:
        raise NotImplementedError

    def _begin(self, path: Path, work: Callable[[Callable, Callable[[], bool]], Callable]
               ) -> None:
        """Run `work(progress, cancelled)` (a task for the runner) writing `path`."""
        stop, progress = threading.Event(), self._progress
        self._stop = stop
        self._task = tasks_for(self.clinic).run(work(progress.report, stop.is_set),
                                                self._finished, self._failed)
        self.setProperty("keepsLockAway", True)  # the idle lock waits for the export to end
        self._ticks.begin()
        self._editable(False)
        self.status.setText(_("Writing {file}…").format(file=path.name))
        self.cancel_button.setFocus()

    @Slot(object)
    def _finished(self, result) -> None:
        self._over()
        self.result_value = result
        self.export_over.emit(result)
        if result.cancelled:
            super().reject()
            return
        self._exported(result)
        self.accept()

    def _exported(self, result) -> None:
        raise NotImplementedError

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        self._over()
        self.export_over.emit(error)
        self.status.setText(_("Nothing was written."))
        explain_failure(self, error, _("Not exported"))

    def _editable(self, on: bool) -> None:
        for widget in (self.export_button, *self.fields()):
            widget.setEnabled(on)

    def _over(self) -> None:
        self._task = None
        self._ticks.end()
        self.setProperty("keepsLockAway", False)
        self._editable(True)
        self.cancel_button.setEnabled(True)

    def reject(self) -> None:
        """Cancel: a running export stops at its next step and its file is removed; the
        dialog closes when the worker says so."""
        if self._task is not None:
            self._stop.set()
            self.cancel_button.setEnabled(False)
            self.status.setText(_("Stopping: the file will not be kept…"))
            return
        super().reject()
