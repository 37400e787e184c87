"""The money and appointment services speak the desk's language (issue 8): real refusals,
warnings and invoice lines in French (Canada), and dates inside them in the clinic's locale.

Refusals go through `refused` (tests/scenarios/support.py), so each one is also proved to
change nothing (R30). The French is app/locale/fr_CA/services_desk.po's. French quotes and
colons hold their words with no-break spaces (NB); Babel's times use a narrow one (NNB).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app import i18n
from app.services import NotAllowed, ValidationError
from scenarios.support import at, paid_sale, refused

NB = "\u00a0"
NNB = "\u202f"


def fr_quoted(name: str) -> str:
    return f"\u00ab{NB}{name}{NB}\u00bb"


@pytest.fixture
def fr_clinic(clinic, french):
    """A French-speaking desk whose clinic also shows money and dates the fr_CA way."""
    clinic.settings.update(locale="fr_CA")
    return clinic


@pytest.fixture
def p(catalog):
    return catalog["patient"]


def test_r22_an_expired_package_is_refused_in_french_with_french_dates(fr_clinic, catalog, p,
                                                                        clock):
    package = fr_clinic.billing.sell_package(p, catalog["ten_massages"]).package_id  # Sep 2
    clock.set(datetime(2026, 9, 3, 9, 0))
    error = refused(fr_clinic, NotAllowed, fr_clinic.schedule.book, p, catalog["ana"],
                    catalog["massage"], at("2026-09-05"), package=package, patients=(p,))
    assert str(error) == (f"Le forfait {fr_quoted('10 Massages')} expire le 2 sept. 2026, avant "
                          "ce rendez-vous du 5 sept. 2026. Retirez le forfait du rendez-vous ou "
                          "changez d'abord sa date d'expiration.")


def test_r11_no_use_left_is_refused_in_french(fr_clinic, catalog, p):
    package = fr_clinic.billing.sell_package(p, catalog["three_physio"]).package_id
    visits = [fr_clinic.schedule.book(p, catalog["ana"], catalog["physio"], at(f"2026-03-0{d}"))
              for d in (3, 4, 5)]
    error = refused(fr_clinic, NotAllowed, fr_clinic.schedule.book, p, catalog["ana"],
                    catalog["physio"], at("2026-03-06"), package=package, patients=(p,))
    assert str(error) == (f"{fr_quoted('3 Physio')} n'a plus d'utilisation disponible pour ce "
                          f"rendez-vous (3 au total; déjà faites{NB}: 0; retenues par d'autres "
                          f"rendez-vous réservés{NB}: 3).")
    for visit in visits:
        fr_clinic.schedule.arrive(visit)
    late = fr_clinic.schedule.book(p, catalog["ana"], catalog["physio"], at("2026-03-06"))
    error = refused(fr_clinic, NotAllowed, fr_clinic.schedule.apply_package, late, package,
                    patients=(p,))
    assert str(error) == (f"Les 3 utilisations de {fr_quoted('3 Physio')} ont toutes déjà été "
                          "faites.")


def test_paying_more_than_an_invoice_owes_is_refused_in_french_money(fr_clinic, catalog, p):
    sale = fr_clinic.billing.sell_package(p, catalog["three_physio"])
    error = refused(fr_clinic, ValidationError, fr_clinic.billing.receive_payment, p, 15000,
                    "cash", allocations={sale.invoice_id: 12000}, patients=(p,))
    assert error.field == "allocation"
    assert str(error) == f"Il ne reste que 100,00{NB}$ à payer sur la facture n° 1."


def test_r26_refunding_more_than_was_collected_is_refused_in_french(fr_clinic, catalog, p):
    sale, _ = paid_sale(fr_clinic, p, catalog["three_physio"])
    error = refused(fr_clinic, ValidationError, fr_clinic.packages.refund, sale.package_id,
                    10001, patients=(p,))
    assert str(error) == (f"Le remboursement peut être d'au plus 100,00{NB}$, le total encaissé "
                          "pour ce forfait.")
    fr_clinic.packages.refund(sale.package_id, 0)
    error = refused(fr_clinic, NotAllowed, fr_clinic.packages.refund, sale.package_id, 0,
                    patients=(p,))
    assert str(error) == f"Le forfait {fr_quoted('3 Physio')} a déjà été remboursé."


def test_an_appointment_state_reads_in_french_inside_a_refusal(fr_clinic, catalog, p):
    visit = fr_clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))
    fr_clinic.schedule.arrive(visit)
    error = refused(fr_clinic, NotAllowed, fr_clinic.schedule.reschedule, visit,
                    at("2026-03-05"), patients=(p,))
    assert str(error) == ("Seuls les rendez-vous réservés peuvent être déplacés; celui-ci est "
                          "arrivé.")
    error = refused(fr_clinic, NotAllowed, fr_clinic.schedule.remove_package, visit,
                    patients=(p,))
    assert str(error) == (f"L'arrivée de ce rendez-vous est enregistrée{NB}: son forfait ne peut "
                          "plus être retiré. Annulez d'abord l'arrivée.")


def test_a_clash_names_the_time_the_french_way(fr_clinic, catalog, p):
    fr_clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))
    error = refused(fr_clinic, NotAllowed, fr_clinic.schedule.book, p, catalog["ana"],
                    catalog["acu"], at("2026-03-04", 10, 30), patients=(p,))
    assert str(error) == ("Le membre du personnel Ana Silva a déjà un rendez-vous de 10 h 00 à "
                          "11 h 00 le 4 mars 2026; choisissez une autre heure ou un autre "
                          "praticien.")


def test_invoice_lines_and_payment_methods_are_written_in_french(fr_clinic, catalog, p):
    sale, _ = paid_sale(fr_clinic, p, catalog["three_physio"])
    invoice = fr_clinic.billing.invoice(sale.invoice_id)
    assert (invoice.lines[0].description, invoice.lines[0].staff_name) == \
        ("Forfait\u00a0: 3 Physio", "Aucun membre du personnel")
    assert [row.method_name for row in fr_clinic.billing.account(p).payments] == ["Comptant"]
    visit = fr_clinic.schedule.book(p, catalog["ana"], catalog["physio"], at("2026-03-04"))
    (line,) = fr_clinic.billing.invoice(fr_clinic.schedule.arrive(visit)).lines
    assert line.description == "Physio follow-up (4 mars 2026, 10 h 00), couvert par 3 Physio"
    assert "utilisation 1 sur 3" in line.use_line  # the number, said once (R41)


def test_r7_the_double_compensation_warning_counts_in_french(fr_clinic, catalog, p):
    for day in ("2026-03-04", "2026-03-05"):
        fr_clinic.schedule.book(p, catalog["ben"], catalog["massage"], at(day), package=None)
    sale = fr_clinic.billing.sell_package(p, catalog["ten_massages"], staff_id=catalog["ana"])
    assert sale.warnings == (
        "Le membre du personnel Ana Silva est rémunéré pour cette vente dès maintenant, et 2 "
        "rendez-vous à venir que ce forfait couvrira rémunéreraient de nouveau leur praticien. "
        "Retirez la rémunération de ces rendez-vous pour éviter de payer deux fois.",)
    fr_clinic.billing.unassign_compensation([sale.double_compensation[0]])
    again = fr_clinic.billing.sell_package(p, catalog["ten_massages"], staff_id=catalog["ana"])
    assert len(again.double_compensation) == 1
    assert "et 1 rendez-vous à venir que ce forfait couvrira rémunérerait de nouveau son " \
           "praticien. Retirez la rémunération de ce rendez-vous" in again.warnings[0]


def test_english_desk_english_words(clinic, catalog, p):
    # No French leaks out once the desk is back in English (the fixture above restores it).
    package = clinic.billing.sell_package(p, catalog["ten_massages"]).package_id
    visit = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-09-03"))
    error = refused(clinic, NotAllowed, clinic.schedule.apply_package, visit, package,
                    patients=(p,))
    assert str(error).startswith("The package \u201c10 Massages\u201d expires on Sep 2, 2026")


@pytest.mark.parametrize("locale, expiry, visit, start", [
    ("en_CA", "Sep 2, 2026", "Sep 3, 2026", f"10:00{NNB}a.m."),
    ("fr_CA", "2 sept. 2026", "3 sept. 2026", "10 h 00"),
    ("en_GB", "2 Sept 2026", "3 Sept 2026", "10:00"),
])
def test_a_refusals_dates_follow_the_clinics_locale(clinic, catalog, p, locale, expiry, visit,
                                                     start):
    clinic.settings.update(locale=locale)
    package = clinic.billing.sell_package(p, catalog["ten_massages"]).package_id
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-09-03"))
    error = refused(clinic, NotAllowed, clinic.schedule.apply_package, appointment, package,
                    patients=(p,))
    assert str(error).startswith(f"The package \u201c10 Massages\u201d expires on {expiry}, "
                                 f"before this appointment on {visit}.")
    error = refused(clinic, NotAllowed, clinic.schedule.book, p, catalog["ana"],
                    catalog["acu"], at("2026-09-03", 10, 30), patients=(p,))
    assert f"already has an appointment from {start} to " in str(error)
    assert "2026-09" not in str(error)


def test_a_french_desk_in_an_english_clinic_keeps_the_clinics_dates(clinic, catalog, p, french):
    # Language and locale are separate settings: the words follow the desk, dates the clinic.
    package = clinic.billing.sell_package(p, catalog["ten_massages"]).package_id
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-09-03"))
    error = refused(clinic, NotAllowed, clinic.schedule.apply_package, appointment, package,
                    patients=(p,))
    assert str(error).startswith(f"Le forfait {fr_quoted('10 Massages')} expire le Sep 2, 2026,")


def test_validity_reads_in_the_desks_language(french):
    from app.services.validity import describe
    assert [describe(v) for v in (None, "1m", "6m", "1y", "90d")] == \
        ["Sans expiration", "1 mois", "6 mois", "1 an", "90 jours"]
    i18n.set_language(i18n.ENGLISH)
    assert [describe(v) for v in (None, "1m", "6m", "1y", "90d")] == \
        ["No expiry", "1 month", "6 months", "1 year", "90 days"]


def test_a_date_in_a_refusal_is_never_iso(fr_clinic, catalog, p):
    package = fr_clinic.billing.sell_package(p, catalog["ten_massages"]).package_id
    fr_clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-05-04", 9, 15))
    error = refused(fr_clinic, NotAllowed, fr_clinic.packages.set_expiry, package,
                    date(2026, 5, 3), patients=(p,))
    assert str(error) == ("1 rendez-vous réservé couvert par ce forfait tombe après le 3 mai 2026 "
                          "(4 mai 2026, 09 h 15). Retirez le forfait de ce rendez-vous ou "
                          "déplacez-le d'abord.")
