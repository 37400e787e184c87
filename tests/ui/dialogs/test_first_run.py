"""First run: a brand-new clinic file asks who the clinic is before the desk opens."""

from __future__ import annotations

from app.services import Clinic
from app.ui.dialogs.first_run import FirstRunDialog

from ui.helpers import click, retype


def test_new_file_is_not_set_up(tmp_path, clock):
    with Clinic.open(tmp_path / "new.db", clock=clock) as fresh:
        assert fresh.settings.get().setup_complete is False


def test_first_run_saves_the_clinic_and_marks_setup_complete(qtbot, tmp_path, clock, shown):
    with Clinic.open(tmp_path / "new.db", clock=clock) as fresh:
        dialog = FirstRunDialog(fresh)
        qtbot.addWidget(dialog)
        dialog.show()
        assert set(dialog.details.fields) == {"name", "address", "currency", "locale", "language"}
        retype(qtbot, dialog.details.fields["name"], "Northside Massage")
        qtbot.keyClicks(dialog.details.fields["address"], "4 Elm Rd")
        dialog.details.fields["currency"].setCurrentText("USD")
        dialog.details.fields["locale"].setCurrentText("en_US")
        click(qtbot, dialog.ok_button)

        assert shown.boxes == []
        saved = fresh.settings.get()
        assert (saved.name, saved.address, saved.currency, saved.locale,
                saved.setup_complete) == ("Northside Massage", "4 Elm Rd", "USD", "en_US", True)


def test_r30_first_run_without_a_name_is_refused(qtbot, tmp_path, clock, shown):
    with Clinic.open(tmp_path / "new.db", clock=clock) as fresh:
        dialog = FirstRunDialog(fresh)
        qtbot.addWidget(dialog)
        dialog.show()
        click(qtbot, dialog.ok_button)
        assert "Please enter the clinic name" in shown.last
        assert dialog.isVisible()
        assert fresh.settings.get().setup_complete is False


def test_a_french_region_starts_the_desk_in_french(qtbot, tmp_path, clock, shown):
    from app import i18n
    from app.ui.qt_language import apply_language

    try:
        with Clinic.open(tmp_path / "new.db", clock=clock) as fresh:
            dialog = FirstRunDialog(fresh)
            qtbot.addWidget(dialog)
            dialog.show()
            retype(qtbot, dialog.details.fields["name"], "Clinique du Havre")
            dialog.details.fields["locale"].setCurrentText("fr_CA")
            click(qtbot, dialog.ok_button)
            assert fresh.settings.get().language == i18n.FRENCH
            assert i18n.language() == i18n.FRENCH, "the window built next speaks French"
    finally:
        apply_language(i18n.ENGLISH)
