"""Issue 15, item 4: the front desk sees up front that copying the whole clinic out is a
manager's (File › Backup Now…, and Copy This Clinic to the Server in File › Clinic
Database), and is offered a manager's PIN before anything opens; the approved copy then
runs on the worker with that approval, and nothing is copied without one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.services import connection as server
from app.services.backup import integrity_problems
from app.ui.dialogs.backups import BackupNow
from app.ui.dialogs.connection import ConnectionDialog
from app.ui.dialogs.manager_approval import ManagerApprovalDialog
from app.ui.main_window import MainWindow

from ui.helpers import click
from ui.dialogs.test_connection_dialog import fill

pytestmark = pytest.mark.sqlite_only(reason="a backup and a move start from a clinic file")


@pytest.fixture
def window(qtbot, clinic, desk):
    w = MainWindow(clinic)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def chooser(monkeypatch, tmp_path):
    """The Save dialog of Backup Now, answering a file on a USB stick; what it was asked."""
    asked = []
    monkeypatch.setattr(BackupNow, "choose_file", staticmethod(
        lambda parent, suggested: asked.append(suggested) or str(tmp_path / "usb" / "harbour")))
    return asked


def approving(qtbot, pin: str | None, seen: list[str]):
    """The approval dialog's answer: a PIN typed and Approve, or (None) Cancel."""
    def act(d: ManagerApprovalDialog) -> None:
        seen.append(d.intro.text())
        if pin is None:
            d.reject()
            return
        qtbot.keyClicks(d.secret, pin)
        click(qtbot, d.ok_button)
        if d.isVisible():
            d.reject()
    return act


def test_front_desk_sees_backup_now_is_a_managers(window, clinic, desk):
    assert window.backup_action.text() == "&Backup Now… (manager)"
    assert window.backup_action.toolTip() == "Needs a manager's PIN"
    clinic.auth.sign_in(desk["ana"], "2468")
    window.show_signed_in()
    assert window.backup_action.text() == "&Backup Now…"


def test_front_desk_is_asked_a_managers_pin_before_choosing_where(qtbot, window, clinic,
                                                                  chooser, drive, shown,
                                                                  tmp_path):
    seen = []
    drive(ManagerApprovalDialog, approving(qtbot, "2468", seen))
    window.backup_action.trigger()
    assert seen == ["Only a manager can back up the clinic to a folder of your choice. A "
                    "manager can approve it now with their PIN; then the form opens."]
    assert chooser == ["clinic-backup-20260302-0900.db"]  # only once approved
    written = tmp_path / "usb" / "harbour.db"
    # The copy ran on the worker with Ana's approval, and only that copy.
    assert shown.boxes[-1][0] == "Backed up" and str(written) in shown.last
    assert integrity_problems(written) == []
    assert clinic.auth.approval_in_force() is None


@pytest.mark.parametrize("pin", [None, "0000"], ids=["cancelled", "wrong-pin"])
def test_without_a_managers_yes_nothing_is_asked_or_copied(qtbot, window, clinic, chooser,
                                                           drive, shown, tmp_path, pin):
    seen = []
    drive(ManagerApprovalDialog, approving(qtbot, pin, seen))
    window.backup_action.trigger()
    assert len(seen) == 1 and chooser == []
    assert not (tmp_path / "usb").exists()
    assert "Backed up" not in [title for title, _text in shown.boxes]


def test_a_manager_backs_up_with_no_pin_asked(qtbot, window, clinic, desk, chooser, drive,
                                              shown, tmp_path):
    clinic.auth.sign_in(desk["ana"], "2468")
    window.show_signed_in()
    seen = []
    drive(ManagerApprovalDialog, approving(qtbot, "2468", seen))
    window.backup_action.trigger()
    assert seen == [] and shown.boxes[-1][0] == "Backed up"
    assert integrity_problems(tmp_path / "usb" / "harbour.db") == []


@pytest.fixture
def empty_server(monkeypatch, tmp_path):
    """An empty database as Test Connection finds it: a new SQLite file stands in for the
    server, so the real copy runs (on the worker) into something we can look at."""
    target = tmp_path / "server.db"
    url = f"sqlite:///{target}"
    monkeypatch.setattr(server, "check_server", lambda address, seconds=server.CONNECT_SECONDS:
                        server.ServerCheck(url, url, server.EMPTY, "16.4", ""))
    return target


def connection_dialog(qtbot, clinic) -> ConnectionDialog:
    d = ConnectionDialog(clinic)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    fill(qtbot, d)  # (whatever is typed, the stand-in answers)
    click(qtbot, d.test_button)
    qtbot.waitUntil(d.copy_button.isEnabled, timeout=5000)
    return d


def test_front_desk_sees_the_copy_to_a_server_is_a_managers(qtbot, clinic, desk,
                                                            empty_server, shown):
    d = connection_dialog(qtbot, clinic)
    assert d.copy_button.text() == "&Copy This Clinic to the Server… (manager)"
    assert d.copy_button.toolTip().endswith("Managers only.\nNeeds a manager's PIN")


def test_an_approved_copy_to_a_server_runs_on_the_worker(qtbot, clinic, desk, empty_server,
                                                         drive, shown):
    seen = []
    drive(ManagerApprovalDialog, approving(qtbot, "2468", seen))
    shown.answer = shown.answer.Yes
    d = connection_dialog(qtbot, clinic)
    click(qtbot, d.copy_button)
    assert seen == ["Only a manager can copy the clinic to a server. A manager can approve "
                    "it now with their PIN; then the form opens."]
    qtbot.waitUntil(lambda: "Copied and checked" in d.finding.text(), timeout=20000)
    engine = sa.create_engine(f"sqlite:///{empty_server}")
    try:
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM patients")) == 1
    finally:
        engine.dispose()


def test_a_cancelled_approval_copies_nothing_to_the_server(qtbot, clinic, desk, empty_server,
                                                           drive, shown):
    seen = []
    drive(ManagerApprovalDialog, approving(qtbot, None, seen))
    shown.answer = shown.answer.Yes
    d = connection_dialog(qtbot, clinic)
    click(qtbot, d.copy_button)
    assert len(seen) == 1 and d.task is None
    assert shown.boxes == []  # not even the "Copy this clinic?" question
    assert not empty_server.exists()
