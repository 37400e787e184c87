"""The Packages tab: the template list, search, archive, and the dialog behind its buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.models.catalog import PackageTemplatesModel as Cols
from app.ui.packages import PackagesTab, PackageTemplateDialog

from ui.helpers import cell_texts, click, retype


def make_tab(qtbot, clinic) -> PackagesTab:
    tab = PackagesTab(clinic)
    qtbot.addWidget(tab)
    tab.show()
    return tab


def select(tab: PackagesTab, name: str) -> None:
    names = cell_texts(tab.proxy, Cols.NAME)
    tab.table.selectRow(names.index(name))


def test_lists_templates_with_the_clinics_money_right_aligned(qtbot, clinic, catalog):
    tab = make_tab(qtbot, clinic)
    proxy = tab.proxy
    assert cell_texts(proxy, Cols.NAME) == ["10 Massages", "3 Physio"]
    assert cell_texts(proxy, Cols.PRICE) == ["$800.00", "$100.00"]
    # R3: $100 over 3 uses is 33.33, 33.33, 33.34.
    assert cell_texts(proxy, Cols.PER_USE) == ["$80.00", "$33.33 – $33.34"]
    assert cell_texts(proxy, Cols.VALIDITY) == ["6 months", "No expiry"]
    assert cell_texts(proxy, Cols.ELIGIBLE) == ["Massage 60 min",
                                                "Physio follow-up (pays $10.00)"]
    assert cell_texts(proxy, Cols.TAX) == ["0%", "0%"]
    assert cell_texts(proxy, Cols.STATUS) == ["Offered", "Offered"]
    alignment = proxy.index(0, Cols.PRICE).data(Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight


def test_r4_money_follows_the_clinics_currency_and_locale(qtbot, clinic, catalog):
    clinic.settings.update(currency="EUR", locale="fr_FR")
    tab = make_tab(qtbot, clinic)
    assert cell_texts(tab.proxy, Cols.PRICE)[0] == "800,00\u00a0€"


def test_sorting_by_price_uses_the_amount_not_the_text(qtbot, clinic, catalog):
    clinic.catalog.add_package_template("Big", price=120000, uses=12,
                                        eligible={catalog["massage"]: 0})
    tab = make_tab(qtbot, clinic)
    tab.table.sortByColumn(Cols.PRICE, Qt.SortOrder.AscendingOrder)
    assert cell_texts(tab.proxy, Cols.PRICE) == ["$100.00", "$800.00", "$1,200.00"]


def test_search_box_filters_the_list(qtbot, clinic, catalog):
    tab = make_tab(qtbot, clinic)
    qtbot.keyClicks(tab.search, "massag")
    assert cell_texts(tab.proxy, Cols.NAME) == ["10 Massages"]
    retype(qtbot, tab.search, "")
    assert tab.proxy.rowCount() == 2


def test_archive_then_unarchive_with_the_buttons(qtbot, clinic, catalog, shown):
    tab = make_tab(qtbot, clinic)
    assert not tab.archive_button.isEnabled()
    select(tab, "3 Physio")
    assert tab.archive_button.text() == "&Archive"
    click(qtbot, tab.archive_button)

    assert clinic.catalog.package_template(catalog["three_physio"]).archived
    assert cell_texts(tab.proxy, Cols.NAME) == ["10 Massages"], "archived templates are hidden"

    tab.show_archived.click()
    assert cell_texts(tab.proxy, Cols.STATUS) == ["Offered", "Archived"]
    select(tab, "3 Physio")
    assert tab.archive_button.text() == "Un&archive"
    click(qtbot, tab.archive_button)
    assert not clinic.catalog.package_template(catalog["three_physio"]).archived
    assert cell_texts(tab.proxy, Cols.STATUS) == ["Offered", "Offered"]
    assert shown.boxes == []


def test_new_template_button_opens_the_dialog_and_selects_what_was_made(
        qtbot, clinic, catalog, shown, drive):
    def fill(dialog: PackageTemplateDialog) -> None:
        retype(qtbot, dialog.name, "4 Massages")
        retype(qtbot, dialog.price, "340")
        retype(qtbot, dialog.uses.lineEdit(), "4")
        dialog.eligible.checks[dialog.eligible.row_of(catalog["massage"])].click()
        click(qtbot, dialog.ok_button)

    drive(PackageTemplateDialog, fill)
    tab = make_tab(qtbot, clinic)
    click(qtbot, tab.new_button)

    assert cell_texts(tab.proxy, Cols.NAME) == ["10 Massages", "3 Physio", "4 Massages"]
    assert tab.selected().name == "4 Massages"
    assert shown.boxes == []


def test_refused_new_template_leaves_the_list_as_it_was(qtbot, clinic, catalog, shown, drive):
    def fill(dialog: PackageTemplateDialog) -> None:
        retype(qtbot, dialog.name, "Nothing covered")
        retype(qtbot, dialog.price, "10")
        click(qtbot, dialog.ok_button)  # refused: no eligible treatment

    answers = drive(PackageTemplateDialog, fill)
    tab = make_tab(qtbot, clinic)
    click(qtbot, tab.new_button)

    assert "Choose at least one treatment type" in shown.last
    assert answers == [0], "the dialog was left open, not accepted"
    assert cell_texts(tab.proxy, Cols.NAME) == ["10 Massages", "3 Physio"]


def test_double_click_edits_the_template(qtbot, clinic, catalog, shown, drive):
    def rename(dialog: PackageTemplateDialog) -> None:
        assert dialog.name.text() == "3 Physio"
        retype(qtbot, dialog.name, "Three Physio")
        click(qtbot, dialog.ok_button)

    drive(PackageTemplateDialog, rename)
    tab = make_tab(qtbot, clinic)
    index = tab.proxy.index(cell_texts(tab.proxy, Cols.NAME).index("3 Physio"), Cols.NAME)
    where = tab.table.visualRect(index).center()
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=where)

    assert clinic.catalog.package_template(catalog["three_physio"]).name == "Three Physio"
    assert "Three Physio" in cell_texts(tab.proxy, Cols.NAME)
