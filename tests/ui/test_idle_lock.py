"""Issue 7: the desk locks when idle or on File › Lock; anyone may sign in to continue."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

from app.ui import idle_lock
from app.ui.dialogs.backups import BackupsDialog
from app.ui.dialogs.first_manager import FirstManagerDialog
from app.ui.dialogs.sign_in import SignInDialog
from app.ui.idle_lock import LockCover
from app.ui.main_window import MainWindow

from ui.helpers import click


@pytest.fixture
def staffed(clinic, catalog):
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.set_secret(catalog["desk"], "1111")
    return catalog


@pytest.fixture
def desk_settings(tmp_path):
    """This computer's settings in a folder of the test's own."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "config"))
    yield idle_lock.desk_settings()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "elsewhere"))


@pytest.fixture
def window(qtbot, clinic, staffed, desk_settings):
    """The desk with Chloe (front desk) signed in."""
    clinic.auth.sign_in(staffed["desk"], "1111")
    w = MainWindow(clinic)
    qtbot.addWidget(w)
    w.show()
    w.show_signed_in()
    return w


def covers() -> list[LockCover]:
    from PySide6.QtWidgets import QApplication
    return [w for top in QApplication.topLevelWidgets() for w in top.findChildren(LockCover)
            if w.isVisible()]


def sign_in_as(qtbot, name: str, pin: str, seen: list | None = None):
    """What the person who comes to the locked desk does."""
    def act(dialog: SignInDialog) -> None:
        if seen is not None:
            seen.append((dialog.locked, dialog.windowTitle(), [c.parentWidget() for c in
                                                               covers()]))
        dialog.staff.setCurrentIndex(dialog.staff.findText(name, Qt.MatchFlag.MatchStartsWith))
        qtbot.keyClicks(dialog.secret, pin)
        click(qtbot, dialog.ok_button)
    return act


# how long idle is ------------------------------------------------------------------------------

def test_idle_minutes_default_and_setting(desk_settings):
    assert idle_lock.idle_minutes() == 5
    desk_settings.setValue(idle_lock.SETTINGS_KEY, 12)
    assert idle_lock.idle_minutes() == 12
    desk_settings.setValue(idle_lock.SETTINGS_KEY, 0)
    assert idle_lock.idle_minutes() == 0
    for nonsense in ("soon", "-3", "99999", ""):
        desk_settings.setValue(idle_lock.SETTINGS_KEY, nonsense)
        assert idle_lock.idle_minutes() == 5, "a bad value never turns the lock off"


def test_the_window_reads_the_setting(qtbot, clinic, staffed, desk_settings):
    desk_settings.setValue(idle_lock.SETTINGS_KEY, 7)
    clinic.auth.sign_in(staffed["desk"], "1111")
    w = MainWindow(clinic)
    qtbot.addWidget(w)
    assert w.idle_lock.minutes == 7 and w.idle_lock.timer.interval() == 7 * 60_000
    assert w.idle_lock.timer.isActive()


def test_zero_minutes_never_locks(window):
    window.idle_lock.set_minutes(0)
    assert not window.idle_lock.timer.isActive()


def test_no_idle_lock_while_no_one_is_signed_in(qtbot, clinic, staffed, desk_settings):
    w = MainWindow(clinic)
    qtbot.addWidget(w)
    assert not w.idle_lock.timer.isActive()
    assert w.lock() is True and not covers(), "File › Lock does nothing: no one to sign back in"


# locking when idle -----------------------------------------------------------------------------

def test_idle_desk_locks_covers_everything_and_anyone_signs_in(qtbot, window, clinic, staffed,
                                                               drive, shown):
    seen = []
    answers = drive(SignInDialog, sign_in_as(qtbot, "Ana Silva", "2468", seen))
    window.idle_lock.timer.setInterval(30)
    window.idle_lock.rearm()
    qtbot.waitUntil(lambda: answers == [QDialog.DialogCode.Accepted], timeout=3000)

    locked, title, covered = seen[0]
    assert locked and title == "ClinicDesk is locked"
    assert covered == [window], "the desk was hidden while it waited"
    assert not covers(), "and uncovered after"
    assert clinic.auth.current().id == staffed["ana"]
    assert window.signed_in_label.text() == "Signed in: Ana Silva (manager)"
    assert window.idle_lock.timer.isActive(), "counting idle time again"
    with clinic.db.read() as s:
        from sqlalchemy import select

        from app.models import AuditEntry
        trail = s.execute(select(AuditEntry.action, AuditEntry.staff_id)
                          .order_by(AuditEntry.id.desc()).limit(2)).all()
    assert trail[::-1] == [("staff.sign_out", staffed["desk"]),
                           ("staff.sign_in", staffed["ana"])]


def test_activity_restarts_the_idle_count(qtbot, window):
    timer = window.idle_lock.timer
    timer.setInterval(60_000)
    timer.start()
    qtbot.waitUntil(lambda: timer.remainingTime() < 59_990, timeout=2000)
    left = timer.remainingTime()
    qtbot.keyClick(window.tabs, Qt.Key.Key_Right)
    assert timer.remainingTime() > left
    qtbot.waitUntil(lambda: timer.remainingTime() < 59_990, timeout=2000)
    left = timer.remainingTime()
    qtbot.mouseMove(window.tabs, window.tabs.rect().center())
    qtbot.mouseClick(window.tabs.tabBar(), Qt.MouseButton.LeftButton)
    assert timer.remainingTime() > left


def test_the_idle_lock_waits_while_a_backup_runs(qtbot, window, drive):
    from app.ui.dialogs.backups import BusyDialog
    busy = BusyDialog("Backing up", "Copying…", window)
    busy.show()
    drive(SignInDialog, lambda d: pytest.fail("locked mid-backup"))
    window.idle_lock.timer.setInterval(20)
    window.idle_lock.rearm()
    for _ in range(2):
        qtbot.waitSignal(window.idle_lock.timer.timeout, timeout=2000).wait()
    assert not window.idle_lock.locked and window.idle_lock.timer.isActive()
    # At 20 ms the lock would fire as soon as the backup ends, after this test's checks.
    window.idle_lock.timer.stop()
    busy.job_done(None)


# File › Lock -----------------------------------------------------------------------------------

def test_ctrl_l_locks_at_once(qtbot, window, clinic, staffed, drive):
    answers = drive(SignInDialog, sign_in_as(qtbot, "Chloe", "1111"))
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert answers == [QDialog.DialogCode.Accepted]
    assert clinic.auth.current().id == staffed["desk"]


def test_wrong_pin_at_the_lock_keeps_it_locked(qtbot, window, clinic, staffed, drive, shown):
    states = []

    def wrong_then_right(dialog: SignInDialog) -> None:
        dialog.staff.setCurrentIndex(dialog.staff.findText("Ana", Qt.MatchFlag.MatchStartsWith))
        qtbot.keyClicks(dialog.secret, "9999")
        click(qtbot, dialog.ok_button)
        states.append((shown.last, dialog.isVisible(), bool(covers()),
                       clinic.auth.current()))
        qtbot.keyClicks(dialog.secret, "2468")
        click(qtbot, dialog.ok_button)

    drive(SignInDialog, wrong_then_right)
    window.lock_action.trigger()
    assert states == [("That name and PIN do not match. Try again.", True, True, None)]
    assert clinic.auth.current().id == staffed["ana"]


def test_escape_at_the_lock_does_not_unlock_or_quit(qtbot, window, clinic, staffed, drive):
    def escape_then_sign_in(dialog: SignInDialog) -> None:
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert dialog.isVisible() and covers()
        sign_in_as(qtbot, "Chloe", "1111")(dialog)

    answers = drive(SignInDialog, escape_then_sign_in)
    window.lock_action.trigger()
    assert answers == [QDialog.DialogCode.Accepted] and window.isVisible()


def test_quit_at_the_lock_closes_the_desk(qtbot, window, clinic, drive):
    drive(SignInDialog, lambda dialog: click(qtbot, dialog.quit_button))
    assert window.lock() is False
    assert not window.isVisible()
    assert clinic.auth.current() is None


def test_an_open_dialog_is_covered_too(qtbot, window, clinic, staffed, drive):
    from app.ui.dialogs.bug_report import BugReportDialog
    other = BugReportDialog("details that must not show", window)
    other.show()
    seen = []
    drive(SignInDialog, sign_in_as(qtbot, "Chloe", "1111", seen))
    window.lock_action.trigger()
    assert set(seen[0][2]) == {window, other}
    assert other.isVisible(), "the same person came back: their work is still there"


def test_manager_only_windows_close_when_someone_else_signs_in(qtbot, window, clinic, staffed,
                                                               drive, shown):
    clinic.auth.sign_in(staffed["ana"], "2468")
    backups = BackupsDialog(clinic, parent=window)
    backups.show()
    drive(SignInDialog, sign_in_as(qtbot, "Chloe", "1111"))
    window.lock_action.trigger()
    assert not backups.isVisible()


def test_manager_only_windows_stay_when_the_same_manager_comes_back(qtbot, window, clinic,
                                                                    staffed, drive, shown):
    clinic.auth.sign_in(staffed["ana"], "2468")
    backups = BackupsDialog(clinic, parent=window)
    backups.show()
    drive(SignInDialog, sign_in_as(qtbot, "Ana", "2468"))
    window.lock_action.trigger()
    assert backups.isVisible()
    backups.close()


def test_with_no_manager_left_the_lock_asks_for_one(qtbot, window, clinic, staffed, drive,
                                                    shown):
    # The only manager left the clinic. The staff service refuses to deactivate the last
    # manager, so this state can only come from an older file; make it directly.
    from app.models import Staff
    with clinic.db.write() as s:
        s.get(Staff, staffed["ana"]).active = False

    def create(dialog: FirstManagerDialog) -> None:
        qtbot.keyClicks(dialog.name, "Dana Price")
        qtbot.keyClicks(dialog.secret, "9753")
        qtbot.keyClicks(dialog.confirmation, "9753")
        click(qtbot, dialog.ok_button)

    drive(SignInDialog, lambda d: pytest.fail("sign-in asked"))
    drive(FirstManagerDialog, create)
    window.lock_action.trigger()
    assert clinic.auth.current().name == "Dana Price"
