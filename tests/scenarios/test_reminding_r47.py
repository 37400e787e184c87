"""Reminders by email (SPEC R47), end to end with a real mail server. Harbour Physio turns
reminders on. Élise Gagnon, who reads French, agrees at the desk to reminders; Tom Reid has no
address and Maria Lopez never agreed. Élise buys "3 Massages" and books a massage for
Tuesday: on Monday the desk's morning run queues her appointment reminder, in French, and the
outbox delivers it; the run again that day queues nothing. Tuesday she arrives, and again
Wednesday: her package is down to its last use, and that reminder arrives too, once. Nobody
else gets anything, and reminders move no money: the books are the same before and after."""

from __future__ import annotations

from datetime import date

from tests.helpers.mail_server import MailServer, use

from scenarios.support import at


def test_r47_elises_french_reminders_arrive_once(clinic, shop, clock):
    server = MailServer("none").start()
    try:
        clock.set(at(date(2026, 3, 2), 8))
        use(clinic, server)
        clinic.settings.update(phone="902-555-0100", reminders_enabled=True)
        elise = clinic.patients.add("Élise", "Gagnon", email="elise@example.com")
        clinic.patients.update(elise, email_reminders=True, language="fr_CA")
        tom, maria = shop["other_patient"], shop["patient"]
        sale = clinic.billing.sell_package(elise, shop["three_massages"])
        clinic.billing.receive_payment(elise, 10000, "debit", invoice_id=sale.invoice_id)
        for patient, hour in ((elise, 10), (tom, 11), (maria, 12)):
            clinic.schedule.book(patient, shop["ana"], shop["massage"],
                                 at(date(2026, 3, 3), hour, 30))
        books = clinic.accounting.balances(date(2026, 3, 2))

        assert clinic.mail.queue_reminders() == 1  # Monday's morning run
        assert clinic.mail.queue_reminders() == 0  # a second desk, or a second look
        assert clinic.mail.deliver_pending() == 1
        (visit,) = server.inbox.messages()
        assert visit["To"].addresses[0].addr_spec == "elise@example.com"
        assert str(visit["Subject"]) == "Votre rendez-vous demain à 10 h 30"
        text = visit.get_body(("plain",)).get_content()
        assert text.startswith("Bonjour Élise,")
        assert ("Nous vous rappelons votre rendez-vous (Massage 60 min) avec Ana Silva "
                "demain, le 3 mars 2026, à 10 h 30.") in text
        assert "veuillez nous appeler au 902-555-0100" in text
        assert clinic.accounting.balances(date(2026, 3, 2)) == books

        clock.set(at(date(2026, 3, 3), 10, 30))
        (booked,) = [a for a in clinic.schedule.day(date(2026, 3, 3))
                     if a.patient_id == elise]
        clinic.schedule.arrive(booked.id)
        clock.set(at(date(2026, 3, 4), 9))
        clinic.schedule.arrive(clinic.schedule.book(elise, shop["ana"], shop["massage"],
                                                    at(date(2026, 3, 4), 9)))
        assert clinic.mail.queue_reminders() == 1
        assert clinic.mail.deliver_pending() == 1
        server.wait_for(2)
        last = server.inbox.messages()[-1]
        assert str(last["Subject"]) == "Il vous reste une utilisation sur votre forfait"
        assert "« 3 Massages »" in last.get_body(("plain",)).get_content()
        clock.set(at(date(2026, 3, 5), 9))
        assert clinic.mail.queue_reminders() == 0  # each once
        assert [m["To"].addresses[0].addr_spec for m in server.inbox.messages()] == \
            ["elise@example.com"] * 2
    finally:
        server.stop()
