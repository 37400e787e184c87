"""The Schedule in French (Canada) (issue 8): the tab, its panel in every state, and each of
its dialogs show no English a translation exists for, and dates follow the clinic's locale."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from app.ui.dialogs.booking_dialog import BookingDialog
from app.ui.dialogs.no_show_dialog import NoShowDialog
from app.ui.dialogs.reschedule_dialog import RescheduleDialog
from app.ui.schedule import ScheduleTab
from app.ui.schedule.add_package_dialog import AddPackageDialog
from app.ui.schedule.painting import legend_text, tooltip

from ui.i18n_helpers import untranslated_texts

MONDAY = date(2026, 3, 2)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute))


@pytest.fixture
def day(clinic, catalog):
    """A Monday like the demo's: booked, covered, arrived and paid, owing, no-show,
    cancelled; a clinic in Quebec."""
    clinic.settings.update(locale="fr_CA")
    s = clinic.schedule
    sale = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    ids = {"package": sale.package_id}
    ids["covered"] = s.book(catalog["patient"], catalog["ana"], catalog["massage"], at(9, 30))
    ids["booked"] = s.book(catalog["patient"], catalog["ben"], catalog["physio"], at(11),
                           notes="Apporter le rapport d'IRM")
    ids["owing"] = s.book(catalog["patient"], catalog["ben"], catalog["acu"], at(8))
    s.arrive(ids["owing"])
    ids["no_show"] = s.book(catalog["patient"], catalog["ana"], catalog["physio"], at(14),
                            package=None)
    s.no_show(ids["no_show"], use_package=False, fee_id=catalog["no_show_fee"])
    ids["cancelled"] = s.book(catalog["patient"], catalog["ben"], catalog["physio"], at(16),
                              package=None)
    s.cancel(ids["cancelled"])
    return ids


def make_tab(qtbot, clinic) -> ScheduleTab:
    tab = ScheduleTab(clinic)
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    return tab


def test_the_tab_and_its_panel_in_every_state_are_in_french(qtbot, clinic, catalog, day,
                                                           french):
    tab = make_tab(qtbot, clinic)
    assert untranslated_texts(tab) == []
    assert tab.previous_button.text() == "◀ Jour pré&cédent"
    assert tab.book_button.toolTip().startswith("Prendre rendez-vous (Ctrl+N)")
    assert tab.next_button.toolTip() == "Jour suivant (Alt+Right)"
    # The day in the clinic's locale (fr_CA), whatever the language.
    assert tab.date_edit.text() == "lundi 2 mars 2026"
    assert tab.model.headerData(0, tab.table.horizontalHeader().orientation()) == "Heure"
    for key in ("covered", "booked", "owing", "no_show", "cancelled"):
        tab.select(day[key])
        assert untranslated_texts(tab) == [], key
    tab.select(day["covered"])
    assert tab.panel.status.text() == "Réservé"
    assert tab.panel.package.text().startswith("Forfait\u00a0: «\u00a010 Massages\u00a0»\n"
                                               "10 sur 10 restantes · 1 réservée · ")
    assert tab.panel.invoice.text() == "Pas encore facturé\u00a0: l'arrivée le facture."
    tab.select(day["no_show"])
    assert tab.panel.status.text() == "\u2298 Absence"
    assert tab.panel.undo_no_show_button.text() == "Annuler l'a&bsence"
    tab.select(day["cancelled"])
    assert tab.panel.package.text() == "Annulé\u00a0: rien à facturer."
    tab.list_button.click()
    assert untranslated_texts(tab) == []
    assert "Facturé" in [tab.model.index(r, tab.model.BILLING).data()
                         for r in range(tab.model.rowCount())]


def test_the_grid_speaks_french_too(qtbot, clinic, catalog, day, french):
    tab = make_tab(qtbot, clinic)
    block = tab.grid.day_layout.block_of(day["covered"])
    tip = tooltip(block.row, tab.grid._f)
    assert "Couvert par le forfait «\u00a010 Massages\u00a0»" in tip
    assert "avec Ana Silva" in tip
    assert legend_text("no_show") == "\u2298 Absence"
    assert tab.grid.accessibleName() == "Horaire de la journée"
    tab.select(None)
    assert tab.grid.accessibleDescription() == "Aucun rendez-vous sélectionné."


def test_an_empty_clinic_says_where_to_add_practitioners_in_french(qtbot, clinic, french):
    tab = make_tab(qtbot, clinic)
    assert untranslated_texts(tab) == []
    assert "Fichier › Paramètres › Personnel" in tab.empty.text()


def cancel_text(dialog) -> str:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text()


def test_the_booking_dialog_is_in_french(qtbot, clinic, catalog, day, french):
    dialog = BookingDialog(clinic, staff_id=catalog["ana"], start=at(13))
    qtbot.addWidget(dialog)
    dialog.show()
    assert untranslated_texts(dialog) == []
    assert dialog.windowTitle() == "Prendre rendez-vous"
    assert dialog.ok_button.text() == "Prendre rendez-&vous"
    assert cancel_text(dialog) == "Annuler"
    assert dialog.ok_button.toolTip() == "Choisissez d'abord un patient."
    assert dialog.date.text() == "lun. 2 mars 2026"
    # With a patient who has a package: the Packages section and its price.
    dialog.patient.choose(clinic.patients.get(catalog["patient"]))
    dialog.treatment.setCurrentIndex(dialog.treatment.findData(catalog["massage"]))
    assert dialog.packages.isVisible()
    assert untranslated_texts(dialog) == []
    assert dialog.packages.title() == "Forfaits"
    assert dialog.packages._notes[0].text().startswith("10 sur 10 restantes · 1 réservée · expire le ")
    assert dialog.price.text() == ("Couvert par «\u00a010 Massages\u00a0»\u00a0: le patient "
                                   "paie 0,00\u00a0$ à l'arrivée.")
    assert dialog.ends.text().startswith("jusqu'à ")


def test_the_no_show_dialog_is_in_french(qtbot, clinic, catalog, day, french):
    for key in ("covered", "booked"):
        dialog = NoShowDialog(clinic, day[key])
        qtbot.addWidget(dialog)
        dialog.show()
        assert untranslated_texts(dialog) == [], key
        assert dialog.windowTitle() == "Absence"
        assert cancel_text(dialog) == "Annuler"
        texts = [b.text() for b in dialog.fees.buttons()]
        assert texts[-1] == "&Aucuns frais"
    assert dialog.ok_button.text() == "&Marquer l'absence"
    assert texts[0] == "Missed appointment\u00a0: 40,00\u00a0$"


def test_the_reschedule_and_add_package_dialogs_are_in_french(qtbot, clinic, catalog, day,
                                                             french):
    dialog = RescheduleDialog(clinic, day["booked"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert untranslated_texts(dialog) == []
    assert dialog.windowTitle() == "Déplacer le rendez-vous"
    assert dialog.ok_button.text() == "Dé&placer"

    a = clinic.schedule.appointment(day["booked"])
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    packages = clinic.schedule.eligible_packages(a.patient_id, a.treatment_type_id,
                                                 a.start.date(), excluding=a.id)
    add = AddPackageDialog(clinic, a, packages)
    qtbot.addWidget(add)
    add.show()
    assert untranslated_texts(add) == []
    assert add.windowTitle() == "Ajouter un forfait"
    assert add.ok_button.text() == "&Appliquer le forfait"


def test_the_day_follows_the_clinic_locale_whatever_the_language(qtbot, clinic, catalog):
    tab = make_tab(qtbot, clinic)
    assert tab.date_edit.text() == "Monday, March 2, 2026"
    clinic.settings.update(locale="en_GB")
    tab.refresh()  # as the main window does after Settings
    assert tab.date_edit.text() == "Monday, 2 March 2026"
    clinic.settings.update(locale="fr_CA")
    tab.refresh()
    assert tab.date_edit.text() == "lundi 2 mars 2026"
    assert tab.day() == MONDAY
    tab.next_day()
    assert tab.date_edit.text() == "mardi 3 mars 2026"
