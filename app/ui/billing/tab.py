"""Patient Billing: find a patient as you type; their account, purchases, packages and
payments beside the list."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLineEdit, QPushButton, QSplitter, QVBoxLayout,
                               QWidget)

from app.i18n import _
from app.services import Clinic

from ..formats import Formats
from ..models.patients import PatientsModel
from ..shortcuts import NEW_PURCHASE, RECEIVE_PAYMENT, SEARCH_PATIENT
from ..tables import make_table, reload, selected_row
from .keys import key_text, leave_with_tab
from .patient_dialog import PatientDialog
from .profile import PatientProfile

#: Wait this long after the last key before searching, so typing "Lopez" is one query.
SEARCH_DELAY_MS = 150


class BillingTab(QWidget):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self._refreshing = False
        self.model = PatientsModel(Formats(clinic), self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            _("Find a patient by name, phone or email ({key})").format(
                key=key_text(SEARCH_PATIENT)))
        self.search.setAccessibleName(_("Find a patient"))
        self.search.setClearButtonEnabled(True)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self.search_timer.start)
        self.search.returnPressed.connect(self._open_first_match)
        # Search (Ctrl+F) is the main window's, from anywhere; these two act on the selected
        # patient and only while this tab is showing (a hidden widget's shortcut does not fire).
        self.purchase_shortcut = QShortcut(QKeySequence(NEW_PURCHASE), self)
        self.purchase_shortcut.activated.connect(self.new_purchase)
        self.payment_shortcut = QShortcut(QKeySequence(RECEIVE_PAYMENT), self)
        self.payment_shortcut.activated.connect(self.receive_payment)
        self.new_button = QPushButton(_("New Pa&tient…"))
        self.new_button.clicked.connect(self.new_patient)
        self.edit_button = QPushButton(_("&Edit Patient…"))
        self.edit_button.clicked.connect(self.edit_patient)

        # The service orders and limits the matches; the view keeps its order.
        # No parent yet: Tab follows the order widgets join the tab (the layout's, below).
        self.table = make_table(self.model, stretch=PatientsModel.EMAIL, sortable=False)
        self.table.setAccessibleName(_("Patients"))
        self.table.setColumnHidden(PatientsModel.BIRTH_DATE, True)  # room for the profile
        self.table.doubleClicked.connect(self.edit_patient)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.profile = PatientProfile(clinic)

        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        bar.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(bar)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.profile)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 880])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        leave_with_tab(self.table)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        self._refreshing = True  # the profile is loaded once, below, not per selection step
        try:
            reload(self.table, self.model, self.clinic.patients.search(self.search.text()),
                   select)
            # One match for what was typed: that is the patient the desk is looking for.
            if (self.selected() is None and self.model.rowCount() == 1
                    and self.search.text().strip()):
                self.table.selectRow(0)
        finally:
            self._refreshing = False
        self._update_buttons()
        # Re-read the account even for the same patient: it may have changed elsewhere.
        self._show_selected(force=True)

    def selected(self):
        return selected_row(self.table)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def new_purchase(self) -> None:
        """The sale screen for the selected patient; with none, the cursor goes to search."""
        if self.selected() is None:
            self.focus_search()
            return
        self.profile.tabs.setCurrentWidget(self.profile.purchases)
        self.profile.purchases.new_purchase()

    def receive_payment(self) -> None:
        """Receive Payment for the selected patient; with none, the cursor goes to search."""
        if self.selected() is None:
            self.focus_search()
            return
        self.profile.tabs.setCurrentWidget(self.profile.payments)
        self.profile.payments.receive_payment()

    def new_patient(self) -> None:
        saved = PatientDialog.ask(self, self.clinic)
        if saved is not None:
            self.refresh(select=saved)

    def edit_patient(self) -> None:
        patient = self.selected()
        if patient is not None and PatientDialog.ask(self, self.clinic, patient) is not None:
            self.refresh()

    def _open_first_match(self) -> None:
        if self.search_timer.isActive():  # Enter typed faster than the search delay
            self.search_timer.stop()
            self.refresh()
        if self.model.rowCount():
            if self.selected() is None:
                self.table.selectRow(0)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _selection_changed(self) -> None:
        if self._refreshing:
            return
        self._update_buttons()
        self._show_selected()

    def _show_selected(self, force: bool = False) -> None:
        patient = self.selected()
        patient_id = patient.id if patient is not None else None
        if force or patient_id != self.profile.patient_id:
            self.profile.set_patient(patient_id)

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected() is not None)
