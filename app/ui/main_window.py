"""The main window: Schedule, Patient Billing and Packages, one tab each."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from app import __version__
from app.services import Clinic
from app.services.errors import ClinicError

from . import msgbox
from .billing import BillingTab
from .dialogs.audit_browser import AuditTrailDialog
from .dialogs.backups import BackupNow, BackupsDialog
from .dialogs.sign_in import ROLE_NAMES
from .idle_lock import IdleLock
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
        self._build_trust()
        file_menu = self.menuBar().addMenu("&File")
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        self.backup_action = QAction("&Backup Now…", self)
        self.backup_action.triggered.connect(self.backup_now)
        file_menu.addAction(self.backup_action)
        self.restore_action = QAction("&Restore from Backup…", self)
        self.restore_action.triggered.connect(self.restore_backup)
        file_menu.addAction(self.restore_action)
        self.audit_action = QAction("&Audit Trail…", self)
        self.audit_action.triggered.connect(self.open_audit_trail)
        file_menu.addAction(self.audit_action)
        file_menu.addSeparator()
        self.lock_action = QAction("&Lock", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(self.lock)
        file_menu.addAction(self.lock_action)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About ClinicDesk", self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)
        self.show_signed_in()

    def _build_trust(self) -> None:
        """Who is signed in (status bar) and the idle lock (issue 7)."""
        self.signed_in_label = QLabel()
        self.signed_in_label.setAccessibleName("Signed in")
        self.statusBar().addPermanentWidget(self.signed_in_label)
        self.idle_lock = IdleLock(self, self.clinic)
        self.idle_lock.signed_in.connect(lambda _who: self.show_signed_in())
        self.idle_lock.quit_requested.connect(self.close)

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

    # issue 7: who is at the desk, backups, the audit trail ---------------------------------

    def show_signed_in(self) -> None:
        """The status bar names who is signed in; Lock needs someone to sign back in."""
        who = self.clinic.auth.current()
        if who is None:
            self.signed_in_label.setText("Not signed in")
        else:
            self.signed_in_label.setText(f"Signed in: {who.name} "
                                         f"({ROLE_NAMES.get(who.role, who.role)})")
        self.lock_action.setEnabled(who is not None)
        self.idle_lock.rearm()

    def lock(self) -> bool:
        """File › Lock: cover the desk until someone signs in. False if they chose Quit."""
        if self.clinic.current_staff_id is None:
            return True  # no one signed in (the demo without PINs): nobody to sign back in
        return self.idle_lock.lock()

    def refresh_all(self) -> None:
        """Everything shown may have changed (a restore): title, status bar and every tab."""
        self._show_clinic()
        for index in range(self.tabs.count()):
            self.tabs.widget(index).refresh()
        self.show_signed_in()

    def backup_now(self) -> None:
        BackupNow.run(self, self.clinic)

    def restore_backup(self) -> None:
        try:
            self.clinic.auth.require_manager("restore a backup")
        except ClinicError as error:
            msgbox.refusal(self, error, "Not allowed")
            return
        before = self.clinic.current_staff_id
        if BackupsDialog.ask(self, self.clinic) is None:
            return
        # The restored data has its own staff and PINs: the one who restored signs in again.
        self.refresh_all()
        if before is not None or self.clinic.auth.can_sign_in():
            self.idle_lock.lock()
            self.refresh_all()

    def open_audit_trail(self) -> None:
        try:
            AuditTrailDialog.ask(self, self.clinic)
        except ClinicError as error:
            msgbox.refusal(self, error, "Not allowed")
