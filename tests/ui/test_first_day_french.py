"""French on the desk's first day (issue 14, item 14; R4): French offers the French region,
the Region choice shows names, the payment's Apply column writes the decimal comma."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services import Clinic
from app.ui.dialogs.first_run import FirstRunDialog
from app.ui.dialogs.payment_dialog import ReceivePaymentDialog
from app.ui.settings import SettingsDialog

from ui.helpers import click, retype


def choose(qtbot, combo, data) -> None:
    """Pick an item the way the desk does: the list drops, a click chooses (activated)."""
    combo.setFocus()
    index = combo.findData(data)
    assert index >= 0
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def region_names(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_r4_the_region_choice_shows_names_not_codes(qtbot, clinic):
    dialog = SettingsDialog(clinic)
    qtbot.addWidget(dialog)
    region = dialog.details.fields["locale"]
    assert region.currentText() == "English (Canada)"
    assert {"English (Canada)", "Français (Canada)", "English (United States)",
            "Français (France)", "Deutsch (Deutschland)"} <= set(region_names(region))
    assert not any("_" in name for name in region_names(region))
    assert dialog.details.values()["locale"] == "en_CA"


def test_r4_choosing_french_in_settings_offers_the_french_region(qtbot, clinic, shown):
    dialog = SettingsDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    choose(qtbot, dialog.details.fields["language"], "fr_CA")
    assert dialog.details.fields["locale"].currentText() == "Français (Canada)"
    click(qtbot, dialog.ok_button)
    settings = clinic.settings.get()
    assert (settings.language, settings.locale) == ("fr_CA", "fr_CA")
    assert clinic.format_money(100000) == "1\u00a0000,00\u00a0$"


def test_r4_a_region_the_desk_picked_stays_when_french_is_chosen(qtbot, clinic):
    dialog = SettingsDialog(clinic)
    qtbot.addWidget(dialog)
    form = dialog.details
    choose(qtbot, form.fields["locale"], "en_US")
    choose(qtbot, form.fields["language"], "fr_CA")
    assert form.values()["locale"] == "en_US" and form.values()["language"] == "fr_CA"


def test_r4_a_region_code_typed_is_still_understood(qtbot, clinic):
    dialog = SettingsDialog(clinic)
    qtbot.addWidget(dialog)
    region = dialog.details.fields["locale"]
    region.setCurrentText("es_US")
    assert dialog.details.values()["locale"] == "es_US"
    region.setCurrentText("Français (Canada)")
    assert dialog.details.values()["locale"] == "fr_CA"


def test_r4_at_first_run_french_brings_the_french_region(qtbot, tmp_path, clock, shown):
    with Clinic.open(tmp_path / "new.db", clock=clock) as fresh:
        dialog = FirstRunDialog(fresh)
        qtbot.addWidget(dialog)
        dialog.show()
        retype(qtbot, dialog.fields["name"], "Clinique du Port")
        choose(qtbot, dialog.fields["language"], "fr_CA")
        assert dialog.fields["locale"].currentText() == "Français (Canada)"
        click(qtbot, dialog.ok_button)
        try:
            assert (fresh.settings.get().locale, fresh.settings.get().language) == ("fr_CA",
                                                                                   "fr_CA")
        finally:
            from app import i18n
            i18n.set_language(i18n.ENGLISH)


@pytest.fixture
def two_invoices_in_quebec(clinic, catalog, clock):
    clinic.settings.update(locale="fr_CA")
    first = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"])
    clock.advance(days=1)
    second = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    return first.invoice_id, second.invoice_id


def test_r4_the_apply_column_writes_the_decimal_comma_in_french(qtbot, clinic, catalog,
                                                                two_invoices_in_quebec, drive,
                                                                french):
    first, second = two_invoices_in_quebec

    def fill(d: ReceivePaymentDialog) -> None:
        assert d.amount.text() == "900,00"
        retype(qtbot, d.amount, "850,50")
        assert [f.text() for f in d.table.apply] == ["800,00", "50,50"]
        click(qtbot, d.ok_button)

    drive(ReceivePaymentDialog, fill)
    ReceivePaymentDialog.ask(clinic, catalog["patient"])
    assert clinic.billing.invoice(first).status == "paid"
    assert clinic.billing.invoice(second).paid == 5050
