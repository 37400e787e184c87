"""R46 on PostgreSQL: a desk delivering the outbox skips a message another desk is claiming
(FOR UPDATE SKIP LOCKED) instead of waiting for it, and never takes it too. (The two-process
delivery of one outbox runs on the server as well: tests/unit/test_outbox_desks_r46.py.)"""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import text

from tests.helpers.mail_server import MailServer, use

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")


def test_r46_a_message_another_desk_is_claiming_is_skipped_not_waited_for(clinic, catalog):
    server = MailServer("none").start()
    try:
        use(clinic, server)
        invoice = clinic.billing.sell_package(catalog["patient"],
                                              catalog["ten_massages"]).invoice_id
        first, *others = [clinic.mail.queue_invoice(invoice) for _ in range(3)]
        holder = clinic.db.engine.connect()  # another desk, in the middle of claiming `first`
        holder.execute(text("SELECT id FROM outbox_messages WHERE id = :id FOR UPDATE"),
                       {"id": first})
        outcome = []
        started = time.monotonic()
        desk = threading.Thread(target=lambda: outcome.append(clinic.mail.deliver_pending()),
                                daemon=True)
        desk.start()
        desk.join(8)  # (under the 10 s lock_timeout: a desk that waited would still be here)
        assert not desk.is_alive(), "the desk waited for the row another desk holds"
        assert outcome == [2] and time.monotonic() - started < 8
        rows = {r.id: r.state for r in clinic.mail.outbox()}
        assert rows == {first: "queued", **{i: "sent" for i in others}}
        holder.rollback()
        holder.close()
        assert clinic.mail.deliver_pending() == 1
        assert len(server.inbox.received) == 3
        assert len({m["Message-ID"] for m in server.inbox.messages()}) == 3
    finally:
        server.stop()


def test_r46_two_desks_finding_a_stopped_send_fail_it_once(clinic, catalog, clock):
    from sqlalchemy import func, select

    from app.models import AuditEntry
    from app.services.mail import sender

    server = MailServer("none").start()
    try:
        use(clinic, server)
        invoice = clinic.billing.sell_package(catalog["patient"],
                                              catalog["ten_massages"]).invoice_id
        row_id = clinic.mail.queue_invoice(invoice)
        with clinic.db.write() as s:  # a desk claimed it and stopped
            sender.claim_next(s, "gone:1:x", clock())
        clock.advance(minutes=11)
        outcomes = []
        desks = [threading.Thread(target=lambda: outcomes.append(clinic.mail.deliver_pending()))
                 for _ in range(2)]
        for desk in desks:
            desk.start()
        for desk in desks:
            desk.join(30)
        assert outcomes == [0, 0]
        (row,) = clinic.mail.outbox()
        assert row.state == "failed" and "may have arrived" in row.last_error
        with clinic.db.read() as s:
            assert s.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "mail.failed", AuditEntry.entity_id == row_id)) == 1
        assert server.inbox.received == []
    finally:
        server.stop()


def test_r46_two_desks_pressing_retry_at_once_retry_once(clinic, catalog):
    from sqlalchemy import func, select

    from app.models import AuditEntry
    from app.services import ClinicError
    from tests.helpers.held_row import while_held
    from tests.helpers.mail_server import REFUSED

    server = MailServer("none").start()
    try:
        use(clinic, server)
        invoice = clinic.billing.sell_package(catalog["patient"],
                                              catalog["ten_massages"]).invoice_id
        row_id = clinic.mail.queue_invoice(invoice, to=REFUSED)
        clinic.mail.deliver_pending()
        outcomes = while_held(clinic, "outbox_messages", row_id,
                              lambda: clinic.mail.retry(row_id),
                              lambda: clinic.mail.retry(row_id), lock="FOR UPDATE",
                              what="the message's row")
        refusals = [o for o in outcomes if isinstance(o, ClinicError)]
        assert len(refusals) == 1 and "waiting in the outbox" in str(refusals[0])
        with clinic.db.read() as s:
            assert s.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "mail.retry")) == 1
    finally:
        server.stop()
