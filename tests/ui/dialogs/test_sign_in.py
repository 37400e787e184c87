"""Issue 7: signing in at start, the clinic's first manager, Set PIN… in Settings › Staff,
and who is shown in the status bar."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMainWindow

import app.__main__ as entry
import sqlalchemy as sa

from app.models import Staff
from app.services import Clinic
from app.ui.dialogs.first_manager import FirstManagerDialog
from app.ui.dialogs.sign_in import SignInDialog
from app.ui.main_window import MainWindow
from app.ui.settings import SettingsDialog
from app.ui.settings.staff import SetPinDialog

from ui.helpers import cell_texts, click, retype
from helpers.audit import audit_actions


@pytest.fixture
def staffed(clinic, catalog):
    """Ana (manager, 2468) and Chloe (front desk, 1111) can sign in; Ben has no PIN."""
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.set_secret(catalog["desk"], "1111")
    return catalog


def staff_count(clinic) -> int:
    return len(clinic.staff.list(include_inactive=True))


def open_sign_in(qtbot, clinic, **kwargs) -> SignInDialog:
    dialog = SignInDialog(clinic, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


# the sign-in dialog ---------------------------------------------------------------------------

def test_picker_lists_only_who_can_sign_in(qtbot, clinic, staffed):
    dialog = open_sign_in(qtbot, clinic)
    names = [dialog.staff.itemText(i) for i in range(dialog.staff.count())]
    assert names == ["Ana Silva (manager)", "Chloe Desk (front desk)"]
    assert dialog.secret.echoMode() == dialog.secret.EchoMode.Password
    assert dialog.ok_button.text() == "Sign In"


def test_right_pin_signs_in(qtbot, clinic, staffed, shown):
    dialog = open_sign_in(qtbot, clinic)
    dialog.select(staffed["desk"])
    qtbot.keyClicks(dialog.secret, "1111")
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert shown.boxes == []
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.outcome.name == "Chloe Desk"
    assert clinic.auth.current().id == staffed["desk"]
    assert audit_actions(clinic)[-1] == "staff.sign_in"


@pytest.mark.parametrize("typed", ["", "0000", "2468 ", "1111111111", "٢٤٦٨", "' OR 1=1 --",
                                   "\U0001F600" * 3])
def test_wrong_pin_shows_the_services_words_and_changes_nothing(qtbot, clinic, staffed, shown,
                                                                 typed):
    before = audit_actions(clinic)
    dialog = open_sign_in(qtbot, clinic)
    dialog.select(staffed["ana"])
    if not typed.isascii():
        dialog.secret.insert(typed)  # QTest types ASCII keys only; this is a paste
    elif typed:
        qtbot.keyClicks(dialog.secret, typed)
    click(qtbot, dialog.ok_button)
    assert shown.last == "That name and PIN do not match. Try again."
    assert shown.boxes[-1][0] == "Wrong PIN"  # not "Not saved": nothing was being saved
    assert dialog.isVisible()
    assert dialog.secret.text() == "", "the wrong PIN is cleared for the next try"
    assert clinic.auth.current() is None
    # R50: a miss is counted, unless it could never be a PIN (under 4 characters)
    assert audit_actions(clinic) == before + (["staff.pin_miss"] if len(typed) >= 4 else [])
    # and the right one still works afterwards
    qtbot.keyClicks(dialog.secret, "2468")
    click(qtbot, dialog.ok_button)
    assert clinic.auth.current().id == staffed["ana"]


def test_quit_button_and_escape_at_start(qtbot, clinic, staffed):
    dialog = open_sign_in(qtbot, clinic)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == dialog.DialogCode.Rejected and not dialog.isVisible()
    dialog = open_sign_in(qtbot, clinic)
    click(qtbot, dialog.quit_button)
    assert not dialog.isVisible()
    assert clinic.auth.current() is None


def test_when_locked_escape_and_close_do_not_quit(qtbot, clinic, staffed):
    dialog = open_sign_in(qtbot, clinic, locked=True)
    assert dialog.windowTitle() == "ClinicDesk is locked"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.close()
    assert dialog.isVisible()
    click(qtbot, dialog.quit_button)
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Rejected


def test_prefill_types_the_pin_of_whoever_is_chosen(qtbot, clinic, staffed, shown):
    dialog = open_sign_in(qtbot, clinic, prefill={staffed["desk"]: "1111"})
    dialog.select(staffed["desk"])
    assert dialog.secret.text() == "1111"
    dialog.select(staffed["ana"])
    assert dialog.secret.text() == ""
    dialog.select(staffed["desk"])
    click(qtbot, dialog.ok_button)
    assert clinic.auth.current().id == staffed["desk"]


# the first manager ----------------------------------------------------------------------------

def open_first_manager(qtbot, clinic) -> FirstManagerDialog:
    dialog = FirstManagerDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_first_manager_is_created_and_signed_in(qtbot, clinic, shown):
    assert clinic.auth.needs_first_manager()
    dialog = open_first_manager(qtbot, clinic)
    qtbot.keyClicks(dialog.name, "Dana Price")
    qtbot.keyClicks(dialog.secret, "9753")
    qtbot.keyClicks(dialog.confirmation, "9753")
    click(qtbot, dialog.practitioner)
    click(qtbot, dialog.ok_button)
    assert shown.boxes == []
    assert not dialog.isVisible()
    who = clinic.auth.current()
    assert (who.name, who.role, who.practitioner) == ("Dana Price", "manager", True)
    assert dialog.outcome == who
    assert not clinic.auth.needs_first_manager()
    assert audit_actions(clinic)[-3:] == ["staff.add", "staff.set_secret", "staff.sign_in"]


@pytest.mark.parametrize("name, pin, again, words, field", [
    ("", "9753", "9753", "Please enter the staff member's name", "name"),
    ("   ", "9753", "9753", "Please enter the staff member's name", "name"),
    ("Dana", "975", "975", "at least 4 characters", "secret"),
    ("Dana", "", "", "at least 4 characters", "secret"),
    ("Dana", "    ", "    ", "cannot be only spaces", "secret"),
    ("Dana", "9753", "9754", "The two PINs are not the same", "confirmation"),
    ("Dana", "9753", "", "The two PINs are not the same", "confirmation"),
    ("Dana", "x" * 129, "x" * 129, "at most 128 characters", "secret"),
    ("D" * 101, "9753", "9753", "at most 100 characters", "name"),
])
def test_r30_first_manager_refusals_add_no_one(qtbot, clinic, shown, name, pin, again, words,
                                               field):
    before = staff_count(clinic)
    dialog = open_first_manager(qtbot, clinic)
    dialog.name.setText(name)  # typed keys would be capped by nothing; setText is the same
    dialog.secret.setText(pin)
    dialog.confirmation.setText(again)
    click(qtbot, dialog.ok_button)
    assert words in shown.last
    assert dialog.isVisible()
    assert dialog.focusWidget() is dialog.fields[field]
    assert staff_count(clinic) == before
    assert clinic.auth.needs_first_manager() and clinic.auth.current() is None


# start-up --------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def keep_app_look(qapp):
    sheet, style = qapp.styleSheet(), qapp.style().name()
    yield
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)


def ready_file(path: Path, *, pins: dict[str, tuple[str, str]] | None = None) -> Path:
    """A set-up clinic file; `pins` name -> (role, PIN) for staff who can sign in."""
    with Clinic.open(path) as clinic:
        # R50: a new file asks 6 of managers' PINs; these files are the suite's, at 4
        clinic.settings.update(name="Harbour Physio", setup_complete=True,
                               manager_pin_min_digits=4)
        for name, (role, pin) in (pins or {}).items():
            clinic.auth.set_secret(clinic.staff.add(name, role=role), pin)
    return path


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """main() shows the desk, which then closes at once so main() returns. Records what the
    status bar said when it was shown."""
    seen: list[str] = []

    def show(window: MainWindow) -> None:
        seen.append(window.signed_in_label.text())
        QMainWindow.show(window)
        QTimer.singleShot(0, window.close)  # the last window closed ends app.exec()

    monkeypatch.setattr(MainWindow, "show", show)
    return seen


def test_start_asks_for_the_first_manager_when_there_is_none(qtbot, tmp_path, drive, shown,
                                                             opened):
    db = ready_file(tmp_path / "c.db")

    def create(dialog: FirstManagerDialog) -> None:
        qtbot.keyClicks(dialog.name, "Dana Price")
        qtbot.keyClicks(dialog.secret, "9753")
        qtbot.keyClicks(dialog.confirmation, "9753")
        click(qtbot, dialog.ok_button)

    answers = drive(FirstManagerDialog, create)
    drive(SignInDialog, lambda d: pytest.fail("a sign-in was asked before a manager exists"))
    assert entry.main(["--db", str(db)]) == 0
    assert answers == [FirstManagerDialog.DialogCode.Accepted]
    assert opened == ["Signed in: Dana Price (manager)"]
    with Clinic.open(db) as clinic:
        assert [m.name for m in clinic.auth.can_sign_in()] == ["Dana Price"]
        assert "staff.sign_in" in audit_actions(clinic)


def test_start_signs_in_and_the_status_bar_names_who(qtbot, tmp_path, drive, shown, opened):
    db = ready_file(tmp_path / "c.db", pins={"Ana Silva": ("manager", "2468"),
                                             "Chloe Desk": ("front_desk", "1111")})

    def sign_in(dialog: SignInDialog) -> None:
        assert not dialog.locked
        dialog.staff.setCurrentIndex(dialog.staff.findText("Chloe Desk (front desk)"))
        qtbot.keyClicks(dialog.secret, "1111")
        click(qtbot, dialog.ok_button)

    drive(SignInDialog, sign_in)
    assert entry.main(["--db", str(db)]) == 0
    assert opened == ["Signed in: Chloe Desk (front desk)"]


def test_quit_at_start_opens_nothing(qtbot, tmp_path, drive, monkeypatch):
    db = ready_file(tmp_path / "c.db", pins={"Ana Silva": ("manager", "2468")})
    monkeypatch.setattr(MainWindow, "show", lambda self: pytest.fail("the desk opened"))
    drive(SignInDialog, lambda dialog: click(qtbot, dialog.quit_button))
    assert entry.main(["--db", str(db)]) == 0


def test_screenshot_of_a_fresh_file_needs_no_one(qtbot, tmp_path, monkeypatch):
    for dialog in (SignInDialog, FirstManagerDialog):
        monkeypatch.setattr(dialog, "exec", lambda self: pytest.fail("asked"))
    png = tmp_path / "fresh.png"
    assert entry.main(["--db", str(tmp_path / "fresh.db"), "--screenshot", str(png)]) == 0
    assert png.stat().st_size > 0


@pytest.fixture
def data_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "user-data"
    monkeypatch.setattr(entry, "user_data_path", lambda app_name: folder / app_name)
    return folder / "ClinicDesk"


def test_demo_without_any_pin_opens_as_the_system(qtbot, data_folder, monkeypatch, opened):
    def seed_demo(clinic):
        clinic.staff.add("Pat Demo", role="manager")  # no PIN: no one could sign in
        clinic.settings.update(name="Demo Clinic", setup_complete=True)

    monkeypatch.setitem(sys.modules, "app.services.demo", types.SimpleNamespace(
        seed_demo=seed_demo))
    for dialog in (SignInDialog, FirstManagerDialog):
        monkeypatch.setattr(dialog, "exec", lambda self: pytest.fail("asked"))
    assert entry.main(["--demo"]) == 0
    assert opened == ["Not signed in"]


def test_demo_pins_are_typed_in_so_enter_signs_in(qtbot, data_folder, monkeypatch, drive,
                                                  shown, opened):
    staff = (("Sam Demo", False, "manager", "432109"),  # R50: a new file's manager: 6
             ("Kim Demo", True, "front_desk", "8765"))

    def seed_demo(clinic):
        for name, practitioner, role, pin in staff:
            clinic.auth.set_secret(clinic.staff.add(name, practitioner=practitioner,
                                                    role=role), pin)
        clinic.settings.update(name="Demo Clinic", setup_complete=True)

    monkeypatch.setitem(sys.modules, "app.services.demo", types.SimpleNamespace(
        seed_demo=seed_demo, STAFF=staff))
    prefilled = []

    def press_enter(dialog: SignInDialog) -> None:
        prefilled.append(dialog.secret.text())
        qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)

    drive(SignInDialog, press_enter)
    assert entry.main(["--demo"]) == 0
    assert prefilled == ["8765"]  # Kim comes first by name
    assert shown.boxes == []
    assert opened == ["Signed in: Kim Demo (front desk)"]


def test_a_clinic_file_never_gets_prefilled_pins(qtbot, tmp_path, drive, monkeypatch):
    db = ready_file(tmp_path / "c.db", pins={"Sarah": ("manager", "2468")})
    monkeypatch.setitem(sys.modules, "app.services.demo", types.SimpleNamespace(
        STAFF=(("Sarah", True, "manager", "2468"),)))
    prefilled = []
    drive(SignInDialog, lambda d: prefilled.append(d.secret.text()) or click(qtbot,
                                                                               d.quit_button))
    assert entry.main(["--db", str(db)]) == 0
    assert prefilled == [""]


# the main window -----------------------------------------------------------------------------

def make_window(qtbot, clinic) -> MainWindow:
    window = MainWindow(clinic)
    qtbot.addWidget(window)
    window.show()
    return window


def test_file_menu_has_the_trust_actions(qtbot, clinic):
    window = make_window(qtbot, clinic)
    file_menu = window.menuBar().actions()[0].menu()
    names = [a.text().replace("&", "") for a in file_menu.actions() if a.text()]
    assert names == ["Settings…", "Import Patients from CSV…", "Import Treatment Types from CSV…",
                     "Import Packages Sold Before ClinicDesk from CSV…",  # R42
                     "Import Opening Balances from CSV…", "Import Upcoming Appointments from CSV…",
                     "Export a Table to CSV…", "Export Journal…", "Backup Now…", "Restore from Backup…",
                     "Audit Trail…", "Clinic Database…", "Lock", "Quit"]
    assert window.lock_action.shortcut().toString() == "Ctrl+L"


def test_status_bar_names_who_is_signed_in(qtbot, clinic, staffed):
    window = make_window(qtbot, clinic)
    assert window.signed_in_label.text() == "Not signed in"
    assert not window.lock_action.isEnabled(), "no one to sign back in"
    clinic.auth.sign_in(staffed["ana"], "2468")
    window.show_signed_in()
    assert window.signed_in_label.text() == "Signed in: Ana Silva (manager)"
    assert window.lock_action.isEnabled()


# Settings › Staff › Set PIN… ----------------------------------------------------------------

_open: list[SettingsDialog] = []


def staff_settings(qtbot, clinic):
    """File › Settings… on its Staff page."""
    dialog = SettingsDialog(clinic)
    qtbot.addWidget(dialog)
    _open[:] = [dialog]  # the page lives only as long as its dialog
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.staff)
    return dialog.staff


def select(page, name: str) -> None:
    page.table.selectRow(cell_texts(page.model, 0).index(name))


def stored_hash(clinic, staff_id):
    with clinic.db.read() as s:
        return s.get(Staff, staff_id).secret_hash


def test_set_pin_button_follows_the_selection(qtbot, clinic, staffed):
    page = staff_settings(qtbot, clinic)
    page.table.clearSelection()
    assert not page.pin_button.isEnabled()
    select(page, "Ben Okafor")
    assert page.pin_button.isEnabled()


def test_manager_sets_a_pin_and_that_person_can_sign_in(qtbot, clinic, staffed, shown, drive):
    clinic.auth.sign_in(staffed["ana"], "2468")

    def type_pin(dialog: SetPinDialog) -> None:
        assert dialog.windowTitle() == "Set PIN for Ben Okafor"
        qtbot.keyClicks(dialog.secret, "5555")
        qtbot.keyClicks(dialog.confirmation, "5555")
        click(qtbot, dialog.ok_button)

    answers = drive(SetPinDialog, type_pin)
    page = staff_settings(qtbot, clinic)
    select(page, "Ben Okafor")
    click(qtbot, page.pin_button)
    assert answers == [SetPinDialog.DialogCode.Accepted]
    assert shown.last == "Ben Okafor can now sign in with the new PIN."
    assert clinic.auth.sign_in(staffed["ben"], "5555").name == "Ben Okafor"


@pytest.mark.parametrize("pin, again, words", [
    ("12", "12", "at least 4 characters"),
    ("5555", "5556", "The two PINs are not the same"),
    ("    ", "    ", "cannot be only spaces"),
    ("55\t55", "55\t55", "only letters, digits, spaces and punctuation"),
])
def test_r30_bad_pin_is_refused_and_nothing_changes(qtbot, clinic, staffed, shown, drive, pin,
                                                    again, words):
    clinic.auth.sign_in(staffed["ana"], "2468")
    before = stored_hash(clinic, staffed["desk"])
    seen = []

    def type_pin(dialog: SetPinDialog) -> None:
        dialog.secret.setText(pin)
        dialog.confirmation.setText(again)
        click(qtbot, dialog.ok_button)
        seen.append((shown.last, dialog.isVisible()))
        click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))

    drive(SetPinDialog, type_pin)
    page = staff_settings(qtbot, clinic)
    select(page, "Chloe Desk")
    click(qtbot, page.pin_button)
    assert len(seen) == 1 and words in seen[0][0] and seen[0][1]
    assert stored_hash(clinic, staffed["desk"]) == before
    assert clinic.auth.sign_in(staffed["desk"], "1111")


def test_front_desk_may_not_set_someone_elses_pin(qtbot, clinic, staffed, shown, drive):
    clinic.auth.sign_in(staffed["desk"], "1111")
    drive(SetPinDialog, lambda dialog: pytest.fail("the PIN dialog opened"))
    before = stored_hash(clinic, staffed["ana"])
    page = staff_settings(qtbot, clinic)
    select(page, "Ana Silva")
    click(qtbot, page.pin_button)
    assert shown.last == "Only a manager can set staff PINs. Ask a manager to sign in and do it."
    assert stored_hash(clinic, staffed["ana"]) == before


def test_front_desk_may_change_their_own_pin(qtbot, clinic, staffed, shown, drive):
    clinic.auth.sign_in(staffed["desk"], "1111")

    def type_pin(dialog: SetPinDialog) -> None:
        retype(qtbot, dialog.secret, "2222")
        retype(qtbot, dialog.confirmation, "2222")
        click(qtbot, dialog.ok_button)

    drive(SetPinDialog, type_pin)
    page = staff_settings(qtbot, clinic)
    select(page, "Chloe Desk")
    click(qtbot, page.pin_button)
    assert clinic.auth.sign_in(staffed["desk"], "2222")


def test_the_service_refuses_too_when_the_dialog_is_bypassed(clinic, staffed):
    from app.services import NotAllowed
    clinic.auth.sign_in(staffed["desk"], "1111")
    with pytest.raises(NotAllowed, match="Only a manager can set staff PINs"):
        clinic.auth.set_secret(staffed["ana"], "0000")
    assert clinic.auth.sign_in(staffed["ana"], "2468")
