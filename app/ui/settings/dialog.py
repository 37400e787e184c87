"""File > Settings…: tabbed. List pages save as they go; OK saves the clinic details."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError

from ..forms import FormDialog
from .accounts import accounts_page
from .clinic_details import ClinicDetailsForm
from .email import EmailSettings
from .gift_cards import GiftCardSettings
from .no_show_fees import no_show_fees_page
from .reminders import ReminderSettings
from .receipt_printer import ReceiptPrinterPage
from .staff import staff_page
from .this_desk import ThisDeskSettings
from .treatment_types import treatment_types_page


class SettingsDialog(FormDialog):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(_("Settings"), parent)
        self.clinic = clinic
        self.resize(900, 560)  # (R46: room for the Email tab beside the others)
        self.details = ClinicDetailsForm(clinic.settings.get())
        self.treatment_types = treatment_types_page(clinic)
        self.staff = staff_page(clinic)
        self.no_show_fees = no_show_fees_page(clinic)
        self.accounts = accounts_page(clinic)
        self.gift_cards = GiftCardSettings(clinic.settings.get())  # R45
        self.email = EmailSettings(clinic)  # R46
        self.reminders = ReminderSettings(clinic.settings.get())  # R47
        self.tabs = QTabWidget()
        self.tabs.addTab(self.details, _("Clinic details"))
        self.tabs.addTab(self.treatment_types, _("Treatment types"))
        self.tabs.addTab(self.staff, _("Staff"))
        self.tabs.addTab(self.no_show_fees, _("No-show fees"))
        self.tabs.addTab(self.accounts, _("Accounts"))
        self.tabs.addTab(self.gift_cards, _("Gift cards"))
        self.tabs.addTab(self.email, _("Email"))
        self.tabs.addTab(self.reminders, _("Reminders"))
        self.this_desk = ThisDeskSettings()  # R48: this computer's printers
        self.tabs.addTab(self.this_desk, _("This Desk"))
        self.tabs.addTab(ReceiptPrinterPage(clinic), _("Receipt printer"))  # R48: this desk's
        self.body.addWidget(self.tabs)
        self.fields = {**self.details.fields, **self.email.fields, **self.reminders.fields}

    def save(self) -> None:
        self.this_desk.save()  # the desk's own (QSettings), whoever may change the clinic's
        self.clinic.settings.update(**self.details.values(), **self.gift_cards.values(),
                                    **self.email.values(), **self.reminders.values())
        self.email.keep_password()

    def widget_for(self, error: ClinicError) -> QWidget | None:
        widget = super().widget_for(error)
        if widget is not None:
            self.tabs.setCurrentWidget(next(
                (tab for tab in (self.email, self.reminders) if tab.isAncestorOf(widget)),
                self.details))
        return widget
