"""File › Clinic Database: pointing this desk at the clinic on a server, tested first
(issue 9). The server here is either not there (a closed port) or stood in for by a check
result; the checks against a real server are in tests/pg/test_server_check.py."""

from __future__ import annotations

import keyring
import keyring.backend
import pytest
from PySide6.QtCore import QPoint, Qt

from app import i18n
from app.services import connection as server
from app.ui.dialogs import connection
from app.ui.dialogs.connection import ConnectionDialog, saved_server_url

from tests.helpers.keyrings import MemoryKeyring
from ui.helpers import click, retype
from ui.i18n_helpers import untranslated_texts


@pytest.fixture
def staffed(clinic, catalog):
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.set_secret(catalog["desk"], "1111")
    clinic.auth.sign_in(catalog["ana"], "2468")
    return catalog


@pytest.fixture
def dialog(qtbot, clinic, staffed):
    d = ConnectionDialog(clinic)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def choose(qtbot, radio) -> None:
    """Click the round button itself (a radio's row is wider than what answers a click)."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(6, radio.height() // 2))


def fill(qtbot, d, host="clinic-server", port=5432, database="harbour", user="desk1",
         password="s3cret"):
    choose(qtbot, d.server_choice)
    retype(qtbot, d.host, host)
    d.port.setValue(port)
    retype(qtbot, d.database, database)
    retype(qtbot, d.user, user)
    retype(qtbot, d.password, password)


def answering(monkeypatch, state, name="Harbour Physio"):
    """The server, as the check would find it."""
    def check(url, seconds=server.CONNECT_SECONDS):
        return server.ServerCheck(url, server.shown(url), state, "16.4", name)
    monkeypatch.setattr(server, "check_server", check)


def test_a_desk_on_its_own_file_says_so_and_the_server_form_waits(dialog, clinic):
    assert dialog.file_choice.isChecked()
    assert not dialog.server_box.isEnabled()
    assert not dialog.test_button.isEnabled()
    assert str(clinic.path) in dialog.findChildren(type(dialog.finding))[0].text()


def test_a_form_missing_the_server_name_is_refused_at_that_field(qtbot, dialog, shown):
    fill(qtbot, dialog, host="")
    click(qtbot, dialog.test_button)
    assert "server's name or address" in shown.last
    assert dialog.host.hasFocus()
    assert saved_server_url() is None


def test_a_server_that_is_not_there_is_explained_and_not_saved(qtbot, dialog, shown):
    fill(qtbot, dialog, host="127.0.0.1", port=1)
    click(qtbot, dialog.test_button)
    qtbot.waitUntil(lambda: "could not reach" in dialog.finding.text(), timeout=10000)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10000)
    assert saved_server_url() is None
    assert dialog.isVisible()


def test_a_clinic_on_the_server_is_tested_then_saved_for_the_next_start(qtbot, dialog, shown,
                                                                         monkeypatch):
    answering(monkeypatch, server.CLINIC)
    fill(qtbot, dialog)
    click(qtbot, dialog.test_button)
    qtbot.waitUntil(lambda: "Harbour Physio" in dialog.finding.text(), timeout=5000)
    shown.answer = shown.answer.No  # restart later
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert saved_server_url() == server.server_url(dialog.fields())
    assert "from the next start" in shown.last
    assert not dialog.restart_requested
    assert not dialog.isVisible()


def test_save_tests_first_when_the_address_changed_since(qtbot, dialog, shown, monkeypatch):
    answering(monkeypatch, server.CLINIC)
    fill(qtbot, dialog)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: saved_server_url() is not None, timeout=5000)
    assert saved_server_url().endswith("@clinic-server:5432/harbour?sslmode=prefer")


def test_a_database_from_a_newer_clinicdesk_is_not_saved(qtbot, dialog, shown, monkeypatch):
    answering(monkeypatch, server.NEWER)
    fill(qtbot, dialog)
    click(qtbot, dialog.test_button)
    qtbot.waitUntil(lambda: "newer ClinicDesk" in dialog.finding.text(), timeout=5000)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert saved_server_url() is None
    assert "newer ClinicDesk" in shown.last


def test_going_back_to_the_file_forgets_the_server(qtbot, clinic, staffed, shown):
    connection.save_server_url("postgresql+psycopg://desk1@clinic-server:5432/harbour")
    d = ConnectionDialog(clinic)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    assert d.server_choice.isChecked() and d.host.text() == "clinic-server"
    choose(qtbot, d.file_choice)
    shown.answer = shown.answer.Yes
    d.buttons.button(d.buttons.StandardButton.Save).click()
    assert saved_server_url() is None
    assert d.restart_requested


def test_front_desk_staff_cannot_change_the_database(qtbot, clinic, staffed, shown, monkeypatch):
    clinic.auth.sign_in(staffed["desk"], "1111")
    answering(monkeypatch, server.CLINIC)
    d = ConnectionDialog(clinic)
    qtbot.addWidget(d)
    d.show()
    fill(qtbot, d)
    d.buttons.button(d.buttons.StandardButton.Save).click()
    assert "Only a manager" in shown.last
    assert saved_server_url() is None


def test_an_empty_server_database_can_take_this_clinic(qtbot, dialog, shown, monkeypatch):
    answering(monkeypatch, server.EMPTY, name="")
    fill(qtbot, dialog)
    assert not dialog.copy_button.isEnabled()
    click(qtbot, dialog.test_button)
    qtbot.waitUntil(dialog.copy_button.isEnabled, timeout=5000)
    copied = []

    class Report:
        audit_entries = 42

    def migrate_to(clinic, url):
        copied.append(url)
        return Report()

    import app.services.transfer as transfer
    monkeypatch.setattr(transfer, "migrate_to", migrate_to)
    shown.answer = shown.answer.Yes
    click(qtbot, dialog.copy_button)
    qtbot.waitUntil(lambda: "Copied and checked" in dialog.finding.text(), timeout=5000)
    assert copied == [server.server_url(dialog.fields())]
    assert not dialog.copy_button.isEnabled()  # the database is not empty any more


def test_typing_after_a_test_asks_for_a_new_one(qtbot, dialog, monkeypatch):
    answering(monkeypatch, server.EMPTY, name="")
    fill(qtbot, dialog)
    click(qtbot, dialog.test_button)
    qtbot.waitUntil(dialog.copy_button.isEnabled, timeout=5000)
    qtbot.keyClicks(dialog.database, "2")
    assert dialog.checked is None and not dialog.copy_button.isEnabled()


def test_the_tab_order_follows_the_form(qtbot, dialog):
    choose(qtbot, dialog.server_choice)
    dialog.file_choice.setFocus()
    visited = []
    for _step in range(12):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        widget = dialog.focusWidget()
        # (the port's focus sits in the spin box's own line edit)
        visited.append(widget.parent() if widget.parent() is dialog.port else widget)
    expected = [dialog.host, dialog.port, dialog.database, dialog.user, dialog.password,
                dialog.test_button]
    assert [w for w in visited if w in expected][:len(expected)] == expected


def test_every_control_is_named_for_a_screen_reader(dialog):
    for field in (dialog.host, dialog.port, dialog.database, dialog.user, dialog.password):
        assert field.accessibleName()


def test_in_french_everything_reads_french(qtbot, clinic, staffed):
    from PySide6.QtCore import QLibraryInfo, QTranslator
    from PySide6.QtWidgets import QApplication

    qt_french = QTranslator()
    assert qt_french.load("qtbase_fr", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    QApplication.installTranslator(qt_french)
    i18n.set_language(i18n.FRENCH)
    try:
        d = ConnectionDialog(clinic)
        qtbot.addWidget(d)
        d.show()
        assert untranslated_texts(d) == []
        assert d.windowTitle() == "Base de données de la clinique"
    finally:
        i18n.set_language(i18n.ENGLISH)
        QApplication.removeTranslator(qt_french)


# the main window and the program's start ------------------------------------------------


def test_file_menu_opens_the_clinic_database_dialog(qtbot, clinic, staffed, drive, shown):
    from app.ui.main_window import MainWindow

    window = MainWindow(clinic)
    qtbot.addWidget(window)
    seen = drive(ConnectionDialog, lambda d: d.reject())
    window.database_action.trigger()
    assert len(seen) == 1


def test_the_program_window_polls_for_other_desks_until_it_closes(qtbot, clinic):
    from app.ui.main_window import MainWindow

    window = MainWindow(clinic)
    qtbot.addWidget(window)
    assert window.live_refresh is None  # (a window in a test polls nothing by itself)
    window.show()
    window.start_live_refresh()
    assert window.live_refresh.timer.isActive()
    window.close()
    assert not window.live_refresh.timer.isActive()


def test_a_desk_pointed_at_a_server_opens_it_at_start_and_offers_retry(monkeypatch, tmp_path):
    import app.__main__ as entry
    from app.ui import msgbox

    url = server.server_url(server.ServerFields("127.0.0.1", 1, "harbour", "desk1", "s3cret"))
    connection.save_server_url(url)
    opened, answers = [], [msgbox.Button.Retry, msgbox.Button.Close]

    import app.services as services

    def refusing_open(target, clock=None, **_opening):
        opened.append(target)
        raise OSError("connection refused")

    monkeypatch.setattr(services.Clinic, "open", staticmethod(refusing_open))
    asked = []

    def fake_show(parent, title, text, **kwargs):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(msgbox, "show", fake_show)
    monkeypatch.setattr(entry, "user_data_path", lambda name: tmp_path / name)
    assert entry.main([]) == 1
    assert opened == [url, url]  # tried, Retry, tried again, Close
    assert "could not reach the clinic on the server 127.0.0.1:1" in asked[0].replace(
        "postgresql+psycopg://desk1:***@127.0.0.1:1/harbour", "127.0.0.1:1")
    assert "s3cret" not in asked[0]


def test_a_file_named_on_the_command_line_wins_over_the_saved_server(tmp_path):
    import app.__main__ as entry

    connection.save_server_url("postgresql+psycopg://desk1@clinic-server:5432/harbour")
    assert entry._saved_server(entry.parse_args(["--db", str(tmp_path / "c.db")])) is None
    assert entry._saved_server(entry.parse_args(["--demo"])) is None
    assert entry._saved_server(entry.parse_args([])).endswith("/harbour")


@pytest.fixture
def store():
    before = keyring.get_keyring()
    desk = MemoryKeyring()
    keyring.set_keyring(desk)
    yield desk
    keyring.set_keyring(before)


def _raw_saved() -> str:
    from app.ui.desk_settings import desk_settings
    return str(desk_settings().value(connection.SETTINGS_KEY, ""))


def test_the_server_password_goes_to_the_credential_store_never_the_desk_settings(store):
    """Issue 23: the desk's settings keep the address; the password is in the store, and
    the address comes back whole for the next start."""
    url = server.server_url(server.ServerFields("clinic-server", 5432, "harbour", "desk1",
                                                "s3cret"))
    connection.save_server_url(url)
    assert "s3cret" not in _raw_saved() and _raw_saved().startswith("postgresql")
    assert "s3cret" in store.secrets.values()
    assert saved_server_url() == url


def test_a_password_an_older_clinicdesk_saved_moves_to_the_store_when_read(store):
    from app.ui.desk_settings import desk_settings
    url = server.server_url(server.ServerFields("clinic-server", 5432, "harbour", "desk1",
                                                "old-pass"))
    desk_settings().setValue(connection.SETTINGS_KEY, url)  # as an older desk left it
    assert saved_server_url() == url
    assert "old-pass" not in _raw_saved()
    assert "old-pass" in store.secrets.values()


def test_without_a_credential_store_the_password_lives_only_in_this_start(qtbot, clinic,
                                                                           staffed):
    url = server.server_url(server.ServerFields("clinic-server", 5432, "harbour", "desk2",
                                                "only-now"))
    connection.save_server_url(url)
    assert "only-now" not in _raw_saved()
    d = ConnectionDialog(clinic)
    qtbot.addWidget(d)
    assert "asked each time ClinicDesk starts" in d.password_note.text()


def test_require_tls_is_a_box_on_the_form_and_goes_in_the_address(qtbot, dialog,
                                                                     monkeypatch):
    answering(monkeypatch, server.CLINIC)
    fill(qtbot, dialog)
    assert not dialog.require_tls.isChecked()
    assert dialog.fields().tls == "prefer"
    click(qtbot, dialog.require_tls)
    assert dialog.fields().tls == "require"
    assert "sslmode=require" in server.server_url(dialog.fields())


def test_a_server_asking_for_the_password_at_start_gets_it_typed_once(monkeypatch,
                                                                        tmp_path):
    """A desk whose store lacks the password (or has none): the server's refusal asks for
    it, and the clinic opens with it."""
    import app.__main__ as entry
    import app.services as services
    from app.ui import server_password_prompt

    url = server.server_url(server.ServerFields("127.0.0.1", 1, "harbour", "desk3", ""))
    connection.save_server_url(url)
    opened = []

    class Opened(Exception):
        pass

    def opening(target, clock=None, **_opening):
        opened.append(target)
        if len(opened) == 1:
            raise OSError('connection failed: fe_sendauth: no password supplied')
        raise Opened()  # (the second try carries the password: stop here)

    monkeypatch.setattr(services.Clinic, "open", staticmethod(opening))
    monkeypatch.setattr(server_password_prompt.QInputDialog, "getText",
                        staticmethod(lambda *a, **k: ("typed-pass", True)))
    monkeypatch.setattr(entry, "user_data_path", lambda name: tmp_path / name)
    from app.ui import msgbox
    monkeypatch.setattr(msgbox, "show", lambda *a, **k: msgbox.Button.Close)
    entry.main([])
    assert opened[0] == url and "typed-pass" in opened[1]
    assert "typed-pass" not in _raw_saved()
