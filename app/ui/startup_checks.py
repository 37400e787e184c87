"""After the window is up: PRAGMA integrity_check and the daily backup, on a worker thread.

On a large clinic file the full check takes seconds and the backup copies the whole file, so
neither may hold the window (a file that cannot even open is caught before, at start). The
results come back by signal; damage found is explained with the way back: a manager restores
the newest sound backup from File > Restore from Backup.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.i18n import _
from app.services.backup import integrity_problems, newest_backup

from . import msgbox


class _Relay(QObject):
    checked = Signal(list, str)  # problems, what to do about them
    backup_failed = Signal(str)


class _Checks(QRunnable):
    def __init__(self, clinic, relay: _Relay):
        super().__init__()
        self.clinic, self.relay = clinic, relay

    def run(self) -> None:  # on the worker: no widgets here
        path = self.clinic.path
        problems = integrity_problems(path)
        advice = ""
        if problems:
            backup = newest_backup(path)
            advice = (_("A manager can go back to the newest sound backup ({file}) with "
                        "File › Restore from Backup.").format(file=backup.name) if backup else
                      _("There is no sound backup of it; keep working only if you must, make "
                        "a copy with File › Backup Now, and contact support."))
        self.relay.checked.emit(problems, advice)
        if not problems:
            try:
                self.clinic.backup.daily_if_due()
            except OSError as error:
                self.relay.backup_failed.emit(str(error))


def start(window, clinic) -> _Relay | None:
    """Run the checks for `window`'s clinic; returns the relay (tests wait on its signals)."""
    if clinic.path is None:
        return None
    relay = _Relay(window)

    def report(problems: list, advice: str) -> None:
        if problems:
            msgbox.show(window, _("The clinic file is damaged"),
                        _("ClinicDesk's check of the clinic file found damage: {problem}"
                          "\n\n{advice}").format(problem=problems[0], advice=advice),
                        icon=msgbox.Icon.Critical)

    def backup_failed(error: str) -> None:
        msgbox.show(window, _("Backup not made"),
                    _("Today's automatic backup could not be written ({error}). Your work is "
                      "saved; check the disk.").format(error=error), icon=msgbox.Icon.Warning)

    relay.checked.connect(report)
    relay.backup_failed.connect(backup_failed)
    QThreadPool.globalInstance().start(_Checks(clinic, relay))
    return relay
