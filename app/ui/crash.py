"""The global excepthook: refusals are shown, the environment is explained, bugs reported.

A slot that lets an exception escape would otherwise kill the program mid-sale (after
qutebrowser's KnownError/BugError split and vorta's excepthook).
"""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication

from app.i18n import _
from app.services.errors import ClinicError

from . import msgbox
from .dialogs.bug_report import BugReportDialog

_reporting = False


def is_environment_error(error: BaseException) -> bool:
    """The disk, the file or another program, not ClinicDesk: nothing to report."""
    if isinstance(error, OSError):
        return True
    from sqlalchemy.exc import OperationalError
    return isinstance(error, OperationalError)


def handle(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    global _reporting
    if issubclass(kind, KeyboardInterrupt):
        QApplication.exit(130)
        return
    details = "".join(traceback.format_exception(kind, error, tb))
    sys.stderr.write(details)
    if _reporting or QApplication.instance() is None:
        return  # a failure while reporting one must not loop
    _reporting = True
    try:
        parent = QApplication.activeWindow()
        if isinstance(error, ClinicError):
            msgbox.refusal(parent, error)
        elif is_environment_error(error):
            msgbox.show(parent, _("Could not reach the clinic file"),
                        _("ClinicDesk could not read or write the clinic's file just now "
                          "(it may be locked by another computer, or the disk may be full or "
                          "unplugged). What you were doing was not saved. Check the file's "
                          "location and try again."), icon=msgbox.Icon.Warning,
                        details=str(error))
        elif not BugReportDialog.ask(parent, details):
            QApplication.exit(1)
    finally:
        _reporting = False


def install() -> None:
    sys.excepthook = handle
