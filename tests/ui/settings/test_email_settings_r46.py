"""R46 Settings › Email: the clinic's mail server typed as a manager does, saved with OK; the
password to the credential store (here: none, so this start's memory); the usual port
following the security unless one was typed; refusals on their field; Send Test Email on
the worker against a real SMTP server on the loopback, with the server's words on failure."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from app.services.mail.passwords import PasswordStore
from app.ui.settings import SettingsDialog
from app.ui.tasks import tasks_for

from ui.helpers import click, retype


@pytest.fixture
def manager(clinic, catalog):
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.sign_in(catalog["ana"], "2468")
    return catalog


def open_email(qtbot, clinic):
    dialog = SettingsDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.email)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Email"
    return dialog


def choose(qtbot, box, code):
    """Pick an item as the desk does (activated), by its code."""
    box.setCurrentIndex(box.findData(code))
    box.activated.emit(box.currentIndex())


def fill(qtbot, page, *, host="smtp.harbour.test", port=None, user="desk",
         password="s3cret", sender="Harbour Physio", address="desk@harbour.test"):
    retype(qtbot, page.host, host)
    if port is not None:
        retype(qtbot, page.port, port)
    retype(qtbot, page.user, user)
    retype(qtbot, page.password, password)
    retype(qtbot, page.sender_name, sender)
    retype(qtbot, page.sender_email, address)


def test_r46_every_field_typed_is_saved_and_the_password_kept_out_of_the_file(
        qtbot, clinic, manager, shown):
    dialog = open_email(qtbot, clinic)
    page = dialog.email
    assert page.port.text() == "587" and page.security.currentData() == "starttls"
    fill(qtbot, page)
    choose(qtbot, page.security, "tls")
    assert page.port.text() == "465"  # the usual port for TLS, as none was typed
    click(qtbot, dialog.ok_button)
    assert shown.boxes == [] and not dialog.isVisible()
    saved = clinic.settings.get()
    assert (saved.smtp_host, saved.smtp_port, saved.smtp_security, saved.smtp_user,
            saved.sender_name, saved.sender_email) == (
        "smtp.harbour.test", 465, "tls", "desk", "Harbour Physio", "desk@harbour.test")
    assert clinic.mail.passwords.get("desk", "smtp.harbour.test") == "s3cret"
    assert "s3cret" not in repr(saved)
    # no keyring on this machine: the note says it is asked at each start
    again = open_email(qtbot, clinic)
    assert again.email.password_note.text() == (
        "No credential store on this computer: asked once each time ClinicDesk starts.")
    assert again.email.password.text() == ""  # never shown back
    assert "kept" in again.email.password.placeholderText()


def test_r46_a_typed_port_stays_when_the_security_changes(qtbot, clinic, manager, shown):
    page = open_email(qtbot, clinic).email
    choose(qtbot, page.security, "none")
    assert page.port.text() == "25"
    retype(qtbot, page.port, "2525")
    choose(qtbot, page.security, "starttls")
    assert page.port.text() == "2525"
    retype(qtbot, page.port, "")  # emptied: the usual port may come back
    choose(qtbot, page.security, "tls")
    assert page.port.text() == "465"


def test_r46_the_note_names_the_credential_store_when_there_is_one(qtbot, clinic, manager,
                                                                   monkeypatch):
    monkeypatch.setattr(PasswordStore, "has_keyring", lambda self: True)
    page = open_email(qtbot, clinic).email
    assert page.password_note.text() == "Kept in this computer's credential store."


@pytest.mark.parametrize("field, typed, words", [
    ("port", "70000", "The port must be a whole number from 1 to 65535"),
    ("port", "five", "The port must be a whole number from 1 to 65535"),
    ("sender_email", "desk at harbour", "email"),
    ("host", "http://smtp.harbour.test", "is not a mail server name"),
])
def test_r46_a_refusal_is_shown_on_its_field_and_nothing_is_saved(
        qtbot, clinic, manager, shown, field, typed, words):
    dialog = open_email(qtbot, clinic)
    dialog.tabs.setCurrentWidget(dialog.details)  # OK pressed from another tab
    page = dialog.email
    fill(qtbot, page)
    retype(qtbot, getattr(page, field), typed)
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()  # the dialog stays open
    assert words in shown.last
    assert dialog.tabs.currentWidget() is page  # the refused field's own tab
    assert dialog.focusWidget() is getattr(page, field)
    assert clinic.settings.get().smtp_host == ""  # nothing was written
    assert clinic.mail.passwords.get("desk", "smtp.harbour.test") is None


def test_r46_an_unknown_security_from_the_service_lands_on_the_security_choice(
        qtbot, clinic, manager):
    from app.services.errors import ValidationError
    dialog = open_email(qtbot, clinic)
    dialog.tabs.setCurrentWidget(dialog.details)
    refusal = ValidationError("smtp_security", "The security must be STARTTLS, TLS or none.")
    assert dialog.widget_for(refusal) is dialog.email.security
    assert dialog.tabs.currentWidget() is dialog.email
    with pytest.raises(ValidationError, match="STARTTLS, TLS or none"):
        clinic.settings.update(smtp_security="ssl")  # what the three choices cannot send


def test_r46_the_front_desk_cannot_change_the_mail_server(qtbot, clinic, desk, shown):
    dialog = open_email(qtbot, clinic)
    fill(qtbot, dialog.email)
    click(qtbot, dialog.ok_button)
    assert "manager" in shown.last.lower()
    assert clinic.settings.get().smtp_host == ""
    notes = [label.text() for label in dialog.email.findChildren(QLabel)]
    assert any("credential store" in text for text in notes)


# ------------------------------------------------------------------ Send Test Email (worker)

@pytest.fixture
def login_server(clinic):
    from helpers.mail_server import MailServer
    server = MailServer("starttls", login=True).start()
    clinic.mail.ssl_context = server.client_context()  # trust the test's own certificate
    clinic.mail.timeout = 5.0
    yield server
    server.stop()


def send_test(qtbot, page, to):
    retype(qtbot, page.test_to, to)
    click(qtbot, page.test_button)
    assert not page.test_button.isEnabled()  # one test at a time; the window is free
    qtbot.waitUntil(page.test_button.isEnabled, timeout=20000)
    return page.test_status.text()


def test_r46_send_test_email_reaches_the_server_with_what_is_on_screen(
        qtbot, clinic, manager, login_server, shown):
    from helpers.mail_server import PASSWORD, USER
    dialog = open_email(qtbot, clinic)
    page = dialog.email
    assert page.test_to.text() == clinic.settings.get().email  # the clinic's, by default
    fill(qtbot, page, host="127.0.0.1", port=str(login_server.port), user=USER,
         password=PASSWORD, address="front@harbour.example")
    choose(qtbot, page.security, "starttls")
    assert page.port.text() == str(login_server.port)  # typed: kept
    status = send_test(qtbot, page, "maria@example.com")
    assert status == "Sent to maria@example.com. Check that it arrived."
    login_server.wait_for(1)
    arrived = login_server.inbox.messages()[0]
    assert arrived["To"].addresses[0].addr_spec == "maria@example.com"
    assert "Test email from Harbour Physio" == arrived["Subject"]
    assert clinic.settings.get().smtp_port == login_server.port  # saved to be tested


def test_r46_send_test_email_shows_the_servers_words_when_it_refuses(
        qtbot, clinic, manager, login_server, shown):
    from helpers.mail_server import REFUSED, USER
    page = open_email(qtbot, clinic).email
    fill(qtbot, page, host="127.0.0.1", port=str(login_server.port), user=USER,
         password="wrong", address="front@harbour.example")
    status = send_test(qtbot, page, "maria@example.com")
    assert status.startswith("Not sent: The mail server refused the user name or password.")
    assert "The mail server said: 535" in status  # its own words
    assert login_server.inbox.received == []

    from helpers.mail_server import PASSWORD
    retype(qtbot, page.password, PASSWORD)
    status = send_test(qtbot, page, REFUSED)
    assert "The mail server refused the address nobody@harbour.example." in status
    assert "no such mailbox here" in status


def test_r46_send_test_email_when_nothing_answers_and_a_wrong_address(
        qtbot, clinic, manager, shown):
    from helpers.mail_server import free_port
    page = open_email(qtbot, clinic).email
    clinic.mail.timeout = 3.0
    fill(qtbot, page, host="127.0.0.1", port=str(free_port()), user="", password="",
         address="front@harbour.example")
    choose(qtbot, page.security, "none")
    status = send_test(qtbot, page, "maria@example.com")
    assert status.startswith(f"Not sent: the mail server 127.0.0.1:{page.port.text()} did not "
                             "take it")
    assert "outbox" not in status  # a test is not queued
    assert "The mail server said:" in status  # and the network's own words

    retype(qtbot, page.test_to, "maria at example")
    click(qtbot, page.test_button)
    qtbot.waitUntil(page.test_button.isEnabled, timeout=20000)
    assert "email" in page.test_status.text().lower()
    assert dialog_focus(page) is page.test_to


def test_r46_send_test_email_refuses_a_bad_port_before_anything_is_sent(
        qtbot, clinic, manager, shown):
    page = open_email(qtbot, clinic).email
    fill(qtbot, page, port="0")
    click(qtbot, page.test_button)
    assert "The port must be a whole number from 1 to 65535" in shown.last
    assert page.test_button.isEnabled() and page.test_status.text() == ""
    assert dialog_focus(page) is page.port


def dialog_focus(page):
    return page.window().focusWidget()
