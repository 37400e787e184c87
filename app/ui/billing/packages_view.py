"""Patient Billing > Packages: every package the patient bought (R19), sell one, view one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QStackedLayout, QVBoxLayout,
                               QWidget)

from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError

from .. import msgbox
from ..formats import Formats
from ..models.packages import PatientPackagesModel
from ..shortcuts import NEW_PURCHASE
from ..tables import make_table, reload, selected_row, wrap_long_text
from .keys import key_text, leave_with_tab


class PatientPackagesView(QWidget):
    #: Something this view did changed the patient's data (a sale, a refund, an expiry).
    changed = Signal()

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.patient_id: int | None = None
        self.model = PatientPackagesModel(Formats(clinic), self)
        # The service lists the newest purchase first; that order is the one the desk wants.
        self.table = make_table(self.model, self, stretch=PatientPackagesModel.USES,
                                sortable=False)
        # The package name is what the desk scans for: whole; the long uses phrase wraps.
        wrap_long_text(self.table)
        self.table.setAccessibleName(_("Packages"))
        self.table.doubleClicked.connect(self.view_package)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.empty = QLabel()
        self.empty.setObjectName("emptyNote")
        self.stack = QStackedLayout()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.new_button = QPushButton(_("&New Package…"))
        self.new_button.setToolTip(_("Sell a package to this patient ({key})").format(
            key=key_text(NEW_PURCHASE)))
        self.new_button.clicked.connect(self.new_package)
        self.view_button = QPushButton(_("&View…"))
        self.view_button.clicked.connect(self.view_package)
        self.import_button = QPushButton(_("&Import Existing Package…"))  # R42
        self.import_button.setToolTip(_("A package this patient bought before the clinic "
                                        "used ClinicDesk"))
        self.import_button.clicked.connect(self.import_package)
        self.stop_sharing_button = QPushButton(_("S&top Sharing"))  # R37: a member's own
        self.stop_sharing_button.clicked.connect(self.stop_sharing)

        bar = QHBoxLayout()
        bar.addWidget(self.import_button)
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.stop_sharing_button)
        bar.addWidget(self.view_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.stack)
        layout.addLayout(bar)
        leave_with_tab(self.table)  # Tab: the list, then the buttons below it
        self.refresh()

    def set_patient(self, patient_id: int | None) -> None:
        self.patient_id = patient_id
        self.model.set_rows([])  # another patient's selection must not carry over
        self.refresh()
        if self.model.rowCount():
            self.table.selectRow(0)

    def refresh(self, select: int | None = None) -> None:
        # Their own packages, then those a household member shares with them (R37).
        rows = [] if self.patient_id is None else [
            *self.clinic.packages.for_patient(self.patient_id),
            *self.clinic.packages.shared_with(self.patient_id)]
        reload(self.table, self.model, rows, select)
        self.empty.setText(_("Choose a patient to see their packages.") if self.patient_id is None
                           else _("No packages yet. New Package… sells one."))
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        self._update_buttons()

    def selected(self):
        return selected_row(self.table)

    def new_package(self) -> None:
        if self.patient_id is None:
            return
        # Patient Billing's sale dialog (R5), shared with Purchases and the schedule.
        from ..dialogs.sale_dialog import SaleDialog
        sold = SaleDialog.ask(self.clinic, self.patient_id, parent=self)
        self._reread(bool(sold), select=sold.package_id if sold else None)

    def import_package(self) -> None:
        if self.patient_id is None:
            return
        from .import_package_dialog import ImportPackageDialog
        brought_in = ImportPackageDialog.ask(self, self.clinic, self.patient_id)
        self._reread(bool(brought_in), select=brought_in or None)

    def view_package(self) -> None:
        package = self.selected()
        if package is None:
            return
        from .package_page import PackagePage
        self._reread(PackagePage.ask(self.clinic, package.id, parent=self,
                                     member=bool(package.shared_by)))

    def stop_sharing(self) -> None:
        """A member's own choice to stop using a package shared with them (R37): its booked
        visits are released, with R28's warning."""
        package = self.selected()
        if package is None or not package.shared_by or self.patient_id is None:
            return
        if not msgbox.confirm(self, _("Stop Sharing"), _(
                "Stop sharing \u201c{name}\u201d with this patient? {purchaser} keeps the "
                "package; uses already redeemed stay on it, and this patient's booked visits "
                "it covers are released.").format(name=package.name,
                                                  purchaser=package.shared_by)):
            return
        try:
            released = self.clinic.packages.unshare(package.id, self.patient_id)
        except ClinicError as error:
            msgbox.refusal(self, error)
            self.refresh()
            return
        for warning in released.warnings:
            msgbox.information(self, _("Booked appointments released"), warning)
        self._reread(True)

    def _reread(self, changed: bool, select: int | None = None) -> None:
        # Even when nothing was done here, another desk may have changed the list meanwhile.
        self.refresh(select)
        if changed:
            self.changed.emit()

    def _update_buttons(self) -> None:
        self.new_button.setEnabled(self.patient_id is not None)
        self.import_button.setEnabled(self.patient_id is not None)
        selected = self.selected()
        self.view_button.setEnabled(selected is not None)
        shared = selected is not None and bool(selected.shared_by)
        self.stop_sharing_button.setVisible(shared)  # only a shared row has it
        self.stop_sharing_button.setToolTip(_(
            "This patient stops using {purchaser}'s package; {purchaser} keeps it").format(
                purchaser=selected.shared_by) if shared else "")
