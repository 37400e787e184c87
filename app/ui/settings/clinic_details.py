"""The clinic's own details, shared by the Settings dialog and first-run setup."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.services.settings import SettingsView

from ..formats import percent_text, rate_from_percent
from ..forms import beside

# Offered first; any other code can be typed and the settings service checks it.
CURRENCIES = ("CAD", "USD", "EUR", "GBP", "AUD", "NZD", "CHF")
LOCALES = ("en_CA", "fr_CA", "en_US", "es_US", "en_GB", "en_AU", "en_NZ", "fr_FR", "de_DE")
PAPERS = (("Letter", "letter"), ("A4", "a4"), ("80 mm roll", "roll80"))

ALL_FIELDS = ("name", "address", "phone", "email", "tax_number", "tax_name", "currency",
              "locale", "paper", "default_tax_rate")


class ClinicDetailsForm(QWidget):
    """The named settings fields, pre-filled; `values()` is what `settings.update` takes."""

    def __init__(self, current: SettingsView, fields: tuple[str, ...] = ALL_FIELDS,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.fields: dict[str, QWidget] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        builders = {
            "name": ("Clinic &name:", lambda: QLineEdit(current.name)),
            "address": ("&Address:", lambda: _address(current.address)),
            "phone": ("&Phone:", lambda: QLineEdit(current.phone)),
            "email": ("&Email:", lambda: QLineEdit(current.email)),
            "tax_number": ("Tax &number:", lambda: QLineEdit(current.tax_number)),
            "tax_name": ("Tax na&me:", lambda: QLineEdit(current.tax_name)),
            "currency": ("&Currency:", lambda: _choice(CURRENCIES, current.currency)),
            "locale": ("&Language and region:", lambda: _choice(LOCALES, current.locale)),
            "paper": ("Pa&per size:", lambda: _paper(current.paper)),
            "default_tax_rate": ("Default &tax rate:",
                                 lambda: QLineEdit(percent_text(current.default_tax_rate))),
        }
        for key in fields:
            label, build = builders[key]
            widget = self.fields[key] = build()
            if key == "default_tax_rate":
                form.addRow(label, beside(widget, QLabel("%")))
            else:
                form.addRow(label, widget)
        if "name" in self.fields:
            self.fields["name"].setPlaceholderText("e.g. Harbour Physiotherapy")
        if "tax_name" in self.fields:
            self.fields["tax_name"].setPlaceholderText("e.g. HST")

    def values(self) -> dict:
        """Exactly what was typed or chosen; the settings service checks every value."""
        values = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QPlainTextEdit):
                values[key] = widget.toPlainText()
            elif key == "paper":
                values[key] = widget.currentData()
            elif isinstance(widget, QComboBox):
                values[key] = widget.currentText()
            elif key == "default_tax_rate":
                values[key] = rate_from_percent(widget.text())
            else:
                values[key] = widget.text()
        return values


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


def _paper(current: str) -> QComboBox:
    box = QComboBox()
    for label, code in PAPERS:
        box.addItem(label, code)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box
