"""Patient Billing in French (Canada) (issue 8): every screen of the tab and its dialogs,
opened on a patient with a real account, shows no English message left untranslated."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.ui.billing import BillingTab, PatientDialog
from app.ui.billing.expiry_dialog import ExpiryDialog
from app.ui.billing.package_page import PackagePage
from app.ui.billing.refund_dialog import RefundPackageDialog
from app.ui.billing.void_dialog import VoidInvoiceDialog
from app.ui.dialogs.payment_dialog import ReceivePaymentDialog
from app.ui.dialogs.print_dialog import PrintDialog
from app.ui.dialogs.refund_payment_dialog import RefundPaymentDialog
from app.ui.dialogs.sale_dialog import CompensationDialog, SaleDialog
from app.ui.models.billing import InvoicesModel as Inv

from ui.helpers import cell_texts, retype
from ui.i18n_helpers import untranslated_texts


@pytest.fixture
def account(clinic, catalog):
    """Maria: “3 Physio” part paid, “10 Massages” overpaid into credit and part of that
    credit refunded, a voided sale, a booked visit on the package."""
    patient = catalog["patient"]
    physio = clinic.billing.sell_package(patient, catalog["three_physio"])
    partial = clinic.billing.receive_payment(patient, 5000, "cash",
                                             invoice_id=physio.invoice_id)
    massages = clinic.billing.sell_package(patient, catalog["ten_massages"],
                                           staff_id=catalog["ben"])
    overpaid = clinic.billing.receive_payment(patient, 90000, "debit",
                                              invoice_id=massages.invoice_id)
    refund = clinic.billing.refund_payment(overpaid, 4000, method="debit", note="Asked back")
    mistake = clinic.billing.sell_package(patient, catalog["three_physio"])
    clinic.billing.void_invoice(mistake.invoice_id, "Sold twice")
    booked = clinic.schedule.book(patient, catalog["ana"], catalog["physio"],
                                  datetime(2026, 3, 16, 10))
    return {"patient": patient, "physio": physio, "massages": massages, "partial": partial,
            "overpaid": overpaid, "refund": refund, "mistake": mistake, "booked": booked}


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    return widget


def open_tab(qtbot, clinic) -> BillingTab:
    tab = shown(qtbot, BillingTab(clinic))
    retype(qtbot, tab.search, "lopez")
    qtbot.waitUntil(lambda: tab.profile.patient_id is not None, timeout=2000)
    return tab


def test_the_tab_and_its_three_lists_in_french(qtbot, clinic, account, french):
    tab = open_tab(qtbot, clinic)
    profile = tab.profile
    for page in (profile.purchases, profile.packages, profile.payments):
        profile.tabs.setCurrentWidget(page)
        assert untranslated_texts(tab) == []
    assert [profile.tabs.tabText(i) for i in range(3)] == ["A&chats", "Fo&rfaits",
                                                           "Pa&iements"]
    assert profile.purchases.new_button.text() == "&Nouvel achat…"
    assert profile.purchases.pay_button.toolTip() == (
        "Recevoir un paiement et l'appliquer aux factures dues (Ctrl+M)")
    assert tab.search.placeholderText() == (
        "Chercher un patient par nom, téléphone ou courriel (Ctrl+F)")
    assert sorted(cell_texts(profile.purchases.model, Inv.STATUS)) == [
        "Annulé", "Partiellement payé", "Payé"]
    header = profile.purchases.model.headerData(Inv.BALANCE, Qt.Orientation.Horizontal)
    assert header == "Solde"


def test_the_empty_profile_in_french(qtbot, clinic, catalog, french):
    tab = shown(qtbot, BillingTab(clinic))
    assert untranslated_texts(tab) == []
    assert tab.profile.empty.text().startswith("Cherchez un patient à gauche")


def test_the_sale_screen_in_french(qtbot, clinic, account, french):
    dialog = shown(qtbot, SaleDialog(clinic, account["patient"]))
    assert untranslated_texts(dialog) == []
    assert dialog.windowTitle() == "Nouvel achat"
    assert dialog.staff.itemText(0) == "Aucun membre du personnel"
    assert dialog.summary_note.text() == (
        "Tapez une partie du nom d'un forfait et choisissez-le dans la liste.")
    dialog.package.setCurrentIndex(0)
    assert untranslated_texts(dialog) == []
    assert dialog.ok_button.text() == "&Vendre"


def test_add_items_and_double_compensation_in_french(qtbot, clinic, catalog, account, french):
    dialog = shown(qtbot, SaleDialog(clinic, account["patient"],
                                     appointment_id=account["booked"]))
    assert dialog.windowTitle() == "Ajouter des articles"
    assert untranslated_texts(dialog) == []
    clinic.schedule.book(account["patient"], catalog["ana"], catalog["massage"],
                         datetime(2026, 3, 5, 10), package=None)
    result = clinic.billing.sell_package(account["patient"], catalog["ten_massages"],
                                         staff_id=catalog["ben"])
    assert result.double_compensation
    dialog = shown(qtbot, CompensationDialog(clinic, result))
    assert untranslated_texts(dialog) == []
    assert dialog.windowTitle() == "Double rémunération"
    assert dialog.ok_button.text() == "&Retirer la rémunération"
    assert " avec Ana Silva" in dialog.appointments.item(0).text()


def test_receive_payment_in_french(qtbot, clinic, account, french):
    dialog = shown(qtbot, ReceivePaymentDialog(clinic, account["patient"]))
    assert untranslated_texts(dialog) == []
    assert dialog.windowTitle() == "Recevoir un paiement"
    assert dialog.oldest_first.text() == "Appliquer d'abord aux factures les plus &anciennes"
    assert dialog.table.horizontalHeaderItem(dialog.table.APPLY).text() == "Appliquer"
    assert dialog.preview.text().startswith("Appliqué aux factures\u00a0: #1")
    for_one = shown(qtbot, ReceivePaymentDialog(clinic, account["patient"],
                                                invoice_id=account["physio"].invoice_id))
    assert untranslated_texts(for_one) == []
    assert for_one.about.text().startswith("Facture #1 de Maria Lopez")


def test_refund_payment_in_french(qtbot, clinic, account, french):
    dialog = shown(qtbot, RefundPaymentDialog(clinic, account["overpaid"]))
    assert untranslated_texts(dialog) == []
    assert dialog.windowTitle() == "Rembourser un paiement"
    assert dialog.ok_button.text() == "&Rembourser"


@pytest.mark.parametrize("what", ["invoice", "refund"])
def test_view_print_in_french(qtbot, clinic, account, french, what):
    if what == "invoice":
        dialog = PrintDialog(clinic, invoice_id=account["physio"].invoice_id)
    else:
        dialog = PrintDialog(clinic, refund_id=account["refund"])
    shown(qtbot, dialog)
    assert untranslated_texts(dialog) == []
    assert dialog.windowTitle().startswith("Voir / Imprimer — ")
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close.text() == "Fermer"
    assert ("Solde" if what == "invoice" else "Remboursement de") in dialog.summary.text()


def test_package_page_and_its_dialogs_in_french(qtbot, clinic, account, french):
    package = account["physio"].package_id
    page = shown(qtbot, PackagePage(clinic, package))
    assert untranslated_texts(page) == []
    assert page.windowTitle() == "Forfait\u00a0: 3 Physio — Maria Lopez"
    assert page.values["invoice_status"].text() == "Partiellement payé"
    assert page.values["uses"].text() == "3 sur 3 restantes · 1 réservée · sans expiration"

    expiry = shown(qtbot, ExpiryDialog(clinic, page.detail.summary))
    assert untranslated_texts(expiry) == []
    assert expiry.no_expiry.text() == "&Sans expiration"

    refund = shown(qtbot, RefundPackageDialog(clinic, package))
    assert untranslated_texts(refund) == []
    assert refund.windowTitle() == "Rembourser le forfait"
    assert refund.cancel_button.text() == "Annuler"


def test_a_refunded_package_in_french(qtbot, clinic, account, french):
    package = account["massages"].package_id
    dialog = shown(qtbot, RefundPackageDialog(clinic, package))
    dialog.refund()
    assert dialog.pages.currentIndex() == 1
    assert untranslated_texts(dialog) == []
    assert "est remboursé" in dialog.done_label.text()
    page = shown(qtbot, PackagePage(clinic, package))
    assert untranslated_texts(page) == []
    assert page.refund_button.toolTip() == \
        "Le forfait \u00ab\u00a010 Massages\u00a0\u00bb a déjà été remboursé."


def test_void_and_patient_dialogs_in_french(qtbot, clinic, account, french):
    invoice = next(i for i in clinic.billing.account(account["patient"]).invoices
                   if i.status != "void")
    void = shown(qtbot, VoidInvoiceDialog(clinic, invoice))
    assert untranslated_texts(void) == []
    assert void.windowTitle() == f"Annuler la facture #{invoice.number}"

    new = shown(qtbot, PatientDialog(clinic))
    assert untranslated_texts(new) == []
    assert new.windowTitle() == "Nouveau patient"
    assert new.birth_date.placeholderText() == "AAAA-MM-JJ, ou laisser vide"
    edit = shown(qtbot, PatientDialog(clinic, clinic.patients.get(account["patient"])))
    assert edit.windowTitle() == "Modifier le patient"
    assert untranslated_texts(edit) == []
