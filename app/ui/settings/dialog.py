"""File > Settings…: tabbed. List pages save as they go; OK saves the clinic details."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError

from ..forms import FormDialog
from .accounts import accounts_page
from .clinic_details import ClinicDetailsForm
from .gift_cards import GiftCardSettings
from .no_show_fees import no_show_fees_page
from .receipt_printer import ReceiptPrinterPage
from .staff import staff_page
from .treatment_types import treatment_types_page


class SettingsDialog(FormDialog):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(_("Settings"), parent)
        self.clinic = clinic
        self.resize(760, 520)
        self.details = ClinicDetailsForm(clinic.settings.get())
        self.treatment_types = treatment_types_page(clinic)
        self.staff = staff_page(clinic)
        self.no_show_fees = no_show_fees_page(clinic)
        self.accounts = accounts_page(clinic)
        self.gift_cards = GiftCardSettings(clinic.settings.get())  # R45
        self.tabs = QTabWidget()
        self.tabs.addTab(self.details, _("Clinic details"))
        self.tabs.addTab(self.treatment_types, _("Treatment types"))
        self.tabs.addTab(self.staff, _("Staff"))
        self.tabs.addTab(self.no_show_fees, _("No-show fees"))
        self.tabs.addTab(self.accounts, _("Accounts"))
        self.tabs.addTab(self.gift_cards, _("Gift cards"))
        self.tabs.addTab(ReceiptPrinterPage(clinic), _("Receipt printer"))  # R48: this desk's
        self.body.addWidget(self.tabs)
        self.fields = self.details.fields

    def save(self) -> None:
        self.clinic.settings.update(**self.details.values(), **self.gift_cards.values())

    def widget_for(self, error: ClinicError) -> QWidget | None:
        widget = super().widget_for(error)
        if widget is not None:
            self.tabs.setCurrentWidget(self.details)
        return widget
