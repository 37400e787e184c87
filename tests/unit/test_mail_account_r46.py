"""R46 the clinic's SMTP account as settings: what the issue calls bad input (a port out of
range, an unknown security mode, a URL for a host, an address that is not one) is refused
naming the field and the limit, and nothing changes; the password lives in the desk's
credential store or only in memory, never in the clinic's settings."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.models import ClinicSettings
from app.services.errors import ValidationError


@pytest.mark.parametrize("field, value, words", [
    ("smtp_port", 0, "from 1 to 65535"),
    ("smtp_port", 70000, "from 1 to 65535"),
    ("smtp_port", "abc", "from 1 to 65535"),
    ("smtp_security", "ssl", "STARTTLS, TLS or none"),
    ("smtp_host", "https://mail.example.com", "not a mail server name"),
    ("smtp_host", "smtp.example.com:587", "not a mail server name"),
    ("sender_email", "front desk", "is not an email address"),
    ("sender_name", "Harbour\nBcc: x@y.z", "on one line"),
])
def test_r46_bad_account_settings_are_refused_naming_the_field(clinic, field, value, words):
    before = clinic.settings.get()
    with pytest.raises(ValidationError, match=words) as refused:
        clinic.settings.update(**{field: value})
    assert refused.value.field == field
    assert clinic.settings.get() == before


def test_r46_a_good_account_is_kept_and_the_password_is_not(clinic, monkeypatch):
    import keyring
    from keyring.backends import fail

    clinic.settings.update(smtp_host="smtp.harbour.example", smtp_port="465",
                           smtp_security="TLS", smtp_user="front", sender_name="Harbour",
                           sender_email="front@harbour.example")
    account = clinic.mail.account()
    assert (account.host, account.port, account.security) == ("smtp.harbour.example", 465,
                                                               "tls")
    assert clinic.mail.can_email() is None and clinic.mail.needs_password()
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert clinic.mail.passwords.put("front", "smtp.harbour.example", "pw-Ünïcode") is False
    assert not clinic.mail.needs_password()  # in memory, for this start
    with clinic.db.read() as s:
        row = s.scalars(select(ClinicSettings)).one()
        assert "pw-Ünïcode" not in repr({c.name: getattr(row, c.name)
                                          for c in ClinicSettings.__table__.columns})


def test_r46_the_password_is_in_no_file_the_desk_writes(tmp_path, monkeypatch):
    """Kept in memory (no credential store), used for a login the server accepts and for a
    queued invoice delivered: not a byte of it in the clinic file, its WAL or a backup."""
    import keyring
    from keyring.backends import fail

    from app.services import Clinic
    from tests.helpers.mail_server import PASSWORD, USER, MailServer, use

    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)  # never the tester's own store
    clinic = Clinic.open(tmp_path / "clinic.db", clock=lambda: datetime(2026, 12, 4, 10, 0))
    server = MailServer("starttls", login=True).start()
    try:
        clinic.settings.update(name="Harbour Physio", setup_complete=True)
        use(clinic, server, user=USER)
        clinic.mail.passwords.put(USER, "127.0.0.1", PASSWORD)
        clinic.mail.send_test("ana@harbour.example")
        massage = clinic.catalog.add_treatment_type("Massage 60 min", duration_min=60,
                                                    price=9000)
        patient = clinic.patients.add("Maria", "Lopez", phone="902-555-0101",
                                      email="maria@example.com")
        package = clinic.catalog.add_package_template("5 Massages", price=40000, uses=5,
                                                      eligible={massage: 0}, validity="6m")
        clinic.mail.queue_invoice(clinic.billing.sell_package(patient, package).invoice_id)
        assert clinic.mail.deliver_pending() == 1
        server.wait_for(2)
        assert len(server.inbox.received) == 2
        backup = clinic.backup.create()
        written = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert backup in written and tmp_path / "clinic.db" in written
        secret = PASSWORD.encode()
        for path in written:
            data = path.read_bytes()
            assert secret not in data and PASSWORD.encode("utf-16-le") not in data, path
    finally:
        clinic.close()
        server.stop()
