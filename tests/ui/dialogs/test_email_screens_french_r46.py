"""R46 the email screens in French (Canada): every word translated, no Alt-letter claimed
twice; a French patient's subject is in French whatever the desk speaks."""

from __future__ import annotations

import pytest

from app.ui.dialogs.email_dialog import EmailDialog, Emailed
from app.ui.dialogs.mail_password import MailPasswordDialog
from app.ui.dialogs.outbox_window import OutboxModel, OutboxWindow

from helpers.mail_server import MailServer, use
from ui.helpers import cell_texts
from ui.i18n_helpers import untranslated_texts
from ui.packages.test_packages_french import clashing_mnemonics, french, show  # noqa: F401


@pytest.fixture
def mail(clinic, catalog):
    server = MailServer("none")  # never started: nothing here is sent
    use(clinic, server)
    return server


@pytest.fixture
def invoice(clinic, catalog):
    return clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).invoice_id


def test_r46_the_email_dialog_and_the_outbox_in_french(qtbot, clinic, mail, invoice, french):
    clinic.mail.queue_invoice(invoice)
    dialog = show(qtbot, EmailDialog(clinic, Emailed("invoice", invoice, "Facture 1")), 600, 240)
    assert dialog.queue_button.text() == "Mettre en &file"
    assert untranslated_texts(dialog) == [] and clashing_mnemonics(dialog) == []
    outbox = show(qtbot, OutboxWindow(clinic), 1300, 480)
    assert cell_texts(outbox.model, OutboxModel.STATE) == ["En attente d’envoi"]
    assert untranslated_texts(outbox) == [] and clashing_mnemonics(outbox) == []
    outbox.close()
    asked = show(qtbot, MailPasswordDialog("desk", "smtp.harbour.test"), 500, 200)
    assert untranslated_texts(asked) == [] and clashing_mnemonics(asked) == []


def test_r46_a_french_patients_subject_is_in_french_at_an_english_desk(
        qtbot, clinic, mail, invoice, catalog):
    from unit.test_outbox_r46 import speaks_french  # (the patients' screen is R47's)
    speaks_french(clinic, catalog["patient"])
    dialog = show(qtbot, EmailDialog(clinic, Emailed("invoice", invoice, "Invoice 1")), 600, 240)
    number = clinic.billing.invoice(invoice).number
    assert dialog.subject.text() == f"Facture {number} de Harbour Physio"
    assert dialog.queue_button.text() == "&Queue"  # the desk keeps its own language
