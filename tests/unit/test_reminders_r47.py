"""R47 reminders: off until the clinic turns them on, only to patients who agreed (and have an
address), each sent once, in the patient's language: a package expiring in N days with uses
left, one use left, and a visit tomorrow."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select

from app.domain import reminders as rule
from app.models import AuditEntry, OutboxMessage
from app.services.errors import ValidationError

from scenarios.support import refused


@pytest.fixture
def mail(clinic, desk):
    """Email set up and reminders on (Ana, manager); Chloe at the desk again after."""
    clinic.auth.sign_in(desk["ana"], "2468")
    clinic.settings.update(smtp_host="smtp.example.com", sender_name="Harbour Physio",
                           sender_email="front@harbourphysio.ca", phone="902-555-0199",
                           reminders_enabled=True)
    clinic.auth.sign_in(desk["desk"], "1111")
    return desk


def agreed(clinic, first="Lina", last="Haddad", email="lina@example.com", **more) -> int:
    patient = clinic.patients.add(first, last, email=email)
    clinic.patients.update(patient, email_reminders=True, **more)
    return patient


def letters(clinic) -> list[tuple[str, str, str, str]]:
    """(reminder key, to, subject, plain text) of every reminder in the outbox, in order."""
    with clinic.db.read() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder")
                         .order_by(OutboxMessage.id)).all()
        found = []
        for row in rows:
            message = message_from_bytes(row.raw, policy=default)
            # (CLDR puts a narrow no-break space in "2:30 p.m.": compared as a space here)
            found.append(tuple(text.replace("\u202f", " ") for text in (
                row.reminder_key, row.to_address, str(message["Subject"]),
                message.get_body(("plain",)).get_content())))
        return found


# --- consent -----------------------------------------------------------------------------

def test_r47_ticking_the_box_records_the_day_and_unticking_clears_it(clinic, desk, clock):
    patient = desk["patient"]
    assert not clinic.patients.get(patient).email_reminders
    clinic.patients.update(patient, email_reminders=True)
    row = clinic.patients.get(patient)
    assert (row.email_reminders, row.email_reminders_since) == (True, date(2026, 3, 2))
    clock.advance(days=5)
    clinic.patients.update(patient, email_reminders=True, phone="902-555-0102")
    assert clinic.patients.get(patient).email_reminders_since == date(2026, 3, 2)  # kept
    clinic.patients.update(patient, email_reminders=False)
    row = clinic.patients.get(patient)
    assert (row.email_reminders, row.email_reminders_since) == (False, None)
    with clinic.db.read() as s:
        entries = [(json.loads(e.before), json.loads(e.after)) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == "patient.update")
            .order_by(AuditEntry.id))]
    assert entries[0][0]["email_reminders"] is False
    assert entries[0][1]["email_reminders"] is True
    assert entries[0][1]["email_reminders_since"] == "2026-03-02"
    assert entries[-1][1]["email_reminders_since"] is None


def test_r47_no_reminders_to_a_patient_without_an_address(clinic, desk):
    patient = clinic.patients.add("Sam", "Noemail")
    error = refused(clinic, ValidationError, clinic.patients.update, patient,
                    email_reminders=True, language="fr_CA",
                    match="Add an email address before turning reminders on.")
    assert error.field == "email_reminders"
    row = clinic.patients.get(patient)
    assert (row.email_reminders, row.language) == (False, None)  # nothing written
    with pytest.raises(ValidationError, match="Add an email address"):
        clinic.patients.add("Tom", "Noemail", email_reminders=True)
    # typing the address and ticking the box in one save is fine
    clinic.patients.update(patient, email="sam@example.com", email_reminders=True)
    assert clinic.patients.get(patient).email_reminders
    # and emptying the address takes the consent with it
    clinic.patients.update(patient, email="")
    row = clinic.patients.get(patient)
    assert (row.email, row.email_reminders, row.email_reminders_since) == (None, False, None)


def test_r47_a_new_patient_can_agree_and_have_a_language(clinic, desk):
    patient = clinic.patients.add("Élise", "Gagnon", email="elise@example.com",
                                  email_reminders=True, language="fr_CA")
    row = clinic.patients.get(patient)
    assert (row.email_reminders, row.email_reminders_since, row.language) == \
        (True, date(2026, 3, 2), "fr_CA")
    clinic.patients.update(patient, language=None)
    assert clinic.patients.get(patient).language is None


@pytest.mark.parametrize("field, bad, words", [
    ("email_reminders", "yes", "must be yes or no"),
    ("email_reminders", 1, "must be yes or no"),
    ("language", "de", r"must be English, French \(Canada\) or the clinic's"),
    ("language", 3, r"must be English, French \(Canada\) or the clinic's")])
def test_r47_bad_consent_is_refused_naming_the_field(clinic, desk, field, bad, words):
    with pytest.raises(ValidationError, match=words) as error:
        clinic.patients.update(desk["patient"], **{field: bad})
    assert error.value.field == field


# --- when reminders go ----------------------------------------------------------------------

def test_r47_off_until_the_clinic_turns_them_on_and_only_with_email_set_up(clinic, desk, clock):
    patient = agreed(clinic)
    clinic.schedule.book(patient, desk["ana"], desk["massage"], datetime(2026, 3, 3, 10))
    assert clinic.mail.queue_reminders() == 0  # reminders off, email not set up
    clinic.auth.sign_in(desk["ana"], "2468")
    clinic.settings.update(reminders_enabled=True)
    assert clinic.mail.queue_reminders() == 0  # on, but no mail server yet
    clinic.settings.update(smtp_host="smtp.example.com", sender_email="front@example.com")
    assert clinic.mail.queue_reminders() == 1
    assert letters(clinic) and clinic.mail.queue_reminders() == 0


def test_r47_only_patients_who_agreed(clinic, mail):
    clinic.schedule.book(mail["patient"], mail["ana"], mail["massage"],
                         datetime(2026, 3, 3, 10))  # Maria has an address, never agreed
    stopped = agreed(clinic, "Paul", "Roy", "paul@example.com")
    clinic.patients.update(stopped, email_reminders=False)
    clinic.schedule.book(stopped, mail["ben"], mail["massage"], datetime(2026, 3, 3, 10))
    assert clinic.mail.queue_reminders() == 0


def test_r47_a_visit_tomorrow_once_with_its_time_and_treatment(clinic, mail, clock):
    patient = agreed(clinic)
    visit = clinic.schedule.book(patient, mail["ana"], mail["massage"],
                                 datetime(2026, 3, 3, 14, 30))
    later = clinic.schedule.book(patient, mail["ana"], mail["massage"],
                                 datetime(2026, 3, 4, 10))
    gone = clinic.schedule.book(patient, mail["ben"], mail["physio"], datetime(2026, 3, 3, 9))
    clinic.schedule.cancel(gone)
    assert clinic.mail.queue_reminders() == 1
    ((key, to, subject, text),) = letters(clinic)
    assert key == f"appointment:{visit}:2026-03-03T14:30"
    assert to == "lina@example.com"
    assert subject == "Your appointment tomorrow at 2:30 p.m."
    assert "Massage 60 min appointment with Ana Silva tomorrow, March 3, 2026, at 2:30" in text
    assert "call us at 902-555-0199" in text and text.startswith("Hello Lina,")
    assert clinic.mail.queue_reminders() == 0  # once
    clock.advance(days=1)
    assert clinic.mail.queue_reminders() == 1  # the next day's visit, on its own day before
    assert letters(clinic)[-1][0].startswith(f"appointment:{later}:")


def test_r47_a_moved_visit_gets_a_reminder_for_its_new_time(clinic, mail):
    patient = agreed(clinic)
    visit = clinic.schedule.book(patient, mail["ana"], mail["massage"],
                                 datetime(2026, 3, 3, 10))
    assert clinic.mail.queue_reminders() == 1
    clinic.schedule.reschedule(visit, datetime(2026, 3, 3, 15))
    assert clinic.mail.queue_reminders() == 1
    assert [k for k, *_ in letters(clinic)] == [f"appointment:{visit}:2026-03-03T10:00",
                                                f"appointment:{visit}:2026-03-03T15:00"]
    assert "at 3:00" in letters(clinic)[-1][2]


def test_r47_a_package_expiring_within_the_days_set_once(clinic, mail, clock):
    patient = agreed(clinic)
    sale = clinic.billing.sell_package(patient, mail["ten_massages"])  # expires 2026-09-02
    clinic.schedule.arrive(clinic.schedule.book(patient, mail["ana"], mail["massage"],
                                                datetime(2026, 3, 2, 10)))
    assert clinic.mail.queue_reminders() == 0
    clock.set(datetime(2026, 8, 2, 9))  # 31 days before
    assert clinic.mail.queue_reminders() == 0
    clock.set(datetime(2026, 8, 3, 9))  # 30 days before
    assert clinic.mail.queue_reminders() == 1
    ((key, _to, subject, text),) = letters(clinic)
    assert key == f"expiry:{sale.package_id}:2026-09-02"
    assert subject == "Your package expires on September 2, 2026"
    assert "\u201c10 Massages\u201d expires on September 2, 2026 with 9 uses left." in text
    clock.advance(days=1)
    assert clinic.mail.queue_reminders() == 0  # once
    # a moved expiry is news: a reminder for the new date when it comes near
    clinic.auth.sign_in(mail["ana"], "2468")
    clinic.packages.set_expiry(sale.package_id, date(2026, 9, 20))
    assert clinic.mail.queue_reminders() == 0  # 47 days before
    clock.set(datetime(2026, 8, 21, 9))
    assert clinic.mail.queue_reminders() == 1
    assert letters(clinic)[-1][0] == f"expiry:{sale.package_id}:2026-09-20"


def test_r47_the_days_before_expiry_follow_the_setting(clinic, mail, clock):
    patient = agreed(clinic)
    clinic.billing.sell_package(patient, mail["ten_massages"])  # expires 2026-09-02
    clinic.auth.sign_in(mail["ana"], "2468")
    clinic.settings.update(reminder_days_before_expiry=7)
    clock.set(datetime(2026, 8, 26, 9))  # 7 days before: yes; 8 days before: not yet
    clock.advance(days=-1)
    assert clinic.mail.queue_reminders() == 0
    clock.advance(days=1)
    assert clinic.mail.queue_reminders() == 1


def test_r47_a_day_the_desk_did_not_run_is_caught_up_with_the_true_date(clinic, mail, clock):
    patient = agreed(clinic)
    clinic.billing.sell_package(patient, mail["ten_massages"])  # expires 2026-09-02
    clock.set(datetime(2026, 8, 10, 9))  # the desk was closed on 3 August
    assert clinic.mail.queue_reminders() == 1
    assert "expires on September 2, 2026 with 10 uses left" in letters(clinic)[0][3]


def test_r47_one_use_left_after_the_use_that_left_one(clinic, mail, clock):
    patient = agreed(clinic)
    sale = clinic.billing.sell_package(patient, mail["three_physio"])  # 3 uses, no expiry
    clinic.schedule.arrive(clinic.schedule.book(patient, mail["ana"], mail["physio"],
                                                datetime(2026, 3, 2, 10)))
    assert clinic.mail.queue_reminders() == 0  # two left
    clinic.schedule.arrive(clinic.schedule.book(patient, mail["ana"], mail["physio"],
                                                datetime(2026, 3, 2, 11)))
    assert clinic.mail.queue_reminders() == 1
    ((key, _to, subject, text),) = letters(clinic)
    assert key == f"last_use:{sale.package_id}" and subject == "One use left on your package"
    assert "one use left on your package \u201c3 Physio\u201d" in text
    assert "can be used until" not in text  # it never expires
    assert clinic.mail.queue_reminders() == 0


def test_r47_ended_frozen_or_expired_packages_get_none(clinic, mail, clock):
    clinic.auth.sign_in(mail["ana"], "2468")
    patient = agreed(clinic)
    other = clinic.patients.add("Noor", "Ali")
    kept = clinic.billing.sell_package(patient, mail["ten_massages"]).package_id
    frozen = clinic.billing.sell_package(patient, mail["ten_massages"]).package_id
    clinic.packages.freeze(frozen, date(2026, 8, 1), reason="Away")  # until unfrozen
    refunded = clinic.billing.sell_package(patient, mail["ten_massages"]).package_id
    clinic.packages.refund(refunded, 0)
    moved = clinic.billing.sell_package(patient, mail["ten_massages"]).package_id
    clinic.packages.transfer(moved, other, reason="Gift to a friend")
    voided = clinic.billing.sell_package(patient, mail["ten_massages"])
    clinic.billing.void_invoice(voided.invoice_id, "Sold by mistake")
    clock.set(datetime(2026, 8, 10, 9))
    assert clinic.mail.queue_reminders() == 1
    assert [k for k, *_ in letters(clinic)] == [f"expiry:{kept}:2026-09-02"]
    clock.set(datetime(2026, 9, 3, 9))  # expired yesterday
    assert clinic.mail.queue_reminders() == 0


def test_r47_a_shared_packages_reminder_goes_to_the_purchaser(clinic, mail, clock):
    buyer = agreed(clinic, "Rosa", "Diaz", "rosa@example.com")
    member = agreed(clinic, "Leo", "Diaz", "leo@example.com")
    clinic.patients.link_household(buyer, member)
    sale = clinic.billing.sell_package(buyer, mail["three_physio"])
    clinic.packages.share(sale.package_id, member)
    for hour in (10, 11):
        clinic.schedule.arrive(clinic.schedule.book(member, mail["ana"], mail["physio"],
                                                    datetime(2026, 3, 2, hour)))
    assert clinic.mail.queue_reminders() == 1
    assert letters(clinic)[0][:2] == (f"last_use:{sale.package_id}", "rosa@example.com")


def test_r47_letters_in_the_patients_language_whatever_the_desks(clinic, mail):
    french = agreed(clinic, "Élise", "Gagnon", "elise@example.com", language="fr_CA")
    english = agreed(clinic)
    clinic.schedule.book(french, mail["ana"], mail["massage"], datetime(2026, 3, 3, 14, 30))
    clinic.schedule.book(english, mail["ben"], mail["massage"], datetime(2026, 3, 3, 15))
    assert clinic.mail.queue_reminders() == 2
    by_address = {to: (subject, text) for _k, to, subject, text in letters(clinic)}
    subject, text = by_address["elise@example.com"]
    assert subject == "Votre rendez-vous demain à 14 h 30"
    assert text.startswith("Bonjour Élise,") and "3 mars 2026" in text
    assert by_address["lina@example.com"][0] == "Your appointment tomorrow at 3:00 p.m."


def test_r47_the_clinics_language_for_a_patient_without_one(clinic, mail):
    clinic.auth.sign_in(mail["ana"], "2468")
    clinic.settings.update(language="fr_CA")
    patient = agreed(clinic)
    clinic.schedule.book(patient, mail["ana"], mail["massage"], datetime(2026, 3, 3, 9))
    clinic.mail.queue_reminders()
    assert letters(clinic)[0][2].startswith("Votre rendez-vous demain")


def test_r47_each_queued_reminder_is_audited(clinic, mail):
    patient = agreed(clinic)
    clinic.schedule.book(patient, mail["ana"], mail["massage"], datetime(2026, 3, 3, 9))
    clinic.mail.queue_reminders()
    with clinic.db.read() as s:
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "mail.reminders"))
        (row,) = s.scalars(select(OutboxMessage))
        assert json.loads(entry.after)["queued"] == [[row.id, row.reminder_key]]
        assert row.patient_id == patient and row.state == "queued"


def test_r47_a_key_queued_by_another_desk_meanwhile_is_skipped(clinic, mail, monkeypatch):
    """The other desk wrote the same reminder between this one's read and its write: the
    unique key refuses the second, that one letter is skipped, the others still go."""
    from app.services.mail import reminders

    first = agreed(clinic)
    second = agreed(clinic, "Paul", "Roy", "paul@example.com")
    a = clinic.schedule.book(first, mail["ana"], mail["massage"], datetime(2026, 3, 3, 9))
    clinic.schedule.book(second, mail["ben"], mail["massage"], datetime(2026, 3, 3, 9))
    monkeypatch.setattr(reminders, "already_queued", lambda s, keys: set())
    with clinic.db.write() as s:
        s.add(OutboxMessage(kind="reminder", patient_id=first, to_address="x@example.com",
                            to_name="", subject="", message_id_header="<other@desk>",
                            raw=b"", state="queued", attempts=0,
                            next_attempt_at=datetime(2026, 3, 2, 9), last_error="",
                            queued_at=datetime(2026, 3, 2, 9),
                            reminder_key=f"appointment:{a}:2026-03-03T09:00"))
    assert clinic.mail.queue_reminders() == 1
    assert [to for _k, to, *_ in letters(clinic)] == ["x@example.com", "paul@example.com"]


def test_r47_the_rules_keys_and_windows():
    assert rule.expiry_key(7, date(2026, 9, 2)) == "expiry:7:2026-09-02"
    assert rule.last_use_key(7) == "last_use:7"
    assert rule.appointment_key(3, datetime(2026, 3, 3, 14, 30)) == \
        "appointment:3:2026-03-03T14:30"
    today = date(2026, 8, 3)
    assert rule.expiry_due(date(2026, 9, 2), 1, today, 30)
    assert not rule.expiry_due(date(2026, 9, 3), 1, today, 30)
    assert not rule.expiry_due(date(2026, 9, 2), 0, today, 30)  # nothing left to lose
    assert not rule.expiry_due(None, 5, today, 30)
    assert rule.expiry_due(today, 1, today, 30)  # valid to the end of its day
    assert not rule.expiry_due(today - timedelta(days=1), 1, today, 30)
    assert rule.last_use_due(10, 9) and not rule.last_use_due(10, 8)
    assert not rule.last_use_due(1, 0)  # sold with one use: not "down to one"
    assert rule.tomorrow_span(date(2026, 3, 2)) == (datetime(2026, 3, 3),
                                                    datetime(2026, 3, 4))
