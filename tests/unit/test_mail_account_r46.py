"""R46 the clinic's SMTP account as settings: what the issue calls bad input (a port out of
range, an unknown security mode, a URL for a host, an address that is not one) is refused
naming the field and the limit, and nothing changes; the password lives in the desk's
credential store or only in memory, never in the clinic's settings."""

from __future__ import annotations

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
