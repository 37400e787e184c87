"""After the window is up: PRAGMA integrity_check and the daily backup, on the desk's worker.

On a large clinic file the full check takes seconds and the backup copies the whole file, so
neither may hold the window (a file that cannot even open is caught before, at start). The
results come back on the GUI thread (app/ui/tasks.py); damage found is explained with the way
back: a manager restores the newest sound backup from File > Restore from Backup.
"""

from __future__ import annotations

from app.i18n import _
from app.services.backup import integrity_problems, newest_backup

from . import msgbox
from .tasks import Running, tasks_for


def _checks(clinic) -> tuple[list, str, str | None]:
    """On the worker: no widgets here. The problems found, what to do about them, and why
    today's backup could not be written (None when it was, or was not due)."""
    path = clinic.path
    problems = integrity_problems(path)
    if problems:
        backup = newest_backup(path)
        advice = (_("A manager can go back to the newest sound backup ({file}) with "
                    "File › Restore from Backup.").format(file=backup.name) if backup else
                  _("There is no sound backup of it; keep working only if you must, make "
                    "a copy with File › Backup Now, and contact support."))
        return problems, advice, None
    try:
        clinic.backup.daily_if_due()
    except OSError as error:
        return problems, "", str(error)
    return problems, "", None


def start(window, clinic) -> Running | None:
    """Run the checks for `window`'s clinic on the desk's worker; returns the running job."""
    if clinic.path is None:
        return None

    def report(outcome: tuple[list, str, str | None]) -> None:
        problems, advice, backup_failed = outcome
        if problems:
            msgbox.show(window, _("The clinic file is damaged"),
                        _("ClinicDesk's check of the clinic file found damage: {problem}"
                          "\n\n{advice}").format(problem=problems[0], advice=advice),
                        icon=msgbox.Icon.Critical)
        elif backup_failed is not None:
            msgbox.show(window, _("Backup not made"),
                        _("Today's automatic backup could not be written ({error}). Your work "
                          "is saved; check the disk.").format(error=backup_failed),
                        icon=msgbox.Icon.Warning)

    return tasks_for(clinic).run(_checks, report, parent=window)
