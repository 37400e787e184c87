"""Settings in French (Canada), its Language choice, and Settings at the keyboard (issue 8).

The desk chooses the clinic's language in Settings › Clinic details, each language named in
its own words; it is saved with the other details. Applying it to the open window is the
main window's work once Settings closes, so nothing here switches the language itself.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app import i18n
from app.services import Clinic
from app.ui.settings import SettingsDialog
from app.ui.settings.clinic_details import ClinicDetailsForm
from app.ui.settings.no_show_fees import NoShowFeeDialog
from app.ui.settings.staff import SetPinDialog, StaffDialog
from app.ui.settings.treatment_types import TreatmentTypeDialog

from ui.helpers import cell_texts, click, retype
from ui.i18n_helpers import untranslated_texts
from ui.packages.test_packages_french import (clashing_mnemonics, french, missing_mnemonics,  # noqa: F401
                                   show, tab_chain, unnamed)

FIRST_RUN = ("name", "address", "currency", "locale", "language")


def open_settings(qtbot, clinic) -> SettingsDialog:
    return show(qtbot, SettingsDialog(clinic), 900, 600)


def items(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def cancel_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)


def select(page, name: str) -> None:
    page.table.selectRow(cell_texts(page.model, 0).index(name))


# ----------------------------------------------------------------------------- French

def test_the_settings_dialog_in_french(qtbot, clinic, catalog, french):
    dialog = open_settings(qtbot, clinic)

    assert dialog.windowTitle() == "Paramètres"
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Clinique", "Types de traitement", "Personnel", "Frais d’absence", "Comptes",
        "Cartes-cadeaux", "Courriel", "Rappels", "Ce poste", "Imprimante de reçus"]
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        assert untranslated_texts(dialog) == [], dialog.tabs.tabText(index)
        assert clashing_mnemonics(dialog) == [], dialog.tabs.tabText(index)
    assert items(dialog.details.fields["language"]) == ["English", "Français (Canada)"]
    assert items(dialog.details.fields["paper"]) == ["Lettre", "A4", "Rouleau de 80 mm"]
    staff = dialog.staff
    assert [staff.model.headerData(c, Qt.Orientation.Horizontal) for c in range(staff.model.columnCount())] == [
        "Nom", "Praticien", "Rôle", "Statut"]
    assert cell_texts(staff.model, 2) == ["Gestionnaire", "Réception", "Réception"]
    assert set(cell_texts(staff.model, 3)) == {"Actif"}
    assert staff.add_button.text() == "&Ajouter un membre du personnel…"
    assert "60 min" in cell_texts(dialog.treatment_types.model, 1)


def test_each_settings_dialog_in_french(qtbot, clinic, catalog, french):
    massage = next(t for t in clinic.catalog.treatment_types() if t.name == "Massage 60 min")
    ana = next(s for s in clinic.staff.list() if s.name == "Ana Silva")
    fee = clinic.settings.no_show_fees()[0]
    dialogs = {
        "Modifier le type de traitement": TreatmentTypeDialog(clinic, massage),
        "Nouveau membre du personnel": StaffDialog(clinic),
        "Définir le NIP de Ana Silva": SetPinDialog(clinic, ana),
        "Modifier les frais d’absence": NoShowFeeDialog(clinic, fee),
    }
    for title, dialog in dialogs.items():
        show(qtbot, dialog, 480, 300)
        assert dialog.windowTitle() == title
        assert untranslated_texts(dialog) == [], title
        assert clashing_mnemonics(dialog) == [], title
    assert dialogs["Nouveau membre du personnel"].role.currentText() == "Réception"
    assert dialogs["Définir le NIP de Ana Silva"].ok_button.text() == "&Définir le NIP"


# ----------------------------------------------------------------------------- Language

def test_each_language_is_offered_in_its_own_words(qtbot, clinic):
    dialog = open_settings(qtbot, clinic)
    language = dialog.details.fields["language"]
    assert items(language) == ["English", "Français (Canada)"]
    assert language.currentData() == "en"
    assert language.accessibleName() == "Language"


def test_french_is_saved_with_the_other_details(qtbot, clinic, shown):
    dialog = open_settings(qtbot, clinic)
    language = dialog.details.fields["language"]
    language.setCurrentIndex(language.findData("fr_CA"))
    retype(qtbot, dialog.details.fields["phone"], "902-555-0142")
    click(qtbot, dialog.ok_button)

    assert shown.boxes == [] and not dialog.isVisible()
    saved = clinic.settings.get()
    assert (saved.language, saved.phone) == ("fr_CA", "902-555-0142")
    assert i18n.language() == i18n.ENGLISH, "the main window applies it once Settings closes"
    again = open_settings(qtbot, clinic)
    assert again.details.fields["language"].currentText() == "Français (Canada)"


def test_a_refused_detail_keeps_the_language_too(qtbot, clinic, shown):
    dialog = open_settings(qtbot, clinic)
    language = dialog.details.fields["language"]
    language.setCurrentIndex(language.findData("fr_CA"))
    retype(qtbot, dialog.details.fields["email"], "not-an-email")
    click(qtbot, dialog.ok_button)

    assert len(shown.boxes) == 1 and dialog.isVisible()
    assert clinic.settings.get().language == "en"


def test_in_settings_the_region_does_not_change_the_language(qtbot, clinic):
    dialog = open_settings(qtbot, clinic)
    dialog.details.fields["locale"].setCurrentText("fr_CA")
    assert dialog.details.fields["language"].currentData() == "en"


@pytest.fixture
def fresh(tmp_path, clock):
    with Clinic.open(tmp_path / "new.db", clock=clock) as new:
        assert new.settings.get().setup_complete is False
        yield new


def first_run_form(qtbot, fresh) -> ClinicDetailsForm:
    form = ClinicDetailsForm(fresh.settings.get(), FIRST_RUN)
    return show(qtbot, form, 480, 300)


def test_first_run_a_french_region_preselects_french(qtbot, fresh):
    form = first_run_form(qtbot, fresh)
    language, locale = form.fields["language"], form.fields["locale"]
    assert language.currentData() == "en"
    locale.setCurrentText("fr_CA")
    assert language.currentData() == "fr_CA"
    locale.setCurrentText("en_US")
    assert language.currentData() == "en"
    locale.setCurrentText("fr_CA")
    assert form.values()["language"] == "fr_CA"


def test_first_run_a_language_the_desk_picked_stays_picked(qtbot, fresh):
    form = first_run_form(qtbot, fresh)
    language, locale = form.fields["language"], form.fields["locale"]
    language.setFocus()
    qtbot.keyClick(language, "E")  # the desk types to pick English
    language.activated.emit(language.currentIndex())  # as Qt does for a choice by hand
    locale.setCurrentText("fr_CA")
    assert language.currentData() == "en"
    assert form.values()["language"] == "en" and form.values()["locale"] == "fr_CA"


# ----------------------------------------------------------------------------- keyboard

def test_clinic_details_tab_in_visual_order(qtbot, clinic):
    dialog = open_settings(qtbot, clinic)
    f = dialog.details.fields
    expected = [f[key] for key in ("name", "address", "phone", "email", "tax_number",
                                   "tax_name", "currency", "locale", "language", "paper",
                                   "default_tax_rate")]
    expected += [dialog.ok_button, cancel_button(dialog)]
    assert tab_chain(qtbot, dialog, f["name"], 16)[:len(expected)] == expected
    assert unnamed(dialog) == []
    assert clashing_mnemonics(dialog) == []


@pytest.mark.parametrize("page_name, row", [("treatment_types", "Massage 60 min"),
                                            ("staff", "Ana Silva"),
                                            ("no_show_fees", "Missed appointment")])
def test_each_list_page_tabs_in_visual_order(qtbot, clinic, catalog, page_name, row):
    dialog = open_settings(qtbot, clinic)
    page = getattr(dialog, page_name)
    dialog.tabs.setCurrentWidget(page)
    select(page, row)
    buttons = [page.add_button, page.edit_button]
    if page_name == "staff":
        buttons.append(page.pin_button)
    expected = [page.table, *buttons, page.active_button, dialog.ok_button,
                cancel_button(dialog)]
    assert tab_chain(qtbot, dialog, page.table, 10)[:len(expected)] == expected
    assert unnamed(dialog) == []
    assert missing_mnemonics(dialog) == []
    assert clashing_mnemonics(dialog) == []


def test_each_editing_dialog_tabs_in_visual_order(qtbot, clinic, catalog):
    ana = next(s for s in clinic.staff.list() if s.name == "Ana Silva")
    treatment = show(qtbot, TreatmentTypeDialog(clinic), 480, 300)
    staff = show(qtbot, StaffDialog(clinic), 480, 300)
    pin = show(qtbot, SetPinDialog(clinic, ana), 480, 300)
    fee = show(qtbot, NoShowFeeDialog(clinic), 480, 300)
    orders = {
        treatment: [treatment.name, treatment.duration, treatment.price, treatment.tax],
        staff: [staff.name, staff.practitioner, staff.role],
        pin: [pin.secret, pin.confirmation],
        fee: [fee.name, fee.amount, fee.tax],
    }
    for dialog, fields in orders.items():
        expected = [*fields, dialog.ok_button, cancel_button(dialog), fields[0]]
        chain = tab_chain(qtbot, dialog, fields[0], len(expected) + 2)
        assert chain[:len(expected)] == expected, dialog.windowTitle()
        assert unnamed(dialog) == [], dialog.windowTitle()
        assert missing_mnemonics(dialog) == [], dialog.windowTitle()
        assert clashing_mnemonics(dialog) == [], dialog.windowTitle()
