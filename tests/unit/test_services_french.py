"""The services in French (Canada), issue 8: real refusals, a printed invoice and refund
receipt, and report exports, with the desk's language set to French.

Each refusal is triggered through the Clinic facade and still changes nothing (R30); the
French is the catalogue's (app/locale/fr_CA/services.po). «\u00a0»: French quotes hold their
words with no-break spaces.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, datetime

import pytest

from app import i18n
from app.services import NotAllowed, ValidationError, money
from app.services.reports.export import to_csv, to_xlsx

NB = "\u00a0"


pytestmark = pytest.mark.usefixtures("french")  # every test here speaks French


@pytest.fixture
def fr_clinic(clinic):
    """The test clinic, with its money and dates in the fr_CA locale."""
    clinic.settings.update(locale="fr_CA")
    return clinic


def audit_count(clinic) -> int:
    return len(clinic.audit.entries(limit=10_000))


def pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian package poppler-utils) is not installed, so the PDF's "
                    "text cannot be checked here; .ci/setup installs it")
    result = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                            capture_output=True, check=True)
    return result.stdout.decode("utf-8").replace(NB, " ").replace("\u202f", " ")


# ----------------------------------------------------------------------------- refusals

def test_a_wrong_pin_is_refused_in_french(fr_clinic, catalog):
    fr_clinic.auth.set_secret(catalog["ana"], "2468")
    before = audit_count(fr_clinic)
    with pytest.raises(NotAllowed) as refusal:
        fr_clinic.auth.sign_in(catalog["ana"], "1357")
    assert str(refusal.value) == "Ce nom et ce NIP ne correspondent pas. Réessayez."
    # R50: the miss is counted (one audit entry), and nothing else is written
    assert fr_clinic.current_staff_id is None and audit_count(fr_clinic) == before + 1


def test_a_short_pin_names_its_limit_in_french(fr_clinic, catalog):
    with pytest.raises(ValidationError) as refusal:
        fr_clinic.auth.set_secret(catalog["ana"], "12")
    assert str(refusal.value) == ("Le NIP ou le mot de passe doit compter au moins 4 "
                                  "caractères.")


def test_a_bad_email_is_refused_in_french(fr_clinic, catalog):
    before = fr_clinic.patients.get(catalog["patient"])
    with pytest.raises(ValidationError) as refusal:
        fr_clinic.patients.update(catalog["patient"], email="maria@example")
    assert refusal.value.field == "email"
    assert str(refusal.value) == (f"«{NB}maria@example{NB}» n’est pas une adresse courriel.")
    assert fr_clinic.patients.get(catalog["patient"]) == before


def test_a_bad_amount_is_refused_in_french_with_a_french_example(fr_clinic, catalog):
    before = audit_count(fr_clinic)
    with pytest.raises(ValidationError) as refusal:
        # as the payment screen reads the text before it calls the service (issue 16)
        fr_clinic.billing.receive_payment(
            catalog["patient"], money.parse("12,3x", **fr_clinic.money_context()), "cash")
    assert refusal.value.field == "amount"
    assert str(refusal.value) == (f"«{NB}12,3x{NB}» n’est pas un montant valide pour le champ "
                                  f"«{NB}montant{NB}»; tapez un nombre comme 12,50.")
    assert audit_count(fr_clinic) == before  # nothing was received


def test_an_empty_required_field_names_the_field_in_french(fr_clinic):
    with pytest.raises(ValidationError) as refusal:
        fr_clinic.patients.add("", "Tremblay")
    assert str(refusal.value) == f"Veuillez remplir le champ «{NB}prénom{NB}»."


def test_front_desk_staff_is_told_only_a_manager_can_in_french(fr_clinic, catalog):
    fr_clinic.current_staff_id = catalog["desk"]
    with pytest.raises(NotAllowed) as refusal:
        fr_clinic.settings.update(name="Autre nom")
    assert str(refusal.value) == ("Seul un gestionnaire peut modifier les paramètres de la "
                                  "clinique. Demandez à un gestionnaire d’ouvrir une session "
                                  "pour le faire.")
    with pytest.raises(NotAllowed, match="Seul un gestionnaire peut ajouter des membres du "
                                         "personnel"):
        fr_clinic.staff.add("Zoé Roy")
    fr_clinic.current_staff_id = None
    assert fr_clinic.settings.get().name == "Harbour Physio"


def test_dates_in_a_refusal_follow_the_clinic_locale(fr_clinic, catalog):
    with pytest.raises(ValidationError) as refusal:
        fr_clinic.patients.update(catalog["patient"], birth_date=date(2030, 1, 1))
    assert str(refusal.value) == (f"Le champ «{NB}date de naissance{NB}» doit être entre le "
                                  "1 janv. 1900 et le 2 mars 2026.")
    with pytest.raises(ValidationError) as refusal:
        fr_clinic.reports.package_sales(date(2026, 3, 31), date(2026, 3, 1))
    assert str(refusal.value) == ("La date de fin (1 mars 2026) doit être égale ou postérieure "
                                  "à la date de début (31 mars 2026).")


def test_a_taken_name_and_a_bad_validity_are_refused_in_french(fr_clinic, catalog):
    with pytest.raises(NotAllowed) as refusal:
        fr_clinic.catalog.add_treatment_type("massage 60 MIN", duration_min=60, price=9000)
    assert str(refusal.value) == (f"Il existe déjà un type de traitement nommé "
                                  f"«{NB}massage 60 MIN{NB}»; choisissez un autre nom.")
    with pytest.raises(ValidationError) as refusal:
        fr_clinic.catalog.update_package_template(catalog["three_physio"], validity="20y")
    assert str(refusal.value) == "La validité doit être entre 1 et 10 ans."


def test_english_is_back_after_french(clinic, catalog):
    i18n.set_language(i18n.ENGLISH)
    with pytest.raises(ValidationError) as refusal:
        clinic.patients.update(catalog["patient"], email="maria@example")
    assert str(refusal.value) == "\u201cmaria@example\u201d is not an email address."


# ----------------------------------------------------------------------------- printing

@pytest.mark.parametrize("paper", ["letter", "roll80"])
def test_a_french_invoice_is_printed_in_french(fr_clinic, catalog, tmp_path, paper):
    sale = fr_clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    fr_clinic.billing.receive_payment(catalog["patient"], 5000, "cash",
                                      invoice_id=sale.invoice_id)
    number = fr_clinic.billing.invoice(sale.invoice_id).number
    text = pdf_text(fr_clinic.printing.invoice_pdf(sale.invoice_id, tmp_path / "f.pdf",
                                                   paper=paper))
    for expected in (f"FACTURE #{number}", "Facturer à".upper(), "Sous-total",
                     "PAIEMENTS APPLIQUÉS", "Montant payé", "800,00 $", "50,00 $", "750,00 $",
                     "2 mars 2026"):
        assert expected in text, expected
    for english in ("INVOICE", "Balance due", "Subtotal", "Amount paid", "$800.00"):
        assert english not in text, english
    if paper == "letter":
        assert "Solde dû" in text and "Page 1 de 1" in text


def test_a_french_refund_receipt_is_printed_in_french(fr_clinic, catalog, clock, tmp_path):
    patient = catalog["patient"]
    payment = fr_clinic.billing.receive_payment(patient, 8000, "debit")
    clock.set(datetime(2026, 3, 10, 14, 30))
    refund = fr_clinic.billing.refund_payment(payment, 3000, note="Trop perçu")
    text = pdf_text(fr_clinic.printing.refund_receipt_pdf(refund, tmp_path / "r.pdf",
                                                          paper="letter"))
    for expected in (f"REMBOURSEMENT #{refund}", "REMBOURSÉ À", "Montant remboursé",
                     "Mode de remboursement", "Paiement initial", "30,00 $", "80,00 $",
                     "10 mars 2026", "Trop perçu"):
        assert expected in text, expected
    assert "REFUND RECEIPT" not in text


# ----------------------------------------------------------------------------- reports

@pytest.fixture
def usage(fr_clinic, catalog):
    fr_clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    for day in (3, 10):
        appointment = fr_clinic.schedule.book(catalog["patient"], catalog["ana"],
                                              catalog["physio"], datetime(2026, 3, day, 10, 0))
        fr_clinic.schedule.arrive(appointment)
    return fr_clinic.reports.package_usage(date(2026, 3, 1), date(2026, 3, 31))


def test_a_french_csv_export_has_french_headings_and_totals(usage, tmp_path):
    path = to_csv(usage, tmp_path / "utilisation.csv")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["Utilisation des forfaits", "du 1 mars 2026 au 31 mars 2026"]
    header = lines.index(["Date", "Patient", "Forfait", "Traitement", "Praticien",
                          "Utilisation", "Valeur par utilisation (CAD)",
                          "À payer par le patient (CAD)", "Utilisations restantes",
                          "Utilisé par"])
    body = lines[header + 1:]
    assert [r[5] for r in body[:2]] == ["1 sur 3", "2 sur 3"]
    assert [r[6] for r in body[:2]] == ["33.33", "33.33"]  # spreadsheet numbers stay plain
    assert body[2][0] == f"Total — Forfait{NB}: 3 Physio (2 lignes)"
    assert body[3][0] == "Total général (2 lignes)"


def test_a_french_xlsx_export_has_french_sheets_headings_and_words(fr_clinic, catalog,
                                                                   tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    fr_clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    report = fr_clinic.reports.outstanding(date(2026, 3, 10))
    book = openpyxl.load_workbook(to_xlsx(report, tmp_path / "en_cours.xlsx"))
    assert book.sheetnames[0] == "Forfaits en cours"
    rows = list(book["Forfaits en cours"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Forfaits en cours", "Au 10 mars 2026")
    assert rows[1] == ("Acheté le", "Patient", "Forfait", "Expire le", "Utilisations",
                       "Utilisées", "Restantes", "Valeur non utilisée (CAD)")
    assert rows[2][3] == "Sans expiration"
    assert rows[-1][0] == "Total général (1 ligne)"


def test_a_french_sales_export_shows_status_in_french(fr_clinic, catalog, tmp_path):
    sale = fr_clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    fr_clinic.billing.void_invoice(sale.invoice_id, "Erreur")
    report = fr_clinic.reports.package_sales(date(2026, 3, 1), date(2026, 3, 31))
    assert report.sections[0].rows[0].staff_name == "Aucun membre du personnel"
    with open(to_csv(report, tmp_path / "ventes.csv"), encoding="utf-8-sig",
              newline="") as handle:
        lines = list(csv.reader(handle))
    header = lines.index(["Date", "Facture", "Patient", "Forfait", "Personnel", "Prix (CAD)",
                          "Taxe (CAD)", "Encaissé (CAD)", "Remboursé (CAD)", "Statut"])
    assert lines[header + 1][-1] == "annulé"


def test_a_french_report_pdf_has_french_words_and_whole_headings(usage, tmp_path):
    from app.services.reports.export import to_pdf

    text = pdf_text(to_pdf(usage, tmp_path / "utilisation.pdf"))
    for expected in ("Utilisation des forfaits", "du 1 mars 2026 au 31 mars 2026",
                     "Total général (2 lignes)", "33,33 $", "produit le 2 mars 2026", "Page 1"):
        assert expected in text, expected
    assert "Grand total" not in text and "generated" not in text
