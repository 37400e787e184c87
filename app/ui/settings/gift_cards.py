"""Settings › Gift cards (R45): whether gift cards expire, and after how many months.
Saved with the clinic details when the desk presses OK."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.domain.gift_card_expiry import MOST_MONTHS
from app.i18n import _
from app.services.settings import SettingsView


class GiftCardSettings(QWidget):
    def __init__(self, settings: SettingsView, parent: QWidget | None = None):
        super().__init__(parent)
        months = settings.gift_card_expiry_months
        self.never = QCheckBox(_("Gift cards &never expire"))
        self.never.setChecked(months is None)
        self.months = QSpinBox()
        self.months.setRange(1, MOST_MONTHS)
        self.months.setValue(months or 12)
        self.months.setSuffix(_(" months"))
        self.months.setAccessibleName(_("Gift cards expire after"))
        self.months.setEnabled(months is not None)
        self.never.toggled.connect(lambda never: self.months.setEnabled(not never))
        note = QLabel(_("Some provinces and states forbid gift cards to expire: check the law "
                        "where the clinic is before setting an expiry. A card's last day is "
                        "fixed when it is sold, renewed when it is reloaded, and printed on "
                        "the card; cards already sold keep theirs. An expired card cannot "
                        "pay, but what it holds stays on the books as Gift Card Liability."))
        note.setWordWrap(True)
        note.setObjectName("note")
        form = QFormLayout()
        form.addRow("", self.never)
        form.addRow(_("Gift cards &expire after:"), self.months)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        self.fields = {"gift_card_expiry_months": self.months}

    def values(self) -> dict:
        return {"gift_card_expiry_months": None if self.never.isChecked()
                else self.months.value()}
