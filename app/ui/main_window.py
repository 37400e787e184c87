"""The main window: Schedule, Patient Billing and Packages, one tab each."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from app import __version__
from app.services import Clinic

from . import msgbox
from .billing import BillingTab
from .packages import PackagesTab
from .schedule import ScheduleTab
from .settings import SettingsDialog


class MainWindow(QMainWindow):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.resize(1280, 800)
        self.schedule = ScheduleTab(clinic)
        self.billing = BillingTab(clinic)
        self.packages = PackagesTab(clinic)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.schedule, "Schedule")
        self.tabs.addTab(self.billing, "Patient Billing")
        self.tabs.addTab(self.packages, "Packages")
        # Another tab (or another desk) may have changed what this one shows.
        self.tabs.currentChanged.connect(lambda _index: self.tabs.currentWidget().refresh())
        self.setCentralWidget(self.tabs)

        self.clinic_label = QLabel()
        self.statusBar().addWidget(self.clinic_label)
        self._build_menus()
        self._show_clinic()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About ClinicDesk", self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def _show_clinic(self) -> None:
        name = self.clinic.settings.get().name
        self.setWindowTitle(f"ClinicDesk — {name}")
        self.clinic_label.setText(name)

    def open_settings(self) -> None:
        SettingsDialog.ask(self, self.clinic)
        # Lists in Settings save as they go, so refresh even when the dialog was cancelled.
        self._show_clinic()
        for index in range(self.tabs.count()):
            self.tabs.widget(index).refresh()

    def about(self) -> None:
        text = (f"ClinicDesk {__version__}\n\nThe reception desk of "
                f"{self.clinic.settings.get().name}: appointments, packages, invoices and "
                "payments.")
        if self.clinic.path is not None:
            text += f"\n\nThe clinic's file: {self.clinic.path}"
        msgbox.information(self, "About ClinicDesk", text)
