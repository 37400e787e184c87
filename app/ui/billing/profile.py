"""One patient's billing profile: who they are, what they owe, their credit, and the
Purchases, Packages and Payments sub-tabs."""

from __future__ import annotations

from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QStackedLayout,
                               QTabWidget, QVBoxLayout, QWidget)

from app.i18n import _, N_
from app.services import Clinic

from ..formats import Formats
from .household_view import HouseholdView
from .packages_view import PatientPackagesView
from .payments import PaymentsView
from .purchases import PurchasesView


class PatientProfile(QWidget):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self._f = Formats(clinic)
        self.patient_id: int | None = None

        self.name = QLabel()
        self.name.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.name.setAccessibleName(_("Patient"))
        self.contact = QLabel()
        self.contact.setStyleSheet("color: #4b5563;")
        self.owing = _figure(N_("Owing"))
        self.credit = _figure(N_("Credit"))

        self.purchases = PurchasesView(clinic)
        self.packages = PatientPackagesView(clinic)
        self.payments = PaymentsView(clinic)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.purchases, _("&Purchases"))
        self.tabs.addTab(self.packages, _("Pac&kages"))
        self.tabs.addTab(self.payments, _("Pa&yments"))
        self.household = HouseholdView(clinic)  # R37: who may share packages
        self.tabs.addTab(self.household, _("Ho&usehold"))
        self.household.changed.connect(self.refresh)
        from .memberships_view import MembershipsView  # R43, R44
        self.memberships = MembershipsView(clinic)
        self.tabs.addTab(self.memberships, _("&Memberships"))
        self.memberships.changed.connect(self._refresh_account)
        # Four tabs: all of them shown, never behind a scroll arrow (nor in Tab's way).
        self.tabs.setUsesScrollButtons(False)
        # A sale or a void also changes the packages list, so re-read it all.
        self.purchases.changed.connect(self.refresh)
        self.payments.changed.connect(self.refresh)
        # The packages view refreshes itself; the account and invoices are ours to re-read.
        self.packages.changed.connect(self._refresh_account)

        header = QHBoxLayout()
        who = QVBoxLayout()
        who.addWidget(self.name)
        who.addWidget(self.contact)
        header.addLayout(who, 1)
        header.addWidget(self.owing[0])
        header.addWidget(self.credit[0])
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addLayout(header)
        page_layout.addWidget(self.tabs, 1)

        self.empty = QLabel(_("Find a patient on the left to see their purchases, packages "
                              "and payments."))
        self.empty.setObjectName("emptyNote")
        self.empty.setWordWrap(True)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(page)
        self.page = page

    def set_patient(self, patient_id: int | None) -> None:
        self.patient_id = patient_id
        self.packages.set_patient(patient_id)
        self.household.set_patient(patient_id)
        self.memberships.set_patient(patient_id)
        self._refresh_account()

    def refresh(self) -> None:
        """Re-read everything shown: another tab or desk may have changed it."""
        self.set_patient(self.patient_id)

    def _refresh_account(self) -> None:
        if self.patient_id is None:
            self.purchases.show_account(None, None)
            self.payments.show_account(None, [], [])
            self.stack.setCurrentWidget(self.empty)
            return
        patient = self.clinic.patients.get(self.patient_id)
        account = self.clinic.billing.account(self.patient_id)
        refunds = self.clinic.billing.refunds(self.patient_id)
        self.name.setText(patient.full_name)
        self.contact.setText("   ·   ".join(part for part in (patient.phone, patient.email)
                                           if part) or _("No phone or email on file"))
        self.owing[1].setText(self._f.money(account.owing))
        self.credit[1].setText(self._f.money(account.credit))
        self.purchases.show_account(self.patient_id, account)
        self.payments.show_account(self.patient_id, list(account.payments), refunds)
        self.stack.setCurrentWidget(self.page)


def _figure(title: str) -> tuple[QFrame, QLabel]:
    """A labelled amount in the header: Owing, Credit."""
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    grid = QGridLayout(frame)
    grid.setContentsMargins(14, 6, 14, 6)
    caption = QLabel(_(title))
    caption.setStyleSheet("color: #4b5563;")
    value = QLabel()
    value.setStyleSheet("font-size: 18px; font-weight: 600;")
    value.setAccessibleName(_(title))
    grid.addWidget(caption, 0, 0)
    grid.addWidget(value, 1, 0)
    frame.setMinimumWidth(130)
    return frame, value
