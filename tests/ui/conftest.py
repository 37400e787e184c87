"""UI tests: no modal box ever blocks; every message shown is recorded instead."""

from __future__ import annotations

import sys
import time
import traceback
from dataclasses import dataclass, field

import pytest

from app.ui import msgbox


@dataclass
class Shown:
    """The message boxes a test caused, and the answer each one gets."""

    boxes: list[tuple[str, str]] = field(default_factory=list)
    answer: msgbox.Button = msgbox.Button.Ok

    @property
    def texts(self) -> list[str]:
        return [text for _title, text in self.boxes]

    @property
    def last(self) -> str:
        assert self.boxes, "no message was shown"
        return self.boxes[-1][1]


@pytest.fixture(autouse=True)
def garbage_collected_between_events(qapp):
    """As in the program (app/ui/gc_guard.py): Python's cycle collector runs on the GUI
    thread between events, never from inside one; and after each test, a safe point too."""
    from app.ui import gc_guard

    collector = gc_guard.install(qapp)
    yield
    collector.collect_due()
    collector.stop()  # the service tests after the UI ones collect as Python does


# How long a modal box or dialog may wait for an answer before the watchdog closes it. A test
# answers its dialogs at once (`drive`, `shown`, a QTimer); only one the test never expected
# waits, and offscreen nobody would ever answer it.
MODAL_PATIENCE_S = 20


def _describe(widget) -> str:
    from PySide6.QtWidgets import QLabel, QMessageBox, QPlainTextEdit, QTextEdit

    parts = [type(widget).__name__, repr(widget.windowTitle())]
    if isinstance(widget, QMessageBox):
        parts += [repr(widget.text()), widget.detailedText()]
    else:
        parts += [repr(label.text()) for label in widget.findChildren(QLabel) if label.text()][:6]
        # a crash report's details: the exception that opened it
        parts += [edit.toPlainText() for kind in (QPlainTextEdit, QTextEdit)
                  for edit in widget.findChildren(kind)]
    return " ".join(part for part in parts if part)


@pytest.fixture(autouse=True)
def no_modal_waits_for_ever(qapp):
    """A modal nobody answers is named, closed and fails its test, instead of hanging the pass
    (and CI with it) with nothing printed. Its own timer runs inside the modal's event loop."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    opened: dict[int, float] = {}
    stuck: list[str] = []

    def look():
        modal = QApplication.activeModalWidget()
        if modal is None:
            opened.clear()
            return
        since = opened.setdefault(id(modal), time.monotonic())
        if time.monotonic() - since < MODAL_PATIENCE_S:
            return
        said = _describe(modal)
        stuck.append(said)
        # where it was opened: this timer runs inside the modal's own event loop
        where = "".join(traceback.format_stack()[:-1])
        print(f"\nwatchdog: closing a modal open for {MODAL_PATIENCE_S} s: {said}\n"
              f"opened here:\n{where}", file=sys.__stderr__, flush=True)
        opened.pop(id(modal), None)
        if isinstance(modal, QDialog):
            modal.reject()
        else:
            modal.close()

    timer = QTimer()
    timer.setInterval(1000)
    timer.timeout.connect(look)
    timer.start()
    yield
    timer.stop()
    if stuck:
        pytest.fail("a modal waited for an answer nobody gave: " + "; ".join(stuck))


@pytest.fixture(autouse=True)
def no_bug_report_unseen(monkeypatch):
    """A bug report the test did not ask for fails it, with the traceback, instead of opening
    the modal report (which offscreen nobody closes: a test running main() then waited in
    app.exec() for ever, the report being the last window open). Tests of the report
    replace `ask` themselves."""
    from app.ui.dialogs.bug_report import BugReportDialog

    reports: list[str] = []

    def ask(cls, parent, details: str) -> bool:
        reports.append(details)
        return True  # "keep working", as a receptionist would after reporting it

    monkeypatch.setattr(BugReportDialog, "ask", classmethod(ask))
    yield reports
    if reports:
        pytest.fail("ClinicDesk would have asked for a bug report:\n" + "\n".join(reports))


@pytest.fixture(autouse=True)
def no_window_left_shown(qapp):
    """After each test, no window of it stays shown (qtbot closes those it was given; this the
    rest): a window left shown would keep the next test's app.exec() from ending when its
    desk closes, and a modal one would block the next test's clicks."""
    from PySide6.QtWidgets import QApplication

    yield
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.hide()


@pytest.fixture(autouse=True)
def desk_settings_of_the_test(tmp_path):
    """This computer's own settings (QSettings: idle lock, window, the desk's database) in a
    folder of the test's own: no test reads or writes the real desk's."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "desk-settings"))
    yield
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "desk-settings-after"))


@pytest.fixture
def shown(monkeypatch) -> Shown:
    record = Shown()

    def fake_show(parent, title, text, **_kwargs):
        record.boxes.append((title, text))
        return record.answer

    monkeypatch.setattr(msgbox, "show", fake_show)
    return record


@pytest.fixture
def drive(monkeypatch, qtbot):
    """Replace a dialog class's modal `exec` with `action(dialog)`, run on the shown dialog.

    `exec` then answers as Qt would: Accepted only if the action got the dialog accepted.
    Returns the list of those answers, one per dialog opened.
    """
    def install(dialog_class, action):
        answers = []

        def fake_exec(self):
            if self.parent() is None:
                qtbot.addWidget(self)
            self.show()
            action(self)
            answers.append(self.result())
            return self.result()

        monkeypatch.setattr(dialog_class, "exec", fake_exec)
        return answers

    return install
