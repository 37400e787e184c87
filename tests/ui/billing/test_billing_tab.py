"""Patient Billing: search as you type (debounced), new and edit patient."""

from __future__ import annotations

from datetime import date

import pytest

from app.ui.billing import BillingTab, PatientDialog
from app.ui.models.patients import PatientsModel as Cols

from ui.helpers import cell_texts, click, retype


@pytest.fixture
def patients(clinic):
    return {
        "maria": clinic.patients.add("Maria", "Lopez", phone="902-555-0101",
                                     email="maria@example.com", birth_date=date(1984, 5, 2)),
        "marc": clinic.patients.add("Marc", "Aubin", phone="902-555-0177"),
        "john": clinic.patients.add("John", "Chen", email="jchen@example.org"),
    }


def make_tab(qtbot, clinic) -> BillingTab:
    tab = BillingTab(clinic)
    qtbot.addWidget(tab)
    tab.show()
    return tab


def test_lists_patients_by_last_name(qtbot, clinic, patients):
    tab = make_tab(qtbot, clinic)
    assert cell_texts(tab.model, Cols.NAME) == ["Aubin, Marc", "Chen, John", "Lopez, Maria"]
    assert cell_texts(tab.model, Cols.BIRTH_DATE) == ["", "", "May 2, 1984"]


def test_search_waits_for_the_typing_to_pause_then_asks_the_service(qtbot, clinic, patients,
                                                                     monkeypatch):
    tab = make_tab(qtbot, clinic)
    searches = []
    real_search = clinic.patients.search
    monkeypatch.setattr(clinic.patients, "search",
                        lambda text, **kw: searches.append(text) or real_search(text, **kw))

    qtbot.keyClicks(tab.search, "mar")
    assert searches == [], "no query per keystroke"
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=2000)
    assert searches == ["mar"]
    assert cell_texts(tab.model, Cols.NAME) == ["Aubin, Marc", "Lopez, Maria"]

    qtbot.keyClicks(tab.search, "ia")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=2000)
    assert cell_texts(tab.model, Cols.NAME) == ["Lopez, Maria"]
    qtbot.waitUntil(lambda: len(searches) == 2, timeout=2000)


def test_search_by_phone_digits(qtbot, clinic, patients):
    tab = make_tab(qtbot, clinic)
    qtbot.keyClicks(tab.search, "902-555-0177")
    qtbot.waitUntil(lambda: cell_texts(tab.model, Cols.NAME) == ["Aubin, Marc"], timeout=2000)


def test_new_patient(qtbot, clinic, shown, drive):
    def fill(d: PatientDialog) -> None:
        retype(qtbot, d.first_name, "Aisha")
        retype(qtbot, d.last_name, "Rahman")
        retype(qtbot, d.phone, "902 555 0123")
        retype(qtbot, d.email, "aisha@example.org")
        retype(qtbot, d.birth_date, "1991-11-23")
        click(qtbot, d.ok_button)

    drive(PatientDialog, fill)
    tab = make_tab(qtbot, clinic)
    click(qtbot, tab.new_button)

    [made] = clinic.patients.search("Aisha")
    assert (made.full_name, made.phone, made.email, made.birth_date) == (
        "Aisha Rahman", "902 555 0123", "aisha@example.org", date(1991, 11, 23))
    assert tab.selected().id == made.id
    assert shown.boxes == []


@pytest.mark.parametrize("field, typed, words", [
    ("first_name", "", "Please enter the first name"),
    ("email", "aisha@", "is not an email address"),
    ("phone", "call me", "is not a phone number"),
    ("birth_date", "23/11/1991", "must be a date like"),
    ("birth_date", "2027-01-01", "birth date must be between"),
])
def test_r30_bad_patient_is_refused_and_nothing_saved(qtbot, clinic, shown, drive, field, typed,
                                                      words):
    def fill(d: PatientDialog) -> None:
        retype(qtbot, d.first_name, "Aisha")
        retype(qtbot, d.last_name, "Rahman")
        retype(qtbot, getattr(d, field), typed)
        click(qtbot, d.ok_button)
        assert d.focusWidget() is getattr(d, field)

    answers = drive(PatientDialog, fill)
    tab = make_tab(qtbot, clinic)
    click(qtbot, tab.new_button)
    assert answers == [0]
    assert words in shown.last
    assert clinic.patients.search("") == []


def test_edit_patient(qtbot, clinic, patients, shown, drive):
    def change(d: PatientDialog) -> None:
        assert d.birth_date.text() == "1984-05-02"
        retype(qtbot, d.phone, "902-555-0999")
        retype(qtbot, d.birth_date, "")
        click(qtbot, d.ok_button)

    drive(PatientDialog, change)
    tab = make_tab(qtbot, clinic)
    tab.table.selectRow(cell_texts(tab.model, Cols.NAME).index("Lopez, Maria"))
    click(qtbot, tab.edit_button)

    maria = clinic.patients.get(patients["maria"])
    assert (maria.phone, maria.birth_date) == ("902-555-0999", None)
    assert cell_texts(tab.model, Cols.PHONE)[2] == "902-555-0999"
