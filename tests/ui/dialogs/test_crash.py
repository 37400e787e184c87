"""The global excepthook: refusals shown, environment explained calmly, bugs reported."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QPushButton
from sqlalchemy.exc import OperationalError

from app.services.errors import NotAllowed
from app.ui import crash
from app.ui.dialogs.bug_report import BugReportDialog


def raised(error: BaseException):
    try:
        raise error
    except BaseException:
        return sys.exc_info()


def test_a_refusal_that_escaped_a_slot_is_shown_as_a_refusal(qapp, shown, capsys):
    crash.handle(*raised(NotAllowed("That package has expired.")))
    assert shown.boxes == [("Not saved", "That package has expired.")]


def test_a_locked_or_missing_file_is_explained_calmly(qapp, shown, monkeypatch, capsys):
    monkeypatch.setattr(BugReportDialog, "ask", classmethod(lambda *a: no_report()))
    crash.handle(*raised(OperationalError("BEGIN", {}, Exception("database is locked"))))
    crash.handle(*raised(OSError(28, "No space left on device")))
    assert [title for title, _ in shown.boxes] == ["Could not reach the clinic file"] * 2
    assert "was not saved" in shown.last


def test_a_bug_opens_the_report_with_the_traceback(qapp, shown, monkeypatch, capsys):
    reports = []
    monkeypatch.setattr(BugReportDialog, "ask",
                        classmethod(lambda cls, parent, details: reports.append(details) or True))
    crash.handle(*raised(ZeroDivisionError("division by zero")))
    assert len(reports) == 1 and "ZeroDivisionError: division by zero" in reports[0]
    assert "ZeroDivisionError" in capsys.readouterr().err, "also written where logs go"
    assert shown.boxes == []


def test_bug_report_buttons(qtbot):
    dialog = BugReportDialog("Traceback ...")
    qtbot.addWidget(dialog)
    dialog.show()
    [leave] = [b for b in dialog.findChildren(QPushButton) if b.text() == "Quit ClinicDesk"]
    leave.click()
    assert dialog.result() == BugReportDialog.QUIT


def test_install_sets_the_hook(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    crash.install()
    assert sys.excepthook is crash.handle


def no_report():
    raise AssertionError("no bug report for an environment error")
