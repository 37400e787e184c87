"""R46: documents emailed through the outbox, delivered to a real SMTP server on the loopback
(aiosmtpd): what arrives (headers, the French letter, the PDF), over plain, STARTTLS and TLS
with a login, the retries when nothing listens, and the server's refusals kept in its words.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from app.models import AuditEntry, OutboxMessage, Patient
from app.services import ClinicError
from app.services.errors import NotAllowed, NotFound, ValidationError
from app.services.mail.transport import MailError
from tests.helpers.mail_server import PASSWORD, REFUSED, USER, Authority, MailServer, use

# aiosmtpd over implicit TLS with a login (it counts only STARTTLS as TLS)
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def servers():
    started = []

    def start(security="none", **kwargs):
        server = MailServer(security, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def sale(clinic, catalog):
    """Maria's package sale: an invoice of hers (she has an email address)."""
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])


def speaks_french(clinic, patient_id):
    with clinic.db.write() as s:
        s.get(Patient, patient_id).language = "fr_CA"


def audit_actions(clinic):
    with clinic.db.read() as s:
        return [a for (a,) in s.execute(select(AuditEntry.action)
                                        .where(AuditEntry.action.like("mail.%"))
                                        .order_by(AuditEntry.id))]


def the_row(clinic, row_id):
    return next(r for r in clinic.mail.outbox() if r.id == row_id)


def test_r46_a_french_patients_invoice_arrives_whole_in_french(clinic, catalog, sale,
                                                              servers, tmp_path):
    server = servers("none")
    use(clinic, server, sender_name="Physio du Havre — Réception")
    clinic.settings.update(name="Clinique Sainte-Thérèse", phone="902-555-0100")
    speaks_french(clinic, catalog["patient"])
    row_id = clinic.mail.queue_invoice(sale.invoice_id)
    row = the_row(clinic, row_id)
    assert (row.state, row.kind, row.document_id, row.to) == (
        "queued", "invoice", sale.invoice_id, "maria@example.com")

    assert clinic.mail.deliver_pending() == 1
    (mail,) = server.inbox.messages()
    (envelope_from, envelope_to, raw) = server.inbox.received[0]
    assert envelope_from == "front@harbour.example" and envelope_to == ["maria@example.com"]
    assert mail["From"].addresses[0].display_name == "Physio du Havre — Réception"
    assert mail["To"].addresses[0].display_name == "Maria Lopez"
    assert mail["Subject"] == "Facture 1 de Clinique Sainte-Thérèse"
    headers = raw.split(b"\r\n\r\n")[0].decode("ascii")  # on the wire: ASCII, encoded
    assert "Th=C3=A9r=C3=A8se" in headers and "R=C3=A9ception" in headers
    assert "=?utf-8?" in headers.split("Subject:")[1].split("\r\nDate:")[0]
    assert parsedate_to_datetime(mail["Date"]) == clinic.now().astimezone()
    assert mail["Message-ID"] == row.message_id_header
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Bonjour Maria," in body and "Votre facture 1 est jointe en PDF." in body
        assert "902-555-0100" in body
    assert 'lang="fr-CA"' in html
    (pdf,) = list(mail.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == "facture-1.pdf"
    content = pdf.get_content()
    assert content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "arrived.pdf"
        path.write_bytes(content)
        words = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout
        assert "Maria Lopez" in words and "10 Massages" in words
    row = the_row(clinic, row_id)
    assert (row.state, row.attempts, row.sent_at) == ("sent", 1, clinic.now())
    assert clinic.mail.pending_count() == 0
    assert clinic.mail.deliver_pending() == 0 and len(server.inbox.received) == 1
    assert audit_actions(clinic) == ["mail.queue", "mail.sent"]


def test_r46_the_desk_language_is_kept_while_the_letter_is_french(clinic, catalog, sale,
                                                                 servers):
    from app import i18n

    use(clinic, servers("none"))
    speaks_french(clinic, catalog["patient"])
    clinic.mail.queue_invoice(sale.invoice_id)
    assert i18n.language() == i18n.ENGLISH


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_r46_delivered_over_starttls_and_tls_with_a_login(clinic, sale, servers, security,
                                                          monkeypatch):
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)  # never the tester's own store
    server = servers(security, login=True)
    use(clinic, server, user=USER)
    assert clinic.mail.needs_password()
    row_id = clinic.mail.queue_invoice(sale.invoice_id)
    assert clinic.mail.deliver_pending() == 0, "no password: nothing is tried"
    assert the_row(clinic, row_id).attempts == 0
    clinic.mail.passwords.put(USER, "127.0.0.1", PASSWORD)
    assert not clinic.mail.needs_password()
    assert clinic.mail.deliver_pending() == 1
    (mail,) = server.inbox.messages()
    assert mail["Subject"] == "Invoice 1 from Harbour Physio"
    assert list(mail.iter_attachments())[0].get_content().startswith(b"%PDF")
    with clinic.db.read() as s:
        trail = " ".join(a + b for a, b in s.execute(select(AuditEntry.before,
                                                             AuditEntry.after)))
    assert PASSWORD not in trail and "s3cret" not in trail


def test_r46_a_certificate_the_desk_does_not_trust_is_refused_and_not_retried(
        clinic, sale, servers):
    server = servers("starttls")
    use(clinic, server)
    clinic.mail.ssl_context = Authority().client_context()  # another authority
    row_id = clinic.mail.queue_invoice(sale.invoice_id)
    assert clinic.mail.deliver_pending() == 0
    row = the_row(clinic, row_id)
    assert row.state == "failed" and "CERTIFICATE_VERIFY_FAILED" in row.last_error
    assert server.inbox.received == []


def test_r46_a_refused_login_fails_with_the_servers_words(clinic, sale, servers):
    server = servers("starttls", login=True)
    use(clinic, server, user=USER)
    row_id = clinic.mail.queue_invoice(sale.invoice_id)
    assert clinic.mail.deliver_pending(password="wrong") == 0
    row = the_row(clinic, row_id)
    assert (row.state, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("535") and "Authentication" in row.last_error
    assert clinic.mail.deliver_pending(password=PASSWORD) == 0, "failed is not retried"
    assert server.inbox.received == [] and audit_actions(clinic)[-1] == "mail.failed"
    with pytest.raises(MailError) as refused:
        clinic.mail.send_test("ana@harbour.example", password="wrong")
    assert refused.value.server_says.startswith("535") and not refused.value.retry


def test_r46_a_refused_recipient_fails_and_the_next_message_still_goes(clinic, catalog, sale,
                                                                      servers):
    server = servers("none")
    use(clinic, server)
    refused = clinic.mail.queue_invoice(sale.invoice_id, to=REFUSED)
    taken = clinic.mail.queue_invoice(sale.invoice_id)
    assert clinic.mail.deliver_pending() == 1
    row = the_row(clinic, refused)
    assert row.state == "failed" and "550 5.1.1" in row.last_error
    assert "no such mailbox here" in row.last_error
    assert the_row(clinic, taken).state == "sent"
    assert [t for _f, t, _r in server.inbox.received] == [["maria@example.com"]]


def test_r46_nothing_listening_retries_with_growing_delays_and_loses_nothing(
        clinic, clock, sale, servers):
    server = MailServer("none")  # its port, with nothing on it yet
    use(clinic, server)
    row_id = clinic.mail.queue_invoice(sale.invoice_id)
    raw_before = _raw(clinic, row_id)
    waits = []
    for attempt in range(1, 5):
        assert clinic.mail.deliver_pending() == 0
        row = the_row(clinic, row_id)
        assert (row.state, row.attempts) == ("queued", attempt)
        assert "refused" in row.last_error.lower() or "errno" in row.last_error.lower()
        waits.append(row.next_attempt_at - clock())
        assert clinic.mail.deliver_pending() == 0, "not due again yet"
        assert the_row(clinic, row_id).attempts == attempt
        clock.set(row.next_attempt_at)
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert clinic.mail.pending_count() == 1
    server.start()
    try:
        assert clinic.mail.deliver_pending() == 1
    finally:
        server.stop()
    (_f, _t, raw) = server.inbox.received[0]
    assert raw.replace(b"\r\n", b"\n").strip() == raw_before.replace(b"\r\n", b"\n").strip()
    assert (the_row(clinic, row_id).state, the_row(clinic, row_id).attempts) == ("sent", 5)


def test_r46_after_ten_attempts_a_message_fails_and_waits_for_a_person(clinic, clock, sale):
    from tests.helpers.mail_server import free_port

    clinic.settings.update(smtp_host="127.0.0.1", smtp_port=free_port(),
                           smtp_security="none", sender_email="front@harbour.example")
    row_id = clinic.mail.queue_invoice(sale.invoice_id)
    waits = []
    for _ in range(10):
        clinic.mail.deliver_pending()
        row = the_row(clinic, row_id)
        waits.append(row.next_attempt_at - clock())
        clock.set(row.next_attempt_at)
    row = the_row(clinic, row_id)
    assert (row.state, row.attempts) == ("failed", 10)
    # 1, 2, 4 … minutes, never more than an hour (the tenth failure sets no next attempt)
    assert waits[:9] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]
    assert clinic.mail.deliver_pending() == 0 and the_row(clinic, row_id).attempts == 10
    clinic.mail.retry(row_id)
    row = the_row(clinic, row_id)
    assert (row.state, row.attempts, row.next_attempt_at) == ("queued", 0, clock())
    assert audit_actions(clinic)[-2:] == ["mail.failed", "mail.retry"]


def _raw(clinic, row_id):
    with clinic.db.read() as s:
        return s.get(OutboxMessage, row_id).raw


def test_r46_resend_is_a_new_message_with_a_new_message_id(clinic, sale, servers):
    server = servers("none")
    use(clinic, server)
    first = clinic.mail.queue_invoice(sale.invoice_id)
    with pytest.raises(NotAllowed, match="not gone yet"):
        clinic.mail.resend(first)
    with pytest.raises(NotAllowed, match="Only a failed email"):
        clinic.mail.retry(first)
    clinic.mail.deliver_pending()
    copy = clinic.mail.resend(first)
    assert clinic.mail.deliver_pending() == 1
    a, b = server.inbox.messages()
    assert a["Message-ID"] != b["Message-ID"] == the_row(clinic, copy).message_id_header
    assert a["Subject"] == b["Subject"] and the_row(clinic, copy).resent_from_id == first
    assert list(b.iter_attachments())[0].get_content() == \
        list(a.iter_attachments())[0].get_content()
    assert the_row(clinic, first).state == "sent"
    assert audit_actions(clinic) == ["mail.queue", "mail.sent", "mail.resend", "mail.sent"]


def test_r46_every_document_can_be_queued_with_its_pdf(clinic, catalog, two_payments,
                                                      servers):
    use(clinic, servers("none"))
    patient = catalog["patient"]
    package = clinic.packages.for_patient(patient)[0].id
    payment = clinic.billing.receive_payment(patient, 5000, "cash")
    refund = clinic.billing.refund_payment(payment, 5000)
    card = clinic.gift_cards.sell(2500, patient_id=patient)
    anonymous = clinic.gift_cards.sell(2500)
    package_refund = clinic.packages.refund(package, 10000).package_refund_id
    ids = [clinic.mail.queue_refund_receipt(refund),
           clinic.mail.queue_package_statement(package),
           clinic.mail.queue_gift_card(card.card_id),
           clinic.mail.queue_gift_card(anonymous.card_id, to="friend@example.com"),
           clinic.mail.queue_package_refund_receipt(package_refund)]
    rows = [the_row(clinic, i) for i in ids]
    assert [r.kind for r in rows] == ["refund_receipt", "package_statement", "gift_card",
                                      "gift_card", "package_refund_receipt"]
    assert rows[1].subject == "Your package statement for 10 Massages from Harbour Physio"
    assert rows[3].to == "friend@example.com" and rows[3].patient_id is None
    for row_id in ids:
        assert b"Content-Type: application/pdf" in _raw(clinic, row_id)
    assert clinic.mail.deliver_pending() == len(ids)


def test_r46_bad_input_is_refused_and_nothing_is_queued(clinic, catalog, sale, servers):
    with pytest.raises(NotAllowed, match="Email is not set up"):
        clinic.mail.queue_invoice(sale.invoice_id)
    assert clinic.mail.can_email().startswith("Email is not set up")
    use(clinic, servers("none"))
    assert clinic.mail.can_email() is None
    with pytest.raises(ValidationError,
                       match="The email address .maria at example. is not one") as bad:
        clinic.mail.queue_invoice(sale.invoice_id, to="maria at example")
    assert bad.value.field == "to"
    nobody = clinic.patients.add("Joe", "Noemail")
    joes = clinic.billing.sell_package(nobody, catalog["three_physio"]).invoice_id
    with pytest.raises(ValidationError, match="Joe Noemail has no email address") as none:
        clinic.mail.queue_invoice(joes)
    assert none.value.field == "to"
    card = clinic.gift_cards.sell(1000)
    with pytest.raises(ValidationError, match="sold to no patient"):
        clinic.mail.queue_gift_card(card.card_id)
    with pytest.raises(NotFound):
        clinic.mail.queue_invoice(999)
    with pytest.raises(NotFound, match="No email message with number 77"):
        clinic.mail.retry(77)
    with pytest.raises(ValidationError) as test_to:
        clinic.mail.send_test("not-an-address")
    assert test_to.value.field == "to"
    for typed, words in ((5, "The email address must be text."),
                         ("a@b.example\nBcc: all@b.example", "is not one"),
                         ("x" * 190 + "@example.com", "at most 200")):
        with pytest.raises(ValidationError, match=words) as wrong:
            clinic.mail.queue_invoice(sale.invoice_id, to=typed)
        assert wrong.value.field == "to"
    assert clinic.mail.outbox() == [] and audit_actions(clinic) == []
    assert isinstance(bad.value, ClinicError)


def test_r46_send_test_goes_at_once_and_not_through_the_outbox(clinic, servers):
    server = servers("none")
    use(clinic, server)
    clinic.mail.send_test("ana@harbour.example")
    (mail,) = server.inbox.messages()
    assert mail["Subject"] == "Test email from Harbour Physio"
    assert clinic.mail.outbox() == []


def test_r46_french_words_for_the_desk(clinic, sale, french):
    with pytest.raises(NotAllowed, match="Le courriel n'est pas configuré"):
        clinic.mail.queue_invoice(sale.invoice_id)


def test_r46_the_letters_language_is_the_patients_else_the_clinics(clinic, catalog, sale,
                                                                  servers):
    server = servers("none")
    use(clinic, server)
    clinic.settings.update(language="fr_CA")
    english = clinic.patients.add("Joe", "English", email="joe@example.com")
    with clinic.db.write() as s:
        s.get(Patient, english).language = "en"
    joes = clinic.billing.sell_package(english, catalog["three_physio"]).invoice_id
    clinic.mail.queue_invoice(sale.invoice_id)  # Maria: no language of her own
    clinic.mail.queue_invoice(joes)
    clinic.mail.deliver_pending()
    maria, joe = server.inbox.messages()
    assert maria["Subject"].startswith("Facture 1 de")
    assert "Bonjour Maria," in maria.get_body(("plain",)).get_content()
    assert joe["Subject"].startswith("Invoice 2 from")
    assert "Hello Joe," in joe.get_body(("plain",)).get_content()


def test_r46_the_row_and_its_audit_entry_are_one_transaction(clinic, sale, servers,
                                                            monkeypatch):
    from app.services import audit

    use(clinic, servers("none"))

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        clinic.mail.queue_invoice(sale.invoice_id)
    monkeypatch.undo()
    assert clinic.mail.outbox() == [] and clinic.mail.pending_count() == 0
