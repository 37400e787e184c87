"""Packages, its template dialog and Packages › Reports in French (Canada), and at the
keyboard (issue 8): nothing left in English, Tab in the order the eye reads, every control
named for a screen reader, a mnemonic on every button and no two alike.

The helpers here (`tab_chain`, `unnamed`, `missing_mnemonics`, `clashing_mnemonics`) serve
the Settings tests too.
"""

from __future__ import annotations

import re
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox,
                               QApplication, QComboBox, QDialogButtonBox, QHeaderView, QLabel,
                               QLineEdit, QPlainTextEdit, QTabBar, QWidget)

from app import i18n
from app.services import Clinic
from app.ui.models.catalog import PackageTemplatesModel
from app.ui.packages import PackagesTab, PackageTemplateDialog
from app.ui.reports import ReportsView
from app.ui.tasks import worker_idle

from ui.i18n_helpers import untranslated_texts

# ----------------------------------------------------------------------------- helpers

INPUTS = (QLineEdit, QAbstractSpinBox, QComboBox, QAbstractButton, QPlainTextEdit,
          QAbstractItemView)


def _owner(widget: QWidget) -> QWidget:
    """The control a focused part belongs to (a spin box's or combo box's own line edit)."""
    parent = widget.parentWidget()
    if isinstance(widget, QLineEdit) and isinstance(parent, (QAbstractSpinBox, QComboBox)):
        return parent
    return widget


def tab_chain(qtbot, top: QWidget, start: QWidget, presses: int) -> list[QWidget]:
    """The controls Tab visits from `start`, as the desk presses it (a date's day, month and
    year are one control)."""
    top.activateWindow()
    start.setFocus()
    QApplication.processEvents()
    seen: list[QWidget] = []
    for _ in range(presses):
        focused = QApplication.focusWidget()
        assert focused is not None, "Tab lost the focus"
        owner = _owner(focused)
        if not seen or seen[-1] is not owner:
            seen.append(owner)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    return seen


def _shown(top: QWidget):
    for widget in top.findChildren(QWidget):
        if widget.isVisibleTo(top):
            yield widget


def _in_a_table(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    return parent is not None and isinstance(parent.parentWidget(), QAbstractItemView)


def unnamed(top: QWidget) -> list[str]:
    """Controls the keyboard reaches that a screen reader could not name: no accessible
    name, no label whose buddy they are, and (a button) no text."""
    buddies = {label.buddy() for label in top.findChildren(QLabel) if label.buddy()}
    missing = []
    for widget in _shown(top):
        if (not isinstance(widget, INPUTS) or isinstance(widget, QHeaderView)
                or not widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                or _owner(widget) is not widget):
            continue
        if widget.accessibleName() or widget in buddies:
            continue
        if isinstance(widget, QAbstractButton) and widget.text():
            continue
        missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def _standard(button: QAbstractButton) -> bool:
    """OK and Cancel: Qt words them (and gives them Enter and Esc)."""
    box = button.parentWidget()
    return isinstance(box, QDialogButtonBox) and box.standardButton(button) in (
        QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel) and (
        "&" not in button.text())


def missing_mnemonics(top: QWidget) -> list[str]:
    """Buttons and check boxes shown without an Alt+letter (a row's check box in a table,
    named after a treatment, is reached with Tab)."""
    return [button.text() for button in _shown(top)
            if isinstance(button, QAbstractButton) and button.text()
            and button.focusPolicy() & Qt.FocusPolicy.TabFocus and not _standard(button)
            and not _in_a_table(button) and not re.search(r"&\w", button.text())]


def clashing_mnemonics(top: QWidget) -> list[str]:
    """Alt+letters shown at once that two controls claim (Qt would then fire neither)."""
    texts = []
    for widget in _shown(top):
        if isinstance(widget, QLabel) and widget.buddy() is not None:
            texts.append(widget.text())
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QTabBar):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
    letters: dict[str, list[str]] = {}
    for text in texts:
        found = re.search(r"&(\w)", text.replace("&&", ""))
        if found:
            letters.setdefault(found.group(1).casefold(), []).append(text)
    return [f"Alt+{letter}: {names}" for letter, names in letters.items() if len(names) > 1]


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(autouse=True)
def idle_worker():
    """No report may outlive its test."""
    yield
    assert worker_idle(20)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo clinic (`clinicdesk --demo`), built once for this file's walk-throughs."""
    from app.services.demo import seed_demo

    clinic = Clinic.open(tmp_path_factory.mktemp("demo") / "demo.db")
    seed_demo(clinic)
    yield clinic
    clinic.close()


def _speak(code: str) -> None:
    """The desk's language, and Qt's own words (OK, Cancel) with it where the program has
    that switch."""
    try:
        from app.ui.qt_language import apply_language
    except ImportError:  # Qt's words stay English; ours still switch
        i18n.set_language(code)
    else:
        apply_language(code)


@pytest.fixture
def french(qapp):
    _speak(i18n.FRENCH)
    yield
    _speak(i18n.ENGLISH)


def show(qtbot, widget: QWidget, width: int = 1280, height: int = 800) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def run(qtbot, view: ReportsView, kind_code: str):
    view.controls.kind.setCurrentIndex(view.controls.kind.findData(kind_code))
    with qtbot.waitSignal(view.report_shown, timeout=30000) as arrived:
        view.controls.run_button.click()
    return arrived.args[0]


def headings(model) -> list[str]:
    return [str(model.headerData(c, Qt.Orientation.Horizontal)).replace("\n", " ")
            for c in range(model.columnCount())]


# ----------------------------------------------------------------------------- French

def test_the_packages_tab_in_french(qtbot, demo, french):
    tab = show(qtbot, PackagesTab(demo))

    assert untranslated_texts(tab) == []
    assert [tab.views.tabText(i) for i in range(tab.views.count())] == [
        "Modèle&s", "A&bonnements", "Ra&pports"]  # R43: the membership plans beside them
    assert headings(tab.model)[:3] == ["Nom", "Prix", "Utilisations"]
    assert tab.new_button.text() == "&Nouveau modèle…"
    assert tab.search.placeholderText() == "Rechercher un modèle de forfait…"
    statuses = {tab.model.index(r, PackageTemplatesModel.STATUS).data()
                for r in range(tab.model.rowCount())}
    assert statuses == {"Offert"}
    validity = tab.model.index(0, PackageTemplatesModel.VALIDITY).data()
    assert validity.split()[-1] in ("mois", "jour", "jours", "an", "ans"), validity


def test_the_template_dialog_in_french(qtbot, demo, french):
    template = demo.catalog.package_templates()[0]
    dialog = show(qtbot, PackageTemplateDialog(demo, template), 700, 600)

    assert untranslated_texts(dialog) == []
    assert dialog.windowTitle() == "Modifier le modèle de forfait"
    assert [dialog.validity_unit.itemText(i) for i in range(3)] == ["jours", "mois", "ans"]
    assert dialog.no_expiry.text() == "Sans e&xpiration"
    assert dialog.eligible.horizontalHeaderItem(2).text() == "À payer par le patient"
    assert clashing_mnemonics(dialog) == []


@pytest.mark.parametrize("kind, title, heading", [
    ("package_sales", "Ventes de forfaits", "Encaissé"),
    ("package_usage", "Utilisation des forfaits", "Valeur par utilisation"),
    ("outstanding", "Forfaits en cours", "Valeur non utilisée"),
    ("compensation", "Rémunération du personnel", "Utilisations rémunérées deux fois"),
])
def test_each_report_in_french(qtbot, demo, french, kind, title, heading):
    tab = show(qtbot, PackagesTab(demo))
    tab.views.setCurrentWidget(tab.reports)
    view = tab.reports
    if kind != "outstanding":
        view.controls.period.setCurrentIndex(view.controls.period.findData("this_year"))
    report = run(qtbot, view, kind)

    assert untranslated_texts(tab) == []
    assert view.heading.text().startswith(title + " · ")
    assert view.status.text().startswith("Produit le ")
    first = view.sections[0]
    assert heading in headings(first.model)
    assert headings(first.totals_model)[-1] in headings(first.model)
    grand = first.totals_model.index(first.totals_model.rowCount() - 1, 0).data()
    assert grand in ("Tous les forfaits", "Tout le personnel")
    english = set(i18n.catalogue(i18n.FRENCH)) & {
        *headings(first.model), *headings(first.totals_model), first.title.text(),
        first.count.text(), view.notes.text()}
    assert english <= {"Date", "Patient", "Total"}, "the same word in both languages"
    assert report.sections[0].rows, "the demo clinic has something in every report"
    for index, _section in enumerate(report.sections):
        assert view.sections[index].title.text(), "every section says what it is"
    if kind == "package_sales":
        status = headings(first.model).index("Statut")
        assert {first.proxy.index(r, status).data() for r in range(first.proxy.rowCount())} \
            <= {"Actif", "Expiré", "Remboursé", "Épuisé", "Annulé"}
        assert re.fullmatch(r"[\d\s\u202f\u00a0]+ ventes?( au total, dont .*)?",
                            first.count.text())
    if kind == "outstanding":
        assert view.sections[1].title.text() == "Expirant dans les 30 prochains jours"
    assert clashing_mnemonics(tab) == []


def test_the_report_chooser_and_periods_in_french(qtbot, demo, french):
    view = show(qtbot, ReportsView(demo))
    controls = view.controls
    assert [controls.kind.itemText(i) for i in range(controls.kind.count())] == [
        "Ventes de forfaits", "Utilisation des forfaits", "Forfaits en cours (passif)",
        "Rémunération du personnel", "Passif des forfaits (produits reportés)", "Revenus",
        "Taxe de vente"]
    assert controls.period.itemText(0) == "Ce mois-ci"
    assert controls.template.itemText(0) == "Tous les forfaits"
    assert view.placeholder.text().startswith("Choisissez un rapport")
    controls.kind.setCurrentIndex(controls.kind.findData("package_usage"))
    assert controls.staff_label.text() == "Pra&ticien\u00a0:"
    assert controls.staff.accessibleName() == "Praticien"
    assert untranslated_texts(view) == []


def test_english_is_still_the_default(qtbot, clinic, catalog):
    tab = show(qtbot, PackagesTab(clinic))
    assert tab.views.tabText(0) == "&Templates"
    assert headings(tab.model)[:3] == ["Name", "Price", "Uses"]


# ----------------------------------------------------------------------------- keyboard

def test_the_template_dialog_tabs_in_visual_order(qtbot, clinic, catalog):
    template = next(t for t in clinic.catalog.package_templates() if t.name == "3 Physio")
    dialog = show(qtbot, PackageTemplateDialog(clinic, template), 700, 600)
    eligible = dialog.eligible
    ticked = eligible.row_of(catalog["physio"])
    rows = []
    for row, check in enumerate(eligible.checks):
        rows.append(check)
        if row == ticked:
            rows.append(eligible.pays[row])  # an unticked row's amount is off, and skipped
    expected = [dialog.name, dialog.price, dialog.uses, dialog.tax, dialog.validity_number,
                dialog.validity_unit, *rows, dialog.ok_button,
                dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), dialog.name]
    dialog.no_expiry.setChecked(False)
    expected.insert(expected.index(dialog.validity_unit) + 1, dialog.no_expiry)
    expected.insert(expected.index(dialog.no_expiry) + 1, dialog.refund_policy.policy)  # R40

    assert tab_chain(qtbot, dialog, dialog.name, 30)[:len(expected)] == expected
    assert unnamed(dialog) == []
    assert missing_mnemonics(dialog) == []
    assert clashing_mnemonics(dialog) == []


def test_no_expiry_leaves_the_validity_out_of_the_tab_order(qtbot, clinic, catalog):
    template = next(t for t in clinic.catalog.package_templates() if t.name == "3 Physio")
    dialog = show(qtbot, PackageTemplateDialog(clinic, template), 700, 600)
    assert dialog.no_expiry.isChecked()
    chain = tab_chain(qtbot, dialog, dialog.tax, 4)
    assert chain == [dialog.tax, dialog.no_expiry, dialog.refund_policy.policy,
                     dialog.eligible.checks[0]]


def test_the_packages_tab_tabs_in_visual_order(qtbot, clinic, catalog):
    tab = show(qtbot, PackagesTab(clinic))
    tab.table.selectRow(0)
    expected = [tab.search, tab.show_archived, tab.new_button, tab.edit_button,
                tab.archive_button, tab.table]
    assert tab_chain(qtbot, tab, tab.search, 8)[:len(expected)] == expected
    assert unnamed(tab) == []
    assert missing_mnemonics(tab) == []
    assert clashing_mnemonics(tab) == []


def test_the_mnemonics_take_the_desk_to_their_control(qtbot, clinic, catalog):
    template = next(t for t in clinic.catalog.package_templates() if t.name == "3 Physio")
    dialog = show(qtbot, PackageTemplateDialog(clinic, template), 700, 600)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)  # Alt+ keys go to it
    dialog.name.setFocus()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert dialog.focusWidget() is dialog.tax, "Alt+T: the tax rate, not the row holding it"
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert dialog.focusWidget() is dialog.price


def test_the_reports_view_tabs_in_visual_order(qtbot, clinic, catalog):
    clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    view = show(qtbot, ReportsView(clinic))
    c = view.controls
    before = [c.kind, c.period, c.start, c.end, c.template, c.staff, c.run_button]
    assert tab_chain(qtbot, view, c.kind, 12)[:len(before)] == before
    assert unnamed(view) == []

    run(qtbot, view, "package_sales")
    after = [*before, view.sections[0].table, view.csv_button, view.xlsx_button,
             view.pdf_button, view.print_button, c.kind]
    assert tab_chain(qtbot, view, c.kind, 20)[:len(after)] == after
    assert unnamed(view) == []
    assert missing_mnemonics(view) == []
    assert clashing_mnemonics(view) == []
