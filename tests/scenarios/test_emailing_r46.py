"""Email through the outbox (SPEC R46), end to end: the clinic's mail server is down all
morning. Maria buys a package at 9:00 and the desk emails her the invoice; the desk never
waits: the message waits in the outbox, tried at 9:00, 9:01, 9:03, 9:07…, while the desk
sells and takes payments; a mistyped address is refused and changes nothing (R30). At 10:30
the server is back and the invoice goes, once, with the PDF; Maria finds nothing in her inbox
and the desk resends it (a new Message-ID). Emailing moves no money: the books are the same
before and after, and the audit trail tells what happened."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.models import AuditEntry
from app.services import ValidationError
from tests.helpers.mail_server import MailServer, use

from scenarios.support import at, refused


def test_r46_a_morning_without_the_mail_server(clinic, shop, clock):
    maria = shop["patient"]
    server = MailServer("none")  # not started: nothing answers on its port
    use(clinic, server)
    clock.set(at(date(2026, 3, 2), 9))
    sale = clinic.billing.sell_package(maria, shop["three_massages"])
    clinic.billing.receive_payment(maria, 10000, "debit", invoice_id=sale.invoice_id)
    row_id = clinic.mail.queue_invoice(sale.invoice_id)
    refused(clinic, ValidationError, clinic.mail.queue_invoice, sale.invoice_id,
            to="maria@example", match="is not one; type it as name@example.com",
            patients=(maria,))

    tried_at = []
    for _round in range(5):  # the worker's rounds, every minute
        before = clinic.mail.outbox()[0].attempts
        assert clinic.mail.deliver_pending() == 0
        if clinic.mail.outbox()[0].attempts > before:
            tried_at.append(clock().strftime("%H:%M"))
        clock.advance(minutes=1)
    assert tried_at == ["09:00", "09:01", "09:03"]
    # the desk works on meanwhile
    tom = shop["other_patient"]
    clinic.billing.sell_package(tom, shop["three_massages"])
    books = clinic.accounting.balances(date(2026, 3, 2))
    (row,) = clinic.mail.outbox()
    assert (row.state, row.attempts, clinic.mail.pending_count()) == ("queued", 3, 1)
    assert "Connection refused" in row.last_error

    clock.set(at(date(2026, 3, 2), 10, 30))
    server.start()
    try:
        assert clinic.mail.deliver_pending() == 1
        assert clinic.mail.deliver_pending() == 0
        (mail,) = server.inbox.messages()
        assert mail["Message-ID"] == row.message_id_header
        (pdf,) = list(mail.iter_attachments())
        assert pdf.get_content().startswith(b"%PDF")
        # "I never got it" (it was in her spam folder): the desk resends it
        clock.advance(minutes=20)
        copy = clinic.mail.resend(row_id)
        assert clinic.mail.deliver_pending() == 1
        first, second = server.inbox.messages()
        assert first["Message-ID"] != second["Message-ID"]
        assert first["Subject"] == second["Subject"] == "Invoice 1 from Harbour Physio"
    finally:
        server.stop()
    states = {r.id: (r.state, r.sent_at) for r in clinic.mail.outbox()}
    assert states == {row_id: ("sent", at(date(2026, 3, 2), 10, 30)),
                      copy: ("sent", at(date(2026, 3, 2), 10, 30) + timedelta(minutes=20))}
    assert clinic.accounting.balances(date(2026, 3, 2)) == books  # email moves no money
    with clinic.db.read() as s:
        told = [a for (a,) in s.execute(select(AuditEntry.action).where(
            AuditEntry.action.like("mail.%")).order_by(AuditEntry.id))]
    assert told == ["mail.queue", "mail.sent", "mail.resend", "mail.sent"]
