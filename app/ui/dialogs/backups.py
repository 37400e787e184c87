"""File › Backup Now… and File › Restore from Backup… (issue 7).

The copy and the restore run on the desk's worker (app/ui/tasks.py: slow work never blocks
the event loop) while a small busy window keeps the desk from starting anything else; the
result, or the refusal, comes back to the GUI thread and is shown there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QProgressBar,
                               QPushButton, QVBoxLayout, QWidget)

from app import i18n
from app.i18n import N_, _
from app.services import Clinic
from app.services import clinic_key
from app.services.backup import BackupFile
from app.services.clinic_key import KeyNeeded
from app.services.errors import ClinicError

from .. import file_chooser, msgbox
from .. import tasks  # the one worker (ARCHITECTURE 4)
from .manager_approval import carried
from ..models.base import RowsModel
from ..tables import make_table, selected_row

class BusyDialog(QDialog):
    """'Working…' with a moving bar, until the job reports back. It cannot be closed."""

    #: The job finished (its result) or failed (the exception): for tests and callers.
    finished_job = Signal(object)

    def __init__(self, title: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(360)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.setProperty("keepsLockAway", True)  # the idle lock waits for the job to end
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # nothing to count: just "working"
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.result_value: object = None
        self.error: BaseException | None = None
        self._over = False

    @Slot(object)
    def job_done(self, result: object) -> None:
        self.result_value, self._over = result, True
        self.finished_job.emit(result)
        self.accept()

    @Slot(object)
    def job_failed(self, error: BaseException) -> None:
        self.error, self._over = error, True
        self.finished_job.emit(error)
        self.accept()

    def reject(self) -> None:
        if self._over:  # Escape mid-job would only hide the bar, not stop the work
            super().reject()


def run_busy(parent: QWidget | None, clinic: Clinic, title: str, text: str,
             job: Callable[[Clinic], object], *, write: bool = False):
    """Run `job(clinic)` on the worker while a busy window shows; return its result or raise
    its exception here, on the GUI thread."""
    busy = BusyDialog(title, text, parent)
    try:
        tasks.tasks_for(clinic).run(job, busy.job_done, busy.job_failed, write=write)
        busy.exec()
        if busy.error is not None:
            raise busy.error
        return busy.result_value
    finally:
        busy.deleteLater()


def explain_failure(parent: QWidget | None, error: Exception, what: str) -> bool:
    """Show a refusal or a disk problem calmly (app/ui/tasks.py's one wording); False for
    anything else (a bug to report).

    `what` names what was not done, already in the desk's language: _("Backup") gives the
    title "Backup not done"."""
    if isinstance(error, (ClinicError, OSError)):
        tasks.explain_failure(parent, error, _("{what} not done").format(what=what))
        return True
    return False


# Backup Now ---------------------------------------------------------------------------------

def choose_backup_file(parent: QWidget | None, suggested: str) -> str | None:
    return file_chooser.save_file(parent, _("Back up the clinic to"), suggested,
                                  _("Clinic backups (*.db)"))


class NotRestored(Exception):
    """The restore was left when its recovery key was asked for: nothing was changed."""


def _opens(source: Path, typed: str) -> str:
    """The typed recovery key, if it opens the backup (WrongKey or ValidationError if not)."""
    clinic_key.unlock(source, typed, keep=False)
    return typed


def choose_restore_file(parent: QWidget | None) -> str | None:
    return file_chooser.open_file(parent, _("Restore the clinic from"),
                                  _("Clinic backups (*.db)") + ";;" + _("All files (*)"))


class BackupNow:
    """File › Backup Now…: choose where, copy on the worker, say where it went. A copy out of
    the clinic's backups folder is a manager's: the menu asks a manager's PIN first."""

    # Replaceable in tests: the file chooser.
    choose_file = staticmethod(choose_backup_file)

    @classmethod
    def run(cls, parent: QWidget | None, clinic: Clinic) -> Path | None:
        if clinic.path is None:
            suggested = "clinic-backup.db"
        else:
            suggested = f"{clinic.path.stem}-backup-{clinic.now():%Y%m%d-%H%M}.db"
        chosen = cls.choose_file(parent, suggested)
        if not chosen:
            return None
        destination = Path(chosen)
        if not destination.suffix:
            destination = destination.with_suffix(".db")
        try:
            written = run_busy(parent, clinic, _("Backing up"), _("Copying the clinic's data…"),
                               carried(clinic, lambda on: on.backup.create(destination)))
        except Exception as error:  # noqa: BLE001 - sorted just below
            if explain_failure(parent, error, _("Backup")):
                return None
            raise
        msgbox.information(parent, _("Backed up"),
                           _("The clinic's data was copied to\n{path}\n\nKeep it somewhere "
                             "other than this computer, too: it holds patient information, "
                             "so keep it private.").format(path=written))
        return written


# Restore ------------------------------------------------------------------------------------

KINDS = {"daily": N_("Daily (automatic)"), "close": N_("On closing (automatic)"),
         "manual": N_("Backup Now"), "before-restore": N_("Before a restore")}


def _kind(backup: BackupFile) -> str:
    stem = backup.path.stem
    for code, label in KINDS.items():
        if stem.endswith(f"-{code}"):
            return _(label)
    return _("Other")


def _size(size: int) -> str:
    from babel.numbers import format_decimal

    locale = "fr_CA" if i18n.language() == i18n.FRENCH else "en_CA"
    if size < 1024 * 1024:
        return _("{size} KB").format(size=format_decimal(max(1, round(size / 1024)),
                                                          locale=locale))
    return _("{size} MB").format(size=format_decimal(round(size / (1024 * 1024), 1),
                                                      format="#,##0.0", locale=locale))


class BackupsModel(RowsModel):
    TAKEN, KIND, SIZE, FILE = range(4)
    COLUMNS = (N_("Taken"), N_("Kind"), N_("Size"), N_("File"))
    RIGHT = frozenset({SIZE})

    def display(self, b: BackupFile, column: int) -> str:
        if column == self.TAKEN:
            return f"{b.taken_at:%Y-%m-%d %H:%M}"
        if column == self.KIND:
            return _kind(b)
        if column == self.SIZE:
            return _size(b.size)
        return b.path.name

    def sort_key(self, b: BackupFile, column: int):
        if column == self.TAKEN:
            return b.taken_at.timestamp()
        if column == self.SIZE:
            return b.size
        return super().sort_key(b, column)


class BackupsDialog(QDialog):
    """Restore from Backup…: the clinic's backups, newest first, or any file chosen.

    `ask(parent, clinic)` returns the safety copy's path when a restore was done, else None.
    The caller asks the auth service first: only a manager restores.
    """

    # Replaceable in tests: the file chooser.
    choose_file = staticmethod(choose_restore_file)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("managerOnly", True)  # closed if someone else signs in at the lock
        self.clinic = clinic
        self.safety: Path | None = None
        self.setWindowTitle(_("Restore from Backup"))
        self.resize(720, 440)
        intro = QLabel(_("Restoring replaces all of the clinic's data with the backup's. "
                         "Everything entered after the backup was taken will be gone from the "
                         "desk; the data it replaces is first saved as a safety copy, so "
                         "nothing is lost for good."))
        intro.setWordWrap(True)
        self.model = BackupsModel(self)
        self.table = make_table(self.model, self, stretch=BackupsModel.FILE, sortable=False)
        self.table.setAccessibleName(_("Backups"))
        self.table.doubleClicked.connect(self.restore_selected)
        self.empty = QLabel(_("There are no backups in the clinic's backup folder yet. "
                              "Choose a backup file instead."))
        self.empty.setObjectName("note")
        self.empty.setWordWrap(True)
        self.folder = QLabel()
        self.folder.setObjectName("note")
        self.folder.setWordWrap(True)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton(_("&Restore…"))
        self.restore_button.setDefault(True)
        self.choose_button = QPushButton(_("&Choose file…"))
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.choose_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.clicked.connect(self.restore_selected)
        self.choose_button.clicked.connect(self.restore_chosen)
        self.buttons.rejected.connect(self.reject)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.folder)
        layout.addWidget(self.buttons)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        for first, second in ((self.table, self.restore_button),
                              (self.restore_button, self.choose_button),
                              (self.choose_button, close)):
            QWidget.setTabOrder(first, second)
        self.refresh()

    @classmethod
    def ask(cls, parent: QWidget | None, clinic: Clinic) -> Path | None:
        dialog = cls(clinic, parent=parent)
        try:
            dialog.exec()
            return dialog.safety
        finally:
            dialog.deleteLater()

    def refresh(self) -> None:
        try:
            backups = self.clinic.backup.list()
            folder = _("Backup folder: {folder}").format(folder=self.clinic.backup.folder)
        except ClinicError as error:  # a clinic on a server keeps no backup folder
            backups, folder = [], str(error)
        self.model.set_rows(backups)
        self.empty.setVisible(not backups)
        self.folder.setText(folder)
        if backups:
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(selected_row(self.table) is not None)

    def restore_selected(self) -> None:
        chosen = selected_row(self.table)
        if chosen is not None:
            self.restore(chosen.path, _("the backup taken {when}").format(
                when=f"{chosen.taken_at:%Y-%m-%d %H:%M}"))

    def restore_chosen(self) -> None:
        path = self.choose_file(self)
        if path:
            self.restore(Path(path), Path(path).name)

    def _restore(self, source: Path, recovery_key: str | None = None):
        try:
            return run_busy(self, self.clinic, _("Restoring"), _("Restoring the clinic's data…"),
                            lambda clinic: clinic.backup.restore(source, recovery_key),
                            write=True)
        except KeyNeeded as needed:
            # A backup from another clinic or computer (issue 23): its recovery key, checked
            # against the backup before anything is replaced.
            from .recovery_key import RecoveryKeyDialog

            typed = RecoveryKeyDialog.ask(self, str(needed), lambda text: _opens(source, text))
            if typed is None:
                raise NotRestored() from None
            return self._restore(source, typed)

    def restore(self, source: Path, described: str) -> bool:
        if not msgbox.confirm(self, _("Restore from backup?"),
                              _("Replace all of the clinic's data with {backup}?\n\nWork "
                                "entered since then will no longer be on the desk. The current "
                                "data is saved as a safety copy first.").format(backup=described)):
            return False
        try:
            safety = self._restore(source)
        except Exception as error:  # noqa: BLE001 - sorted just below
            if isinstance(error, NotRestored):
                return False
            if explain_failure(self, error, _("Restore")):
                self.refresh()
                return False
            raise
        self.safety = safety
        msgbox.information(self, _("Restored"),
                           _("The clinic's data was restored from {backup}.\n\nThe data it "
                             "replaced is kept in\n{path}").format(backup=described,
                                                                   path=safety))
        self.accept()
        return True
