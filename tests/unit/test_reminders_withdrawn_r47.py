"""R47: a reminder is written when it is queued, so one whose news changed before its turn
to be sent (the mail server away, the desk closed) would tell the patient something false.
The sender withdraws it instead, in the transaction that claims it: a visit moved, cancelled
or already past, a package ended or its expiry moved, no longer one use left, or a patient
who no longer agrees. Withdrawn is never sent, kept with why, and audited (R29). Delivered
to a real SMTP server on the loopback (aiosmtpd)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain import reminders as rule
from app.models import AuditEntry, OutboxMessage
from tests.helpers.mail_server import MailServer, use


@pytest.fixture
def mail(clinic, desk):
    """Email to a loopback server and reminders on (Ana, manager); Chloe at the desk after."""
    server = MailServer("none").start()
    clinic.auth.sign_in(desk["ana"], "2468")
    use(clinic, server)
    clinic.settings.update(phone="902-555-0199", reminders_enabled=True)
    clinic.auth.sign_in(desk["desk"], "1111")
    yield desk | {"server": server}
    server.stop()


def agreed(clinic, first="Lina", email="lina@example.com") -> int:
    patient = clinic.patients.add(first, "Haddad", email=email)
    clinic.patients.update(patient, email_reminders=True)
    return patient


def states(clinic) -> dict[str, tuple[str, str]]:
    with clinic.db.read() as s:
        return {key: (state, why) for key, state, why in s.execute(
            select(OutboxMessage.reminder_key, OutboxMessage.state, OutboxMessage.last_error)
            .where(OutboxMessage.kind == "reminder"))}


def arrived_subjects(server) -> list[str]:
    return sorted(str(m["Subject"]).replace("\u202f", " ") for m in server.inbox.messages())


def test_r47_a_visit_moved_or_cancelled_before_its_turn_is_withdrawn(clinic, mail):
    kept, moved, cancelled = (agreed(clinic, name, f"{name.lower()}@example.com")
                              for name in ("Lina", "Omar", "Sara"))
    book = {p: clinic.schedule.book(p, mail["ana" if p != moved else "ben"], mail["massage"],
                                    datetime(2026, 3, 3, hour))
            for p, hour in ((kept, 9), (moved, 11), (cancelled, 14))}
    assert clinic.mail.queue_reminders() == 3
    clinic.schedule.reschedule(book[moved], datetime(2026, 3, 3, 16))
    clinic.schedule.cancel(book[cancelled])
    assert clinic.mail.deliver_pending() == 1
    assert arrived_subjects(mail["server"]) == ["Your appointment tomorrow at 9:00 a.m."]
    found = states(clinic)
    assert found[rule.appointment_key(book[kept], datetime(2026, 3, 3, 9))][0] == "sent"
    assert found[rule.appointment_key(book[moved], datetime(2026, 3, 3, 11))] == \
        ("withdrawn", "visit_moved")
    assert found[rule.appointment_key(book[cancelled], datetime(2026, 3, 3, 14))] == \
        ("withdrawn", "visit_ended")
    said = {r.last_error for r in clinic.mail.outbox() if r.state == "withdrawn"}
    assert said == {"Not sent: the appointment was moved (its new time gets its own "
                    "reminder).", "Not sent: the appointment was cancelled, arrived or missed."}
    # the moved visit's own reminder, for its new time, goes the next run
    assert clinic.mail.queue_reminders() == 1 and clinic.mail.deliver_pending() == 1
    assert "Your appointment tomorrow at 4:00 p.m." in arrived_subjects(mail["server"])
    assert clinic.mail.pending_count() == 0
    with clinic.db.read() as s:
        audited = s.scalars(select(AuditEntry.after).where(
            AuditEntry.action == "mail.withdrawn")).all()
    assert len(audited) == 2 and all('"withdrawn"' in a for a in audited)


def test_r47_a_visit_past_by_the_time_the_server_is_back_is_withdrawn(clinic, mail, clock):
    patient = agreed(clinic)
    clinic.auth.sign_in(mail["ana"], "2468")  # the manager points the desk at the server
    clinic.schedule.book(patient, mail["ana"], mail["massage"], datetime(2026, 3, 3, 9))
    away = MailServer("none").start()
    away.stop()  # nothing listens on its port: away all evening and night
    use(clinic, away)
    assert clinic.mail.queue_reminders() == 1 and clinic.mail.deliver_pending() == 0
    assert [state for state, _ in states(clinic).values()] == ["queued"]
    use(clinic, mail["server"])
    clock.set(datetime(2026, 3, 3, 9, 30))
    assert clinic.mail.deliver_pending() == 0
    assert list(states(clinic).values()) == [("withdrawn", "visit_past")]
    assert mail["server"].inbox.messages() == []


def test_r47_package_reminders_no_longer_true_are_withdrawn(clinic, mail, clock):
    patient = agreed(clinic)
    clinic.auth.sign_in(mail["ana"], "2468")
    expiring = clinic.billing.sell_package(patient, mail["ten_massages"]).package_id
    refunded = clinic.billing.sell_package(patient, mail["ten_massages"]).package_id
    moved = clinic.billing.sell_package(patient, mail["ten_massages"]).package_id
    clock.set(datetime(2026, 8, 10, 9))  # all three expire on 2026-09-02
    assert clinic.mail.queue_reminders() == 3
    clinic.packages.refund(refunded, 0)
    clinic.packages.set_expiry(moved, date(2026, 12, 31))
    assert clinic.mail.deliver_pending() == 1
    found = states(clinic)
    assert found[rule.expiry_key(expiring, date(2026, 9, 2))][0] == "sent"
    assert found[rule.expiry_key(refunded, date(2026, 9, 2))] == ("withdrawn", "package_ended")
    assert found[rule.expiry_key(moved, date(2026, 9, 2))] == ("withdrawn", "expiry_moved")


def test_r47_one_use_left_no_longer_or_consent_withdrawn(clinic, mail):
    patient, changed_mind = agreed(clinic), agreed(clinic, "Omar", "omar@example.com")
    sales = {p: clinic.billing.sell_package(p, mail["three_physio"]).package_id
             for p in (patient, changed_mind)}
    for p in (patient, changed_mind):
        for hour in (10, 11):
            clinic.schedule.arrive(clinic.schedule.book(
                p, mail["ana" if p == patient else "ben"], mail["physio"],
                datetime(2026, 3, 2, hour)))
    assert clinic.mail.queue_reminders() == 2
    clinic.schedule.arrive(clinic.schedule.book(patient, mail["ana"], mail["physio"],
                                                datetime(2026, 3, 2, 12)))  # none left
    clinic.patients.update(changed_mind, email_reminders=False)
    assert clinic.mail.deliver_pending() == 0
    assert states(clinic) == {
        rule.last_use_key(sales[patient]): ("withdrawn", "not_one_left"),
        rule.last_use_key(sales[changed_mind]): ("withdrawn", "no_consent")}


def test_r47_the_rule_of_a_reminder_still_true():
    """Each reason has the Outbox's sentence, in English and French."""
    from app import i18n
    from app.services.mail.outbox import WITHDRAWN

    assert all(i18n.translate(words, i18n.FRENCH) != words for words in WITHDRAWN.values())
    now = datetime(2026, 3, 2, 18)
    visit = rule.appointment_key(5, datetime(2026, 3, 3, 9))
    stands = rule.AsItStands
    assert rule.still_true(visit, stands(True, True, datetime(2026, 3, 3, 9)), now)
    assert not rule.still_true(visit, stands(True, True, datetime(2026, 3, 3, 10)), now)
    assert not rule.still_true(visit, stands(True, False, datetime(2026, 3, 3, 9)), now)
    assert not rule.still_true(visit, stands(False, True, datetime(2026, 3, 3, 9)), now)
    assert not rule.still_true(visit, stands(True, True, datetime(2026, 3, 3, 9)),
                               datetime(2026, 3, 3, 9))  # its time has come
    assert not rule.still_true(visit, None, now)
    expiry = rule.expiry_key(7, date(2026, 9, 2))
    assert rule.still_true(expiry, stands(True, True, date(2026, 9, 2), 3), now)
    assert not rule.still_true(expiry, stands(True, True, date(2026, 9, 2), 0), now)
    assert not rule.still_true(expiry, stands(True, True, date(2026, 10, 2), 3), now)
    assert not rule.still_true(expiry, stands(True, True, date(2026, 9, 2), 3),
                               datetime(2026, 9, 3, 8))  # expired meanwhile
    assert rule.still_true(rule.last_use_key(7), stands(True, True, None, 1), now)
    assert not rule.still_true(rule.last_use_key(7), stands(True, True, None, 0), now)
