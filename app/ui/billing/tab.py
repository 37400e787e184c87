"""Patient Billing: search as you type, add and edit patients."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.services import Clinic

from ..formats import Formats
from ..models.patients import PatientsModel
from ..tables import make_table, reload, selected_row
from .patient_dialog import PatientDialog

#: Wait this long after the last key before searching, so typing "Lopez" is one query.
SEARCH_DELAY_MS = 150


class BillingTab(QWidget):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.model = PatientsModel(Formats(clinic), self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a patient by name, phone or email…")
        self.search.setClearButtonEnabled(True)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self.search_timer.start)
        self.new_button = QPushButton("New Patient…")
        self.new_button.clicked.connect(self.new_patient)
        self.edit_button = QPushButton("Edit Patient…")
        self.edit_button.clicked.connect(self.edit_patient)

        # The service orders and limits the matches; the view keeps its order.
        self.table = make_table(self.model, self, stretch=PatientsModel.EMAIL, sortable=False)
        self.table.doubleClicked.connect(self.edit_patient)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        reload(self.table, self.model, self.clinic.patients.search(self.search.text()), select)
        self._update_buttons()

    def selected(self):
        return selected_row(self.table)

    def new_patient(self) -> None:
        saved = PatientDialog.ask(self, self.clinic)
        if saved is not None:
            self.refresh(select=saved)

    def edit_patient(self) -> None:
        patient = self.selected()
        if patient is not None and PatientDialog.ask(self, self.clinic, patient) is not None:
            self.refresh()

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected() is not None)
