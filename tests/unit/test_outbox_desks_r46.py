"""R46 never sends twice: a desk killed between the server taking a message and the outbox
saying so, and two desks delivering one outbox at once, in separate OS processes on one
clinic (the same SQLite file, or the same PostgreSQL database with
CLINICDESK_TEST_DATABASE_URL), against one SMTP server on the loopback; and what a desk
finds of another's claim: still running (left alone), lapsed (failed, never resent), or
lapsed and then marked sent by the slow desk after all."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from app.services import Clinic
from app.services.mail.sender import KILL_AFTER_SEND
from tests.helpers.mail_server import MailServer, use

NOW = datetime(2026, 3, 2, 9, 0)  # the `clock` fixture's start
ROOT = Path(__file__).resolve().parents[2]
# One desk's delivery round, in a process of its own (argv: the clinic's URL).
DESK = """
import sys
from datetime import datetime
from app.services import Clinic
clinic = Clinic.open(sys.argv[1], clock=lambda: datetime(2026, 3, 2, 9, 0))
clinic.mail.timeout = 10.0
print(clinic.mail.deliver_pending(), flush=True)
clinic.close()
"""


@pytest.fixture
def server():
    running = MailServer("none", delay=0.02).start()
    yield running
    running.stop()


@pytest.fixture
def invoice(clinic, catalog):
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).invoice_id


def test_r46_a_desk_killed_after_sending_never_sends_it_again(clinic, clock, server,
                                                              invoice):
    use(clinic, server)
    row_id = clinic.mail.queue_invoice(invoice)
    env = {**os.environ, KILL_AFTER_SEND: "1"}
    killed = subprocess.run([sys.executable, "-c", DESK, clinic.db.url], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    server.wait_for(1)
    assert len(server.inbox.received) == 1
    (row,) = clinic.mail.outbox()
    assert (row.id, row.state) == (row_id, "sending")

    assert clinic.mail.deliver_pending() == 0, "its lease runs: that desk may still mark it"
    clock.advance(minutes=11)
    assert clinic.mail.deliver_pending() == 0
    (row,) = clinic.mail.outbox()
    assert row.state == "failed" and "it may have arrived" in row.last_error
    clock.advance(hours=2)
    assert clinic.mail.deliver_pending() == 0
    assert len(server.inbox.received) == 1, "the server got exactly one copy"
    assert server.inbox.messages()[0]["Message-ID"] == row.message_id_header


def _deliver(url, barrier):
    """One desk: open the clinic, wait for the other, then deliver what is due."""
    clinic = Clinic.open(url, clock=lambda: NOW)
    try:
        clinic.mail.timeout = 10.0
        barrier.wait(timeout=60)
        return clinic.mail.deliver_pending()
    finally:
        clinic.close()


def test_r46_two_desks_delivering_one_outbox_send_each_message_once(clinic, server, invoice):
    use(clinic, server)
    ids = [clinic.mail.queue_invoice(invoice) for _ in range(30)]
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        barrier = manager.Barrier(2)
        running = [pool.apply_async(_deliver, (clinic.db.url, barrier))
                   for _ in range(2)]
        counts = [job.get(timeout=300) for job in running]
        pool.terminate()
    assert sum(counts) == 30, counts
    server.wait_for(30)
    arrived = Counter(m["Message-ID"] for m in server.inbox.messages())
    rows = {r.id: r for r in clinic.mail.outbox()}
    assert set(rows) == set(ids) and all(r.state == "sent" for r in rows.values())
    assert arrived == Counter(r.message_id_header for r in rows.values())
    assert max(arrived.values()) == 1 and len(server.inbox.received) == 30


def mail_actions(clinic):
    from sqlalchemy import select

    from app.models import AuditEntry
    with clinic.db.read() as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("mail.%"))
                              .order_by(AuditEntry.id)))


def test_r46_a_row_left_sending_past_its_lease_is_failed_and_never_sent_again(
        clinic, clock, invoice, server):
    from app.services.mail import sender

    use(clinic, server)
    row_id = clinic.mail.queue_invoice(invoice)
    with clinic.db.write() as s:  # a desk claimed it, and then stopped
        assert sender.claim_next(s, "front-desk:1:gone", clock()).id == row_id
    assert clinic.mail.deliver_pending() == 0, "another desk is sending it"
    assert clinic.mail.message(row_id).state == "sending"
    clock.advance(minutes=11)
    assert clinic.mail.deliver_pending() == 0
    row = clinic.mail.message(row_id)
    assert row.state == "failed" and row.last_error == (
        "The desk stopped while sending this; it may have arrived. Resend if the patient did "
        "not get it.")
    assert clinic.mail.deliver_pending() == 0 and server.inbox.received == []
    assert mail_actions(clinic) == ["mail.queue", "mail.failed"]


def test_r46_a_slow_desk_whose_lease_lapsed_still_marks_what_it_sent(clinic, clock, invoice,
                                                                    server):
    from app.services.mail import sender

    use(clinic, server)
    row_id = clinic.mail.queue_invoice(invoice)
    with clinic.db.write() as s:
        claimed = sender.claim_next(s, "slow-desk:7:a1", clock())
    clock.advance(minutes=11)
    with clinic.db.write() as s:  # another desk gives up on it meanwhile
        assert sender.give_up_stopped(s, clock()) == [row_id]
    with clinic.db.write() as s:  # the slow desk's server did take it, in the end
        assert sender.mark_sent(s, claimed, "slow-desk:7:a1", clock())
        assert not sender.mark_sent(s, claimed, "another-desk:8:b2", clock())
    row = clinic.mail.message(row_id)
    assert (row.state, row.last_error, row.sent_at) == ("sent", "", clock())


def test_r47_two_desks_delivering_withdraw_each_stale_reminder_once(clinic, catalog, desk,
                                                                   server, invoice):
    """Reminders among the invoices, some of their visits cancelled meanwhile: the two
    desks send each true one once and withdraw each stale one once (one audit entry)."""
    clinic.auth.sign_in(desk["ana"], "2468")
    use(clinic, server)
    clinic.settings.update(reminders_enabled=True)
    visits = []
    for n in range(10):
        patient = clinic.patients.add(f"Pat{n}", "Lee", email=f"pat{n}@example.com")
        clinic.patients.update(patient, email_reminders=True)
        visits.append(clinic.schedule.book(patient, catalog["ana" if n % 2 else "ben"],
                                           catalog["physio"], datetime(2026, 3, 3, 9 + n // 2)))
    invoices = [clinic.mail.queue_invoice(invoice) for _ in range(10)]
    assert clinic.mail.queue_reminders() == 10
    for visit in visits[::2]:
        clinic.schedule.cancel(visit)
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        barrier = manager.Barrier(2)
        running = [pool.apply_async(_deliver, (clinic.db.url, barrier)) for _ in range(2)]
        counts = [job.get(timeout=300) for job in running]
        pool.terminate()
    assert sum(counts) == 15, counts
    server.wait_for(15)
    assert len(server.inbox.received) == 15
    rows = clinic.mail.outbox()
    assert Counter(r.state for r in rows) == {"sent": 15, "withdrawn": 5}
    assert {r.id for r in rows if r.kind == "invoice"} == set(invoices)
    assert max(Counter(m["Message-ID"] for m in server.inbox.messages()).values()) == 1
    assert Counter(mail_actions(clinic))["mail.withdrawn"] == 5
