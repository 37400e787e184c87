"""R46 clinic.mail.preview: the Email dialog's To and subject before anything is queued —
exactly what queue_… then writes on the message, in the patient's language; no PDF."""

from __future__ import annotations

import pytest

from app.services.errors import NotFound

from unit.test_outbox_r46 import speaks_french


@pytest.fixture
def account(clinic, catalog):
    clinic.settings.update(smtp_host="127.0.0.1", smtp_port=2525, smtp_security="none",
                           sender_email="front@harbour.example")


def test_r46_the_preview_is_what_the_queue_writes(clinic, catalog, account):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    for kind, ident in (("invoice", sale.invoice_id), ("package_statement", sale.package_id)):
        seen = clinic.mail.preview(kind, ident)
        assert (seen.to, seen.to_name) == ("maria@example.com", "Maria Lopez")
        queued = clinic.mail.message(getattr(clinic.mail, f"queue_{kind}")(ident))
        assert queued.subject == seen.subject and queued.to == seen.to
    assert "10 Massages" in clinic.mail.preview("package_statement", sale.package_id).subject


def test_r46_a_french_patient_and_a_walk_in_card(clinic, catalog, account):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    speaks_french(clinic, catalog["patient"])
    number = clinic.billing.invoice(sale.invoice_id).number
    assert clinic.mail.preview("invoice", sale.invoice_id).subject == (
        f"Facture {number} de Harbour Physio")
    card = clinic.gift_cards.sell(2500)  # sold to no patient
    seen = clinic.mail.preview("gift_card", clinic.gift_cards.card(card.code).card_id)
    assert (seen.to, seen.to_name) == ("", "")
    assert seen.subject == "Your gift card from Harbour Physio"
    with pytest.raises(NotFound):
        clinic.mail.preview("invoice", 9999)
