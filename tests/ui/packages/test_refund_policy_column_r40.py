"""R40 in the templates list: a Refund policy column says, in the desk's words, what a
refund of a package sold from the template now follows (changed through Edit…, it follows)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.models.catalog import PackageTemplatesModel as Cols
from app.ui.packages import PackagesTab

from ui.helpers import cell_texts


def _tab(qtbot, clinic) -> PackagesTab:
    tab = PackagesTab(clinic)
    qtbot.addWidget(tab)
    tab.show()
    return tab


def test_r40_the_templates_list_has_a_refund_policy_column(qtbot, clinic, catalog):
    clinic.catalog.update_package_template(catalog["three_physio"],
                                           refund_policy="pro_rata_fee:10:5000")
    tab = _tab(qtbot, clinic)
    assert tab.proxy.headerData(Cols.REFUND, Qt.Orientation.Horizontal) == "Refund policy"
    assert cell_texts(tab.proxy, Cols.NAME) == ["10 Massages", "3 Physio"]
    assert cell_texts(tab.proxy, Cols.REFUND) == [
        "Pro rata", "Pro rata less a 10 % fee, at most $50.00"]
    clinic.catalog.update_package_template(catalog["ten_massages"],
                                           refund_policy="standard_price")
    tab.refresh()
    assert cell_texts(tab.proxy, Cols.REFUND)[0] == "Used uses at the standard price"


def test_r40_the_refund_policy_column_in_french(qtbot, clinic, catalog, french):
    clinic.catalog.update_package_template(catalog["three_physio"],
                                           refund_policy="pro_rata_fee:10:5000")
    clinic.settings.update(locale="fr_CA")
    tab = _tab(qtbot, clinic)
    assert tab.proxy.headerData(Cols.REFUND, Qt.Orientation.Horizontal) == \
        "Politique de remboursement"
    assert cell_texts(tab.proxy, Cols.REFUND) == [
        "Au prorata", "Au prorata moins des frais de 10 %, au plus 50,00\u00a0$"]
