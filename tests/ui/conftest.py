"""UI tests: no modal box ever blocks; every message shown is recorded instead."""

from __future__ import annotations

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
