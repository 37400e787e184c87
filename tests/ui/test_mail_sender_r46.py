"""R46 the background sender: while the program runs, the outbox is delivered on the one task
runner every 30 s and soon after a message is queued, never twice at once; the password is
asked once this start when the credential store has none; the status bar says what waits or
failed, with the server's words in its tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMainWindow

from app.ui import mail_sender
from app.ui.dialogs.mail_password import MailPasswordDialog
from app.ui.tasks import worker_idle

from helpers.mail_server import PASSWORD, REFUSED, USER, MailServer, free_port, use
from ui.helpers import click


@pytest.fixture(autouse=True)
def idle_worker():
    yield
    assert worker_idle(20)


@pytest.fixture
def window(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def invoice(clinic, catalog):
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).invoice_id


def start(window, clinic):
    sender = mail_sender.MailSender(window, clinic, every_ms=60 * 60 * 1000, soon_ms=10)
    return sender


def round_done(qtbot, sender):
    with qtbot.waitSignal(sender.delivered, timeout=20000) as blocker:
        pass
    return blocker.args[0]


def test_r46_a_queued_email_is_sent_soon_in_the_background(qtbot, clinic, invoice, window):
    server = MailServer("none").start()
    try:
        use(clinic, server)
        sender = start(window, clinic)
        round_done(qtbot, sender)  # the round at start: nothing waiting
        assert mail_sender.sender_for(clinic) is sender
        clinic.mail.queue_invoice(invoice)
        mail_sender.soon(clinic)  # what the Email dialog does once it has queued
        result = round_done(qtbot, sender)
        assert result.sent == 1 and result.waiting == 0
        assert len(server.inbox.received) == 1
        assert not sender.note.isVisible()  # nothing to say
        sender.stop()
        assert mail_sender.sender_for(clinic) is None
    finally:
        server.stop()


def test_r46_a_stopped_sender_starts_no_round_its_timers_still_ask_for(qtbot, clinic, invoice,
                                                                      window):
    """The desk closed (MainWindow.closeEvent stops it) while a round was asked for soon: that
    round never runs, so it cannot write into a status bar that is gone (it once opened a bug
    report as ClinicDesk closed)."""
    sender = start(window, clinic)  # its first round is 10 ms away
    sender.stop()
    mail_sender.soon(clinic)  # a message queued as it closed: no sender to ask any more
    sender.soon()  # and the singleShot already asked for, arriving late
    with qtbot.assertNotEmitted(sender.delivered, wait=200):
        pass
    assert sender.running is None


def test_r46_waiting_and_failing_emails_are_said_in_the_status_bar(qtbot, clinic, invoice,
                                                                  window):
    clinic.settings.update(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_security="none",
                           sender_email="front@harbour.example")
    clinic.mail.timeout = 3.0
    clinic.mail.queue_invoice(invoice)
    clinic.mail.queue_invoice(invoice)
    sender = start(window, clinic)
    result = round_done(qtbot, sender)
    assert result.sent == 0 and result.waiting == 2
    assert sender.note.isVisible()
    assert sender.note.text() == "2 emails waiting \u2014 the mail server does not take them yet"
    assert sender.note.toolTip().startswith("The mail server said: ")  # its own words
    sender.stop()

    server = MailServer("none").start()
    try:
        use(clinic, server)
        clinic.mail.queue_invoice(invoice, to=REFUSED)  # (the two wait out their delay)
        sender = start(window, clinic)
        result = round_done(qtbot, sender)
        assert result.failed == 1
        assert "1 email failed: see Desk \u203a Outbox" in sender.note.text()
        assert "no such mailbox here" in sender.note.toolTip()
        sender.stop()
    finally:
        server.stop()


def test_r46_a_round_never_queues_up_behind_itself(qtbot, clinic, invoice, window,
                                                   monkeypatch):
    clinic.settings.update(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_security="none",
                           sender_email="front@harbour.example")
    calls = []
    real = mail_sender.deliver

    def counted(c, password, **kwargs):
        calls.append(password)
        return real(c, password, **kwargs)

    monkeypatch.setattr(mail_sender, "deliver", counted)
    sender = start(window, clinic)
    round_done(qtbot, sender)  # the round at start
    calls.clear()
    sender.tick()
    sender.tick()
    sender.tick()  # still running: remembered as one more round, not three queued
    assert sender.again
    round_done(qtbot, sender)
    round_done(qtbot, sender)  # the one more, right after
    qtbot.wait(100)
    assert worker_idle(20)
    assert len(calls) == 2
    sender.stop()


def test_r46_the_password_is_asked_once_this_start_and_kept_in_memory(
        qtbot, clinic, invoice, window, drive):
    server = MailServer("starttls", login=True).start()
    try:
        use(clinic, server, user=USER)
        assert clinic.mail.needs_password()
        clinic.mail.queue_invoice(invoice)
        asked = []

        def decline(dialog):
            asked.append(dialog.windowTitle())
            click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))

        drive(MailPasswordDialog, decline)
        sender = start(window, clinic)
        qtbot.waitUntil(lambda: "the mail password was not given" in sender.note.text(),
                        timeout=20000)
        assert asked == ["Mail password"]
        for _round in range(3):
            sender.tick()
            round_done(qtbot, sender)
        assert asked == ["Mail password"]  # declined: not asked at every round
        assert server.inbox.received == []

        def type_it(dialog):
            asked.append(dialog.windowTitle())
            qtbot.keyClicks(dialog.password, PASSWORD)
            click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))

        drive(MailPasswordDialog, type_it)
        sender.send_now()  # Desk › Outbox › Send Now asks again
        qtbot.waitUntil(lambda: len(server.inbox.received) == 1, timeout=20000)
        assert len(asked) == 2
        qtbot.waitUntil(lambda: not sender.note.isVisible(), timeout=20000)
        # kept for this start only: the store (none here) and the clinic file never had it
        assert clinic.mail.passwords.get(USER, "127.0.0.1") is None
        assert clinic.mail.needs_password()
        clinic.mail.queue_invoice(invoice)
        sender.tick()
        qtbot.waitUntil(lambda: len(server.inbox.received) == 2, timeout=20000)
        assert len(asked) == 2  # not asked again
        sender.stop()
    finally:
        server.stop()
