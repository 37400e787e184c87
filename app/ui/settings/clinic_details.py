"""The clinic's own details, shared by the Settings dialog and first-run setup."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app import i18n
from app.i18n import N_, _
from app.services.settings import SettingsView

from ..formats import percent_text, rate_from_percent
from .rows import add_row

# Offered first; any other code can be typed and the settings service checks it.
CURRENCIES = ("CAD", "USD", "EUR", "GBP", "AUD", "NZD", "CHF")
LOCALES = ("en_CA", "fr_CA", "en_US", "es_US", "en_GB", "en_AU", "en_NZ", "fr_FR", "de_DE")
#: (what the desk reads, English N_(); the paper's code)
PAPERS = ((N_("Letter"), "letter"), (N_("A4"), "a4"), (N_("80 mm roll"), "roll80"))

ALL_FIELDS = ("name", "address", "phone", "email", "tax_number", "tax_name", "currency",
              "locale", "language", "paper", "default_tax_rate")
#: Fields whose value is the chosen item's code, not its text.
CODED = ("paper", "language")


class ClinicDetailsForm(QWidget):
    """The named settings fields, pre-filled; `values()` is what `settings.update` takes.

    Language: each offered in its own words. Saving it does not change the window's
    language; whoever opened this form applies it once it is saved. While the clinic is not
    set up yet (first run), the language follows the region chosen, until the desk picks one.
    """

    def __init__(self, current: SettingsView, fields: tuple[str, ...] = ALL_FIELDS,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.fields: dict[str, QWidget] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        builders = {
            "name": (_("Clinic &name:"), lambda: QLineEdit(current.name)),
            "address": (_("&Address:"), lambda: _address(current.address)),
            "phone": (_("&Phone:"), lambda: QLineEdit(current.phone)),
            "email": (_("&Email:"), lambda: QLineEdit(current.email)),
            "tax_number": (_("Tax num&ber:"), lambda: QLineEdit(current.tax_number)),
            "tax_name": (_("Tax na&me:"), lambda: QLineEdit(current.tax_name)),
            "currency": (_("&Currency:"), lambda: _choice(CURRENCIES, current.currency)),
            "locale": (_("&Region:"), lambda: _region(current.locale)),
            "language": (_("Lan&guage:"), lambda: _language(current.language)),
            "paper": (_("Paper si&ze:"), lambda: _paper(current.paper)),
            "default_tax_rate": (_("Default &tax rate:"),
                                 lambda: QLineEdit(percent_text(current.default_tax_rate))),
        }
        for key in fields:
            label, build = builders[key]
            widget = self.fields[key] = build()
            if key == "default_tax_rate":
                add_row(form, label, widget, QLabel("%"))
            else:
                add_row(form, label, widget)
        if "name" in self.fields:
            self.fields["name"].setPlaceholderText(_("e.g. Harbour Physiotherapy"))
        if "tax_name" in self.fields:
            self.fields["tax_name"].setPlaceholderText(_("e.g. HST"))
        if "locale" in self.fields:
            self.fields["locale"].setToolTip(_("How amounts and dates are written"))
        if "language" in self.fields:
            self.fields["language"].setToolTip(_("The language ClinicDesk speaks on this desk"))
        self.language_chosen = self.region_chosen = False
        if "language" in self.fields and "locale" in self.fields:
            self.fields["language"].activated.connect(self._language_picked)
            self.fields["locale"].activated.connect(self._region_picked)
            if not current.setup_complete:
                self.fields["locale"].currentTextChanged.connect(self._region_changed)
                self._region_changed()

    def values(self) -> dict:
        """Exactly what was typed or chosen; the settings service checks every value."""
        values = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QPlainTextEdit):
                values[key] = widget.toPlainText()
            elif key in CODED:
                values[key] = widget.currentData()
            elif key == "locale":
                values[key] = region_code(widget)
            elif isinstance(widget, QComboBox):
                values[key] = widget.currentText()
            elif key == "default_tax_rate":
                values[key] = rate_from_percent(widget.text())
            else:
                values[key] = widget.text()
        return values

    def _language_picked(self) -> None:
        """French chosen: the French region of the same country is offered with it ("1 000,00
        $"), and English's with English, unless the desk picked a region itself here."""
        self.language_chosen = True
        if self.region_chosen:
            return
        box = self.fields["locale"]
        offered = region_for_language(region_code(box), self.fields["language"].currentData())
        index = box.findData(offered)
        if index < 0:
            box.addItem(region_name(offered), offered)
            index = box.count() - 1
        box.setCurrentIndex(index)

    def _region_picked(self) -> None:
        self.region_chosen = True

    def _region_changed(self, *_args) -> None:
        """First run: French for a French region, until the desk picks a language itself."""
        if self.language_chosen:
            return
        box = self.fields["language"]
        locale = region_code(self.fields["locale"])
        box.setCurrentIndex(max(0, box.findData(i18n.default_language_for(locale))))


def region_name(code: str) -> str:
    """A region in its own words, as Babel names it, capitalised as a list item beside the
    Language choice ("English (Canada)", "Français (Canada)"); an unknown code as typed."""
    try:
        name = Locale.parse(code).display_name or code
        return name[:1].upper() + name[1:]
    except (UnknownLocaleError, ValueError, TypeError):
        return code


def region_code(box: QComboBox) -> str:
    """The chosen region's code; text typed that names no region offered is passed on as a
    code, for the settings service to check."""
    index = box.findText(box.currentText())
    return box.itemData(index) if index >= 0 else box.currentText().strip()


def region_for_language(locale: str, language: str) -> str:
    """The region that writes `language` in the same country: en_CA -> fr_CA for French."""
    try:
        parsed = Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        return locale
    wanted = "fr" if language == i18n.FRENCH else "en"
    if parsed.language == wanted:
        return locale
    for code in (f"{wanted}_{parsed.territory}", "fr_CA" if wanted == "fr" else "en_CA"):
        try:
            Locale.parse(code)
            return code
        except (UnknownLocaleError, ValueError):
            continue
    return locale


def _region(current: str) -> QComboBox:
    box = QComboBox()
    box.setMinimumWidth(200)
    box.setEditable(True)  # any other code can be typed; the settings service checks it
    for code in LOCALES:
        box.addItem(region_name(code), code)
    if box.findData(current) < 0:
        box.addItem(region_name(current), current)
    box.setCurrentIndex(box.findData(current))
    return box


def _address(text: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(72)
    return edit


def _choice(options: tuple[str, ...], current: str) -> QComboBox:
    box = QComboBox()
    box.setMinimumWidth(140)
    box.setEditable(True)
    box.addItems(options)
    if box.findText(current) < 0:
        box.addItem(current)
    box.setCurrentText(current)
    return box


def _language(current: str) -> QComboBox:
    box = QComboBox()
    for code, own_name in i18n.LANGUAGES.items():
        box.addItem(own_name, code)  # each in its own words, whatever the desk speaks
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


def _paper(current: str) -> QComboBox:
    box = QComboBox()
    for label, code in PAPERS:
        box.addItem(_(label), code)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box
