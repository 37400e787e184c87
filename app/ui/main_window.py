"""The main window: Schedule, Patient Billing and Packages, one tab each.

Menus hold the desk's app-wide keys (app/ui/shortcuts.py): the tabs own their own keys
(book, arrive, days, purchase, payment), so the Desk menu names those actions without
claiming their keys; Help › Keyboard Shortcuts lists every key. The language can change
while the window is open (File › Settings): the tabs are built again in the new language
and the menus re-read their words.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from app import __version__, i18n
from app.i18n import N_, _
from app.services import Clinic
from app.services.errors import ClinicError

from . import menus, msgbox
from .billing import BillingTab
from .desk_settings import desk_settings
from .dialogs.audit_browser import AuditTrailDialog
from .dialogs.backups import BackupNow, BackupsDialog
from .dialogs.keyboard_shortcuts import KeyboardShortcutsDialog
from .dialogs.manager_approval import BACKUP_TO_FOLDER, EXPORT_JOURNAL, approved, mark
from .dialogs.sign_in import role_name
from .idle_lock import IdleLock
from .packages import PackagesTab
from .qt_language import apply_qt_language
from .schedule import ScheduleTab
from .settings import SettingsDialog
from .tasks import Running, tasks_for

#: Where this desk remembers its window (QSettings keys).
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
TAB_KEY = "window/tab"


class MainWindow(QMainWindow):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.setObjectName("mainWindow")  # i18n: not shown (saveState needs it)
        self.resize(1280, 800)
        #: Set by restore_window_state(): only then is the window remembered on close (the
        #: program does it; a test window never writes to the desk's settings).
        self.remember_window = False
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # Another tab (or another desk) may have changed what this one shows.
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)
        self._build_tabs()

        self.clinic_label = QLabel()
        self.statusBar().addWidget(self.clinic_label)
        self._build_menus()
        self._show_clinic()
        #: Set by start_live_refresh(): the program turns it on (a test window polls nothing
        #: once its test is over).
        self.live_refresh = None
        # A write run on the worker (an import, a restore) shows at once, everywhere.
        tasks_for(clinic).changed.connect(self._wrote)

    def _build_tabs(self) -> None:
        self.schedule = ScheduleTab(self.clinic)
        self.billing = BillingTab(self.clinic)
        self.packages = PackagesTab(self.clinic)
        self.tabs.addTab(self.schedule, _("Schedule"))
        self.tabs.addTab(self.billing, _("Patient Billing"))
        self.tabs.addTab(self.packages, _("Packages"))
        # Undo Move (the last visit dragged on the grid): first in the status bar's right side.
        # At first build the bar holds nothing yet, and Qt warns at an index past its end.
        if hasattr(self, "signed_in_label"):
            self.statusBar().insertPermanentWidget(0, self.schedule.undo_button)
        else:
            self.statusBar().addPermanentWidget(self.schedule.undo_button)

    def _tab_changed(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        if widget is not None:
            widget.refresh()

    # menus ----------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        menus.build_menus(self)

    def _translate_menus(self) -> None:
        menus.translate_menus(self)

    def _build_trust(self) -> None:
        """Who is signed in (status bar) and the idle lock (issue 7)."""
        self.signed_in_label = QLabel()
        self.statusBar().addPermanentWidget(self.signed_in_label)
        self.idle_lock = IdleLock(self, self.clinic)
        self.idle_lock.signed_in.connect(lambda _who: self.show_signed_in())
        self.idle_lock.quit_requested.connect(self.close)

    def _show_clinic(self) -> None:
        name = self.clinic.settings.get().name
        self.setWindowTitle(_("ClinicDesk — {clinic}").format(clinic=name))
        self.clinic_label.setText(name)

    # the desk's everyday actions (Desk menu) ------------------------------------------------

    def show_schedule(self) -> None:
        self.tabs.setCurrentWidget(self.schedule)

    def show_billing(self) -> None:
        self.tabs.setCurrentWidget(self.billing)

    def show_packages(self) -> None:
        self.tabs.setCurrentWidget(self.packages)

    def search_patient(self) -> None:
        self.tabs.setCurrentWidget(self.billing)
        self.billing.focus_search()

    def new_purchase(self) -> None:
        self.tabs.setCurrentWidget(self.billing)
        self.billing.new_purchase()

    def receive_payment(self) -> None:
        self.tabs.setCurrentWidget(self.billing)
        self.billing.receive_payment()

    def day_close(self) -> None:
        from .billing.day_close_dialog import DayCloseDialog  # (opened rarely: loaded then)
        DayCloseDialog.ask(self, self.clinic)

    def book(self) -> None:
        self.tabs.setCurrentWidget(self.schedule)
        self.schedule.book()

    def previous_day(self) -> None:
        self.tabs.setCurrentWidget(self.schedule)
        self.schedule.previous_day()

    def next_day(self) -> None:
        self.tabs.setCurrentWidget(self.schedule)
        self.schedule.next_day()

    def show_shortcuts(self) -> None:
        KeyboardShortcutsDialog.ask(self)

    # File menu --------------------------------------------------------------------------------

    def open_settings(self) -> None:
        SettingsDialog.ask(self, self.clinic)
        # Lists in Settings save as they go, so refresh even when the dialog was cancelled.
        if self.clinic.settings.get().language != i18n.language():
            self.apply_language(self.clinic.settings.get().language)
        self.refresh_all()

    def apply_language(self, code: str) -> None:
        """Show the desk in language `code` now: Qt's own words, the menus, and the tabs
        (built again, on the same tab, day and patient)."""
        i18n.set_language(code)
        apply_qt_language(code)
        index = self.tabs.currentIndex()
        day = self.schedule.day()
        patient = self.billing.selected()
        old = [self.tabs.widget(i) for i in range(self.tabs.count())]
        self.tabs.blockSignals(True)
        try:
            self.tabs.clear()
            for widget in old:
                widget.setParent(None)  # hidden now: its keys no longer fire
                widget.deleteLater()
            self._build_tabs()
            self.tabs.setCurrentIndex(max(0, index))
        finally:
            self.tabs.blockSignals(False)
        self.schedule.go_to(day)
        if patient is not None:
            self.billing.refresh(select=patient.id)
        self._translate_menus()
        self._show_clinic()
        self.show_signed_in()

    def import_patients(self) -> None:
        self._import("patients")

    def import_treatment_types(self) -> None:
        self._import("treatment_types")

    def _import(self, what: str) -> None:
        from app.ui.dialogs.csv_import import ImportDialog  # loaded when first asked for
        ImportDialog.ask(self, self.clinic, what)  # (what it wrote shows by _wrote)

    def export_table(self) -> None:
        from app.ui.dialogs.csv_export import ExportDialog
        ExportDialog.ask(self, self.clinic)

    def export_journal(self) -> None:  # File › Export Journal… (R35)
        from app.ui.dialogs.journal_export import JournalExportDialog
        approved(self, self.clinic, EXPORT_JOURNAL,
                 lambda: JournalExportDialog.ask(self, self.clinic))

    def about(self) -> None:
        text = _("ClinicDesk {version}\n\nThe reception desk of {clinic}: appointments, "
                 "packages, invoices and payments.").format(
                     version=__version__, clinic=self.clinic.settings.get().name)
        if self.clinic.path is not None:
            text += "\n\n" + _("The clinic's file: {path}").format(path=self.clinic.path)
        msgbox.information(self, _("About ClinicDesk"), text)

    # issue 7: who is at the desk, backups, the audit trail ---------------------------------

    def show_signed_in(self) -> None:
        """The status bar names who is signed in; Lock needs someone to sign back in."""
        who = self.clinic.auth.current()
        if who is None:
            self.signed_in_label.setText(_("Not signed in"))
        else:
            self.signed_in_label.setText(_("Signed in: {name} ({role})").format(
                name=who.name, role=role_name(who.role)))
        self.lock_action.setEnabled(who is not None)
        # A copy to a folder of one's choice is a manager's: the front desk sees so up front.
        mark(self.clinic, BACKUP_TO_FOLDER, self.backup_action, _("&Backup Now…"))
        mark(self.clinic, EXPORT_JOURNAL, self.export_journal_action, _("Export &Journal…"))
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

    def _wrote(self) -> None:
        """A job marked as a write finished: show it now, and once (the change marker the
        live refresh polls has moved with it)."""
        self.refresh_all()
        if self.live_refresh is not None:
            self.live_refresh.caught_up()

    def backup_now(self) -> None:
        approved(self, self.clinic, BACKUP_TO_FOLDER, lambda: BackupNow.run(self, self.clinic))

    def restore_backup(self) -> None:
        try:
            self.clinic.auth.require_manager(N_("restore a backup"))  # the service translates it
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not allowed"))
            return
        before = self.clinic.current_staff_id
        if BackupsDialog.ask(self, self.clinic) is None:
            return
        # The restored data (shown by _wrote) has its own staff and PINs: the one who
        # restored signs in again.
        if before is not None or self.clinic.auth.can_sign_in():
            self.idle_lock.lock()
            self.refresh_all()

    def open_audit_trail(self) -> None:
        try:
            AuditTrailDialog.ask(self, self.clinic)
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not allowed"))

    # this desk's own memory of the window (QSettings) ---------------------------------------

    def restore_window_state(self) -> None:
        """Size, place, toolbars and tab as this desk last left them; remembered on close."""
        settings = desk_settings()
        geometry = settings.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = settings.value(STATE_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        try:
            tab = int(settings.value(TAB_KEY, 0))
        except (TypeError, ValueError):
            tab = 0
        if 0 <= tab < self.tabs.count():
            self.tabs.setCurrentIndex(tab)
        self.remember_window = True

    def save_window_state(self) -> None:
        settings = desk_settings()
        settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        settings.setValue(STATE_KEY, self.saveState())
        settings.setValue(TAB_KEY, self.tabs.currentIndex())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Nothing of this window runs on after it: a round of mail, reminders or invoices
        # finishing later would write to its status bar once that is gone.
        for part in (self.live_refresh, getattr(self, "mail_sender", None),
                     getattr(self, "reminder_runs", None),
                     getattr(self, "membership_invoicing", None),
                     getattr(self, "startup_checks", None)):
            if isinstance(part, Running):  # the start-up check: its answer is dropped
                part.cancel()
            elif part is not None:
                part.stop()
        if self.remember_window:
            self.save_window_state()
        super().closeEvent(event)

    # issue 9: another desk's changes ----------------------------------------------------------

    def start_live_refresh(self) -> None:
        """Another desk's changes show here within a couple of seconds (issue 9)."""
        from .live_refresh import LiveRefresh

        if self.live_refresh is None:
            self.live_refresh = LiveRefresh(self, self.clinic, lambda: self.tabs)

    def choose_database(self) -> None:
        """File › Clinic Database: this desk's own file, or the clinic on a server."""
        from .dialogs.connection import ConnectionDialog, restart

        if ConnectionDialog.ask(self, self.clinic):
            restart()
            self.close()
