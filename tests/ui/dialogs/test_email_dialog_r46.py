"""R46 at the desk: Email… beside Open and Save as PDF in the print dialog of an invoice, a
refund receipt, a package refund receipt, a package statement and a gift card. The Email
dialog fills in the patient's address (editable), shows the subject, and Queue only queues:
it says so and never waits for the server. Then Desk › Outbox shows the message, sends it
to a real SMTP server on the loopback, and Retry and Resend… work on it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.ui.billing.statement_dialog import StatementDialog
from app.ui.dialogs.email_dialog import EmailDialog
from app.ui.dialogs.gift_card_dialogs import GiftCardPrintDialog
from app.ui.dialogs.outbox_window import OutboxModel, OutboxWindow
from app.ui.dialogs.print_dialog import PrintDialog
from app.ui.tasks import worker_idle

from helpers.mail_server import REFUSED, MailServer, use
from ui.helpers import cell_texts, click, retype


@pytest.fixture
def mail(clinic, catalog):
    """The clinic's account pointed at a real SMTP server on the loopback (engineer A's)."""
    server = MailServer("none").start()
    use(clinic, server)
    yield server
    server.stop()


@pytest.fixture
def invoice(clinic, catalog):
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])


@pytest.fixture(autouse=True)
def idle_worker():
    yield
    assert worker_idle(20)


def print_dialog(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def queue_through(qtbot, drive, print_dlg, *, to: str | None = None):
    """Press Email… in the print dialog, (retype To), press Queue; what the dialog showed."""
    seen = {}

    def act(dialog: EmailDialog):
        seen["to"], seen["subject"] = dialog.to.text(), dialog.subject.text()
        if to is not None:
            retype(qtbot, dialog.to, to)
        click(qtbot, dialog.queue_button)
        qtbot.waitUntil(lambda: dialog._task is None, timeout=20000)
        seen["status"] = dialog.status.text()
        seen["queued"] = dialog.queued_id
        seen["queue_enabled"] = dialog.queue_button.isEnabled()
        dialog.reject()

    drive(EmailDialog, act)
    assert print_dlg.email_button.isEnabled()
    click(qtbot, print_dlg.email_button)
    return seen


def test_r46_email_is_disabled_with_the_reason_until_it_is_set_up(qtbot, clinic, invoice):
    dialog = print_dialog(qtbot, PrintDialog(clinic, invoice_id=invoice.invoice_id))
    assert not dialog.email_button.isEnabled()
    assert dialog.email_button.toolTip() == (
        "Email is not set up: a manager fills in Settings \u203a Email.")


def test_r46_a_day_close_offers_no_email(qtbot, clinic, catalog, clock):
    dialog = print_dialog(qtbot, PrintDialog(clinic, day=clinic.today()))
    assert dialog.email_button is None


def test_r46_queue_an_invoice_then_see_it_sent_from_the_outbox(qtbot, clinic, mail, invoice,
                                                              drive, shown):
    printed = print_dialog(qtbot, PrintDialog(clinic, invoice_id=invoice.invoice_id))
    seen = queue_through(qtbot, drive, printed)
    assert seen["to"] == "maria@example.com"  # the patient's, filled in
    number = clinic.billing.invoice(invoice.invoice_id).number
    assert str(number) in seen["subject"]
    assert seen["status"] == "Queued; it will be sent in the background."
    assert not seen["queue_enabled"]  # queued once; the outbox resends
    assert mail.inbox.received == []  # queueing never talked to the server
    assert shown.boxes == []

    outbox = OutboxWindow(clinic)
    qtbot.addWidget(outbox)
    outbox.show()
    model = outbox.model
    assert cell_texts(model, OutboxModel.TO) == ["Maria Lopez <maria@example.com>"]
    assert cell_texts(model, OutboxModel.SUBJECT) == [seen["subject"]]
    assert cell_texts(model, OutboxModel.STATE) == ["Waiting to be sent"]
    click(qtbot, outbox.send_now_button)
    qtbot.waitUntil(lambda: cell_texts(model, OutboxModel.STATE)[0].startswith("Sent "),
                    timeout=20000)
    assert len(mail.inbox.received) == 1
    arrived = mail.inbox.messages()[0]
    assert arrived["To"].addresses[0].addr_spec == "maria@example.com"
    assert arrived["Subject"] == seen["subject"]
    assert any(part.get_content_type() == "application/pdf" for part in arrived.iter_parts())
    outbox.close()


def test_r46_a_typed_address_is_used_and_a_wrong_one_refused(qtbot, clinic, mail, invoice,
                                                            drive, shown):
    printed = print_dialog(qtbot, PrintDialog(clinic, invoice_id=invoice.invoice_id))
    seen = queue_through(qtbot, drive, printed, to="maria at example")
    assert seen["queued"] is None and seen["queue_enabled"]
    assert shown.boxes[-1][0] == "Not queued" and "email" in shown.last.lower()
    assert clinic.mail.outbox() == []

    seen = queue_through(qtbot, drive, printed, to="m.lopez@work.example")
    assert seen["queued"] is not None
    assert [row.to for row in clinic.mail.outbox()] == ["m.lopez@work.example"]


def test_r46_a_failed_email_is_retried_and_a_sent_one_resent(qtbot, clinic, mail, invoice,
                                                            shown):
    refused = clinic.mail.queue_invoice(invoice.invoice_id, to=REFUSED)  # no such mailbox
    taken = clinic.mail.queue_invoice(invoice.invoice_id)
    outbox = OutboxWindow(clinic)
    qtbot.addWidget(outbox)
    outbox.show()
    model = outbox.model

    def state(row_id):
        return next(model.display(r, OutboxModel.STATE) for r in model.rows() if r.id == row_id)

    def pick(row_id):
        rows = [outbox.table.model().mapToSource(outbox.table.model().index(i, 0)).row()
                for i in range(model.rowCount())]
        outbox.table.selectRow(next(i for i, source in enumerate(rows)
                                    if model.row_at(source).id == row_id))

    click(qtbot, outbox.send_now_button)
    qtbot.waitUntil(lambda: state(refused) == "Failed" and state(taken).startswith("Sent "),
                    timeout=20000)
    error = next(r.last_error for r in model.rows() if r.id == refused)
    assert "550" in error and "no such mailbox here" in error  # the server's own words
    pick(refused)
    assert outbox.retry_button.isEnabled() and outbox.resend_button.isEnabled()
    click(qtbot, outbox.retry_button)
    assert clinic.mail.message(refused).state == "queued"
    qtbot.waitUntil(lambda: state(refused) == "Waiting to be sent", timeout=20000)
    click(qtbot, outbox.send_now_button)
    qtbot.waitUntil(lambda: state(refused) == "Failed", timeout=20000)
    assert clinic.mail.message(refused).attempts == 1  # tried again, refused again

    pick(taken)
    assert not outbox.retry_button.isEnabled()  # sent: nothing to retry
    assert outbox.resend_button.isEnabled()
    shown.answer = shown.answer.No
    click(qtbot, outbox.resend_button)
    assert "The patient may then have it twice." in shown.last
    assert len(clinic.mail.outbox()) == 2  # asked first; No sent nothing more
    shown.answer = shown.answer.Yes
    click(qtbot, outbox.resend_button)
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=20000)
    click(qtbot, outbox.send_now_button)
    mail.wait_for(2)
    assert len(mail.inbox.received) == 2
    ids = {m["Message-ID"] for m in mail.inbox.messages()}
    assert len(ids) == 2  # a copy with its own Message-ID, not the same message twice
    outbox.close()


def test_r46_a_statement_and_a_gift_card_are_emailed_from_their_print_dialogs(
        qtbot, clinic, mail, invoice, catalog, drive, shown):
    statement = print_dialog(qtbot, StatementDialog(clinic, invoice.package_id))
    seen = queue_through(qtbot, drive, statement)
    assert seen["to"] == "maria@example.com" and seen["queued"] is not None
    assert clinic.mail.message(seen["queued"]).kind == "package_statement"

    sale = clinic.gift_cards.sell(5000, patient_id=catalog["patient"])
    card = print_dialog(qtbot, GiftCardPrintDialog(clinic, sale.code, sale.invoice_id))
    seen = queue_through(qtbot, drive, card)
    assert seen["queued"] is not None
    assert clinic.mail.message(seen["queued"]).kind == "gift_card"

    walk_in = clinic.gift_cards.sell(2500)  # sold to no patient: no address to fill in
    card = print_dialog(qtbot, GiftCardPrintDialog(clinic, walk_in.code, walk_in.invoice_id))
    seen = queue_through(qtbot, drive, card)
    assert seen["to"] == "" and seen["queued"] is None
    assert "type the address" in shown.last
    seen = queue_through(qtbot, drive, card, to="friend@example.com")
    assert clinic.mail.message(seen["queued"]).to == "friend@example.com"


def test_r46_desk_outbox_opens_one_window_beside_the_desk(qtbot, clinic, mail, invoice):
    from app.ui.main_window import MainWindow
    window = MainWindow(clinic)
    qtbot.addWidget(window)
    window.show()
    assert window.outbox_action.text() == "&Outbox"
    clinic.mail.queue_invoice(invoice.invoice_id)
    window.outbox_action.trigger()
    outbox = window.outbox_window
    assert outbox.isVisible() and not outbox.isModal()  # the desk goes on working
    assert cell_texts(outbox.model, OutboxModel.STATE) == ["Waiting to be sent"]
    window.outbox_action.trigger()
    assert window.outbox_window is outbox  # raised again, not a second one
    outbox.close()
    assert not outbox.timer.isActive()  # a closed window reads nothing


def test_r46_refund_receipts_are_emailed_from_their_print_dialogs(qtbot, clinic, mail, invoice,
                                                                  catalog, drive, shown):
    patient = catalog["patient"]
    clinic.billing.receive_payment(patient, 80000, "cash", invoice_id=invoice.invoice_id)
    package_refund = clinic.packages.refund(invoice.package_id, 30000).package_refund_id
    printed = print_dialog(qtbot, PrintDialog(clinic, package_refund_id=package_refund))
    seen = queue_through(qtbot, drive, printed)
    assert seen["to"] == "maria@example.com"
    row = clinic.mail.message(seen["queued"])
    assert (row.kind, row.document_id) == ("package_refund_receipt", package_refund)
    assert "10 Massages" in seen["subject"]

    payment = clinic.billing.receive_payment(patient, 10000, "cash")
    refund = clinic.billing.refund_payment(payment, 4000)
    printed = print_dialog(qtbot, PrintDialog(clinic, refund_id=refund))
    seen = queue_through(qtbot, drive, printed)
    row = clinic.mail.message(seen["queued"])
    assert (row.kind, row.document_id, row.to) == ("refund_receipt", refund,
                                                   "maria@example.com")
    assert row.subject == seen["subject"] == "Your refund receipt from Harbour Physio"
    assert shown.boxes == []


def test_r47_a_withdrawn_reminder_is_shown_and_offers_no_retry_or_resend(qtbot, clinic, mail,
                                                                         catalog, tmp_path):
    from datetime import datetime

    clinic.settings.update(reminders_enabled=True)
    patient = catalog["patient"]
    clinic.patients.update(patient, email_reminders=True)
    visit = clinic.schedule.book(patient, catalog["ana"], catalog["massage"],
                                 datetime(2026, 3, 3, 10))
    assert clinic.mail.queue_reminders() == 1
    clinic.schedule.cancel(visit)
    outbox = OutboxWindow(clinic)
    qtbot.addWidget(outbox)
    outbox.show()
    model = outbox.model
    click(qtbot, outbox.send_now_button)
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.display(
        model.rows()[0], OutboxModel.STATE) == "Withdrawn: no longer true", timeout=20000)
    assert cell_texts(outbox.table.model(), OutboxModel.ERROR) == [
        "Not sent: the appointment was cancelled, arrived or missed."]
    cell = outbox.table.model().index(0, OutboxModel.ERROR)
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == cell.data()  # all of it, when cut short
    assert cell.data(Qt.ItemDataRole.ForegroundRole) is not None  # dimmed: never sent
    outbox.table.selectRow(0)
    assert not outbox.retry_button.isEnabled() and not outbox.resend_button.isEnabled()
    assert mail.inbox.received == []
    outbox.grab().save(str(tmp_path / "outbox-withdrawn.png"))
    outbox.close()
