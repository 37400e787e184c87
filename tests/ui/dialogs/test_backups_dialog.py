"""Issue 7: File › Backup Now… (on the worker, with a busy window) and File › Restore from
Backup… (manager only; the clinic's backups or any file; confirm; every tab refreshed)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QSettings

from app.models import AuditEntry
from app.services.backup import integrity_problems
from app.ui import msgbox
from app.ui.dialogs import backups
from app.ui.dialogs.backups import BackupNow, BackupsDialog, BackupsModel, BusyDialog
from app.ui.dialogs.sign_in import SignInDialog
from app.ui.main_window import MainWindow

from ui.helpers import cell_texts, click


@pytest.fixture
def staffed(clinic, catalog, tmp_path):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "config"))
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.set_secret(catalog["desk"], "1111")
    return catalog


@pytest.fixture
def window(qtbot, clinic, staffed):
    clinic.auth.sign_in(staffed["ana"], "2468")
    w = MainWindow(clinic)
    qtbot.addWidget(w)
    w.show()
    w.show_signed_in()
    return w


@pytest.fixture
def busy_seen(monkeypatch):
    """Every busy window shown while work ran on the worker, and its text."""
    seen = []
    original = BusyDialog.exec

    def exec_(self):
        seen.append(self.label.text())
        return original(self)

    monkeypatch.setattr(BusyDialog, "exec", exec_)
    return seen


def patient_names(clinic) -> list[str]:
    return sorted(f"{p.first_name} {p.last_name}" for p in clinic.patients.search(""))


def trail(clinic) -> list[tuple[str, str]]:
    with clinic.db.read() as s:
        return [tuple(r) for r in s.execute(sa.select(AuditEntry.action, AuditEntry.after)
                                            .order_by(AuditEntry.id))]


# Backup Now -----------------------------------------------------------------------------------

def test_backup_now_copies_on_the_worker_and_says_where(qtbot, window, clinic, tmp_path,
                                                        monkeypatch, shown, busy_seen):
    asked = []
    target = tmp_path / "usb" / "harbour"
    monkeypatch.setattr(BackupNow, "choose_file",
                        staticmethod(lambda parent, suggested: asked.append(suggested)
                                     or str(target)))
    window.backup_action.trigger()

    written = target.with_suffix(".db")
    assert asked == ["clinic-backup-20260302-0900.db"]
    assert busy_seen == ["Copying the clinic's data…"]
    assert shown.boxes[-1][0] == "Backed up" and str(written) in shown.last
    assert integrity_problems(written) == []
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_backup_now_cancelled_does_nothing(qtbot, window, monkeypatch, shown, busy_seen,
                                           tmp_path):
    monkeypatch.setattr(BackupNow, "choose_file", staticmethod(lambda parent, s: None))
    window.backup_action.trigger()
    assert shown.boxes == [] and busy_seen == []


def test_backup_onto_the_clinic_file_itself_is_refused(qtbot, window, clinic, monkeypatch,
                                                       shown):
    monkeypatch.setattr(BackupNow, "choose_file",
                        staticmethod(lambda parent, s: str(clinic.path)))
    before = clinic.path.read_bytes()
    window.backup_action.trigger()
    assert shown.boxes[-1] == ("Backup not done",
                               "A backup cannot overwrite the clinic file itself.")
    assert clinic.path.read_bytes() == before


def test_backup_to_a_place_that_cannot_be_written_is_explained(qtbot, window, tmp_path,
                                                               monkeypatch, shown):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(BackupNow, "choose_file",
                        staticmethod(lambda parent, s: str(blocker / "sub" / "b.db")))
    window.backup_action.trigger()
    # Issue 15, item 7: found before the copy starts, and said as the service's refusal.
    assert shown.boxes[-1] == ("Backup not done", f"\u201c{blocker}\u201d is a file, not a "
                                                  "folder. Choose a folder to put the backup in.")
    assert blocker.read_text() == "not a folder"


def test_a_bug_in_the_worker_reaches_the_bug_report(qtbot, window, clinic, monkeypatch, shown,
                                                    tmp_path):
    monkeypatch.setattr(BackupNow, "choose_file",
                        staticmethod(lambda parent, s: str(tmp_path / "b.db")))
    monkeypatch.setattr(type(clinic.backup), "create",
                        lambda self, destination=None, reason="manual": 1 / 0)
    with pytest.raises(ZeroDivisionError):
        BackupNow.run(window, clinic)
    assert shown.boxes == []


# Restore: who may -----------------------------------------------------------------------------

def test_front_desk_is_refused_before_any_list_opens(qtbot, window, clinic, staffed, shown,
                                                     drive):
    clinic.auth.sign_in(staffed["desk"], "1111")
    drive(BackupsDialog, lambda d: pytest.fail("the backups opened"))
    window.restore_action.trigger()
    assert shown.boxes[-1] == ("Not allowed", "Only a manager can restore a backup. Ask a "
                                              "manager to sign in and do it.")


def test_the_service_refuses_a_front_desk_restore_too(clinic, staffed):
    from app.services import NotAllowed
    saved = clinic.backup.create()
    clinic.auth.sign_in(staffed["desk"], "1111")
    with pytest.raises(NotAllowed, match="Only a manager can restore a backup"):
        clinic.backup.restore(saved)


# Restore: the list ----------------------------------------------------------------------------

def open_backups(qtbot, clinic) -> BackupsDialog:
    dialog = BackupsDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_list_shows_the_clinics_backups_newest_first(qtbot, clinic, staffed, clock):
    clinic.backup.daily_if_due()
    clock.advance(hours=2)
    clinic.backup.create()
    dialog = open_backups(qtbot, clinic)
    assert dialog.model.rowCount() == 2
    kinds = cell_texts(dialog.model, BackupsModel.KIND)
    assert kinds == ["Backup Now", "Daily (automatic)"]
    assert all(text.endswith("KB") for text in cell_texts(dialog.model, BackupsModel.SIZE))
    assert dialog.restore_button.isEnabled(), "the newest is chosen"
    assert str(clinic.backup.folder) in dialog.folder.text()
    assert not dialog.empty.isVisible()


def test_no_backups_yet_says_so(qtbot, clinic, staffed):
    dialog = open_backups(qtbot, clinic)
    assert dialog.model.rowCount() == 0
    assert dialog.empty.isVisible() and not dialog.restore_button.isEnabled()
    assert dialog.choose_button.isEnabled()


# Restore: doing it ----------------------------------------------------------------------------

def test_restore_brings_back_the_data_refreshes_and_asks_who_continues(
        qtbot, window, clinic, staffed, shown, drive, busy_seen):
    clinic.backup.create()
    clinic.patients.add("Late", "Addition")
    window.refresh_all()
    assert window.billing.model.rowCount() == 2
    shown.answer = msgbox.Button.Yes
    signed = []

    def restore_newest(dialog: BackupsDialog) -> None:
        click(qtbot, dialog.restore_button)

    def sign_in(dialog: SignInDialog) -> None:
        signed.append((dialog.locked, window.billing.model.rowCount()))
        qtbot.keyClicks(dialog.secret, "2468")
        click(qtbot, dialog.ok_button)

    drive(BackupsDialog, restore_newest)
    drive(SignInDialog, sign_in)
    window.restore_action.trigger()

    titles = [title for title, _text in shown.boxes]
    assert titles == ["Restore from backup?", "Restored"]
    assert "before-restore" in shown.last, "the safety copy is named"
    assert busy_seen == ["Restoring the clinic's data…"]
    assert patient_names(clinic) == ["Maria Lopez"]
    assert signed == [(True, 1)], "tabs already show the restored data behind the lock"
    assert window.billing.model.rowCount() == 1
    assert clinic.auth.current().id == staffed["ana"]
    assert window.signed_in_label.text() == "Signed in: Ana Silva (manager)"
    restore_entries = [after for action, after in trail(clinic) if action == "clinic.restore"]
    assert len(restore_entries) == 1 and '"restored_by": "Ana Silva"' in restore_entries[0]


def test_saying_no_to_the_confirmation_changes_nothing(qtbot, clinic, staffed, shown,
                                                       busy_seen):
    clinic.backup.create()
    clinic.patients.add("Late", "Addition")
    shown.answer = msgbox.Button.No
    dialog = open_backups(qtbot, clinic)
    click(qtbot, dialog.restore_button)
    assert [t for t, _ in shown.boxes] == ["Restore from backup?"]
    assert busy_seen == [] and dialog.isVisible()
    assert "Late Addition" in patient_names(clinic)


def test_choose_file_restores_any_backup(qtbot, clinic, staffed, shown, tmp_path, monkeypatch):
    elsewhere = clinic.backup.create(tmp_path / "usb" / "copy.db")
    clinic.patients.add("Late", "Addition")
    monkeypatch.setattr(BackupsDialog, "choose_file", staticmethod(lambda parent:
                                                                   str(elsewhere)))
    shown.answer = msgbox.Button.Yes
    dialog = open_backups(qtbot, clinic)
    click(qtbot, dialog.choose_button)
    assert "copy.db" in shown.boxes[0][1]
    assert dialog.safety is not None and dialog.result() == dialog.DialogCode.Accepted
    assert patient_names(clinic) == ["Maria Lopez"]


@pytest.mark.parametrize("make, words", [
    (lambda tmp: _junk(tmp / "junk.db"), "is damaged and cannot be restored"),
    (lambda tmp: tmp / "missing.db", "There is no backup file at"),
    (lambda tmp: tmp, "is a folder, not a backup file"),
    (lambda tmp: _empty_sqlite(tmp / "other.db"), "is not a ClinicDesk backup"),
    (lambda tmp: _newer(tmp / "newer.db"), "made by a newer version"),
])
def test_r30_a_file_that_is_no_backup_is_refused_and_nothing_changes(
        qtbot, clinic, staffed, shown, tmp_path, monkeypatch, make, words):
    chosen = make(tmp_path)
    clinic.patients.add("Late", "Addition")
    monkeypatch.setattr(BackupsDialog, "choose_file", staticmethod(lambda parent: str(chosen)))
    shown.answer = msgbox.Button.Yes
    before = trail(clinic)
    dialog = open_backups(qtbot, clinic)
    click(qtbot, dialog.choose_button)
    assert shown.boxes[-1][0] == "Restore not done" and words in shown.last
    assert dialog.isVisible() and dialog.safety is None
    assert "Late Addition" in patient_names(clinic)
    assert trail(clinic) == before
    assert not list(clinic.backup.folder.glob("*before-restore*")), "no safety copy either"


def test_the_clinic_file_itself_is_refused(qtbot, clinic, staffed, shown, monkeypatch):
    monkeypatch.setattr(BackupsDialog, "choose_file",
                        staticmethod(lambda parent: str(clinic.path)))
    shown.answer = msgbox.Button.Yes
    dialog = open_backups(qtbot, clinic)
    click(qtbot, dialog.choose_button)
    assert "That is the clinic file itself" in shown.last


def test_cancelling_the_file_chooser_does_nothing(qtbot, clinic, staffed, shown, monkeypatch):
    monkeypatch.setattr(BackupsDialog, "choose_file", staticmethod(lambda parent: None))
    dialog = open_backups(qtbot, clinic)
    click(qtbot, dialog.choose_button)
    assert shown.boxes == [] and dialog.isVisible()


def test_the_busy_window_cannot_be_escaped(qtbot):
    busy = BusyDialog("Backing up", "Copying…")
    qtbot.addWidget(busy)
    busy.show()
    busy.reject()
    assert busy.isVisible()
    busy.job_done("x")
    assert not busy.isVisible() and busy.result_value == "x"


def _junk(path: Path) -> Path:
    path.write_bytes(b"this is not a database" * 100)
    return path


def _empty_sqlite(path: Path) -> Path:
    import sqlite3
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    return path


def _newer(path: Path) -> Path:
    import sqlite3
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    conn.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    conn.commit()
    conn.close()
    return path

