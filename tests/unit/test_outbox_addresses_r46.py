"""R46 addresses beyond ASCII: an international domain goes on the wire as the DNS knows it
(IDNA), and an address with accents before the @ is sent with SMTPUTF8 when the server
offers it; when it does not, the message fails at once saying why (never left "sending",
never retried), and the messages after it still go."""

from __future__ import annotations

from email import message_from_string
from email.policy import default

import pytest

from tests.helpers.mail_server import MailServer, use


@pytest.fixture
def server(request):
    running = MailServer("none", smtputf8=getattr(request, "param", True)).start()
    yield running
    running.stop()


@pytest.fixture
def invoice_for(clinic, catalog):
    def make(email):
        patient = clinic.patients.add("Élodie", "Tremblay", email=email)
        return clinic.billing.sell_package(patient, catalog["three_physio"]).invoice_id
    return make


def test_r46_an_international_domain_is_sent_as_idna(clinic, server, invoice_for):
    use(clinic, server)
    clinic.mail.queue_invoice(invoice_for("joe@exémple.ca"))
    assert clinic.mail.deliver_pending() == 1
    (_sender, recipients, raw) = server.inbox.received[0]
    assert recipients == ["joe@xn--exmple-cva.ca"]
    assert b"<joe@xn--exmple-cva.ca>" in raw and raw.isascii()


def test_r46_accents_before_the_at_go_with_smtputf8(clinic, server, invoice_for):
    use(clinic, server)
    row_id = clinic.mail.queue_invoice(invoice_for("élodie@exemple.ca"))
    assert clinic.mail.deliver_pending() == 1
    (_sender, recipients, raw) = server.inbox.received[0]
    assert recipients == ["élodie@exemple.ca"]
    mail = message_from_string(raw.decode("utf-8"), policy=default)  # UTF-8 headers
    assert mail["To"].addresses[0].username == "élodie"
    assert mail["To"].addresses[0].display_name == "Élodie Tremblay"
    assert mail["Message-ID"] == clinic.mail.message(row_id).message_id_header


@pytest.mark.parametrize("server", [False], indirect=True)
def test_r46_a_server_without_smtputf8_fails_it_at_once_and_sends_the_rest(
        clinic, server, invoice_for):
    use(clinic, server)
    accented = clinic.mail.queue_invoice(invoice_for("élodie@exemple.ca"))
    plain = clinic.mail.queue_invoice(invoice_for("elodie@exemple.ca"))
    assert clinic.mail.deliver_pending() == 1
    row = clinic.mail.message(accented)
    assert (row.state, row.attempts) == ("failed", 1)
    assert row.last_error == "The server does not offer SMTPUTF8."
    assert clinic.mail.message(plain).state == "sent"
    assert [r for _s, r, _raw in server.inbox.received] == [["elodie@exemple.ca"]]


def test_r46_a_resent_copy_keeps_the_accents(clinic, server, invoice_for):
    use(clinic, server)
    first = clinic.mail.queue_invoice(invoice_for("élodie@exemple.ca"))
    clinic.mail.deliver_pending()
    copy = clinic.mail.resend(first)
    assert clinic.mail.deliver_pending() == 1
    a, b = (message_from_string(raw.decode("utf-8"), policy=default)
            for _s, _r, raw in server.inbox.received)
    assert str(a["To"]) == str(b["To"]) == "Élodie Tremblay <élodie@exemple.ca>"
    assert b["Message-ID"] == clinic.mail.message(copy).message_id_header != a["Message-ID"]
    assert b.get_body(("plain",)).get_content() == a.get_body(("plain",)).get_content()
